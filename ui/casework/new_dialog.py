"""New cases other than birth registration: subsidy, assistance, maternal reminders, general
record."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
)

from models.casework import cases as casework_cases
from models.casework import people as casework_people
from models.casework import rules as casework_rules
from models.casework.cases import CaseworkError
from models.casework.entities import (
    APPLICATION_STATUSES,
    CASE_TYPES,
    GENERAL,
    MATERNAL,
    REWARD_ASSIST,
    REWARD_CATEGORIES,
    SPECIAL_ASSIST,
    SPECIAL_CATEGORIES,
    SUBSIDY,
)
from models.casework.rates import RateTable
from models.casework.rules import yuan
from models.core import clock
from models.core.entities import User
from models.registry.search import ResidentFilter
from reports.layout.official import format_date
from ui.casework.widgets import DateField, PersonField
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog

GENERAL_SUBJECTS = [
    "育儿补贴政策咨询",
    "婴幼儿照护服务咨询",
    "托育机构信息咨询",
    "孕前优生健康检查告知",
    "生育登记办理咨询",
    "基本公共卫生服务告知",
    "计生特殊家庭关怀",
]


class NewCaseDialog(DiscardGuard, FormDialog):
    """One form per case type; what the rules give (amounts, windows) is shown before saving."""

    def __init__(self, user: User, case_type: str, parent=None) -> None:
        super().__init__(parent, ok=QDialogButtonBox.StandardButton.Save)
        self.user = user
        self.case_type = case_type
        self.case_id: int | None = None
        self.case_no = ""
        self.setWindowTitle(self.tr("新建%1").replace("%1", CASE_TYPES[case_type]))
        self.resize(720, 420)
        self.preview = QLabel()
        self.preview.setObjectName("case_preview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("font-weight: bold;")
        self.opened_on = DateField(clock.today())
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        build = {
            SUBSIDY: self._build_subsidy,
            SPECIAL_ASSIST: self._build_assistance,
            REWARD_ASSIST: self._build_assistance,
            MATERNAL: self._build_maternal,
            GENERAL: self._build_general,
        }[case_type]
        build()
        self.form.addRow(self.tr("登记日期"), self.opened_on)
        self.form.addRow(self.tr("备注"), self.notes)
        layout = self.main_layout
        assert layout is not None  # FormDialog arranged form, error line and buttons
        layout.insertWidget(1, self.preview)
        layout.insertStretch(2, 1)
        self.update_preview()

    # -- forms --------------------------------------------------------------------------
    def _build_subsidy(self) -> None:
        self.child = PersonField(self.tr("婴幼儿"), ResidentFilter(max_age=4, as_of=clock.today()))
        self.child.setObjectName("subsidy_child")
        self.mother = PersonField(self.tr("母亲"), ResidentFilter(sex="2"), optional=True)
        self.father = PersonField(self.tr("父亲"), ResidentFilter(sex="1"), optional=True)
        self.application = QComboBox()
        for code, label in APPLICATION_STATUSES.items():
            self.application.addItem(label, code)
        self.application.setCurrentIndex(self.application.findData("applied"))
        self.applied_on = DateField(clock.today(), optional=True)
        self.child.changed.connect(lambda _p: self._child_parents())
        self.form.addRow(self.tr("婴幼儿"), self.child)
        self.form.addRow(self.tr("母亲"), self.mother)
        self.form.addRow(self.tr("父亲"), self.father)
        self.form.addRow(self.tr("申请状态"), self.application)
        self.form.addRow(self.tr("申请日期"), self.applied_on)

    def _child_parents(self) -> None:
        """Fill in the parents a subsidy child has in the household, where it says."""
        child = self.child.person
        if child is not None:
            mother, father = casework_people.suggest_parents(self.user, child.id)
            if mother is not None and self.mother.person is None:
                self.mother.set_person(mother)
            if father is not None and self.father.person is None:
                self.father.set_person(father)
        self.update_preview()

    def _build_assistance(self) -> None:
        self.person = PersonField(self.tr("扶助对象"))
        self.person.setObjectName("assist_person")
        self.category = QComboBox()
        cats = SPECIAL_CATEGORIES if self.case_type == SPECIAL_ASSIST else REWARD_CATEGORIES
        for code, label in cats.items():
            self.category.addItem(label, code)
        today = clock.today()
        self.start_date = DateField(casework_rules.add_months(casework_rules.month_start(today), 1))
        self.end_date = DateField(optional=True)
        self.assist_child = PersonField(self.tr("子女"), optional=True)
        self.with_spouse = QCheckBox(self.tr("同时为配偶建案（扶助金按人发放）"))
        self.with_spouse.setChecked(True)
        self.category.currentIndexChanged.connect(lambda _i: self.update_preview())
        self.start_date.dateChanged.connect(lambda _d: self.update_preview())
        self.person.changed.connect(lambda _p: self.update_preview())
        self.form.addRow(self.tr("扶助对象"), self.person)
        self.form.addRow(self.tr("类别"), self.category)
        self.form.addRow(self.tr("起始日期"), self.start_date)
        self.form.addRow(self.tr("终止日期"), self.end_date)
        if self.case_type == SPECIAL_ASSIST:
            self.form.addRow(self.tr("独生子女"), self.assist_child)
        self.form.addRow("", self.with_spouse)

    def _build_maternal(self) -> None:
        self.mother = PersonField(self.tr("孕产妇"), ResidentFilter(sex="2"))
        self.mother.setObjectName("maternal_mother")
        self.father = PersonField(self.tr("配偶"), ResidentFilter(sex="1"), optional=True)
        self.expected_date = DateField(clock.today() + dt.timedelta(days=200))
        self.mother.changed.connect(self._maternal_spouse)
        self.expected_date.dateChanged.connect(lambda _d: self.update_preview())
        self.form.addRow(self.tr("孕产妇"), self.mother)
        self.form.addRow(self.tr("配偶"), self.father)
        self.form.addRow(self.tr("预产期"), self.expected_date)

    def _maternal_spouse(self, person) -> None:
        if person is not None and self.father.person is None:
            spouse = casework_people.suggest_spouse(self.user, person.id)
            if spouse is not None:
                self.father.set_person(spouse)

    def _build_general(self) -> None:
        self.person = PersonField(self.tr("服务对象"))
        self.person.setObjectName("general_person")
        self.subject = QComboBox()
        self.subject.setEditable(True)
        self.subject.addItems(GENERAL_SUBJECTS)
        self.form.addRow(self.tr("服务对象"), self.person)
        self.form.addRow(self.tr("服务事项"), self.subject)
        self.form.addRow("", QLabel(self.tr("任何在册居民均可建立服务记录，包括流动人口。")))

    # -- what the rules give ------------------------------------------------------------
    def update_preview(self) -> None:
        text = ""
        if self.case_type == SUBSIDY:
            child = self.child.person
            if child is not None and child.birth_date:
                months = casework_rules.subsidy_months(child.birth_date)
                if not months:
                    text = self.tr(
                        "该婴幼儿不在育儿补贴范围内（2022年1月1日及以后出生的婴幼儿可享受，补至满3周岁当月）。"
                    )
                else:
                    rates = RateTable()
                    due = casework_rules.amount_due(
                        months, lambda m: rates.monthly_fen("subsidy", m)
                    )
                    span = (
                        self.tr("%2年%3月") if len(months) == 1 else self.tr("%2年%3月至%4年%5月")
                    )
                    text = (
                        self.tr("应享补贴 %1 个月（%span），共 %6 元。")
                        .replace("%span", span)
                        .replace("%1", str(due.month_count))
                        .replace("%2", str(months[0].year))
                        .replace("%3", str(months[0].month))
                        .replace("%4", str(months[-1].year))
                        .replace("%5", str(months[-1].month))
                        .replace("%6", yuan(due.total_fen))
                    )
        elif self.case_type in (SPECIAL_ASSIST, REWARD_ASSIST):
            start = self.start_date.value() or clock.today()
            fen = RateTable().monthly_fen(
                self.category.currentData(), casework_rules.month_start(start)
            )
            text = (
                self.tr("起始月标准：每人每月 %1 元。").replace("%1", yuan(fen))
                if fen is not None
                else self.tr("起始月没有适用的标准，请先由系统管理员录入标准。")
            )
        elif self.case_type == MATERNAL:
            expected = self.expected_date.value()
            if expected:
                lines = [
                    f"{w.label}：{format_date(w.start)}至{format_date(w.end)}"
                    for w in casework_rules.maternal_windows(expected)
                ]
                text = self.tr(
                    "将生成以下提醒（只记录提醒和完成情况，不记录检查结果）：\n"
                ) + "\n".join(lines)
        self.preview.setText(text)

    # -- save ---------------------------------------------------------------------------
    def save(self) -> None:
        opened = self.opened_on.value()
        notes = self.notes.toPlainText()
        if self.case_type == SUBSIDY:
            case = casework_cases.create_subsidy(
                self.user,
                child_id=self.child.person_id() or 0,
                mother_id=self.mother.person_id(),
                father_id=self.father.person_id(),
                application_status=self.application.currentData(),
                applied_on=self.applied_on.value(),
                opened_on=opened,
                notes=notes,
            )
        elif self.case_type in (SPECIAL_ASSIST, REWARD_ASSIST):
            case = self._save_assistance(opened, notes)
        elif self.case_type == MATERNAL:
            case = casework_cases.create_maternal(
                self.user,
                mother_id=self.mother.person_id() or 0,
                father_id=self.father.person_id(),
                expected_date=self.expected_date.value() or clock.today(),
                opened_on=opened,
                notes=notes,
            )
        else:
            case = casework_cases.create_general(
                self.user,
                person_id=self.person.person_id() or 0,
                subject=self.subject.currentText(),
                opened_on=opened,
                notes=notes,
            )
        self.case_id = case.id
        self.case_no = case.case_no

    def _save_assistance(self, opened: dt.date | None, notes: str):
        person_id = self.person.person_id() or 0
        kwargs = dict(
            case_type=self.case_type,
            category=self.category.currentData(),
            start_date=self.start_date.value() or clock.today(),
            end_date=self.end_date.value(),
            child_id=self.assist_child.person_id() if self.case_type == SPECIAL_ASSIST else None,
            opened_on=opened,
            notes=notes,
        )
        ids = [person_id]
        if self.with_spouse.isChecked() and person_id:
            spouse = casework_people.suggest_spouse(self.user, person_id)
            if spouse is None:
                raise CaseworkError(
                    "人口信息中找不到其配偶；请取消“同时为配偶建案”，再为配偶单独建案。"
                )
            ids.append(spouse.id)
        return casework_cases.create_assistance_for(self.user, ids, **kwargs)[0]
