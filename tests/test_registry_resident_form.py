"""The resident form driven through its widgets: the ID number checked as it is typed, what it
fills in, the duplicate offer, saving every field, and revealing a masked number."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from models.core import idcard
from models.core.entities import AuditLog, Household, Resident, ResidentTag
from models.core.permissions import PermissionDenied
from models.registry import residents
from models.registry.residents import ResidentData
from ui.registry.resident_form import OPEN_OTHER, ResidentForm

VALID = idcard.make("610627", dt.date(1985, 3, 2), 123)  # 17th digit 3: a man


@pytest.fixture
def household(demo_small):
    return Household.select().where(Household.archived == False).order_by(Household.id).first()  # noqa: E712


@pytest.fixture
def answer(dialogs):
    """confirm() answers 是 (or what the test sets in state) and the texts asked are listed."""
    state = {"answer": True}
    dialogs.always("confirm", lambda _asked: state["answer"])
    return dialogs.said("confirm"), state


def _form(qtbot, user, mode="move_in", **kw) -> ResidentForm:
    form = ResidentForm(user, mode, **kw)
    qtbot.addWidget(form)
    return form


def test_id_number_is_checked_as_it_is_typed(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    qtbot.keyClicks(form.id_number, "6106")
    assert form.id_message.text() == "已输入4位，还差14位"
    qtbot.keyClicks(form.id_number, "2a")
    assert "字符有误" in form.id_message.text() and "第6位" in form.id_message.text()
    form.id_number.clear()
    qtbot.keyClicks(form.id_number, "610627198513021234")
    assert "出生日期" in form.id_message.text() and "19851302" in form.id_message.text()
    form.id_number.clear()
    wrong_check = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    qtbot.keyClicks(form.id_number, wrong_check)
    assert f"校验码错误：最后一位应为{VALID[17]}" in form.id_message.text()
    form.id_number.clear()
    qtbot.keyClicks(form.id_number, VALID + "9")
    assert "长度有误" in form.id_message.text()
    form.id_number.clear()
    qtbot.keyClicks(form.id_number, VALID.lower())
    assert form.id_message.text().startswith("号码有效：1985年3月2日出生，男")
    # The number fills the birth date and sex.
    assert form.birth.date() == dt.date(1985, 3, 2) and form.sex.code() == "1"
    assert form.id_warning.text() == ""


def test_a_typed_birth_date_or_sex_that_disagrees_is_a_warning(qtbot, admin, household, answer):
    asked, state = answer
    form = _form(qtbot, admin, household_id=household.id)
    form.name.insert("张伟")
    qtbot.keyClicks(form.birth, "1985-03-12")
    form.sex.set_code("2")
    qtbot.keyClicks(form.id_number, VALID)
    warning = form.id_warning.text()
    assert (
        "出生日期与身份证号码（1985-03-02）不一致" in warning
        and "性别与身份证号码不一致" in warning
    )
    assert form.use_id.isVisibleTo(form)
    state["answer"] = False
    form.save()  # asks, the clerk says no: nothing saved
    assert asked and "仍按填写的内容保存吗" in asked[-1]
    assert not Resident.select().where(Resident.id_number == VALID).exists()
    form.use_id.click()  # take the number's birth date and sex
    assert form.id_warning.text() == ""
    form.save()
    saved = Resident.get(Resident.id_number == VALID)
    assert saved.birth_date == dt.date(1985, 3, 2) and saved.sex == "1"


def test_fifteen_digits_become_eighteen(qtbot, admin, household):
    old = "610627850302123"
    form = _form(qtbot, admin, household_id=household.id)
    form.name.insert("赵国强")
    qtbot.keyClicks(form.id_number, old)
    converted = idcard.check(old).number
    assert converted in form.id_message.text() and "15位旧号码" in form.id_message.text()
    form.id_number.editingFinished.emit()  # the clerk moves to the next field
    assert form.id_number.text() == converted
    qtbot.keyClicks(form.event_date, "")
    form.save()
    person = Resident.get(Resident.name == "赵国强")
    assert person.id_number == converted and person.birth_date == dt.date(1985, 3, 2)


def test_a_number_already_registered_offers_to_open_that_person(qtbot, admin, household, answer):
    asked, _ = answer
    other = (
        Resident.select().where(Resident.status == "current").order_by(Resident.id.desc()).first()
    )
    before = Resident.select().count()
    form = _form(qtbot, admin, household_id=household.id)
    form.name.insert("重复者")
    qtbot.keyClicks(form.id_number, other.id_number)
    assert "该号码已登记" in form.id_message.text() and other.name in form.id_message.text()
    assert form.open_other.isVisibleTo(form)
    form.save()
    assert asked and "要打开此人的信息吗" in asked[-1]
    assert form.result() == OPEN_OTHER and form.open_resident_id == other.id
    assert Resident.select().count() == before
    # The service refuses too, whatever the window does.
    with pytest.raises(residents.DuplicateIdError) as info:
        residents.create_resident(
            admin, household.id, ResidentData(name="重复者", id_number=other.id_number)
        )
    assert info.value.resident_id == other.id


def test_move_in_saves_every_field_with_an_event(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    form.name.insert("李 娜")
    qtbot.keyClicks(form.id_number, VALID)
    form.sex.set_code("1")
    form.ethnicity.set_code("03")
    form.relation.set_code("97")
    form.education.set_code("20")
    form.marital.set_code("20")
    form.political.set_code("01")
    form.category.set_code("4")
    qtbot.keyClicks(form.phone, "13912345678")
    assert form.hukou.text()  # prefilled from the head
    form.hukou.setText("甘肃省庆阳市西峰区")
    form.work.insert("县人民医院")
    form.tags.boxes["dibao"].setChecked(True)
    form.tags.boxes["disabled"].setChecked(True)
    form.tags.kind.set_code("4")
    form.tags.grade.setCurrentIndex(2)
    form.event_date.setText("2026.10.08")
    form.from_place.insert("甘肃省庆阳市")
    form.reason.insert("投亲")
    form.save()
    assert form.result() == QDialog.DialogCode.Accepted, form.error.text()
    p = Resident.get(Resident.id_number == VALID)
    assert (
        p.name,
        p.ethnicity,
        p.relation,
        p.education,
        p.marital_status,
        p.political_status,
        p.category,
        p.phone,
        p.hukou_address,
        p.work_unit,
        p.arrived_on,
        p.pinyin_initials,
    ) == (
        "李娜",
        "03",
        "97",
        "20",
        "20",
        "01",
        "4",
        "13912345678",
        "甘肃省庆阳市西峰区",
        "县人民医院",
        dt.date(2026, 10, 8),
        "ln",
    )
    tags = {t.tag: t.detail for t in ResidentTag.select().where(ResidentTag.resident == p.id)}
    assert tags == {"dibao": "", "disabled": "4类2级"}
    event = p.events.get()
    assert (event.kind, event.event_date, event.from_value, event.reason) == (
        "move_in",
        dt.date(2026, 10, 8),
        "甘肃省庆阳市",
        "投亲",
    )


def test_form_errors_name_the_field(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    form.save()
    assert form.error.text() == "姓名不能为空。"
    form.name.insert("王五")
    form.birth.setText("1985-13-40")
    form.save()
    assert "出生日期" in form.error.text() and "不是有效日期" in form.error.text()
    form.birth.clear()
    form.tags.boxes["disabled"].setChecked(True)
    form.save()
    assert form.error.text() == "残疾人须填写残疾类别和等级。"
    assert not Resident.select().where(Resident.name == "王五").exists()


def test_edit_keeps_the_number_hidden_and_logs_reveals(qtbot, officer, clerk, household):
    person = Resident.select().where(Resident.household == household.id).first()
    form = _form(qtbot, officer, "edit", resident_id=person.id)
    assert form.id_number.text() == idcard.mask(person.id_number) and form.id_number.isReadOnly()
    assert (
        AuditLog.select()
        .where((AuditLog.action == "view") & (AuditLog.record_id == str(person.id)))
        .exists()
    )
    form.reveal.click()
    assert form.id_number.text() == person.id_number
    reveal = AuditLog.get(AuditLog.action == "reveal_id")
    assert (reveal.username, reveal.record_id) == ("jisheng", str(person.id))
    form.phone.setText("0911-1234567")
    form.save()
    assert Resident.get_by_id(person.id).phone == "0911-1234567"
    assert Resident.get_by_id(person.id).id_number == person.id_number
    # A clerk may not see the number: no button, and the service says no as well.
    clerk_form = _form(qtbot, clerk, "edit", resident_id=person.id)
    assert not clerk_form.reveal.isVisibleTo(clerk_form)
    with pytest.raises(PermissionDenied):
        residents.reveal_id(clerk, person.id)
    assert AuditLog.select().where(AuditLog.action == "reveal_id").count() == 1


def test_edit_refuses_a_silent_category_or_head_change(admin, household):
    head = residents.current_head(household.id)
    data = residents.detail(admin, head.id).data
    data.category = "4" if data.category != "4" else "1"
    with pytest.raises(residents.RegistryError, match="类别变更"):
        residents.update_resident(admin, head.id, data)
    data = residents.detail(admin, head.id).data
    data.relation = "12"
    with pytest.raises(residents.RegistryError, match="变更户主"):
        residents.update_resident(admin, head.id, data)


def test_a_womans_number_sets_the_sex_of_a_new_person(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    assert form.sex.code() == "0"
    woman = idcard.make("610627", dt.date(1990, 6, 1), 124)
    qtbot.keyClicks(form.id_number, woman)
    assert form.sex.code() == "2" and form.id_warning.text() == ""
