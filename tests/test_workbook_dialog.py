"""The import window driven through its real widgets: choose, preview, filter, import, save."""

from __future__ import annotations

import workbook_samples as ws
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from models.core.entities import AuditLog, Household, Resident
from ui.main_window import MainWindow
from ui.registry.import_dialog import ImportDialog


def _cell(dialog: ImportDialog, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return dialog.proxy.data(dialog.proxy.index(row, column), role)


def test_preview_filter_import_and_save_rejected(qtbot, clerk, tmp_path, dialogs):
    messy = ws.messy_workbook(tmp_path / "花名册.xlsx")
    saved = tmp_path / "退回.xlsx"
    dialogs.answer("open_file", messy)
    dialogs.answer("save_file", saved)
    dialogs.answer("confirm", True, True)  # import; save the rejected rows
    asked = dialogs.said("confirm")
    dialog = ImportDialog(clerk)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    assert Resident.select().count() == 0  # the preview wrote nothing
    # the file names neither the first sheet's compound nor the people's category: asked
    assert not dialog.import_button.isEnabled()
    assert "人员类别" in dialog.choices.questions.text()
    assert dialog.choices.compound_boxes["南关小区"].currentText() == "南关小区"  # proposed
    _answer_and_recheck(qtbot, dialog, category="1")
    total = len(ws.ACCEPTED) + len(ws.REJECTED)
    assert dialog.proxy.rowCount() == total
    assert "退回11行" in dialog.summary.text() and "填表说明" in dialog.notes.text()
    # each problem marked: colour and a reason in the last column
    statuses = [_cell(dialog, r, 0) for r in range(total)]
    first_rejected = statuses.index("退回")
    assert _cell(dialog, first_rejected, 2) == "8"
    assert (
        _cell(dialog, first_rejected, 0, Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"
    )
    assert "15位有效数字" in _cell(dialog, first_rejected, 8)
    assert _cell(dialog, first_rejected, 5).startswith("6106271958")  # a wrong ID is shown whole
    ok_row = statuses.index("正常")
    assert "*" in _cell(dialog, ok_row, 5)  # a clerk sees good numbers masked
    assert _cell(dialog, ok_row, 0, Qt.ItemDataRole.BackgroundRole) is None
    warned = statuses.index("警告")
    assert _cell(dialog, warned, 0, Qt.ItemDataRole.BackgroundRole).color().name() == "#fff3cd"

    dialog.only_problems.click()
    assert dialog.proxy.rowCount() == len(ws.REJECTED) + len(ws.WARNED)
    assert {_cell(dialog, r, 0) for r in range(dialog.proxy.rowCount())} == {"退回", "警告"}

    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=20000)
    assert "新增 5 户、10 人" in dialog.summary.text()
    assert Resident.select().count() == 10 and Household.select().count() == 5
    assert AuditLog.get(AuditLog.action == "import").username == "clerk"
    assert dialog.imported and not dialog.import_button.isEnabled()
    assert "继续吗" in asked[0] and "另存为工作簿" in asked[1]
    assert saved.exists()  # accepted the offer: the rejected rows are in a workbook
    book = load_workbook(saved)
    assert sum(sheet.max_row - 1 for sheet in book.worksheets) == len(ws.REJECTED)


def _answer_and_recheck(
    qtbot, dialog: ImportDialog, category: str = "", compound: dict[str, str] | None = None
) -> None:
    """Answer the preview's questions in its widgets and check the file again."""
    for sheet, name in (compound or {}).items():
        dialog.choices.compound_boxes[sheet].setEditText(name)
    if category:
        box = dialog.choices.category
        box.setCurrentIndex(box.findData(category))
    before = dialog.preview
    qtbot.mouseClick(dialog.choices.recheck_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.preview is not None and dialog.preview is not before, timeout=20000
    )
    assert not dialog.preview.questions, dialog.preview.questions


def test_cancelled_import_writes_nothing(qtbot, clerk, tmp_path, monkeypatch, dialogs):
    messy = ws.messy_workbook(tmp_path / "花名册.xlsx")
    dialogs.answer("confirm", True)
    dialogs.allow("warn")
    warnings = dialogs.said("warn")
    dialog = ImportDialog(clerk)
    qtbot.addWidget(dialog)
    dialog.load(messy)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    _answer_and_recheck(qtbot, dialog, category="1")
    from models.registry.workbook import importer as wi

    real_apply = wi.apply

    def cancelling_apply(user, pv, progress=None, dry_run=False):
        return real_apply(user, pv, lambda done, total: False, dry_run)

    monkeypatch.setattr(wi, "apply", cancelling_apply)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warnings), timeout=20000)
    assert "已取消" in warnings[0]
    assert Resident.select().count() == 0 and Household.select().count() == 0
    assert not dialog.imported and dialog.import_button.isEnabled()


