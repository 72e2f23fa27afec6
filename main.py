"""社区工作台 (Neighbourhood Desk): start the window, or run a command-line task."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from models.core.db import DatabaseTarget


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear sentence, non-zero exit
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    from models.core.version import __version__

    parser = _Parser(
        prog="main.py",
        description="社区工作台：居委会户籍人口、计生服务、社区活动与设施台账。不带子命令时打开窗口。",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="数据库文件（默认在用户数据文件夹中），或办公室服务器 postgresql://用户@主机/库名",
    )
    parser.add_argument("--version", action="version", version=f"社区工作台 {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="自检：在临时数据库上试运行窗口、示范数据、PDF 和备份，然后退出",
    )
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    demo = sub.add_parser("demo", help="在空数据库中装入示范社区（虚构数据）")
    demo.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    demo.add_argument("--households", type=int, default=6554, metavar="N", help="户数（默认6554）")
    demo.add_argument("--seed", type=int, default=20261127, help="随机种子：同一种子生成同一社区")
    demo.add_argument(
        "--users", action="store_true", help="同时创建四个演示账户（密码均为 demo1234），仅供试用"
    )
    _add_workbook_commands(sub)

    fac = sub.add_parser("facilities", help="设施台账：打印达标情况报告，导出或载入建设标准模板")
    fac.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    fac.add_argument("--report", metavar="PDF", help="把达标情况报告保存为 PDF")
    fac.add_argument("--centre", metavar="名称", help="服务中心名称（默认第一个）")
    fac.add_argument("--as-of", metavar="YYYY-MM-DD", help="报告日期（默认今天）")
    fac.add_argument("--export-standard", metavar="JSON", help="把当前建设标准导出为模板文件")
    fac.add_argument("--load-standard", metavar="JSON", help="载入标准模板并启用（旧标准保留）")

    report = sub.add_parser("report", help="生成PDF报表：月度报表、人口信息登记表、居民花名册")
    report.add_argument(
        "kind",
        choices=["monthly", "households", "residents"],
        help="monthly 月度报表；households 人口信息登记表（每户一页）；residents 居民花名册",
    )
    report.add_argument("--month", metavar="YYYY-MM", help="月度报表的月份，例如 2026-10")
    report.add_argument("--compound", metavar="NAME", help="只统计或打印这个小区（默认全社区）")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的PDF文件")
    report.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    add_backup_commands(sub)
    add_migrate_command(sub)
    return parser


def _add_workbook_commands(sub) -> None:
    """import / export households: the register as a workbook, for IT and scripts."""
    imp = sub.add_parser("import", help="从工作簿（.xlsx/.xls/.csv）导入花名册")
    imp.add_argument(
        "what", choices=["households"], help="导入的内容：households（户籍人口花名册）"
    )
    imp.add_argument(
        "file", metavar="FILE", help="工作簿文件（.xlsx、.xls，或 GBK/UTF-8 编码的 .csv）"
    )
    imp.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imp.add_argument("--json", action="store_true", help="以一个 JSON 对象输出结果")
    imp.add_argument(
        "--user",
        metavar="NAME",
        help="记入操作日志的用户名（须为已有的、可导入的账户；默认记为 cli）",
    )
    imp.add_argument(
        "--compound", metavar="NAME", help="表中没有“小区”列时，这些住户所在的小区（没有则新建）"
    )
    imp.add_argument(
        "--category",
        metavar="CODE",
        help="表中没有“人员类别”列时新增人员的类别：1 户籍人口、4 流动人口、3 人户分离、2 常住人口",
    )
    imp.add_argument(
        "--map",
        metavar="表头=字段",
        action="append",
        default=[],
        help="指定某列对应的字段（如 --map 现居住地=address；字段为空表示不导入该列），可重复",
    )
    imp.add_argument(
        "--enrolled-on", metavar="YYYY-MM-DD", help="没有来本地日期的新增人员的入册日期（默认今天）"
    )
    exp = sub.add_parser("export", help="把花名册导出为 .xlsx 工作簿（可原样再导入）")
    exp.add_argument(
        "what", choices=["households"], help="导出的内容：households（户籍人口花名册）"
    )
    exp.add_argument("file", metavar="FILE.xlsx", help="要写入的工作簿文件")
    exp.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    exp.add_argument("--user", metavar="NAME", help="记入操作日志的用户名（默认记为 cli）")
    fill = sub.add_parser("fill", help="一表通：用户籍信息填写一个部门报表模板（.xlsx）")
    fill.add_argument("template", nargs="?", metavar="TEMPLATE", help="模板名称或编号")
    fill.add_argument("--out", metavar="FILE.xlsx", help="要写入的工作簿文件")
    fill.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="填表日期（默认今天；年龄等按模板的日期规则计）"
    )
    fill.add_argument("--recipient", metavar="TEXT", default="", help="报送对象，记入生成记录")
    fill.add_argument("--list", action="store_true", help="列出全部模板")
    fill.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    fill.add_argument("--user", metavar="NAME", help="记入操作日志的用户名（默认记为 cli）")


def _open(args: argparse.Namespace):
    from models.core.db import database_target
    from models.migrations import open_database

    path = database_target(args.db)
    open_database(path)
    return path


def refused_when_busy(command):
    """A command-line writer refused by the lock (models.core.db_lock.writer_lock) or by a database
    still busy after the busy timeout: one sentence and exit code 2, nothing written."""
    import functools

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        import sqlite3

        import peewee

        from models.core.db_lock import WriterRefused

        try:
            return command(args)
        except WriterRefused as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return WriterRefused.exit_code
        except (sqlite3.OperationalError, peewee.OperationalError) as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            print(
                "错误：数据库正被其他程序写入，等待后仍未轮到，本次操作没有写入任何内容。"
                "请稍后再试。",
                file=sys.stderr,
            )
            return 2

    return run


def check_before_writing(path: DatabaseTarget) -> None:
    """Refuse to write into a file `check` calls damaged (an empty file included); name the
    newest good backup. A missing file is fine: it becomes a new database. (A server keeps
    its own pages; there is no file to check.)"""
    from models.core import backup, dbcheck, local_config
    from models.core.db import DatabaseError

    if not isinstance(path, Path):
        return
    report = dbcheck.check_file(path)
    if report.ok:
        return
    text = f"数据库“{path}”未通过检查：{report.summary()}没有写入任何内容。"
    if report.damaged:
        good = backup.newest_good(backup.backup_folders(local_config.load()), path.stem)
        if good is not None:
            text += f'最新的完好备份：{good.describe()}。恢复：main.py restore "{good.path}"'
    raise DatabaseError(text)


@refused_when_busy
def cmd_demo(args: argparse.Namespace) -> int:
    from models import demo
    from models.core.db import database_target
    from models.core.db_lock import writer_lock
    from models.migrations import open_database

    path = database_target(args.db)
    with writer_lock(path, "demo"):
        check_before_writing(path)
        open_database(path)
        summary = demo.generate(households=args.households, seed=args.seed)
        made = demo_accounts() if args.users else []
    print(
        f"已在 {path} 中装入示范社区：{summary.compounds} 个小区，"
        f"{summary.households} 户，{summary.residents} 人。"
    )
    if made:
        print("演示账户（密码 demo1234）：" + "、".join(made))
    return 0


def demo_accounts() -> list[str]:
    """One account per role for trying the program; only on a database with no users."""
    from models.core import users
    from models.core.permissions import Role

    if not users.needs_first_admin():
        return []
    admin = users.create_first_admin("admin", "系统管理员", "demo1234")
    made = ["admin"]
    for username, name, role in [
        ("clerk", "李晓梅", Role.CLERK),
        ("jisheng", "王秀英", Role.CASEWORK),
        ("zhuren", "张建国", Role.SUPERVISOR),
    ]:
        users.create_user(admin, username, name, role.value, "demo1234")
        made.append(username)
    return made


def cmd_facilities(args: argparse.Namespace) -> int:
    import datetime as dt

    from models.facilities import centre as facilities_centre
    from models.facilities import standard as facilities_standard
    from models.facilities.standard import StandardError
    from reports.facilities_compliance import build_compliance_report

    _open(args)
    # The command line is run by whoever holds the database file; it acts as a supervisor.
    actor = type("CommandLine", (), {"username": "命令行", "role": "supervisor"})()
    try:
        if args.load_standard:
            std = facilities_standard.load_template_file(actor, args.load_standard)
            print(f"已载入并启用标准：{std.name}（{len(std.items)}项）")
        if args.export_standard:
            std = facilities_standard.active_standard()
            facilities_standard.save_template(std.id, args.export_standard)
            print(f"已导出标准“{std.name}”到 {args.export_standard}")
        if args.report:
            centres = facilities_centre.list_centres()
            centre = (
                next((c for c in centres if c.name == args.centre), None)
                if args.centre
                else (centres[0] if centres else None)
            )
            if centre is None:
                print("错误：没有找到服务中心。", file=sys.stderr)
                return 1
            as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
            path = build_compliance_report(actor, centre.id, args.report, as_of=as_of)
            print(f"已保存“{centre.name}”达标情况报告：{path}")
    except (StandardError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


COMMANDS = {"demo": cmd_demo, "facilities": cmd_facilities}


class _CliActor:
    """Who the command line acts as. Whoever can run it can open the database file itself,
    so it has the administrator's rights; the audit log records it as "cli" (or --user)."""

    def __init__(self, username: str = "cli") -> None:
        self.username = username
        self.role = "admin"


