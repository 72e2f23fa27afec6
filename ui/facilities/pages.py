"""The three pages under the 设施台账 tab's hazard list: spaces against the standard,
the equipment register, and the inspection records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core import clock
from models.core.entities import User
from models.core.permissions import PermissionDenied
from models.facilities import centre as centre_svc
from models.facilities import inspections
from models.facilities.assess import Compliance, EquipmentGap, ItemAssessment, format_area
from models.facilities.centre import EquipmentRow, FacilityError, SpaceRow
from models.facilities.entities import KIND_NAMES, VERDICT_NAMES
from models.facilities.standard import StandardItem
from ui.common.dialogs import ask_text, inform, run_modal, warn
from ui.common.table_model import Column
from ui.facilities.widgets import AMBER, GREEN, GREY, RED, ColouredRowsModel, PhotoStrip

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
VERDICT_COLOURS = {
    "missing": RED,
    "unsafe": RED,
    "shared": AMBER,
    "area_short": AMBER,
    "equipment_short": AMBER,
    "meets": GREEN,
}


def table_view(name: str, model: Any) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


def selected(view: QTableView) -> Any:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    # Every view made by table_view() shows a ColouredRowsModel; model() is typed the base class.
    model = cast(ColouredRowsModel, view.model())
    return model.row_at(rows[0].row()) if rows else None


def button(text: str, slot: Any, name: str, tip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.clicked.connect(slot)
    if tip:
        b.setToolTip(tip)
    return b


@dataclass(frozen=True)
class ItemLine:
    """A row of the spaces page: an item with one of its spaces, an item with none, or a
    space outside the standard."""

    item: StandardItem | None
    space: SpaceRow | None
    assessment: ItemAssessment | None

    @property
    def verdict(self) -> str:
        return self.assessment.verdict if self.assessment else ""


def item_lines(result: Compliance) -> list[ItemLine]:
    lines: list[ItemLine] = []
    for a in result.items:
        spaces = a.spaces or (None,)
        lines += [ItemLine(a.item, s, a) for s in spaces]
    lines += [ItemLine(None, s, None) for s in result.extra_spaces]
    return lines


class SpacesPage(QWidget):
    """Each standard item with the space(s) that serve it, and what it lacks."""

    add_space = Signal()
    edit_space = Signal()
    archive_space = Signal()
    add_photos = Signal()
    add_equipment = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = ColouredRowsModel(
            [
                Column(
                    self.tr("标准项目"),
                    lambda r: r.item.name if r.item else self.tr("（标准以外）"),
                ),
                Column(
                    self.tr("类别"), lambda r: KIND_NAMES.get(r.item.kind, "") if r.item else ""
                ),
                Column(
                    self.tr("要求面积"),
                    lambda r: format_area(r.item.min_area) if r.item else "",
                    _RIGHT,
                ),
                Column(
                    self.tr("现有用房"), lambda r: r.space.name if r.space else self.tr("（无）")
                ),
                Column(
                    self.tr("状况"), lambda r: r.space.status_name if r.space else self.tr("缺失")
                ),
                Column(
                    self.tr("面积"), lambda r: format_area(r.space.area) if r.space else "", _RIGHT
                ),
                Column(self.tr("评定"), lambda r: VERDICT_NAMES.get(r.verdict, "")),
                Column(self.tr("差距"), self._gap),
                Column(
                    self.tr("照片"), lambda r: r.space.photos if r.space and r.space.photos else ""
                ),
            ],
            lambda r: VERDICT_COLOURS.get(r.verdict),
        )
        self.table = table_view("spaces_table", self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_space.emit())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_detail())
        self.detail = QLabel()
        self.detail.setObjectName("space_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.photos = PhotoStrip(80)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.photos)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        right.setMinimumWidth(300)
        right.setMaximumWidth(440)
        splitter.setSizes([820, 400])
        self.buttons = [
            button(self.tr("登记用房(&N)…"), self.add_space.emit, "add_space", "Ctrl+N"),
            button(self.tr("修改(&E)…"), self.edit_space.emit, "edit_space", "Ctrl+E / 双击"),
            button(self.tr("添加照片…"), self.add_photos.emit, "space_photos"),
            button(self.tr("登记设备…"), self.add_equipment.emit, "space_equipment"),
            button(self.tr("停用用房…"), self.archive_space.emit, "archive_space", "Delete"),
        ]
        row = QHBoxLayout()
        for b in self.buttons:
            row.addWidget(b)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)

    def _gap(self, r: ItemLine) -> str:
        a = r.assessment
        if a is None:
            return ""
        parts = []
        if a.area_gap > 0 and a.item.min_area:
            parts.append(self.tr("面积差%1m²").replace("%1", format_area(a.area_gap)))
        if a.equipment_gaps:
            parts.append(self.tr("缺设备%1项").replace("%1", str(len(a.equipment_gaps))))
        return "；".join(parts)

    def set_result(self, result: Compliance) -> None:
        current = selected(self.table)
        self.model.set_rows(item_lines(result))
        self.table.resizeColumnsToContents()
        if current is not None:
            for i, line in enumerate(self.model.rows):
                if (line.space and current.space and line.space.id == current.space.id) or (
                    not line.space and not current.space and line.item == current.item
                ):
                    self.table.selectRow(i)
                    break
        if selected(self.table) is None and self.model.rows:
            self.table.selectRow(0)
        self.show_detail()

    def current(self) -> ItemLine | None:
        return selected(self.table)

    def show_detail(self) -> None:
        line = self.current()
        if line is None:
            self.detail.setText(self.tr("选择一行查看设备核对和照片。"))
            self.photos.set_photos([])
            return
        parts = []
        if line.item:
            area = (
                self.tr("，最低%1m²").replace("%1", format_area(line.item.min_area))
                if line.item.min_area
                else ""
            )
            parts.append(f"<b>{line.item.name}</b>（{line.item.kind_name}{area}）")
        if line.space:
            s = line.space
            facts = [s.status_name]
            if s.area is not None:
                facts.append(f"{format_area(s.area)}m²")
            if s.location:
                facts.append(s.location)
            if s.shared_with:
                facts.append(self.tr("与%1共用").replace("%1", s.shared_with))
            parts.append(f"{s.name}：" + "，".join(facts))
            if s.notes:
                parts.append(f"<span style='color:{GREY}'>{s.notes}</span>")
        else:
            parts.append(
                f"<span style='color:{RED}'>{self.tr('尚未登记对应的用房（缺失）')}</span>"
            )
        if line.assessment and line.item and line.item.equipment:
            gaps = {g.equipment: g for g in line.assessment.equipment_gaps}
            rows = []
            for need in line.item.equipment:
                gap = gaps.get(need.name)
                if gap is None:
                    mark = f"<span style='color:{GREEN}'>✓ {self.tr('齐全')}</span>"
                else:
                    mark = (
                        f"<span style='color:{RED}'>"
                        + self.tr("缺%1").replace("%1", f"{gap.missing}{need.unit}")
                        + "</span>"
                    )
                rows.append(
                    f"<tr><td>{need.name}</td><td align='right'>{need.quantity}{need.unit}"
                    f"</td><td>&nbsp;{mark}</td></tr>"
                )
            parts.append(self.tr("必备设备核对：") + "<table>" + "".join(rows) + "</table>")
        self.detail.setText("<br>".join(parts))
        self.photos.set_photos(centre_svc.list_photos(space_id=line.space.id) if line.space else [])


@dataclass(frozen=True)
class GapLine:
    item_name: str
    space_id: int | None
    gap: EquipmentGap


class EquipmentPage(QWidget):
    """The equipment register of the centre, with the standard's missing lines in red."""

    add_equipment = Signal()
    edit_equipment = Signal()
    dispose_equipment = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = ColouredRowsModel(
            [
                Column(
                    self.tr("用房"),
                    lambda r: r.item_name if isinstance(r, GapLine) else r.space_name,
                ),
                Column(
                    self.tr("设备"), lambda r: r.gap.equipment if isinstance(r, GapLine) else r.name
                ),
                Column(self.tr("数量"), self._quantity, _RIGHT),
                Column(
                    self.tr("状况"),
                    lambda r: self.tr("缺少") if isinstance(r, GapLine) else r.condition_name,
                ),
                Column(
                    self.tr("资产编号"), lambda r: "" if isinstance(r, GapLine) else r.asset_tag
                ),
                Column(
                    self.tr("购置日期"),
                    lambda r: "" if isinstance(r, GapLine) else (r.purchase_date or ""),
                ),
                Column(
                    self.tr("价值（元）"),
                    lambda r: (
                        "" if isinstance(r, GapLine) or r.value is None else f"{r.value:,.2f}"
                    ),
                    _RIGHT,
                ),
                Column(self.tr("备注"), lambda r: "" if isinstance(r, GapLine) else r.notes),
            ],
            self._colour,
        )
        self.table = table_view("equipment_table", self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_equipment.emit())
        self.show_gaps = QCheckBox(self.tr("同时列出缺少的必备设备(&G)"))
        self.show_gaps.setObjectName("show_gaps")
        self.show_gaps.setChecked(True)
        self.total = QLabel()
        self.buttons = [
            button(self.tr("登记设备…"), self.add_equipment.emit, "add_equipment", "Ctrl+Shift+N"),
            button(self.tr("修改…"), self.edit_equipment.emit, "edit_equipment", "双击"),
            button(
                self.tr("注销设备…"), self.dispose_equipment.emit, "dispose_equipment", "Delete"
            ),
        ]
        row = QHBoxLayout()
        for b in self.buttons:
            row.addWidget(b)
        row.addWidget(self.show_gaps)
        row.addStretch()
        row.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self._rows: list[EquipmentRow] = []
        self._gaps: list[GapLine] = []
        self.show_gaps.toggled.connect(lambda _on: self._fill())

    def _quantity(self, r: Any) -> str:
        if isinstance(r, GapLine):
            return self.tr("缺%1").replace("%1", f"{r.gap.missing}{r.gap.unit}")
        return str(r.quantity)

    @staticmethod
    def _colour(r: Any) -> str | None:
        if isinstance(r, GapLine):
            return RED
        return AMBER if r.condition == "broken" else None

    def set_data(self, rows: list[EquipmentRow], result: Compliance) -> None:
        self._rows = rows
        self._gaps = []
        for a in result.items:
            space = next((s.id for s in a.spaces if s.status != "missing"), None)
            self._gaps += [GapLine(a.item.name, space, g) for g in a.equipment_gaps]
        value = sum((r.value for r in rows if r.value is not None), start=0)
        self.total.setText(
            self.tr("共 %1 项，%2 件，价值 %3 元")
            .replace("%1", str(len(rows)))
            .replace("%2", str(sum(r.quantity for r in rows)))
            .replace("%3", f"{value:,.2f}")
        )
        self._fill()

    def _fill(self) -> None:
        self.model.set_rows([*self._rows, *(self._gaps if self.show_gaps.isChecked() else [])])
        self.table.resizeColumnsToContents()

    def current(self) -> EquipmentRow | GapLine | None:
        return selected(self.table)


