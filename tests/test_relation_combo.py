"""与户主关系 and 性别 in the resident form, driven through the real widgets: the relation is
found by name, pinyin or initials and saved as the chosen code; 户主 is offered only while the
household has none; text that names no relation is refused; the ID number fills 性别, and the
arrow keys in 性别 step between 男 and 女 only."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QDialog

from models.core import codes, idcard
from models.core.entities import Household, Resident
from models.registry import compounds, households
from models.registry.households import AddressInput
from models.registry.residents import HEAD
from ui.registry.resident_form import ResidentForm
from ui.registry.widgets import CodeCombo

MAN = idcard.make("610627", dt.date(1979, 4, 12), 135)  # 17th digit odd
WOMAN = idcard.make("610627", dt.date(1992, 8, 30), 246)  # 17th digit even


@pytest.fixture
def household(demo_small):
    """A household of the demo community; it has its head."""
    return Household.select().where(Household.archived == False).order_by(Household.id).first()  # noqa: E712


@pytest.fixture
def empty_household(admin):
    compound = compounds.create_compound(admin, "南关小区", "县供电公司")
    return households.create_household(admin, AddressInput(compound.id, "3号楼", "2单元", "301"))


def _form(qtbot, user, mode="register", **kw) -> ResidentForm:
    form = ResidentForm(user, mode, **kw)
    qtbot.addWidget(form)
    with qtbot.waitActive(form):  # focus moves (and editingFinished fires) in an active window
        form.show()
        form.activateWindow()
    return form


def _type(qtbot, combo: CodeCombo, text: str) -> list[str]:
    """Replace the combo's text by *text*, typed; returns what the completer lists."""
    edit = combo.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:  # Chinese arrives from the input method as committed text
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(edit, event)
    popup = combo.completer().popup()
    if not popup.isVisible():
        return []
    model = popup.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _choose(qtbot, combo: CodeCombo, name: str) -> None:
    """Arrow down the completer's list to *name* and press Enter, as a clerk does."""
    popup = combo.completer().popup()
    model = popup.model()
    rows = [model.index(row, 0).data() for row in range(model.rowCount())]
    for _ in range(rows.index(name) + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def _items(combo: CodeCombo) -> list[str]:
    return [str(combo.itemData(i)) for i in range(combo.count()) if combo.itemData(i) is not None]


def test_search_keys_hold_the_name_its_pinyin_its_initials_and_the_code():
    keys = codes.search_keys("relation")
    assert set(keys["22"].split("|")) == {"长子", "zhangzi", "zz", "changzi", "cz", "22"}
    assert {"nvxu", "nuxu", "nx"} <= set(keys["28"].split("|"))  # ü keyed as v or u
    assert "zi" not in keys["12"]  # 妻: its alias 妻子 does not put it under "zi"
    order = [code for code, _ in codes.common_first("relation")]
    assert order[:15] == [
        "02",
        "01",
        "10",
        "11",
        "12",
        "22",
        "23",
        "32",
        "33",
        "38",
        "28",
        "41",
        "42",
        "51",
        "52",
    ]
    rest = order[len(codes.common("relation")) :]
    assert rest == sorted(rest) and sorted(order) == sorted(codes.codes("relation"))


def test_typing_zi_and_choosing_saves_that_relation(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    form.name.insert("王小军")
    listed = _type(qtbot, form.relation, "zi")
    # Common ones first: 长子 and 次子 head the list, 子 names in code order follow.
    assert listed[:3] == ["长子", "次子", "孙子"] and "侄子" in listed
    assert "妻" not in listed and "户主" not in listed
    _choose(qtbot, form.relation, "次子")
    assert form.relation.currentText() == "次子" and form.relation.code() == "23"
    form.save()
    assert form.result() == QDialog.DialogCode.Accepted, form.error.text()
    assert Resident.get(Resident.name == "王小军").relation == "23"


@pytest.mark.parametrize("typed", ["子", "zi", "ZI", "cz", "zz", "zhangzi", "changzi", "22"])
def test_the_eldest_son_is_found_by_name_pinyin_or_initials(qtbot, admin, household, typed):
    form = _form(qtbot, admin, household_id=household.id)
    assert "长子" in _type(qtbot, form.relation, typed)


def test_typing_cz_and_choosing_the_eldest_son_saves_code_22(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    form.name.insert("王大军")
    assert _type(qtbot, form.relation, "cz")[:2] == ["长子", "次子"]
    _choose(qtbot, form.relation, "长子")
    form.save()
    assert form.result() == QDialog.DialogCode.Accepted, form.error.text()
    assert Resident.get(Resident.name == "王大军").relation == "22"


def test_text_that_names_no_relation_is_refused_not_guessed(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    form.name.insert("刘某")
    before = Resident.select().count()
    # "zi" with Enter but nothing chosen: the text stays and is not a relation.
    _type(qtbot, form.relation, "zi")
    qtbot.keyClick(form.relation.lineEdit(), Qt.Key.Key_Return)
    qtbot.keyClick(form.relation.lineEdit(), Qt.Key.Key_Tab)  # leaving it guesses nothing
    assert form.relation.currentText() == "zi" and form.relation.code() == ""
    form.save()
    assert form.error.text().startswith("与户主关系“zi”不是可选的项目")
    assert form.result() != QDialog.DialogCode.Accepted
    _type(qtbot, form.relation, "表哥哥")
    form.save()
    assert "与户主关系“表哥哥”不是可选的项目" in form.error.text()
    _type(qtbot, form.relation, "")
    form.save()
    assert form.error.text() == "请选择与户主关系。"
    assert Resident.select().count() == before
    # A name or alias typed in full is that relation: 妻子 is 妻 (12), shown by its name.
    _type(qtbot, form.relation, "妻子")
    qtbot.keyClick(form.relation.lineEdit(), Qt.Key.Key_Tab)
    assert form.relation.currentText() == "妻" and form.relation.code() == "12"
    form.save()
    assert form.result() == QDialog.DialogCode.Accepted, form.error.text()
    assert Resident.get(Resident.name == "刘某").relation == "12"


def test_head_is_offered_only_while_the_household_has_none(qtbot, admin, empty_household):
    first = _form(qtbot, admin, household_id=empty_household.id)
    assert first.relation.code() == HEAD and not first.relation.isEnabled()
    first.name.insert("王建国")
    qtbot.keyClicks(first.id_number, MAN)
    first.save()
    assert first.result() == QDialog.DialogCode.Accepted, first.error.text()
    head = Resident.get(Resident.name == "王建国")
    assert head.relation == HEAD

    second = _form(qtbot, admin, household_id=empty_household.id)
    assert second.relation.isEnabled() and HEAD not in _items(second.relation)
    assert "户主" not in _type(qtbot, second.relation, "hz")
    assert "户主" not in _type(qtbot, second.relation, "户")
    _type(qtbot, second.relation, "户主")  # typed in full: refused, not saved as a second head
    second.name.insert("李秀兰")
    second.save()
    assert second.error.text().startswith("与户主关系“户主”不是可选的项目")
    _type(qtbot, second.relation, "qi")
    _choose(qtbot, second.relation, "妻")
    second.save()
    assert second.result() == QDialog.DialogCode.Accepted, second.error.text()
    wife = Resident.get(Resident.name == "李秀兰")
    assert wife.relation == "12"

    # Editing: a member is not offered 户主; the head keeps it (changed only by 变更户主).
    member = _form(qtbot, admin, "edit", resident_id=wife.id)
    assert HEAD not in _items(member.relation) and member.relation.code() == "12"
    own = _form(qtbot, admin, "edit", resident_id=head.id)
    assert own.relation.code() == HEAD and not own.relation.isEnabled()


def test_a_typed_id_number_fills_sex_and_is_saved(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    assert form.sex.code() == "0"
    form.name.insert("张敏")
    qtbot.keyClicks(form.id_number, MAN)
    assert form.sex.currentText() == "男" and form.sex.code() == "1"
    form.id_number.clear()
    qtbot.keyClicks(form.id_number, WOMAN)  # a corrected number corrects what it filled
    assert form.sex.currentText() == "女" and form.birth.date() == dt.date(1992, 8, 30)
    assert form.id_warning.text() == ""
    form.save()
    assert form.result() == QDialog.DialogCode.Accepted, form.error.text()
    saved = Resident.get(Resident.id_number == WOMAN)
    assert (saved.sex, saved.birth_date) == ("2", dt.date(1992, 8, 30))


def test_arrow_keys_in_sex_step_between_man_and_woman_only(qtbot, admin, household):
    form = _form(qtbot, admin, household_id=household.id)
    sex = form.sex
    sex.setFocus()
    assert sex.code() == "0"  # 未知 until the number or the clerk says otherwise
    steps = []
    for key in [
        Qt.Key.Key_Down,
        Qt.Key.Key_Down,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_End,
        Qt.Key.Key_Up,
        Qt.Key.Key_Up,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_Home,
    ]:
        qtbot.keyClick(sex, key)
        steps.append(sex.code())
    assert steps == ["1", "2", "2", "2", "2", "1", "1", "1", "1"]
    sex.set_code("9")
    qtbot.keyClick(sex, Qt.Key.Key_Up)  # from 未说明, up lands on 女, not on 未知
    assert sex.code() == "2"
    center = QPointF(sex.rect().center())
    for delta, expected in [(-120, "2"), (120, "1"), (120, "1")]:
        wheel = QWheelEvent(
            center,
            QPointF(sex.mapToGlobal(QPoint(5, 5))),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(sex, wheel)
        assert sex.code() == expected
    # 未知/未说明 stay in the list, last, to be chosen on purpose.
    assert [sex.itemText(i) for i in range(sex.count())] == [
        "男",
        "女",
        "未知的性别",
        "未说明的性别",
    ]
    # Other combos keep the usual arrows.
    before = form.ethnicity.currentIndex()
    form.ethnicity.setFocus()
    qtbot.keyClick(form.ethnicity, Qt.Key.Key_Down)
    assert form.ethnicity.currentIndex() == before + 1
