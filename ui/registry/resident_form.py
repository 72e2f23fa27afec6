"""The resident form: every field of the register, the ID number checked as it is typed.

Modes: "edit" an existing person, "correct" (更正: the same fields, with a reason, and the
change becomes a line in the person's history); for a household:
"register" (补录, someone missing from the
register), "move_in" (迁入, dated, from a place) and "birth" (出生登记). A number already in
the register cannot be saved again: the form offers to open that person instead
(done(OPEN_OTHER), with .open_resident_id set).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core import clock
from models.core.errors import EditConflict
from models.core.permissions import Perm, can
from models.registry import households, life_events, residents
from models.registry.residents import HEAD, RegistryError, ResidentData
from ui.common.dialogs import confirm, run_modal
from ui.common.discard_guard import DiscardGuard, field_values
from ui.registry.widgets import (
    ERROR_STYLE,
    INFO_STYLE,
    OK_STYLE,
    WARN_STYLE,
    CodeCombo,
    DateField,
    TagsEditor,
    error_label,
)

OPEN_OTHER = 2  # dialog result: the clerk chose to open the person who holds the number

_TITLES = {
    "edit": "居民信息",
    "correct": "更正居民信息",
    "register": "补录居民",
    "move_in": "迁入登记",
    "birth": "出生登记",
}
_LEVEL_STYLE = {
    "": INFO_STYLE,
    "info": INFO_STYLE,
    "ok": OK_STYLE,
    "error": ERROR_STYLE,
    "duplicate": ERROR_STYLE,
}


class ResidentForm(DiscardGuard, QDialog):
    """Esc, 取消 and the close button ask before discarding what was typed (DiscardGuard)."""

    def __init__(
        self,
        user,
        mode: str = "edit",
        resident_id: int | None = None,
        household_id: int | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.user, self.mode = user, mode
        self.resident_id = resident_id
        self.household_id = household_id
        self.open_resident_id: int | None = None
        self.saved_id: int | None = None
        self._feedback = residents.IdFeedback("", "")
        self._auto_birth: dt.date | None = None  # what the number filled in, to tell typed apart
        self._auto_sex: str | None = None
        self._id_hidden = False  # edit mode: the stored number is not shown unless revealed
        self._stored_id = ""
        self.loaded_version: int | None = None  # the row version the form shows (edit modes)
        self.setWindowTitle(self.tr(_TITLES[mode]))
        self._build()
        if mode in ("edit", "correct") and resident_id:
            self._load(resident_id)
        else:
            self._defaults()
        if mode == "correct":
            self.reason.setFocus()  # the reason first: what is being put right, and why
        else:
            (self.name if mode in ("edit", "birth") else self.id_number).setFocus()

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.household_label = QLabel()
        self.household_label.setStyleSheet("font-weight: bold;")
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.id_number = QLineEdit()
        self.id_number.setObjectName("id_number")
        self.id_number.setPlaceholderText(self.tr("18位公民身份号码（15位旧号码自动转换）"))
        self.id_number.setMaxLength(24)
        self.id_message = QLabel()
        self.id_message.setObjectName("id_message")
        self.id_message.setWordWrap(True)
        self.open_other = QPushButton(self.tr("打开此人(&P)"))
        self.open_other.setObjectName("open_other")
        self.open_other.hide()
        self.reveal = QPushButton(self.tr("显示完整号码"))
        self.reveal.setObjectName("reveal")
        self.replace_id = QPushButton(self.tr("重新填写"))
        self.replace_id.setObjectName("replace_id")
        self.reveal.hide()
        self.replace_id.hide()
        # The arrows step between 男 and 女 only: 未知/未说明 are picked from the list on purpose.
        self.sex = CodeCombo("sex", arrow_codes=("1", "2"))
        self.sex.setObjectName("sex")
        self.birth = DateField()
        self.birth.setObjectName("birth_date")
        self.id_warning = QLabel()
        self.id_warning.setObjectName("id_warning")
        self.id_warning.setWordWrap(True)
        self.id_warning.setStyleSheet(WARN_STYLE)
        self.use_id = QPushButton(self.tr("按号码填写"))
        self.use_id.setObjectName("use_id")
        self.use_id.hide()
        self.ethnicity = CodeCombo("ethnicity")
        self.relation = CodeCombo("relation", exclude=("01",), searchable=True, common_first=True)
        self.relation.setObjectName("relation")
        self.education = CodeCombo("education", blank=self.tr("（未填）"))
        self.marital = CodeCombo("marital_status", blank=self.tr("（未填）"))
        self.political = CodeCombo("political_status", blank=self.tr("（未填）"))
        self.category = CodeCombo("category")
        self.category.setObjectName("category")
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.hukou = QLineEdit()
        self.work = QLineEdit()
        self.arrived = DateField()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(48)
        self.tags = TagsEditor()
        # What the event modes add: the date, where from, why.
        self.event_date = DateField(clock.today(), required=True)
        self.event_date.setObjectName("event_date")
        self.from_place = QLineEdit()
        self.from_place.setObjectName("from_place")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")

        id_row = QHBoxLayout()
        id_row.addWidget(self.id_number, 1)
        id_row.addWidget(self.reveal)
        id_row.addWidget(self.replace_id)
        id_msg_row = QHBoxLayout()
        id_msg_row.addWidget(self.id_message, 1)
        id_msg_row.addWidget(self.open_other)
        warn_row = QHBoxLayout()
        warn_row.addWidget(self.id_warning, 1)
        warn_row.addWidget(self.use_id)

        person = QGroupBox(self.tr("基本信息"))
        grid = QGridLayout(person)
        grid.addWidget(QLabel(self.tr("姓名*")), 0, 0)
        grid.addWidget(self.name, 0, 1)
        grid.addWidget(QLabel(self.tr("与户主关系*")), 0, 2)
        grid.addWidget(self.relation, 0, 3)
        grid.addWidget(QLabel(self.tr("公民身份号码")), 1, 0)
        grid.addLayout(id_row, 1, 1, 1, 3)
        grid.addLayout(id_msg_row, 2, 1, 1, 3)
        grid.addWidget(QLabel(self.tr("性别*")), 3, 0)
        grid.addWidget(self.sex, 3, 1)
        grid.addWidget(QLabel(self.tr("出生日期")), 3, 2)
        grid.addWidget(self.birth, 3, 3)
        grid.addLayout(warn_row, 4, 1, 1, 3)
        grid.addWidget(QLabel(self.tr("民族*")), 5, 0)
        grid.addWidget(self.ethnicity, 5, 1)
        grid.addWidget(QLabel(self.tr("人员类别*")), 5, 2)
        grid.addWidget(self.category, 5, 3)
        grid.addWidget(QLabel(self.tr("文化程度")), 6, 0)
        grid.addWidget(self.education, 6, 1)
        grid.addWidget(QLabel(self.tr("婚姻状况")), 6, 2)
        grid.addWidget(self.marital, 6, 3)
        grid.addWidget(QLabel(self.tr("政治面貌")), 7, 0)
        grid.addWidget(self.political, 7, 1)
        grid.addWidget(QLabel(self.tr("联系电话")), 7, 2)
        grid.addWidget(self.phone, 7, 3)
        grid.addWidget(QLabel(self.tr("户籍地址")), 8, 0)
        grid.addWidget(self.hukou, 8, 1, 1, 3)
        grid.addWidget(QLabel(self.tr("工作单位/职业")), 9, 0)
        grid.addWidget(self.work, 9, 1)
        grid.addWidget(QLabel(self.tr("来本地日期")), 9, 2)
        grid.addWidget(self.arrived, 9, 3)
        grid.addWidget(QLabel(self.tr("备注")), 10, 0)
        grid.addWidget(self.notes, 10, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        groups = QGroupBox(self.tr("特殊人群"))
        QVBoxLayout(groups).addWidget(self.tags)

        self.event_box = QGroupBox(self.tr("登记事项"))
        form = QFormLayout(self.event_box)
        self.event_date_label = QLabel(self.tr("迁入日期*"))
        form.addRow(self.event_date_label, self.event_date)
        self.from_label = QLabel(self.tr("迁自（原住地）"))
        form.addRow(self.from_label, self.from_place)
        form.addRow(self.tr("原因/说明"), self.reason)

        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存(&S)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        # Offered when another clerk saved this person first (EditConflict): what was typed
        # stays in the form until the clerk chooses the stored values instead.
        self.reload_button = self.buttons.addButton(
            self.tr("重新载入(&R)"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.reload_button.setObjectName("reload")
        self.reload_button.setToolTip(self.tr("放弃本窗口中未保存的修改，显示他人保存后的当前内容"))
        self.reload_button.clicked.connect(self.reload)
        self.reload_button.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.household_label)
        layout.addWidget(person)
        layout.addWidget(groups)
        layout.addWidget(self.event_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 0)

        self.id_number.textChanged.connect(self._id_changed)
        self.id_number.editingFinished.connect(self._id_finished)
        self.birth.textChanged.connect(self._check_agreement)
        self.sex.currentIndexChanged.connect(self._check_agreement)
        self.use_id.clicked.connect(self._use_id)
        self.open_other.clicked.connect(self._open_other)
        self.reveal.clicked.connect(self._reveal)
        self.replace_id.clicked.connect(self._replace_id)
        editable = can(self.user, Perm.REGISTRY_EDIT)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(editable)

    def _show_household(self, household_id: int | None) -> None:
        if not household_id:
            self.household_label.setText(self.tr("（未分户）"))
            return
        info = households.detail(household_id)
        head = info.head.name if info.head else self.tr("无")
        self.household_label.setText(
            self.tr("户号 %1　%2　户主：%3")
            .replace("%1", info.household_no)
            .replace("%2", info.address)
            .replace("%3", head)
        )

    def _defaults(self) -> None:
        self._show_household(self.household_id)
        self.sex.set_code("0")  # until the ID number or the clerk says otherwise
        if self.household_id:
            head = residents.current_head(self.household_id)
            if head is not None:
                self.relation.remove_code(HEAD)  # the household has its head already
                self.category.set_code(head.category)
                self.hukou.setText(head.hukou_address)
                self.relation.set_code("20" if self.mode == "birth" else "99")
            else:
                self.relation.set_code(HEAD)
                self.relation.setEnabled(False)
        if self.mode == "birth":
            self.event_date_label.setText(self.tr("出生日期（见上）"))
            self.event_date.hide()
            self.from_label.hide()
            self.from_place.hide()
            self.birth.required = True
            self.education.set_code("")
            self.marital.set_code("10")
        elif self.mode == "register":
            self.event_box.hide()

    def _load(self, resident_id: int) -> None:
        info = residents.detail(self.user, resident_id)
        self.loaded_version = info.row_version
        self.household_id = info.household_id
        self._show_household(info.household_id)
        d = info.data
        self.name.setText(d.name)
        self._stored_id = d.id_number or ""  # empty for a role that may not see it
        self._id_hidden = False
        self.id_number.setReadOnly(False)
        if info.has_id_number:
            self._id_hidden = True
            self.id_number.setText(info.masked_id)
            self.id_number.setReadOnly(True)
            self.reveal.setVisible(can(self.user, Perm.REVEAL_ID))
            self.replace_id.setVisible(can(self.user, Perm.REGISTRY_EDIT))
        self.sex.set_code(d.sex)
        self.birth.set_date(d.birth_date)
        self.ethnicity.set_code(d.ethnicity)
        head = residents.current_head(info.household_id) if info.household_id else None
        if head is not None and head.id != resident_id:
            self.relation.remove_code(HEAD)  # someone else heads the household
        self.relation.set_code(d.relation)
        self.education.set_code(d.education)
        self.marital.set_code(d.marital_status)
        self.political.set_code(d.political_status)
        self.category.set_code(d.category)
        self.category.setEnabled(False)
        self.category.setToolTip(self.tr("人员类别的变化请用“类别变更”登记（带日期和原因）"))
        self.relation.setEnabled(d.relation != HEAD)
        self.phone.setText(d.phone)
        self.hukou.setText(d.hukou_address)
        self.work.setText(d.work_unit)
        self.arrived.set_date(d.arrived_on)
        self.notes.setPlainText(d.notes)
        self.tags.set_tags(d.tags)
        self.event_box.hide()
        status = residents.STATUS_NAMES.get(info.status, info.status)
        self.setWindowTitle(
            self.tr("居民信息：%1（%2）").replace("%1", d.name).replace("%2", status)
        )
        if self.mode == "correct":
            self._correct_layout(d.name, status)
        residents.log_view(self.user, resident_id)

    def _correct_layout(self, name: str, status: str) -> None:
        """更正: only the reason of the event box, required; the history shows old and new."""
        self.setWindowTitle(
            self.tr("更正居民信息：%1（%2）").replace("%1", name).replace("%2", status)
        )
        self.event_box.setTitle(self.tr("更正说明"))
        for widget in (self.event_date_label, self.event_date, self.from_label, self.from_place):
            widget.hide()
        form = self.event_box.layout()
        assert isinstance(form, QFormLayout)  # built as one in __init__
        label = form.labelForField(self.reason)
        if isinstance(label, QLabel):
            label.setText(self.tr("更正原因*"))
        self.reason.setPlaceholderText(self.tr("如 姓名录入错误，据户口簿更正"))
        self.event_box.show()

    # -- the ID number as it is typed -------------------------------------------------
    def _id_changed(self, _text: str = "") -> None:
        if self._id_hidden:
            return
        fb = residents.id_feedback(self.id_number.text(), exclude_id=self.resident_id)
        self._feedback = fb
        self.id_message.setText(fb.message)
        self.id_message.setStyleSheet(_LEVEL_STYLE[fb.level])
        self.open_other.setVisible(fb.level == "duplicate")
        if fb.level in ("ok", "duplicate") and fb.birth_date:
            # Fill what the number tells unless the clerk typed something of their own.
            if not self.birth.text().strip() or self.birth.date() == self._auto_birth:
                self.birth.set_date(fb.birth_date)
            if self.sex.code() not in ("1", "2") or self.sex.code() == self._auto_sex:
                self.sex.set_code(fb.sex)
            self._auto_birth, self._auto_sex = fb.birth_date, fb.sex
        self._check_agreement()

    def _id_finished(self) -> None:
        """A complete 15-digit number becomes its 18-digit form when the clerk moves on."""
        fb = self._feedback
        if fb.level == "ok" and fb.number and len(self.id_number.text().strip()) == 15:
            self.id_number.setText(fb.number)

    def _check_agreement(self) -> None:
        fb = self._feedback
        problems = []
        if fb.birth_date and self.birth.date() and self.birth.date() != fb.birth_date:
            problems.append(
                self.tr("出生日期与身份证号码（%1）不一致").replace("%1", fb.birth_date.isoformat())
            )
        if fb.sex and self.sex.code() in ("1", "2") and self.sex.code() != fb.sex:
            problems.append(self.tr("性别与身份证号码不一致"))
        self.id_warning.setText(("⚠ " + "；".join(problems)) if problems else "")
        self.use_id.setVisible(bool(problems))

    def _use_id(self) -> None:
        fb = self._feedback
        if fb.birth_date:
            self.birth.set_date(fb.birth_date)
        if fb.sex:
            self.sex.set_code(fb.sex)
        self._auto_birth, self._auto_sex = fb.birth_date, fb.sex

    def _open_other(self) -> None:
        if self._feedback.duplicate_id:
            self.open_resident_id = self._feedback.duplicate_id
            self.done(OPEN_OTHER)

    def _reveal(self) -> None:
        try:
            number = residents.reveal_id(self.user, self.resident_id or 0)
        except PermissionError as exc:
            self.error.setText(str(exc))
            return
        self._id_hidden = False
        self.id_number.setReadOnly(False)
        self.id_number.setText(number)
        self.reveal.hide()

    def _replace_id(self) -> None:
        self._id_hidden = False
        self.id_number.setReadOnly(False)
        self.id_number.clear()
        self.id_number.setFocus()
        self.reveal.hide()
        self.replace_id.hide()

    # -- saving -----------------------------------------------------------------------
    def data(self) -> ResidentData:
        number = self._stored_id if self._id_hidden else self.id_number.text()
        return ResidentData(
            name=self.name.text(),
            id_number=number or None,
            keep_id_number=self._id_hidden,  # never shown, so never changed
            sex=self.sex.code(),
            birth_date=self.birth.date(),
            ethnicity=self.ethnicity.code(),
            relation=self.relation.code(),
            education=self.education.code(),
            marital_status=self.marital.code(),
            political_status=self.political.code(),
            category=self.category.code(),
            phone=self.phone.text(),
            hukou_address=self.hukou.text().strip(),
            work_unit=self.work.text().strip(),
            arrived_on=self.arrived.date(),
            notes=self.notes.toPlainText().strip(),
            tags=self.tags.tags(),
        )

    def _problem(self) -> str:
        text = self.relation.problem(self.tr("与户主关系"))
        if text:
            return text
        for field, label in [
            (self.birth, self.tr("出生日期")),
            (self.arrived, self.tr("来本地日期")),
        ]:
            text = field.problem(label)
            if text:
                return text
        if self.mode == "move_in":
            return self.event_date.problem(self.tr("迁入日期"))
        if self.mode == "correct" and not self.reason.text().strip():
            return self.tr("请填写更正原因。")
        return ""

    def save(self) -> None:
        self.error.clear()
        problem = self._problem()
        if problem:
            self.error.setText(problem)
            return
        fb = self._feedback
        if not self._id_hidden and fb.level == "duplicate":
            if confirm(
                self, self.tr("号码已登记"), fb.message + self.tr("。\n\n要打开此人的信息吗？")
            ):
                self._open_other()
            else:
                self.error.setText(fb.message)
            return
        if not self._id_hidden and fb.level in ("error", "info"):
            self.error.setText(self.tr("身份证号码有误：%1").replace("%1", fb.message))
            return
        if self.id_warning.text() and not confirm(
            self,
            self.tr("与身份证号码不一致"),
            self.id_warning.text().lstrip("⚠ ") + self.tr("。\n\n仍按填写的内容保存吗？"),
        ):
            return
        try:
            self._save(self.data())
        except EditConflict as exc:
            # Someone saved first: say who and what, keep the typing, offer the stored values.
            self.error.setText(
                str(exc) + self.tr("点“重新载入”可显示当前内容（将替换本窗口中输入的内容）。")
            )
            self.reload_button.show()
            return
        except RegistryError as exc:
            duplicate = getattr(exc, "resident_id", None)
            self.error.setText(str(exc))
            if duplicate and confirm(
                self, self.tr("号码已登记"), str(exc) + self.tr("\n\n要打开此人的信息吗？")
            ):
                self.open_resident_id = duplicate
                self.done(OPEN_OTHER)
            return
        except PermissionError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def reload(self) -> None:
        """重新载入: the stored values (and version) replace what the form holds; the reason
        of a correction stays (it is not stored in the person's record)."""
        if not self.resident_id:
            return
        self.error.clear()
        self.reload_button.hide()
        self._load(self.resident_id)
        self._discard_snapshot = None if self._discard_snapshot is None else field_values(self)

    def _save(self, data: ResidentData) -> None:
        if self.mode == "edit":
            residents.update_resident(
                self.user, self.resident_id or 0, data, expected_version=self.loaded_version
            )
            self.saved_id = self.resident_id
            return
        if self.mode == "correct":
            residents.correct_resident(
                self.user,
                self.resident_id or 0,
                data,
                self.reason.text(),
                expected_version=self.loaded_version,
            )
            self.saved_id = self.resident_id
            return
        household_id = self.household_id or 0
        if self.mode == "birth":
            person = life_events.record_birth(self.user, household_id, data, self.reason.text())
        elif self.mode == "move_in":
            person = life_events.record_move_in(
                self.user,
                household_id,
                data,
                self.event_date.date() or clock.today(),
                self.from_place.text(),
                self.reason.text(),
            )
        else:
            person = residents.create_resident(self.user, household_id, data)
        self.saved_id = person.id


def open_resident(
    user, resident_id: int, parent: QWidget | None = None, mode: str = "edit"
) -> int | None:
    """Open a person's form ("edit" or "correct"); follows "open that person" offers.
    Returns the last saved id."""
    saved = None
    while resident_id:
        form = ResidentForm(user, mode, resident_id, parent=parent)
        result = run_modal(form)  # and freed: a child of parent
        if result == OPEN_OTHER and form.open_resident_id:
            resident_id = form.open_resident_id
            continue
        if result == QDialog.DialogCode.Accepted:
            saved = form.saved_id
        break
    return saved
