"""`main.py --self-test`: does this installation work? (for IT, and for the packaged build)

Offscreen, on a temporary database and settings folder that are removed afterwards: open a
database, fill a small demo, draw the main window with Chinese text, write a PDF with an
embedded Chinese font, back up and check the backup. Prints each check; exit 0 only if all pass.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path


def _checks(work: Path) -> list[tuple[str, Callable[[], str]]]:
    state: dict[str, object] = {}

    def versions() -> str:
        import sqlite3

        import peewee
        import PySide6
        import reportlab
        from PySide6.QtCore import qVersion

        from models.core.version import __version__

        return (
            f"社区工作台 {__version__}，Python {sys.version.split()[0]}，"
            f"Qt {qVersion()}，PySide6 {PySide6.__version__}，"
            # peewee-stubs leaves out __version__, which peewee.py defines.
            f"peewee {peewee.__version__}，"  # type: ignore[attr-defined]
            f"reportlab {reportlab.Version}，"
            f"SQLite {sqlite3.sqlite_version}"
        )

    def database() -> str:
        from models.core import users
        from models.migrations import LATEST, current_version, open_database

        db = open_database(work / "selftest.sqlite3")
        state["admin"] = users.create_first_admin("admin", "系统管理员", "selftest1234")
        return f"新建数据库，结构版本 {current_version(db)}（最新 {LATEST}）"

    def demo_data() -> str:
        from models import demo

        summary = demo.generate(households=30, seed=8)
        if summary.residents < 30:
            raise RuntimeError(f"示范数据只有 {summary.residents} 人")
        return (
            f"示范社区：{summary.compounds} 个小区，{summary.households} 户，{summary.residents} 人"
        )

    def window() -> str:
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtGui import QFontDatabase, QFontInfo

        from ui.app import create_application
        from ui.main_window import MainWindow

        app, font_warning = create_application(["neighbourhood-desk", "--self-test"])
        if font_warning:
            raise RuntimeError(font_warning)
        families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        if not families:
            raise RuntimeError("Qt 找不到中文字体")
        cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
        if cancel != "取消":
            raise RuntimeError(f"Qt 中文翻译（qtbase_zh_CN）未加载：“Cancel”显示为“{cancel}”")
        win = MainWindow(state["admin"])  # type: ignore[arg-type]
        win.resize(1200, 760)
        win.show()
        for _ in range(5):
            app.processEvents()
        image = win.grab().toImage()
        path = work / "window.png"
        if image.isNull() or not image.save(str(path)):
            raise RuntimeError("无法绘制主窗口")
        tabs = [win.tabs.tabText(i) for i in range(win.tabs.count())]
        font = QFontInfo(app.font()).family()
        win.close()
        return (
            f"主窗口 {image.width()}×{image.height()}（{'、'.join(tabs)}），"
            f"界面字体 {font}，Qt 中文翻译已加载"
        )

    def pdf() -> str:
        from reportlab.platypus import Paragraph

        from models.core import settings
        from reports.layout.fonts import find_cjk_font
        from reports.layout.official import Document, data_table, format_date, styles

        font = find_cjk_font(settings.get("font_path") or None)
        st = styles(settings.get("font_path") or None)
        path = work / "selftest.pdf"
        doc = Document(path, "社区工作台自检报告", settings.get("issuing_unit"))
        doc.build(
            [
                Paragraph("社区工作台自检报告", st.title),
                Paragraph(f"本页由自检程序生成，日期：{format_date(doc.date)}。", st.body),
                data_table(
                    st,
                    ["小区", "户数", "人数"],
                    [["南关小区", "12", "35"], ["合计", "12", "35"]],
                    numeric=(1, 2),
                    total_row=True,
                ),
            ]
        )
        data = path.read_bytes()
        if not data.startswith(b"%PDF") or b"/FontFile2" not in data:
            raise RuntimeError("PDF 未嵌入 TrueType 中文字体")
        return f"PDF {len(data) // 1024} KB，嵌入字体 {font.label or font.path.name}（{font.path}）"

    def backup_round_trip() -> str:
        from models.core import backup, files

        files.store(work / "window.png", "selftest")  # a photo travels with the backup
        info = backup.create_backup(work / "backups" / "selftest.zip")
        checked = backup.verify(info.path)
        stored = sum(1 for p in files.attachments_dir().rglob("*") if p.is_file())
        if checked.counts != info.counts or checked.files != stored or stored < 1:
            raise RuntimeError(
                f"备份内容不符：{checked.counts}，{checked.files} 个附件"
                f" ≠ {info.counts}，{stored} 个附件"
            )
        return f"备份与校验：{checked.describe()}"

    def integrity() -> str:
        from models.core import dbcheck
        from models.core.db import close_database

        close_database()
        report = dbcheck.check_file(work / "selftest.sqlite3", full=True)
        if not report.ok:
            raise RuntimeError(report.summary())
        return "完整性检查与外键检查通过"

    return [
        ("程序与组件", versions),
        ("数据库", database),
        ("示范数据", demo_data),
        ("窗口", window),
        ("PDF", pdf),
        ("备份", backup_round_trip),
        ("完整性", integrity),
    ]


def run_self_test() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="ndesk-selftest-"))
    # Never touch the real user's data, settings or Qt settings.
    os.environ["NDESK_DATA_DIR"] = str(work / "data")
    os.environ["NDESK_CONFIG_DIR"] = str(work / "config")
    os.environ["XDG_CONFIG_HOME"] = str(work / "xdg-config")
    started = time.perf_counter()
    failures = 0
    print(f"社区工作台自检（临时文件夹 {work}）", flush=True)
    checks = _checks(work)
    for name, check in checks:
        t0 = time.perf_counter()
        try:
            detail = check()
        except Exception as exc:  # report every failing check, then fail
            failures += 1
            print(f"[失败] {name}：{exc}", flush=True)
            traceback.print_exc(file=sys.stderr)
            continue
        print(f"[通过] {name}：{detail}（{time.perf_counter() - t0:.2f} 秒）", flush=True)
    total = time.perf_counter() - started
    if failures:
        print(f"自检未通过：{failures} 项失败（用时 {total:.1f} 秒）。临时文件保留在 {work}。")
        return 1
    if os.environ.get("NDESK_SELFTEST_KEEP"):  # to look at window.png and selftest.pdf
        print(f"临时文件保留在 {work}。")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"自检通过：全部 {len(checks)} 项正常（用时 {total:.1f} 秒）。")
    return 0