def _cli_actor(args: argparse.Namespace):
    from models.core.entities import User

    name = getattr(args, "user", None)
    if not name:
        return _CliActor()
    user = User.get_or_none((User.username == name) & (User.active == True))  # noqa: E712
    if user is None:
        raise LookupError(f"用户“{name}”不存在或已停用。")
    return user


@refused_when_busy
def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0: nothing rejected; 1: rows rejected (the valid ones imported unless --dry-run);
    2: the file cannot be read, the arguments are wrong or the database is held by a window
    or another writer (nothing written)."""
    import json
    from contextlib import nullcontext

    from models.core.db import database_target
    from models.core.db_lock import WriterRefused, writer_lock
    from models.registry.workbook import importer as wi

    def fail(message: str) -> int:
        if args.json:
            print(json.dumps({"error": message}, ensure_ascii=False))
        print(f"错误：{message}", file=sys.stderr)
        return 2

    try:
        options = _import_options(args)
    except ValueError as exc:
        return fail(str(exc))
    # A dry run writes nothing and may run beside the window; an import holds the writer lock.
    path = database_target(args.db)
    try:
        with nullcontext() if args.dry_run else writer_lock(path, "import"):
            _open(args)
            actor = _cli_actor(args)
            result = wi.import_file(actor, args.file, dry_run=args.dry_run, options=options)
    except (
        LookupError,
        PermissionError,
        wi.WorkbookReadError,
        wi.ImportBlocked,
        WriterRefused,
    ) as exc:
        return fail(str(exc))  # nothing was written
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        pv = result.preview
        verb = "试导入（未写入数据库）" if args.dry_run else "已导入"
        print(
            f"{verb}“{Path(args.file).name}”：新增 {result.new_households} 户、"
            f"{result.new_residents} 人；更新 {result.updated_households} 户、"
            f"{result.updated_residents} 人；无变化 {pv.unchanged_residents} 人；"
            f"有警告 {pv.count(wi.WARNING)} 行；退回 {len(result.rejected)} 行。"
        )
        if result.tags_added or result.tags_changed or result.tags_ended:
            print(
                f"  特殊人群：新增 {result.tags_added} 项、修改 {result.tags_changed} 项、"
                f"结束 {result.tags_ended} 项。"
            )
        for row in pv.rows:
            if row.issues:
                mark = "退回" if row.rejected else "警告"
                print(f"  [{mark}] {row.sheet} 第{row.row}行：{row.reason()}")
        for note in pv.notes:
            print(f"  [说明] {note}")
        for question in pv.questions:  # a dry run goes on to show what the answers would do
            print(f"  [待回答] {question.text}（用 --compound、--category 或 --map 回答）")
    return 1 if result.rejected else 0


def _import_options(args: argparse.Namespace):
    """The preview's choices, given on the command line."""
    import datetime as dt

    from models.core import codes
    from models.registry.workbook import importer as wi
    from models.registry.workbook.headers import header_key
    from models.registry.workbook.rows import FIELD_LABELS

    mapping: dict[str, str] = {}
    by_label = {label: name for name, label in FIELD_LABELS.items()}
    for item in args.map or []:
        header, sep, name = item.partition("=")
        name = by_label.get(name.strip(), name.strip())
        if not sep or not header.strip():
            raise ValueError(f"--map “{item}” 应写成 表头=字段")
        if name and name not in FIELD_LABELS:
            raise ValueError(f"--map “{item}”：没有字段“{name}”（可用：{'、'.join(FIELD_LABELS)}）")
        mapping[header_key(header)] = name
    category = ""
    if args.category:
        category = codes.lookup("category", args.category) or ""
        if not category:
            raise ValueError(
                f"人员类别“{args.category}”无效"
                "（可选：1 户籍人口、4 流动人口、3 人户分离、2 常住人口）"
            )
    enrolled = None
    if args.enrolled_on:
        try:
            enrolled = dt.date.fromisoformat(args.enrolled_on)
        except ValueError as exc:
            raise ValueError(f"入册日期“{args.enrolled_on}”应写成 YYYY-MM-DD") from exc
    return wi.ImportOptions(
        mapping=mapping, compound=args.compound or "", category=category, enrolled_on=enrolled
    )