class InspectionsPage(QWidget):
    """Inspections on record, newest first, and the findings of the one selected."""

    record = Signal()
    changed = Signal()

    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.centre_id: int | None = None
        self.spaces: list[SpaceRow] = []
        self.today = clock.today
        self.model = ColouredRowsModel(
            [
                Column(self.tr("检查日期"), lambda r: r.inspected_on),
                Column(self.tr("检查人"), lambda r: r.inspector),
                Column(self.tr("检查内容"), lambda r: r.notes),
                Column(self.tr("发现"), lambda r: r.findings, _RIGHT),
                Column(self.tr("隐患"), lambda r: r.hazards, _RIGHT),
                Column(self.tr("未整改"), lambda r: r.open_hazards or "", _RIGHT),
            ],
            lambda r: RED if r.open_hazards else None,
        )
        self.table = table_view("inspections_table", self.model)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_findings())
        self.findings = ColouredRowsModel(
            [
                Column(self.tr("状态"), lambda f: f.state_name),
                Column(self.tr("类别"), lambda f: f.category_name),
                Column(self.tr("位置"), lambda f: f.space_name),
                Column(self.tr("情况"), lambda f: f.description),
                Column(self.tr("整改期限"), lambda f: f.deadline or ""),
                Column(self.tr("责任人"), lambda f: f.responsible),
                Column(self.tr("整改日期"), lambda f: f.fixed_on or ""),
            ],
            lambda f: {"overdue": RED, "open": AMBER, "fixed": GREEN}.get(f.state),
        )
        self.findings_table = table_view("findings_table", self.findings)
        self.buttons = [
            button(self.tr("登记检查(&I)…"), self.record.emit, "record_inspection", "Ctrl+I"),
            button(self.tr("补充发现…"), self.add_finding, "add_finding_later"),
            button(self.tr("作废发现…"), self.void_finding, "void_finding"),
            button(self.tr("作废检查记录…"), self.void_inspection, "void_inspection"),
        ]
        row = QHBoxLayout()
        for b in self.buttons:
            row.addWidget(b)
        row.addStretch()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.findings_table)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)

    def set_data(self, centre_id: int, spaces: list[SpaceRow]) -> None:
        self.centre_id, self.spaces = centre_id, spaces
        current = selected(self.table)
        self.model.set_rows(inspections.list_inspections(centre_id))
        self.table.resizeColumnsToContents()
        ids = [r.id for r in self.model.rows]
        if ids:
            self.table.selectRow(ids.index(current.id) if current and current.id in ids else 0)
        self._show_findings()

    def _show_findings(self) -> None:
        current = selected(self.table)
        self.findings.set_rows(inspections.findings_of(current.id, self.today()) if current else [])
        self.findings_table.resizeColumnsToContents()

    def add_finding(self) -> None:
        from ui.facilities.inspection_dialog import AddFindingDialog

        current = selected(self.table)
        if current is None:
            inform(self, self.tr("补充发现"), self.tr("请先选择一次检查。"))
            return
        if run_modal(
            AddFindingDialog(self.user, current.id, current.inspected_on, self.spaces, self)
        ):
            self.changed.emit()

    def _reason(self, title: str, prompt: str) -> str | None:
        text = ask_text(self, title, prompt)
        if text is None:
            return None
        if not text.strip():
            warn(self, title, self.tr("请说明作废原因。"))
            return None
        return text

    def void_finding(self) -> None:
        finding = selected(self.findings_table)
        if finding is None:
            inform(self, self.tr("作废发现"), self.tr("请先在下方选择一条发现。"))
            return
        reason = self._reason(
            self.tr("作废发现"),
            self.tr("作废“%1”？记录会保留但不再统计。\n作废原因：").replace(
                "%1", finding.description[:30]
            ),
        )
        if reason is None:
            return
        try:
            inspections.void_finding(self.user, finding.id, reason)
        except (FacilityError, PermissionDenied) as exc:
            warn(self, self.tr("作废发现"), str(exc))
            return
        self.changed.emit()

    def void_inspection(self) -> None:
        current = selected(self.table)
        if current is None:
            inform(self, self.tr("作废检查记录"), self.tr("请先选择一次检查。"))
            return
        reason = self._reason(
            self.tr("作废检查记录"),
            self.tr("作废%1的检查记录及其全部发现？记录会保留但不再统计。\n作废原因：").replace(
                "%1", str(current.inspected_on)
            ),
        )
        if reason is None:
            return
        try:
            inspections.void_inspection(self.user, current.id, reason)
        except (FacilityError, PermissionDenied) as exc:
            warn(self, self.tr("作废检查记录"), str(exc))
            return
        self.changed.emit()
