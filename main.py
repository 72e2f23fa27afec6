"""社区工作台 (Neighbourhood Desk): start the window, or run a command-line task."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear sentence, non-zero exit
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    from models.version import __version__

    parser = _Parser(
        prog="main.py",
        description="社区工作台：居委会户籍人口、计生服务、社区活动与设施台账。不带子命令时打开窗口。",
    )
    parser.add_argument("--db", metavar="PATH", help="数据库文件（默认在用户数据文件夹中）")
    parser.add_argument("--version", action="version", version=f"社区工作台 {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="自检：在临时数据库上试运行窗口、示范数据、PDF 和备份，然后退出")
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    demo = sub.add_parser("demo", help="在空数据库中装入示范社区（虚构数据）")
    demo.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    demo.add_argument("--households", type=int, default=6554, metavar="N", help="户数（默认6554）")
    demo.add_argument("--seed", type=int, default=20261127, help="随机种子：同一种子生成同一社区")
    demo.add_argument("--users", action="store_true",
                      help="同时创建四个演示账户（密码均为 demo1234），仅供试用")
    add_backup_commands(sub)
    return parser


def _open(args: argparse.Namespace):
    from models.db import default_db_path, open_database

    path = Path(args.db) if args.db else default_db_path()
    open_database(path)
    return path


def cmd_demo(args: argparse.Namespace) -> int:
    from models import demo

    path = _open(args)
    summary = demo.generate(households=args.households, seed=args.seed)
    print(f"已在 {path} 中装入示范社区：{summary.compounds} 个小区，"
          f"{summary.households} 户，{summary.residents} 人。")
    if args.users:
        made = demo_accounts()
        if made:
            print("演示账户（密码 demo1234）：" + "、".join(made))
    return 0


def demo_accounts() -> list[str]:
    """One account per role for trying the program; only on a database with no users."""
    from models import users
    from models.permissions import Role

    if not users.needs_first_admin():
        return []
    admin = users.create_first_admin("admin", "系统管理员", "demo1234")
    made = ["admin"]
    for username, name, role in [("clerk", "李晓梅", Role.CLERK), ("jisheng", "王秀英", Role.POPULATION),
                                 ("zhuren", "张建国", Role.SUPERVISOR)]:
        users.create_user(admin, username, name, role.value, "demo1234")
        made.append(username)
    return made


COMMANDS = {"demo": cmd_demo}


# -- backup, restore, check (issue 8) ------------------------------------------------------------
def add_backup_commands(sub) -> None:
    db_help = "数据库文件（默认为上次打开的数据库）"
    cmd = sub.add_parser("backup", help="备份数据库、照片和附件（一个 .zip 文件）")
    cmd.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    cmd.add_argument("--out", metavar="FILE",
                     help="备份文件（.zip）或文件夹（默认：设置中的备份文件夹，并按保留份数轮换）")
    cmd = sub.add_parser("restore", help="从备份恢复（当前数据库改名保留，不删除）")
    cmd.add_argument("file", metavar="FILE", help="备份文件（.zip 或数据库文件）")
    cmd.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    cmd = sub.add_parser("check", help="检查数据库：完整性、外键、结构版本、记录数")
    cmd.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
    COMMANDS.update({"backup": cmd_backup, "restore": cmd_restore, "check": cmd_check})


def _db_path(args: argparse.Namespace) -> Path:
    from models.local_config import database_to_open

    return Path(args.db) if args.db else database_to_open()


def _existing_db(args: argparse.Namespace) -> Path:
    from models.db import DatabaseError

    path = _db_path(args)
    if not path.is_file():
        raise DatabaseError(f"找不到数据库文件“{path}”。")
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    from models import backup, local_config
    from models.db import open_database

    path = _existing_db(args)
    open_database(path, migrate=False)
    out = Path(args.out) if args.out else None
    try:
        if out is not None and out.suffix.lower() == ".zip" and not out.is_dir():
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


def cmd_restore(args: argparse.Namespace) -> int:
    import getpass

    from models import backup
    from models.db import open_database
    from models.db_lock import DatabaseLock

    path = _db_path(args)
    with DatabaseLock(path, purpose="restore"):
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
    from models import backup, dbcheck, local_config

    path = _existing_db(args)
    report = dbcheck.check_file(path, full=True)
    print(f"数据库：{path}")
    if report.schema_version:
        note = "（打开时会自动升级）" if report.schema_version < report.latest else ""
        print(f"结构版本：{report.schema_version}（本程序 {report.latest}）{note}")
    if report.counts:
        print(f"内容：{dbcheck.describe_counts(report.counts)}")
    if report.ok:
        print("检查通过：完整性、外键和结构版本均正常。")
        return 0
    print(f"检查未通过：{report.summary()}", file=sys.stderr)
    if report.damaged:
        good = backup.newest_good(backup.backup_folders(local_config.load()), path.stem)
        if good is not None:
            print(f"最新的完好备份：{good.describe()}。恢复：main.py restore \"{good.path}\"",
                  file=sys.stderr)
    return 1


def _utf8_output() -> None:
    # A bare system (C locale, no LANG) would print Chinese as an encoding error.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and (stream.encoding or "").lower() in ("ascii", "ansi_x3.4-1968"):
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    _utf8_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    from models.db import DatabaseError

    try:
        if args.self_test:
            from ui.self_test import run_self_test

            return run_self_test()
        if args.command:
            return COMMANDS[args.command](args)
        from ui.app import run_gui

        return run_gui(Path(args.db) if args.db else None)
    except DatabaseError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the command line answers with one sentence, not a traceback
        from models.demo import DemoError
        from models.users import UserError

        if isinstance(exc, (DemoError, UserError, PermissionError, OSError)):
            print(f"错误：{exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