def cmd_export(args: argparse.Namespace) -> int:
    from models.registry.workbook import export as workbook_export

    if Path(args.file).suffix.lower() != ".xlsx":
        print("错误：导出文件名须以 .xlsx 结尾。", file=sys.stderr)
        return 2
    _open(args)
    try:
        actor = _cli_actor(args)
    except LookupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    summary = workbook_export.export_register(actor, args.file)
    ids = "含完整身份证号码，请妥善保管" if summary.full_ids else "身份证号码已部分隐藏"
    print(
        f"已导出 {summary.compounds} 个小区、{summary.households} 户、{summary.residents} 人"
        f"到 {summary.path}（{ids}）。"
    )
    return 0


@refused_when_busy
def cmd_fill(args: argparse.Namespace) -> int:
    """Exit 0: filled (or listed); 2: wrong arguments, unknown template, or nothing written."""
    import datetime as dt

    from models.core.db import DatabaseError, database_target
    from models.core.db_lock import writer_lock
    from models.fill import lists as fill_lists
    from models.fill import templates as fill_templates

    path = database_target(args.db)
    try:
        if args.list:
            _open(args)
            for info in fill_templates.templates(_cli_actor(args)):
                last = f"，上次生成 {info.last_run:%Y-%m-%d}" if info.last_run else ""
                print(
                    f"{info.id}\t{info.name}（{info.department or '未填部门'}）"
                    f"\t名单：{info.list_name or '未选'}{last}"
                )
            return 0
        if not args.template or not args.out:
            raise ValueError(
                "需要模板名称和 --out 输出文件，例如：main.py fill 高龄老人名单 --out 名单.xlsx"
            )
        if Path(args.out).suffix.lower() != ".xlsx":
            raise ValueError("输出文件名须以 .xlsx 结尾。")
        try:
            as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
        except ValueError as exc:
            raise ValueError(f"日期“{args.as_of}”应写成 YYYY-MM-DD") from exc
        with writer_lock(path, "fill"):
            check_before_writing(path)
            _open(args)
            actor = _cli_actor(args)
            info = fill_templates.find_template(actor, args.template)
            result = fill_templates.fill(
                actor, info.id, args.out, as_of=as_of, recipient=args.recipient
            )
    except (
        ValueError,
        LookupError,
        PermissionError,
        DatabaseError,
        fill_templates.FillError,
        fill_lists.ListError,
    ) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    ids = (
        "（含完整身份证号码，请妥善保管）"
        if result.full_ids
        else "（该账户不能查看完整身份证号码，已部分隐藏）"
        if result.masked_for_role
        else ""
    )
    print(
        f"已生成“{info.name}”{result.rows}行（按{result.day:%Y年%m月%d日}计）"
        f"到 {result.path}{ids}。"
    )
    return 0


