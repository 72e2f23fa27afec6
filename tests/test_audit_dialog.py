import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from registry_helpers import make_family

from models.core import audit, audit_export, audit_view, clock, crud, idcard
from models.core.entities import AuditLog, Resident
from models.core.permissions import PermissionDenied
from models.registry import compounds, residents
from ui.admin.audit_dialog import AuditDialog
from ui.main_window import MainWindow


def _open(qtbot, user) -> AuditDialog:
    dialog = AuditDialog(user)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _shown(dialog) -> list[tuple[str, str, str]]:
    return [(e.username, e.action, e.record.split("（")[0]) for e in dialog.model.rows]


def test_supervisor_reads_the_log_with_before_and_after(qtbot, clerk, supervisor):
    compound = compounds.create_compound(clerk, "南关小区", "县供电公司")
    compounds.update_compound(clerk, compound, lead_unit="县教育局")
    dialog = _open(qtbot, supervisor)
    dialog.who.setCurrentIndex(dialog.who.findData("clerk"))
    assert dialog.who.currentText() == "李晓梅（clerk）"
    assert _shown(dialog) == [("clerk", "update", "南关小区"), ("clerk", "create", "南关小区")]
    dialog.view.selectRow(0)
    assert [(c.label, c.before, c.after) for c in dialog.selected_changes()] == [
        ("牵头单位", "县供电公司", "县教育局")
    ]
    assert "修改 小区 南关小区" in dialog.heading.text()
    cells = [
        [dialog.changes.index(r, c).data() for c in range(3)]
        for r in range(dialog.changes.rowCount())
    ]
    assert cells == [["牵头单位", "县供电公司", "县教育局"]]
    dialog.view.selectRow(1)  # a new record: its values, nothing before
    created = {
        row[0]: (row[1], row[2])
        for row in (
            [dialog.changes.index(r, c).data() for c in range(3)]
            for r in range(dialog.changes.rowCount())
        )
    }
    assert created["小区名称"] == ("", "南关小区") and created["已归档"] == ("", "否")
    dialog.text.insert("县教育局")
    QTest.keyClick(dialog.text, Qt.Key.Key_Return)
    assert _shown(dialog) == [("clerk", "update", "南关小区")]
    assert dialog.isVisible()  # Enter applied the filter; it did not press 关闭


def test_typing_a_persons_name_shows_their_rows(qtbot, admin, clerk, supervisor):
    _, _, people = make_family(admin)
    residents.log_view(clerk, people["王磊"])
    crud.update(clerk, Resident.get_by_id(people["王芳"]), "更正电话", phone="13900000002")
    dialog = _open(qtbot, supervisor)
    everyone = len(dialog.model.rows)
    assert everyone == AuditLog.select().count()
    dialog.person.setFocus()
    dialog.person.insert("王芳")  # keyClicks cannot type Chinese offscreen
    qtbot.waitUntil(lambda: len(dialog.model.rows) < everyone)  # after the typing pause
    assert _shown(dialog) == [("clerk", "update", "王芳"), ("admin", "create", "王芳")]
    number = Resident.get_by_id(people["王芳"]).id_number
    assert dialog.people.text() == f"王芳（{idcard.mask(number)}）"
    assert dialog.count.text() == "共 2 条"
    assert [c.line for c in dialog.selected_changes()] == ["联系电话：（空） → 13900000002"]
    dialog.person.clear()
    QTest.keyClicks(dialog.person, number[6:14])  # digits of the ID number: her birth date
    QTest.keyClick(dialog.person, Qt.Key.Key_Return)
    assert {r[2] for r in _shown(dialog)} == {"王芳"}
    dialog.person.setText("赵无名")
    QTest.keyClick(dialog.person, Qt.Key.Key_Return)
    assert dialog.model.rows == [] and dialog.people.text() == "没有找到这个居民"
    assert dialog.heading.text() == "没有符合条件的记录。"
    QTest.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert len(dialog.model.rows) == everyone and dialog.person.text() == ""


def test_kind_and_date_filters(qtbot, admin, clerk, supervisor):
    _, _, people = make_family(admin)
    clock.freeze(dt.datetime(2026, 11, 20, 10, 0))
    residents.log_view(clerk, people["王磊"])
    clock.freeze(dt.datetime(2026, 11, 27, 9, 0))
    residents.log_view(clerk, people["王芳"])
    dialog = _open(qtbot, supervisor)
    dialog.action.setCurrentIndex(dialog.action.findText("查看"))
    assert _shown(dialog) == [("clerk", "view", "王芳"), ("clerk", "view", "王磊")]
    dialog.table_filter.setCurrentIndex(dialog.table_filter.findText("住户"))
    assert _shown(dialog) == []
    dialog.table_filter.setCurrentIndex(dialog.table_filter.findText("居民"))
    assert not dialog.since.isEnabled()
    dialog.by_date.setChecked(True)
    assert dialog.since.isEnabled()
    dialog.until.setDate(dialog.until.date().addDays(-2))  # to 11-25
    assert _shown(dialog) == [("clerk", "view", "王磊")]
    dialog.since.setDate(dialog.until.date().addDays(1))  # from 11-26 pushes "to" along
    assert dialog.until.date() == dialog.since.date()
    assert _shown(dialog) == []


