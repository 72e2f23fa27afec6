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
    sub = parser.add_subparsers(dest="command", metavar="子命令")

    demo = sub.add_parser("demo", help="在空数据库中装入示范社区（虚构数据）")
    demo.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
    demo.add_argument("--households", type=int, default=6554, metavar="N", help="户数（默认6554）")
    demo.add_argument("--seed", type=int, default=20261127, help="随机种子：同一种子生成同一社区")
    demo.add_argument("--users", action="store_true",
                      help="同时创建四个演示账户（密码均为 demo1234），仅供试用")

    report = sub.add_parser("report", help="生成PDF报表：月度报表、人口信息登记表、居民花名册")
    report.add_argument("kind", choices=["monthly", "households", "residents"],
                        help="monthly 月度报表；households 人口信息登记表（每户一页）；residents 居民花名册")
    report.add_argument("--month", metavar="YYYY-MM", help="月度报表的月份，例如 2026-10")
    report.add_argument("--compound", metavar="NAME", help="只统计或打印这个小区（默认全社区）")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的PDF文件")
    report.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="数据库文件")
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


def cmd_report(args: argparse.Namespace) -> int:
    """Reports from the command line: one sentence and exit 1 on any problem, 0 on success."""
    from types import SimpleNamespace

    from models import printouts, stats
    from models.certificates import CertificateError
    from models.db import default_db_path
    from reports.fonts import FontNotFound
    from reports.official import ReportError

    db = Path(args.db) if args.db else default_db_path()
    out = Path(args.out)
    try:
        if not db.is_file():
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
    except (stats.StatsError, ReportError, FontNotFound, printouts.PrintoutError,
            CertificateError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"已生成{what}：{path}")
    return 0


COMMANDS = {"demo": cmd_demo, "report": cmd_report}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from models.db import DatabaseError, default_db_path

    try:
        if args.command:
            return COMMANDS[args.command](args)
        from ui.app import run_gui

        return run_gui(Path(args.db) if args.db else default_db_path())
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