COMMANDS["import"] = cmd_import
COMMANDS["export"] = cmd_export
COMMANDS["fill"] = cmd_fill


def cmd_report(args: argparse.Namespace) -> int:
    """Reports from the command line: one sentence and exit 1 on any problem, 0 on success."""
    from types import SimpleNamespace

    from models.certificates.service import CertificateError
    from models.core.db import database_target
    from models.monthly import stats
    from models.registry import printouts
    from reports.layout.fonts import FontNotFound
    from reports.layout.official import ReportError

    db = database_target(args.db)
    out = Path(args.out)
    try:
        if isinstance(db, Path) and not db.is_file():
            raise ReportError(f"数据库文件“{db}”不存在。")
        month = None
        if args.kind == "monthly":
            if not args.month:
                raise ReportError("月度报表需要用 --month 指定月份，例如 --month 2026-10。")
            month = stats.Month.parse(args.month)
        _open(args)
        compound = stats.compound_by_name(args.compound) if args.compound else None
        scope = compound.name if compound else "全社区"
        cid = compound.id if compound else None
        # The command line runs with the file's owner's rights; printing is still logged.
        actor = SimpleNamespace(username="cli", role="admin")
        if month is not None:
            from reports.monthly import build_monthly_report

            path = build_monthly_report(out, month, cid)
            what = f"{month.label}{scope}月度报表"
        elif args.kind == "households":
            from reports.household_form import build_household_forms

            sheets = printouts.household_sheets(actor, compound_id=cid)
            if not sheets:
                raise ReportError(f"{scope}没有在册住户，未生成文件。")
            path = build_household_forms(out, sheets)
            what = f"{scope}人口信息登记表（{len(sheets)}户）"
        else:
            from reports.resident_list import build_resident_list

            rows = printouts.resident_list(actor, cid)
            path = build_resident_list(out, rows, scope)
            what = f"{scope}居民花名册（{len(rows)}人）"
    except (
        stats.StatsError,
        ReportError,
        FontNotFound,
        printouts.PrintoutError,
        CertificateError,
    ) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"已生成{what}：{path}")
    return 0


