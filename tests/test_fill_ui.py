"""一表通 windows driven through their widgets on the demo community: a department's file
mapped in the mapping dialog (saved mapping read back from the database), filled from the
一表通 dialog (the output's cells compared with the register read independently), the 名单
builder's live count and 保存为名单, and the registry tab's button and shortcut."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from PySide6.QtCore import Qt

from models.core.db import database
from models.core.entities import AuditLog, Resident
from models.fill import lists as fill_lists
from models.fill import templates as fill_templates
from models.fill.entities import FillRun, FillTemplate, SavedList
from models.fill.lists import ListCriteria
from models.fill.starters import Starter, build_workbook

YEAR_END = dt.date(2026, 12, 31)
HEADER = (
    ("序号", ()),
    ("姓名", ()),
    ("性别", ()),
    ("年龄", ()),
    ("身份证号码", ()),
    ("现住址", ("小区", "门牌")),
    ("联系电话", ()),
    ("备注", ()),
)


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _department_file(tmp_path):
    """A file in the style a department sends: merged title with 年 月 blanks, 填报单位 line,
    a two-row merged header, a 备注 column, bordered blank rows and a 制表人 footer."""
    starter = Starter(
        "高龄津贴",
        "民政",
        "",
        ListCriteria(),
        "高龄津贴发放名单（    年  月）",
        HEADER,
        (6, 10, 6, 6, 21, 14, 8, 14, 12),
    )
    path = tmp_path / "民政高龄津贴.xlsx"
    path.write_bytes(build_workbook(starter, "幸福社区"))
    return path


def _elderly(user) -> int:
    return fill_lists.save_list(
        user, "八十岁以上（年底）", ListCriteria(min_age=80, date_rule="year_end")
    ).id


def _expected_elderly() -> list[Resident]:
    """The register read without the service: current residents 80 or older on 12-31,
    oldest first (the 按出生日期 order)."""
    people = [
        r
        for r in Resident.select().where(Resident.status == "current")
        if r.birth_date and _age(r.birth_date, YEAR_END) >= 80
    ]
    return sorted(people, key=lambda r: (r.birth_date, r.id))


def _pick(box, data) -> None:
    """Choose the entry holding *data* as the clerk does (a click fires activated)."""
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)
    box.activated.emit(index)


@pytest.fixture
def fill_dialog(qtbot, demo_small, clerk):
    from ui.fill.dialog import FillDialog

    dialog = FillDialog(clerk)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _map_and_save(qtbot, monkeypatch, tmp_path, dialogs, dialog, list_id: int) -> FillTemplate:
    """新建模板… on *dialog*: the file chosen, the proposal checked, 备注 made 已核实, saved."""
    from ui.fill.template_dialog import TemplateDialog

    path = _department_file(tmp_path)
    dialogs.always("open_file", path)
    dialogs.always("ask_text", "已核实")
    seen: dict[str, object] = {}

    def act(mapping: TemplateDialog) -> None:
        seen["found"] = mapping.found.text()
        seen["proposed"] = {
            c.label: mapping.boxes[c.index].currentData() for c in mapping.draft.layout.columns
        }
        note = next(c.index for c in mapping.draft.layout.columns if c.label == "备注")
        _pick(mapping.boxes[note], "\x00ask")  # 固定文字… asks for the words
        seen["note_text"] = mapping.boxes[note].currentText()
        _pick(mapping.list_combo, list_id)
        seen["rule"] = mapping.date_rule.currentData()  # the list's 截至12月31日 comes along
        _pick(mapping.sort, "birth_date")
        mapping.name.setText("高龄津贴发放名单")
        mapping.department.setText("民政")
        seen["example"] = mapping.table.item(1, 3).text()
        qtbot.mouseClick(mapping.save_button, Qt.MouseButton.LeftButton)

    dialogs.on(TemplateDialog, act)
    qtbot.mouseClick(dialog.buttons["new"], Qt.MouseButton.LeftButton)
    dialogs.check("TemplateDialog")
    assert seen["found"] == "表头：第3–4行；数据从第5行起；表尾在第9行"
    assert seen["proposed"] == {
        "序号": "seq",
        "姓名": "name",
        "性别": "sex",
        "年龄": "age",
        "身份证号码": "id_masked",
        "现住址·小区": "compound",
        "现住址·门牌": "room",
        "联系电话": "phone",
        "备注": "",
    }
    assert seen["note_text"] == "固定文字：已核实"
    assert seen["rule"] == "year_end"
    assert seen["example"] == _expected_elderly()[0].name  # 姓名 of the oldest
    return FillTemplate.get(FillTemplate.name == "高龄津贴发放名单")


def test_mapping_dialog_saves_the_corrected_mapping(
    qtbot, monkeypatch, tmp_path, dialogs, fill_dialog, clerk
):
    list_id = _elderly(clerk)
    row = _map_and_save(qtbot, monkeypatch, tmp_path, dialogs, fill_dialog, list_id)
    stored = database.execute_sql(
        "SELECT mapping, saved_list_id, sort, date_rule, department, filename FROM fill_template"
        " WHERE id = ?",
        [row.id],
    ).fetchone()
    assert json.loads(stored[0]) == {
        "1": "seq",
        "2": "name",
        "3": "sex",
        "4": "age",
        "5": "id_masked",
        "6": "compound",
        "7": "room",
        "8": "phone",
        "9": "text:已核实",
    }
    assert stored[1:] == (list_id, "birth_date", "year_end", "民政", "民政高龄津贴.xlsx")
    assert fill_dialog.current().id == row.id  # the new template is selected
    assert "已保存模板" in fill_dialog.message.text()


def test_mapping_dialog_says_what_is_missing(qtbot, demo_small, clerk, tmp_path):
    from ui.fill.template_dialog import TemplateDialog

    draft = fill_templates.read_file(clerk, _department_file(tmp_path))
    dialog = TemplateDialog(clerk, draft)
    qtbot.addWidget(dialog)
    dialog.show()
    before = FillTemplate.select().count()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no list chosen
    assert dialog.error.isVisible() and "名单" in dialog.error.text()
    assert dialog.isVisible() and FillTemplate.select().count() == before


def test_fill_writes_the_register_under_the_header(
    qtbot, monkeypatch, tmp_path, dialogs, fill_dialog, clerk
):
    row = _map_and_save(qtbot, monkeypatch, tmp_path, dialogs, fill_dialog, _elderly(clerk))
    fill_dialog.select_template(row.id)
    assert fill_dialog.preview_model.columns[1].header == "姓名"
    expected = _expected_elderly()
    assert f"共 {len(expected):,} 行" in fill_dialog.preview_label.text()
    out = tmp_path / "out" / "高龄津贴_2026年11月.xlsx"
    out.parent.mkdir()
    dialogs.answer("save_file", out)
    dialogs.always("ask_text", "街道民政科")
    qtbot.mouseClick(fill_dialog.buttons["fill"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: fill_dialog.last_result is not None or bool(fill_dialog.last_error), timeout=30000
    )
    assert fill_dialog.last_error == ""
    [asked] = [a.details["path"] for a in dialogs.asked if a.kind == "save_file"]
    assert asked.endswith("高龄津贴发放名单_2026年11月.xlsx")
    assert f"已生成“高龄津贴发放名单”{len(expected)} 行" in fill_dialog.message.text()

    ws = openpyxl.load_workbook(out).active
    cells = [
        [ws.cell(row=r, column=c).value for c in (1, 2, 4, 9)] for r in range(5, 5 + len(expected))
    ]
    assert cells == [
        [i, p.name, _age(p.birth_date, YEAR_END), "已核实"] for i, p in enumerate(expected, start=1)
    ]
    assert ws.cell(row=5 + len(expected), column=2).value in (None, "")  # nothing beyond
    ids = [ws.cell(row=r, column=5).value for r in range(5, 5 + len(expected))]
    assert all("*" in (v or "*") for v in ids)  # a clerk gets them masked

    runs = database.execute_sql(
        "SELECT rows, recipient, full_ids, username FROM fill_run WHERE template_id = ?", [row.id]
    ).fetchall()
    assert runs == [(len(expected), "街道民政科", 0, "clerk")]
    audit = AuditLog.get((AuditLog.action == "fill") & (AuditLog.record_id == str(row.id)))
    assert audit.username == "clerk" and f"{len(expected)}行" in audit.note
    # The history page shows the run; 另存 writes the file exactly as it was produced.
    assert fill_dialog.history_model.rows[0].recipient == "街道民政科"
    fill_dialog.history.selectRow(0)
    copy = tmp_path / "copy.xlsx"
    dialogs.always("save_file", copy)
    qtbot.mouseClick(fill_dialog.buttons["copy"], Qt.MouseButton.LeftButton)
    assert copy.read_bytes() == bytes(FillRun.get(FillRun.template == row.id).output)


def test_archiving_a_template_asks_first(qtbot, dialogs, fill_dialog):
    first = fill_dialog.current()
    assert first is not None  # the starter set
    dialogs.answer("confirm", False, True)
    asked = dialogs.said("confirm")
    qtbot.mouseClick(fill_dialog.buttons["archive"], Qt.MouseButton.LeftButton)
    assert not FillTemplate.get_by_id(first.id).archived
    qtbot.mouseClick(fill_dialog.buttons["archive"], Qt.MouseButton.LeftButton)
    assert FillTemplate.get_by_id(first.id).archived
    assert first.name in asked[0]
    assert first.id not in {t.id for t in fill_dialog.templates_model.rows}


def test_list_builder_counts_live_and_saves(qtbot, monkeypatch, demo_small, clerk, dialogs):
    from ui.fill.list_builder import ListBuilderDialog

    dialog = ListBuilderDialog(clerk)
    qtbot.addWidget(dialog)
    dialog.show()
    everyone = Resident.select().where(Resident.status == "current").count()
    assert dialog.count_label.text() == f"符合条件：{everyone:,} 人"
    dialog.f_min_age.setValue(80)
    dialog.f_date_rule.setCurrentIndex(dialog.f_date_rule.findData("year_end"))
    expected = len(_expected_elderly())
    assert expected
    qtbot.waitUntil(lambda: dialog.count_label.text() == f"符合条件：{expected:,} 人", timeout=5000)
    assert dialog.people_model.rowCount() == min(expected, 200)
    ages = {
        dialog.people_model.data(dialog.people_model.index(r, 3))
        for r in range(dialog.people_model.rowCount())
    }
    assert min(int(a) for a in ages) >= 79  # 80 by 12-31: some are 79 today
    dialogs.always("ask_text", "高龄老人（年底）")
    qtbot.mouseClick(dialog.save_as_button, Qt.MouseButton.LeftButton)
    saved = SavedList.get(SavedList.name == "高龄老人（年底）")
    criteria = ListCriteria.from_json(saved.criteria)
    assert (criteria.min_age, criteria.max_age, criteria.date_rule) == (80, None, "year_end")
    assert dialog.saved_id == saved.id and dialog.current_id == saved.id
    assert (
        AuditLog.select()
        .where((AuditLog.table_name == "saved_list") & (AuditLog.record_id == str(saved.id)))
        .exists()
    )
    # A wrong birth month is said in the dialog, not raised.
    dialog.f_born_from.setText("1946-13")
    dialog.refresh_count()
    assert dialog.error.isVisible() and "出生起始年月" in dialog.error.text()
    assert dialog.count_label.text() == "符合条件：—"


def test_list_builder_loads_a_saved_list_and_saves_changes(qtbot, demo_small, clerk):
    from ui.fill.list_builder import ListBuilderDialog

    list_id = fill_lists.save_list(clerk, "女性低保", ListCriteria(sex="2", tag="dibao")).id
    dialog = ListBuilderDialog(clerk, list_id=list_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.current_id == list_id
    assert (dialog.f_sex.code(), dialog.f_tag.code()) == ("2", "dibao")
    dialog.f_sex.set_code("")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = ListCriteria.from_json(SavedList.get_by_id(list_id).criteria)
    assert (stored.sex, stored.tag) == (None, "dibao")


def test_registry_tab_button_and_shortcut_open_the_dialog(qtbot, admin, demo_small, dialogs):
    from tests.registry_dialog_support import activate, make_tab
    from ui.fill.dialog import FillDialog

    tab = make_tab(qtbot, admin)
    names: list[list[str]] = []
    dialogs.on(
        FillDialog, lambda d: (names.append([t.name for t in d.templates_model.rows]), d.accept())
    )
    qtbot.mouseClick(tab.buttons["fill"], Qt.MouseButton.LeftButton)
    dialogs.check("FillDialog")
    assert "高龄老人名单" in names[0]  # the starter set, installed on first use
    assert tab.buttons["fill"].toolTip() == "用户籍信息填写各部门的报表模板"
    activate(qtbot, tab)
    dialogs.on(FillDialog, lambda d: d.accept())
    qtbot.keyClick(
        tab, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialogs.check("FillDialog")
    assert dialogs.kinds().count("FillDialog") == 2
    tab.counter.wait()


def test_a_cancelled_fill_leaves_no_file_and_no_run(
    qtbot, monkeypatch, tmp_path, fill_dialog, dialogs
):
    from ui.common import worker

    template = fill_dialog.current()
    out = tmp_path / "cancelled.xlsx"
    dialogs.always("save_file", out)
    dialogs.always("ask_text", "")
    monkeypatch.setattr(worker.Job, "_progress", lambda self, done, total: False)  # 取消 pressed
    qtbot.mouseClick(fill_dialog.buttons["fill"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(fill_dialog.last_error), timeout=30000)
    assert fill_dialog.last_error == "已取消，没有生成文件。"
    assert not out.exists()
    assert not FillRun.select().where(FillRun.template == template.id).exists()
    assert fill_dialog.buttons["fill"].isEnabled()


def test_a_new_file_keeps_the_choices_of_the_same_headers(
    qtbot, monkeypatch, tmp_path, demo_small, clerk, dialogs
):
    from ui.fill.template_dialog import TemplateDialog

    draft = fill_templates.read_file(clerk, _department_file(tmp_path))
    note = next(c.index for c in draft.layout.columns if c.label == "备注")
    mapping = {**draft.mapping, note: "text:已核实"}
    info = fill_templates.save_template(clerk, draft, "高龄津贴", "民政", mapping, _elderly(clerk))
    dialog = TemplateDialog(clerk, fill_templates.stored_draft(clerk, info.id), template=info)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.boxes[note].currentText() == "固定文字：已核实"
    # Next year the department adds a 民族 column before 备注.
    newer = Starter(
        "高龄津贴",
        "民政",
        "",
        ListCriteria(),
        "高龄津贴发放名单（    年  月）",
        (*HEADER[:-1], ("民族", ()), HEADER[-1]),
        (6,) * 10,
    )
    path = tmp_path / "民政高龄津贴2027.xlsx"
    path.write_bytes(build_workbook(newer, "幸福社区"))
    dialogs.always("open_file", path)
    qtbot.mouseClick(dialog.change_file, Qt.MouseButton.LeftButton)
    labels = {c.label: c.index for c in dialog.draft.layout.columns}
    assert dialog.file_label.text() == "民政高龄津贴2027.xlsx"
    assert dialog.boxes[labels["民族"]].currentData() == "ethnicity"
    assert dialog.boxes[labels["备注"]].currentData() == "text:已核实"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = json.loads(FillTemplate.get_by_id(info.id).mapping)
    assert (
        stored[str(labels["备注"])] == "text:已核实" and stored[str(labels["民族"])] == "ethnicity"
    )
    assert FillTemplate.get_by_id(info.id).filename == "民政高龄津贴2027.xlsx"


def test_the_fill_windows_fit_a_laptop_screen(qtbot, demo_small, officer, tmp_path):
    from tests.test_screen_fit import _fits
    from ui.fill.dialog import FillDialog
    from ui.fill.list_builder import ListBuilderDialog
    from ui.fill.template_dialog import TemplateDialog

    draft = fill_templates.read_file(officer, _department_file(tmp_path))
    for widget in (FillDialog(officer), ListBuilderDialog(officer), TemplateDialog(officer, draft)):
        qtbot.addWidget(widget)
        _fits(widget)


def test_fill_dialog_keys(qtbot, monkeypatch, dialogs, fill_dialog):
    from tests.registry_dialog_support import activate
    from ui.fill.template_dialog import TemplateDialog

    chosen: list[str] = []
    dialogs.always("open_file", lambda _asked: chosen.append("open"))  # then 取消
    activate(qtbot, fill_dialog)
    qtbot.keyClick(fill_dialog, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert chosen == ["open"]  # 新建模板 asks for the department's file first
    names: list[str] = []
    dialogs.on(TemplateDialog, lambda d: (names.append(d.name.text()), d.reject()))
    fill_dialog.templates.setFocus()
    qtbot.keyClick(fill_dialog.templates, Qt.Key.Key_Return)  # Enter: 修改
    dialogs.check("TemplateDialog")
    assert names == [fill_dialog.current().name]


def test_a_list_in_use_is_not_archived(qtbot, monkeypatch, demo_small, clerk, dialogs):
    from ui.fill.list_builder import ListBuilderDialog

    template = fill_templates.templates(clerk)[0]
    dialog = ListBuilderDialog(clerk, list_id=template.list_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialogs.always("confirm", True)
    qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)
    assert "正被模板" in dialog.error.text() and dialog.error.isVisible()
    assert not SavedList.get_by_id(template.list_id).archived


def test_a_file_that_is_not_a_workbook_is_said_in_the_dialog(
    qtbot, monkeypatch, tmp_path, fill_dialog, dialogs
):
    bad = tmp_path / "名单.docx"
    bad.write_bytes(b"not a workbook")
    dialogs.always("open_file", bad)
    before = FillTemplate.select().count()
    qtbot.mouseClick(fill_dialog.buttons["new"], Qt.MouseButton.LeftButton)
    assert "不是 Excel 工作簿" in fill_dialog.message.text()
    assert FillTemplate.select().count() == before


def test_print_makes_a_pdf_kept_in_the_history(qtbot, monkeypatch, tmp_path, fill_dialog, dialogs):
    from tests.pdf_tools import text as pdf_text

    info = next(t for t in fill_dialog.templates_model.rows if t.name == "流动人口登记表")
    fill_dialog.select_template(info.id)
    out = tmp_path / "流动人口.pdf"
    dialogs.always("save_file", out)
    dialogs.always("ask_text", "派出所")
    qtbot.mouseClick(fill_dialog.buttons["print"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            "PDF" in fill_dialog.message.text()
            and fill_dialog._job is None
            or bool(fill_dialog.last_error)
        ),
        timeout=60000,
    )
    assert fill_dialog.last_error == ""
    floating = list(
        Resident.select().where((Resident.category == "4") & (Resident.status == "current"))
    )
    run = FillRun.get(FillRun.template == info.id)
    assert (run.filename, run.rows, run.recipient) == ("流动人口.pdf", len(floating), "派出所")
    assert bytes(run.output) == out.read_bytes()
    text = pdf_text(out)
    assert "流动人口登记表" in text and floating[0].name in text.replace(" ", "")
    audit = AuditLog.get((AuditLog.action == "fill") & (AuditLog.record_id == str(info.id)))
    assert audit.note.startswith("打印“流动人口登记表”")
