"""The 计生服务 tab and its dialogs, driven through the real widgets."""

import datetime as dt
import subprocess

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from models.casework import cases
from models.casework import people as casework_people
from models.casework.entities import BIRTH_REG, SUBSIDY, Case, FollowUp
from models.core.entities import AuditLog
from models.core.permissions import PermissionDenied
from tests.casework_fixtures import family, person  # noqa: F401  (fixture)
from tests.conftest import AS_OF
from ui.casework.birth_dialog import BirthRegistrationDialog
from ui.casework.case_dialog import CaseDialog
from ui.casework.new_dialog import NewCaseDialog
from ui.casework.rates_dialog import RatesDialog
from ui.common.resident_picker import ResidentPicker
from ui.main_window import MainWindow

TODAY = AS_OF


def _pick(dialogs, field, text):
    """Click a PersonField's 选择… and choose the first match for *text* in the picker."""

    def choose(picker):
        picker.query.setText(text)  # an IME commits Chinese like this
        picker.run_search()
        picker.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    dialogs.on(ResidentPicker, choose)
    field.button.click()


def _save(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_register_a_birth_for_a_couple_from_the_register(qtbot, officer, family, dialogs):  # noqa: F811
    dialog = BirthRegistrationDialog(officer)
    qtbot.addWidget(dialog)
    _pick(dialogs, dialog.mother, "李秀娟")
    assert dialog.mother.person.id == family.mother.id
    # The husband comes from the household; the couple's children from the register.
    assert dialog.father.person is not None and dialog.father.person.name == "张建伟"
    assert dialog.children_table.rowCount() == 4  # the new baby is still listed until chosen
    dialog.born.setChecked(True)
    _pick(dialogs, dialog.child, "张雨萱")
    assert dialog.birth_date.value() == dt.date(2026, 6, 20)
    names = [
        dialog.children_table.item(r, 0).text() for r in range(dialog.children_table.rowCount())
    ]
    assert sorted(names) == ["张子豪", "张雨桐", "张雨欣"]
    counts = {
        dialog.children_table.item(r, 0).text(): dialog.children_table.item(r, 5).text()
        for r in range(dialog.children_table.rowCount())
    }
    assert counts == {"张子豪": "不计入", "张雨桐": "计入", "张雨欣": "不计入"}
    assert "应为第 2 孩" in dialog.suggested.text() and dialog.order.value() == 2
    assert not dialog.order_reason.isEnabled()
    assert "2026年12月20日" in dialog.deadline.text()
    _save(dialog)
    case = Case.get(Case.case_type == BIRTH_REG)
    assert (case.mother.id, case.father.id, case.child.id) == (
        family.mother.id,
        family.father.id,
        family.baby.id,
    )
    assert (case.birth_order, case.suggested_order, case.birth_date) == (2, 2, dt.date(2026, 6, 20))
    assert case.children.count() == 3
    assert (
        AuditLog.select()
        .where((AuditLog.table_name == "casework_case") & (AuditLog.action == "create"))
        .count()
        == 1
    )


def test_another_birth_order_needs_a_reason_in_the_dialog(qtbot, officer, family, dialogs):  # noqa: F811
    dialog = BirthRegistrationDialog(officer)
    qtbot.addWidget(dialog)
    _pick(dialogs, dialog.mother, "李秀娟")
    dialog.expected_date.set_value(TODAY + dt.timedelta(days=60))
    # Mark the eldest daughter as from an earlier marriage: the suggestion drops by one.
    before = dialog.order.value()
    row = next(
        r
        for r in range(dialog.children_table.rowCount())
        if dialog.children_table.item(r, 0).text() == "张雨桐"
    )
    origin = dialog.children_table.cellWidget(row, 3)
    origin.setCurrentIndex(origin.findData("earlier"))
    assert dialog.order.value() == before - 1
    dialog.order.setValue(before)
    assert dialog.order_reason.isEnabled()
    _save(dialog)
    assert "须填写原因" in dialog.error.text() and Case.select().count() == 0
    dialog.order_reason.insert("长女系共同生育，户籍登记有误")
    _save(dialog)
    case = Case.get()
    assert (case.birth_order, case.suggested_order) == (before, before - 1)
    assert case.order_reason == "长女系共同生育，户籍登记有误"


def test_subsidy_dialog_shows_one_month_for_a_child_born_january_2022(
    qtbot, officer, family, dialogs
):  # noqa: F811
    person(family.household, "张小满", "1", dt.date(2022, 1, 10), "23")
    dialog = NewCaseDialog(officer, SUBSIDY)
    qtbot.addWidget(dialog)
    _pick(dialogs, dialog.child, "张小满")
    # Turns three in January 2025: that month, the subsidy's first, is due (domain §3).
    assert "应享补贴 1 个月（2025年1月），共 300.00 元" in dialog.preview.text()
    _save(dialog)
    assert Case.get(Case.case_type == SUBSIDY).child.name == "张小满"


def test_subsidy_dialog_shows_the_official_amount_for_a_december_2023_child(
    qtbot, officer, family, dialogs
):  # noqa: F811
    dialog = NewCaseDialog(officer, SUBSIDY)
    qtbot.addWidget(dialog)
    _pick(dialogs, dialog.child, "王子轩")
    assert dialog.mother.person.name == "赵敏" and dialog.father.person.name == "王强"
    assert "24 个月（2025年1月至2026年12月），共 7,200.00 元" in dialog.preview.text()
    _save(dialog)
    case = Case.get(Case.case_type == SUBSIDY)
    assert case.child.id == family.toddler_2023.id and case.application_status == "applied"


def _open_case_and(dialogs, tab, action):
    """Open the selected case from the tab, run *action(dialog)*, then close the dialog."""

    def drive(dialog):
        action(dialog)
        dialog.accept()

    dialogs.on(CaseDialog, drive)
    tab.open_selected()


def test_overdue_follow_up_appears_on_the_worklist_and_in_the_status_bar(
    qtbot, officer, family, dialogs
):  # noqa: F811
    case = cases.create_general(
        officer,
        person_id=family.father.id,
        subject="托育机构信息咨询",
        opened_on=TODAY - dt.timedelta(days=20),
    )
    window = MainWindow(officer)
    qtbot.addWidget(window)
    tab = window.casework_tab
    assert "无逾期" in window.casework_label.text()
    assert tab.work_model.rowCount() == 0
    tab.pages.setCurrentIndex(1)
    assert [r.case_no for r in tab.case_model.rows] == [case.case_no]
    tab.case_table.selectRow(0)

    def follow_up(dialog):
        dialog.follow_date.set_value(TODAY - dt.timedelta(days=10))
        dialog.follow_way.setCurrentIndex(dialog.follow_way.findData("phone"))
        dialog.follow_note.insert("电话回复咨询，约定再联系")
        dialog.follow_next.set_value(TODAY - dt.timedelta(days=2))
        qtbot.mouseClick(dialog.follow_add, Qt.MouseButton.LeftButton)
        assert dialog.follow_model.rowCount() == 1
        # 经办人 is the officer's name, not the account name.
        who = dialog.follow_model.index(0, dialog.follow_model.columnCount() - 1).data()
        assert who == "王秀英"

    _open_case_and(dialogs, tab, follow_up)
    stored = FollowUp.get(FollowUp.case == case.id)
    assert (stored.way, stored.next_date) == ("phone", TODAY - dt.timedelta(days=2))
    # The tab and the status bar were refreshed by the dialog's change.
    [item] = tab.work_model.rows
    assert (item.case_no, item.group, item.kind) == (case.case_no, "overdue", "follow_up")
    assert "已逾期 1 项" in tab.heading.text()
    assert "逾期 1 项" in window.casework_label.text() and "随访1" in window.casework_label.text()
    assert (
        AuditLog.select()
        .where((AuditLog.action == "view") & (AuditLog.username == "jisheng"))
        .count()
        == 1
    )
    # Closing the case through its buttons takes it off the worklist.
    tab.pages.setCurrentIndex(0)
    tab.work_table.selectRow(0)

    def close_case(dialog):
        dialogs.answer("confirm", True)  # 确认办结此个案？
        qtbot.mouseClick(dialog.status_buttons["closed"], Qt.MouseButton.LeftButton)

    _open_case_and(dialogs, tab, close_case)
    assert Case.get_by_id(case.id).status == "closed"
    assert tab.work_model.rowCount() == 0 and "无逾期" in window.casework_label.text()


def test_clerk_sees_a_message_and_cannot_open_a_case(qtbot, clerk, officer, family, dialogs):  # noqa: F811
    case = cases.create_general(
        officer, person_id=family.father.id, subject="咨询", opened_on=TODAY - dt.timedelta(days=20)
    )
    cases.add_follow_up(
        officer, case.id, TODAY - dt.timedelta(days=10), "phone", "", TODAY - dt.timedelta(days=1)
    )
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    tab = window.casework_tab
    assert not tab.allowed and not hasattr(tab, "work_table") and not hasattr(tab, "case_table")
    assert "计生专干" in tab.message.text()
    # Numbers only, no names, for the clerk as for everyone.
    assert "逾期 1 项" in tab.heading.text() and "张建伟" not in tab.heading.text()
    assert "逾期 1 项" in window.casework_label.text()
    dialogs.allow("warn")
    warnings = dialogs.said("warn")
    tab.open_case(case.id)
    assert warnings and "无权" in warnings[0]
    try:
        CaseDialog(clerk, case.id)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a clerk opened a case dialog")
    assert AuditLog.select().where(AuditLog.action == "view").count() == 0


def test_printouts_from_the_tab(qtbot, tmp_path, officer, family, dialogs):  # noqa: F811
    kids = casework_people.suggest_children(
        officer,
        family.mother.id,
        family.father.id,
        exclude_child_id=family.baby.id,
        born_before=family.baby.birth_date,
    )
    cases.create_birth_registration(
        officer,
        mother_id=family.mother.id,
        father_id=family.father.id,
        birth_order=2,
        children=[
            cases.ChildInput(k.name, k.birth_date, k.sex, k.origin, k.deceased, k.resident_id)
            for k in kids
        ],
        child_id=family.baby.id,
        opened_on=dt.date(2026, 7, 1),
    )
    cases.create_subsidy(
        officer,
        child_id=family.toddler_2023.id,
        opened_on=dt.date(2025, 9, 1),
        applied_on=dt.date(2025, 9, 1),
    )
    window = MainWindow(officer)
    qtbot.addWidget(window)
    tab = window.casework_tab
    dialogs.answer("save_file", tmp_path / "form.pdf", tmp_path / "pay.pdf", tmp_path / "work.pdf")
    dialogs.answer("ask_item", f"{TODAY.year}年{TODAY.month}月")
    tab.pages.setCurrentIndex(1)
    tab.type_filter.setCurrentIndex(tab.type_filter.findData(BIRTH_REG))
    tab.status_filter.setCurrentIndex(tab.status_filter.findData(None))
    tab.case_table.selectRow(0)
    tab.print_form()
    tab.print_payments()
    tab.print_worklist()

    def text(name):
        return subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / name), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    form = text("form.pdf")
    assert "生育登记表" in form and "第2孩" in form and "李秀娟" in form
    assert family.mother.id_number not in form and family.mother.id_number[-4:] in form
    pay = text("pay.pdf")
    assert "育儿补贴和计生扶助发放名单" in pay and "王子轩" in pay
    assert family.toddler_2023.id_number not in pay
    assert "计生服务待办工作清单" in text("work.pdf")
    notes = [a.note for a in AuditLog.select().where(AuditLog.action == "print")]
    assert len(notes) == 3


def test_only_the_administrator_edits_rates(qtbot, admin, officer):
    dialog = RatesDialog(officer)
    qtbot.addWidget(dialog)
    assert not dialog.add_button.isEnabled() and dialog.model.rowCount() == 7  # the built-in rates
    dialog = RatesDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.add_button.isEnabled()