COMMANDS["report"] = cmd_report


# -- backup, restore, check (issue 8) ------------------------------------------------------------
def add_backup_commands(sub) -> None:
    db_help = "数据库文件（默认为上次打开的数据库）"
    cmd = sub.add_parser("backup", help="备份数据库、照片和附件（一个 .zip 文件）")
    cmd.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    cmd.add_argument(
        "--out",
        metavar="FILE",
        help="备份文件（.zip）或文件夹（默认：设置中的备份文件夹，并按保留份数轮换）",
    )
    cmd = sub.add_parser("restore", help="从备份恢复（当前数据库改名保留，不删除）")
    cmd.add_argument("file", metavar="FILE", help="备份文件（.zip 或数据库文件）")
    cmd.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    cmd = sub.add_parser("check", help="检查数据库：完整性、外键、结构版本、记录数")
    cmd.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    COMMANDS.update({"backup": cmd_backup, "restore": cmd_restore, "check": cmd_check})


def _db_path(args: argparse.Namespace) -> DatabaseTarget:
    from models.core.db import database_target
    from models.core.local_config import database_to_open

    return database_target(args.db) if args.db else database_to_open()


def _existing_db(args: argparse.Namespace) -> DatabaseTarget:
    from models.core.db import DatabaseError

    path = _db_path(args)
    if isinstance(path, Path) and not path.is_file():
        raise DatabaseError(f"找不到数据库文件“{path}”。")
    return path


def _backup_to_file(out: Path, raw: str) -> bool:
    """--out names a file (x.zip, x.bak: any name with a suffix) or a folder (an existing
    folder, a name ending in a slash, or a name without a suffix)."""
    if out.is_dir() or raw.endswith(("/", "\\")):
        return False
    return bool(out.suffix)


@refused_when_busy
def cmd_backup(args: argparse.Namespace) -> int:
    from models.core import backup, local_config
    from models.core.db_lock import writer_lock
    from models.migrations import open_database

    path = _existing_db(args)
    out = Path(args.out) if args.out else None
    with writer_lock(path, "backup"):
        open_database(path, migrate=False)
        try:
            if out is not None and _backup_to_file(out, args.out):
                info = backup.create_backup(out)
            elif out is not None:  # a folder (made if missing): a dated name, nothing rotated
                info, _ = backup.backup_to_folder(out, keep_daily=10**6, keep_monthly=0)
            else:
                result = backup.auto_backup(local_config.load())
                info = result.info
                if result.warning:
                    print(f"注意：{result.warning}", file=sys.stderr)
        except backup.BackupError as exc:
            print(f"备份失败：{exc}", file=sys.stderr)
            return 1
    print(f"已备份到 {info.path}：{info.describe()}。")
    return 0