def test_a_long_log_opens_one_page_and_scrolling_fetches_more(qtbot, clerk, supervisor):
    compound = compounds.create_compound(clerk, "南关小区")
    for i in range(audit_view.PAGE_SIZE + 50):
        audit.record("clerk", audit.Action.VIEW, "compound", compound.id, note=f"第{i}次")
    total = AuditLog.select().count()
    dialog = _open(qtbot, supervisor)
    assert len(dialog.model.rows) == audit_view.PAGE_SIZE
    assert f"共 {total:,} 条，已显示最新的 {audit_view.PAGE_SIZE} 条" in dialog.count.text()
    dialog.view.setFocus()
    # Ctrl+End goes to the last row fetched, which fetches the next page: the keyboard
    # reaches the rest of the log as well as the scroll bar.
    QTest.keyClick(dialog.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert len(dialog.model.rows) == total
    assert dialog.count.text() == f"共 {total:,} 条"
    assert [e.id for e in dialog.model.rows] == sorted(
        (e.id for e in dialog.model.rows), reverse=True
    )
    assert len({e.id for e in dialog.model.rows}) == total


def test_export_writes_a_workbook_whose_rows_match(
    qtbot, admin, clerk, supervisor, tmp_path, dialogs
):
    _, _, people = make_family(admin)
    residents.log_view(clerk, people["王磊"])
    residents.log_view(clerk, people["王芳"])
    target = tmp_path / "操作日志.xlsx"
    dialogs.answer("save_file", target.with_suffix(""))  # the dialog adds .xlsx
    dialog = _open(qtbot, supervisor)
    dialog.person.insert("王磊")
    QTest.keyClick(dialog.person, Qt.Key.Key_Return)
    shown = [audit_export.export_row(e) for e in dialog.model.rows]
    assert len(shown) == 2
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.exported is not None or dialog.export_error is not None)
    assert dialog.export_error is None and dialogs.titles("save_file") == ["导出操作日志"]
    sheet = load_workbook(target, read_only=True)[audit_export.SHEET_TITLE]
    rows = [[v or "" for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:5] == ["时间", "用户", "操作", "记录类型", "记录"]
    assert rows[2:] == shown
    assert rows[2][2:4] == ["查看", "居民"]
    logged = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (logged.username, logged.action, logged.table_name) == ("zhuren", "export", "audit_log")
    assert json.loads(logged.after)["rows"] == 2
    assert "已导出 2 条" in dialog.status.text()
    dialog.person.clear()
    QTest.keyClick(dialog.person, Qt.Key.Key_Return)
    assert _shown(dialog)[0] == ("zhuren", "export", "")  # the export shows in the log


def test_a_failed_export_is_reported(qtbot, supervisor, tmp_path, dialogs):
    dialogs.allow("warn")
    warnings = dialogs.said("warn")
    missing = tmp_path / "no-such-folder" / "x.xlsx"
    dialogs.answer("save_file", missing)
    dialog = _open(qtbot, supervisor)
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.export_error is not None)
    assert warnings and dialog.export_button.isEnabled()
    assert not AuditLog.select().where(AuditLog.action == "export").exists()


def test_a_clerk_may_not_read_the_log(qtbot, clerk):
    with pytest.raises(PermissionDenied):
        audit.search_log(clerk)
    with pytest.raises(PermissionDenied):
        AuditDialog(clerk)  # the service refuses, not only the menu
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    assert not window.audit_action.isEnabled()


def test_the_keyboard_reaches_the_filters_and_the_rows(qtbot, admin, clerk, supervisor):
    _, _, people = make_family(admin)
    residents.log_view(clerk, people["王磊"])
    dialog = _open(qtbot, supervisor)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.person.hasFocus()  # it opens ready for a name
    dialog.view.setFocus()
    QTest.keyClick(dialog.view, Qt.Key.Key_Down)
    assert dialog.view.currentIndex().row() == 1
    assert dialog.heading.text().startswith(f"<b>{dialog.model.rows[1].time}")
    QTest.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert dialog.person.hasFocus()
    QTest.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # 内容含(&N)
    assert dialog.text.hasFocus()
    QTest.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # 按日期(&D)
    qtbot.waitUntil(dialog.by_date.isChecked)  # a mnemonic clicks its button (animated)
    assert dialog.since.isEnabled()
    QTest.keyClick(dialog.view, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