def test_menu_actions_follow_the_role(qtbot, clerk, officer):
    clerk_window = MainWindow(clerk)
    qtbot.addWidget(clerk_window)
    assert clerk_window.import_action.isEnabled() and clerk_window.export_action.isEnabled()
    officer_window = MainWindow(officer)  # 计生专干: may view, may not import
    qtbot.addWidget(officer_window)
    assert not officer_window.import_action.isEnabled()
    assert officer_window.export_action.isEnabled()


def test_export_from_the_window(qtbot, clerk, demo_small, tmp_path, dialogs):
    out = tmp_path / "导出.xlsx"
    dialogs.answer("save_file", out)
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "已导出" in window.statusBar().currentMessage(), timeout=20000)
    assert out.exists()
    assert load_workbook(out)["花名册"].max_row == 2 + Resident.select().count()


def test_census_columns_mapped_in_the_preview_and_remembered(qtbot, clerk, tmp_path, dialogs):
    import datetime as dt

    from models.core.entities import LifeEvent

    path = ws.census_workbook(tmp_path / "七普短表.xlsx")
    # import: yes; save rejected rows: there are none
    dialogs.always("confirm", lambda asked: "另存为" not in asked.text)
    dialogs.allow("inform")
    dialog = ImportDialog(clerk)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    assert not dialog.import_button.isEnabled()
    assert {q.kind for q in dialog.preview.questions} == {"compound", "category"}
    # 列对应: every header listed; unknown ones marked and offered a drop-down
    table = dialog.mapping
    headers = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert "建筑物编号" in headers and "D3.公民身份号码" in headers
    row = headers.index("建筑物编号")
    assert table.cellWidget(row, 4).currentData() == ""  # not recognised: not imported
    assert table.item(row, 2).background().color().name() == "#fff3cd"
    assert table.cellWidget(headers.index("D1.姓名"), 4).currentData() == "name"
    dialog.tabs.setCurrentIndex(2)
    table.choose("建筑物编号", "building")
    table.choose("住房单元编号", "room")
    assert "重新检查" in dialog.summary.text() and not dialog.import_button.isEnabled()
    dialog.choices.enrolled.setDate(dialog.choices.enrolled.date().addDays(3))  # never after today
    assert dialog.choices.enrolled.date().toString("yyyy-MM-dd") == "2026-11-27"
    dialog.choices.enrolled.setDate(dialog.choices.enrolled.date().addDays(-7))
    _answer_and_recheck(qtbot, dialog, category="1", compound={"人": "北关新村"})
    assert dialog.import_button.isEnabled()
    views = dialog.households.rows
    assert [(v.number, v.head, v.members) for v in views] == [
        ("001", "高建华", 4),
        ("002", "罗敏", 3),
        ("003", "吴大", 3),
    ]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=20000)
    house = Household.get(Household.household_no == "001")
    assert (house.building, house.room, house.compound.name) == ("12", "301", "北关新村")
    assert Resident.select().count() == 7
    assert {(e.kind, e.event_date) for e in LifeEvent.select()} == {
        ("enrolled", dt.date(2026, 11, 20))
    }

    # next month's file of the same layout: one click
    again = ImportDialog(clerk)
    qtbot.addWidget(again)
    again.load(path)
    qtbot.waitUntil(lambda: again.preview is not None, timeout=20000)
    assert not again.preview.questions and again.import_button.isEnabled()
    assert again.mapping.boxes["建筑物编号"].currentData() == "building"
    qtbot.mouseClick(again.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.import_result is not None, timeout=20000)
    assert (again.import_result.new_residents, again.import_result.updated_residents) == (0, 0)
    assert Resident.select().count() == 7