@refused_when_busy
def cmd_restore(args: argparse.Namespace) -> int:
    import getpass

    from models.core import backup
    from models.core.db_lock import writer_lock
    from models.migrations import open_database

    path = _db_path(args)
    with writer_lock(path, "restore"):
        try:
            result = backup.restore(args.file, path)
        except backup.BackupError as exc:
            print(f"恢复失败：{exc}", file=sys.stderr)
            return 1
        open_database(path)  # an older backup is brought up to this program's schema
        backup.note_restored(result, f"命令行:{getpass.getuser()}")
    print(result.describe())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from models.core import backup, dbcheck, local_config
    from models.core.db import target_text

    path = _existing_db(args)
    report = dbcheck.check_file(path, full=True)
    print(f"数据库：{target_text(path)}")
    if report.schema_version:
        note = "（打开时会自动升级）" if report.schema_version < report.latest else ""
        print(f"结构版本：{report.schema_version}（本程序 {report.latest}）{note}")
    if report.counts:
        print(f"内容：{dbcheck.describe_counts(report.counts)}")
    if report.ok and report.notes:  # a server: what was checked, and what only files have
        print("检查通过：结构版本、操作日志保护和搜索索引均正常。" + "；".join(report.notes) + "。")
        return 0
    if report.ok:
        print("检查通过：完整性、外键和结构版本均正常。")
        return 0
    print(f"检查未通过：{report.summary()}", file=sys.stderr)
    if report.damaged and isinstance(path, Path):
        good = backup.newest_good(backup.backup_folders(local_config.load()), path.stem)
        if good is not None:
            print(
                f'最新的完好备份：{good.describe()}。恢复：main.py restore "{good.path}"',
                file=sys.stderr,
            )
    return 1


# -- migrate-to (issue 17) ----------------------------------------------------------------------
def add_migrate_command(sub) -> None:
    cmd = sub.add_parser(
        "migrate-to",
        help="把本机数据库（含操作日志、照片和附件）迁移到办公室服务器上的空 PostgreSQL 数据库",
    )
    cmd.add_argument("url", metavar="postgresql://用户@主机/库名", help="服务器上的空数据库")
    cmd.add_argument(
        "--db",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="要迁移的数据库文件（默认为上次打开的数据库）",
    )
    COMMANDS["migrate-to"] = cmd_migrate_to


@refused_when_busy
def cmd_migrate_to(args: argparse.Namespace) -> int:
    import getpass

    from models.core import local_config, migrate_to
    from models.core.db import DatabaseError, close_database
    from models.core.db_lock import writer_lock

    source = _existing_db(args)
    if not isinstance(source, Path):
        raise DatabaseError("--db 应是本机的数据库文件（要迁移的那一份），不是服务器地址。")
    check_before_writing(source)
    shown = [-1]

    def progress(done: int, total: int) -> bool:
        tenth = done * 10 // max(total, 1)
        if tenth != shown[0]:
            shown[0] = tenth
            print(f"已复制 {done}/{total}", file=sys.stderr)
        return True

    with writer_lock(source, "migrate-to"):
        try:
            result = migrate_to.migrate_to(
                source, args.url, username=f"命令行:{getpass.getuser()}", progress=progress
            )
        except migrate_to.MigrateError as exc:
            print(f"迁移失败：{exc}", file=sys.stderr)
            return 1
        finally:
            close_database()
    local_config.remember_database(args.url)  # the window opens the server from now on
    print(result.summary())
    print(result.advice())
    return 0


def _utf8_output() -> None:
    # A bare system (C locale, no LANG) would print Chinese as an encoding error.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and (stream.encoding or "").lower() in ("ascii", "ansi_x3.4-1968"):
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]


def _gui_target(arg: str | None) -> DatabaseTarget | None:
    """--db for the window: a server URL as given, a file path, or None (the last one)."""
    if arg is None:
        return None
    from models.core.db import database_target

    return database_target(arg)


def main(argv: list[str] | None = None) -> int:
    _utf8_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    from models.core.db import DatabaseError

    try:
        if args.self_test:
            from ui.self_test import run_self_test

            return run_self_test()
        if args.command:
            from models.core import logfile

            with logfile.session(args.command):  # also to the log file; stderr as before
                return COMMANDS[args.command](args)
        from ui.app import run_gui

        return run_gui(_gui_target(args.db))
    except DatabaseError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the command line answers with one sentence, not a traceback
        from models.core.users import UserError
        from models.demo import DemoError

        if isinstance(exc, (DemoError, UserError, PermissionError, OSError)):
            print(f"错误：{exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
