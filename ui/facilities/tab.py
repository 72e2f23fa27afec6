"""The 设施台账 tab: the community service centre against its standard.

At the top, compliance at a glance; then the safety hazards, overdue and open ones first;
below, the spaces against the standard's items, the equipment register and the inspections.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core import clock
from models.core.entities import User
from models.core.permissions import Perm, PermissionDenied, can
from models.facilities import centre as centre_svc
from models.facilities import inspections
from models.facilities.assess import Compliance, assess
from models.facilities.centre import FacilityError
from models.facilities.standard import active_standard
from ui.common import pdf_output
from ui.common.dialogs import ask_text, confirm, inform, run_modal, warn
from ui.common.table_model import Column
from ui.facilities.pages import (
    EquipmentPage,
    GapLine,
    InspectionsPage,
    SpacesPage,
    button,
    selected,
    table_view,
)
from ui.facilities.widgets import (
    AMBER,
    GREEN,
    RED,
    ColouredRowsModel,
    PhotoStrip,
    SummaryPanel,
    pick_photos,
)

KIND_COMPLIANCE = "facilities-compliance"  # the remembered folder of this printout


class FacilitiesTab(QWidget):
    def __init__(self, user: User, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.today = clock.today  # replaced in tests to pin the date
        self.result: Compliance | None = None
        may_edit = can(user, Perm.FACILITIES_EDIT)

        self.centre = QComboBox()
        self.centre.setObjectName("centre_combo")
        self.centre.setMinimumWidth(260)
        self.centre.currentIndexChanged.connect(lambda _i: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("服务中心：")))
        top.addWidget(self.centre)
        self.centre_button = button(self.tr("中心信息(&C)…"), self.edit_centre, "edit_centre")
        self.new_centre_button = button(self.tr("新建中心…"), self.new_centre, "new_centre")
        top.addWidget(self.centre_button)
        top.addWidget(self.new_centre_button)
        top.addStretch()
        top.addWidget(button(self.tr("建设标准(&S)…"), self.edit_standard, "edit_standard"))
        self.print_button = button(
            self.tr("打印达标报告(&Y)…"), self.print_report, "print_report", "Ctrl+P"
        )
        top.addWidget(self.print_button)

        self.summary = SummaryPanel()

        self.hazard_model = ColouredRowsModel(
            [
                Column(
                    self.tr("状态"),
                    lambda h: (
                        h.state_name
                        + (
                            self.tr("（%1天）").replace("%1", str(h.days_overdue))
                            if h.days_overdue
                            else ""
                        )
                    ),
                ),
                Column(self.tr("类别"), lambda h: h.category_name),
                Column(self.tr("位置"), lambda h: h.space_name),
                Column(self.tr("情况"), lambda h: h.description),
                Column(self.tr("发现日期"), lambda h: h.inspected_on),
                Column(self.tr("整改期限"), lambda h: h.deadline or ""),
                Column(self.tr("责任人"), lambda h: h.responsible),
                Column(self.tr("整改日期"), lambda h: h.fixed_on or ""),
            ],
            lambda h: {"overdue": RED, "open": AMBER, "fixed": GREEN}.get(h.state),
        )
        self.hazards = table_view("hazards_table", self.hazard_model)
        self.hazards.selectionModel().selectionChanged.connect(lambda *_: self._hazard_photos())
        self.hazards.doubleClicked.connect(lambda _i: self.close_hazard())
        self.hazard_photos = PhotoStrip(72)
        self.hazard_photos.setFixedWidth(300)
        self.hazard_photos.setToolTip(self.tr("所选隐患的现场照片和整改后照片；单击放大"))
        self.show_fixed = QCheckBox(self.tr("显示已整改的隐患(&X)"))
        self.show_fixed.setObjectName("show_fixed")
        self.show_fixed.toggled.connect(lambda _on: self._fill_hazards())
        self.close_button = button(
            self.tr("整改销号(&Z)…"), self.close_hazard, "close_hazard", "Ctrl+Shift+F / 双击"
        )
        self.record_button = button(
            self.tr("登记检查(&I)…"), self.record_inspection, "record_inspection_top", "Ctrl+I"
        )
        hazard_buttons = QHBoxLayout()
        hazard_buttons.addWidget(self.record_button)
        hazard_buttons.addWidget(self.close_button)
        hazard_buttons.addWidget(self.show_fixed)
        hazard_buttons.addStretch()
        hazard_box = QGroupBox(self.tr("安全隐患（逾期和未整改的排在最前）"))
        box_layout = QVBoxLayout(hazard_box)
        box_layout.addLayout(hazard_buttons)
        hazard_row = QHBoxLayout()
        hazard_row.addWidget(self.hazards, 1)
        hazard_row.addWidget(self.hazard_photos)
        box_layout.addLayout(hazard_row, 1)

        self.spaces_page = SpacesPage()
        self.equipment_page = EquipmentPage()
        self.inspections_page = InspectionsPage(user)
        self.inspections_page.today = lambda: self.today()
        self.pages = QTabWidget()
        self.pages.setObjectName("facility_pages")
        self.pages.addTab(self.spaces_page, self.tr("用房与标准"))
        self.pages.addTab(self.equipment_page, self.tr("设备台账"))
        self.pages.addTab(self.inspections_page, self.tr("检查记录"))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(hazard_box)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([200, 380])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

        self.spaces_page.add_space.connect(self.add_space)
        self.spaces_page.edit_space.connect(self.edit_space)
        self.spaces_page.archive_space.connect(self.archive_space)
        self.spaces_page.add_photos.connect(self.add_space_photos)
        self.spaces_page.add_equipment.connect(self.add_equipment_here)
        self.equipment_page.add_equipment.connect(self.add_equipment)
        self.equipment_page.edit_equipment.connect(self.edit_equipment)
        self.equipment_page.dispose_equipment.connect(self.dispose_equipment)
        self.inspections_page.record.connect(self.record_inspection)
        self.inspections_page.changed.connect(self.reload)

        if may_edit:
            self.spaces_page.photos.remover = self.remove_photo
            self.hazard_photos.remover = self.remove_photo
        self.edit_widgets: list[QPushButton] = [
            self.centre_button,
            self.new_centre_button,
            self.close_button,
            self.record_button,
            *self.spaces_page.buttons,
            *self.equipment_page.buttons,
            *self.inspections_page.buttons,
        ]
        for widget in self.edit_widgets:
            widget.setEnabled(may_edit)
        bindings: list[tuple[str | QKeySequence.StandardKey, Callable[[], object]]] = [
            ("Ctrl+N", self.add_space),
            ("Ctrl+E", self.edit_space),
            ("Ctrl+Shift+N", self.add_equipment),
            ("Ctrl+I", self.record_inspection),
            ("Ctrl+Shift+F", self.close_hazard),
            ("Ctrl+P", self.print_report),
            (QKeySequence.StandardKey.Delete, self.delete_selected),
        ]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.refresh()

    # -- loading ---------------------------------------------------------------------
    def centre_id(self) -> int | None:
        return self.centre.currentData()

    def refresh(self) -> None:
        """Reload the list of centres (keeping the one shown) and everything below."""
        keep = self.centre_id()
        self.centre.blockSignals(True)
        self.centre.clear()
        for c in centre_svc.list_centres():
            self.centre.addItem(c.name, c.id)
        index = self.centre.findData(keep) if keep is not None else 0
        self.centre.setCurrentIndex(max(index, 0) if self.centre.count() else -1)
        self.centre.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        centre_id = self.centre_id()
        has_centre = centre_id is not None
        for widget in (
            self.centre_button,
            self.print_button,
            self.pages,
            self.close_button,
            self.record_button,
        ):
            widget.setEnabled(
                has_centre
                and (
                    widget in (self.print_button, self.pages)
                    or can(self.user, Perm.FACILITIES_EDIT)
                )
            )
        if centre_id is None:
            self.result = None
            self.summary.show_empty(
                self.tr(
                    "尚未登记服务中心：点击“新建中心”登记本社区的综合服务中心，"
                    "再按建设标准逐项登记用房、设备和安全检查。"
                )
            )
            self.hazard_model.set_rows([])
            return
        self.result = assess(centre_id, today=self.today())
        self.summary.show_result(self.result)
        self._fill_hazards()
        self.spaces_page.set_result(self.result)
        self.equipment_page.set_data(centre_svc.list_equipment(centre_id=centre_id), self.result)
        self.inspections_page.set_data(centre_id, centre_svc.list_spaces(centre_id))

    def _fill_hazards(self) -> None:
        centre_id = self.centre_id()
        rows = (
            []
            if centre_id is None
            else inspections.hazards(
                centre_id, include_fixed=self.show_fixed.isChecked(), today=self.today()
            )
        )
        current = selected(self.hazards)
        self.hazard_model.set_rows(rows)
        self.hazards.resizeColumnsToContents()
        ids = [h.id for h in rows]
        if rows:
            self.hazards.selectRow(ids.index(current.id) if current and current.id in ids else 0)
        self.hazards.setColumnWidth(3, min(self.hazards.columnWidth(3), 360))
        self._hazard_photos()

    def _hazard_photos(self) -> None:
        hazard = selected(self.hazards)
        self.hazard_photos.set_photos(
            centre_svc.list_photos(finding_id=hazard.id) if hazard else []
        )

    def _spaces(self) -> list:
        centre_id = self.centre_id()
        return [] if centre_id is None else centre_svc.list_spaces(centre_id)

    def _fail(self, title: str, exc: Exception) -> None:
        warn(self, title, str(exc))

    # -- centre and standard ---------------------------------------------------------
    def new_centre(self) -> None:
        from ui.facilities.space_dialog import CentreDialog

        dialog = CentreDialog(self.user, None, self)
        if run_modal(dialog) and dialog.saved is not None:
            self.refresh()
            self.centre.setCurrentIndex(self.centre.findData(dialog.saved.id))

    def edit_centre(self) -> None:
        from ui.facilities.space_dialog import CentreDialog

        centre_id = self.centre_id()
        if centre_id is not None and run_modal(
            CentreDialog(self.user, centre_svc.get_centre(centre_id), self)
        ):
            self.refresh()

    def edit_standard(self) -> None:
        from ui.facilities.standard_dialog import StandardDialog

        dialog = StandardDialog(self.user, self)
        run_modal(dialog)
        if dialog.changed:
            self.reload()

    # -- spaces ----------------------------------------------------------------------
    def add_space(self) -> None:
        from ui.facilities.space_dialog import SpaceDialog

        centre_id = self.centre_id()
        if centre_id is None:
            self.new_centre()
            return
        line = self.spaces_page.current()
        code = line.item.code if line and line.item and line.space is None else None
        if run_modal(SpaceDialog(self.user, centre_id, active_standard(), None, code, self)):
            self.reload()

    def edit_space(self) -> None:
        from ui.facilities.space_dialog import SpaceDialog

        line = self.spaces_page.current()
        centre_id = self.centre_id()
        if line is None or centre_id is None:
            return
        if line.space is None:  # a missing item: recording its space is the edit
            self.add_space()
            return
        if run_modal(SpaceDialog(self.user, centre_id, active_standard(), line.space, None, self)):
            self.reload()

    def archive_space(self) -> None:
        line = self.spaces_page.current()
        if line is None or line.space is None:
            return
        reason = ask_text(
            self,
            self.tr("停用用房"),
            self.tr(
                "停用“%1”？它和其中的设备将不再列出（记录保留）。\n原因（例如：退还出租方、拆除）："
            ).replace("%1", line.space.name),
        )
        if reason is None:
            return
        try:
            centre_svc.archive_space(self.user, line.space.id, reason.strip())
        except (FacilityError, PermissionDenied) as exc:
            self._fail(self.tr("停用用房"), exc)
            return
        self.reload()

    def add_space_photos(self) -> None:
        line = self.spaces_page.current()
        if line is None or line.space is None:
            inform(self, self.tr("添加照片"), self.tr("请先选择一间已登记的用房。"))
            return
        paths = pick_photos(self, self.tr("选择现状照片"))
        if not paths:
            return
        try:
            centre_svc.add_photos(
                self.user,
                paths,
                space_id=line.space.id,
                caption=line.space.name,
                taken_on=self.today(),
            )
        except (FacilityError, PermissionDenied) as exc:
            self._fail(self.tr("添加照片"), exc)
            return
        self.reload()

    def remove_photo(self, photo) -> bool:
        if not confirm(
            self,
            self.tr("移除照片"),
            self.tr("移除这张照片？它不再显示和打印（文件和记录保留）。"),
            default_no=False,
        ):
            return False
        try:
            centre_svc.remove_photo(self.user, photo.id)
        except (FacilityError, PermissionDenied) as exc:
            self._fail(self.tr("移除照片"), exc)
            return False
        self.reload()
        return True

    # -- equipment -------------------------------------------------------------------
    def _equipment_dialog(self, **kwargs) -> None:
        from ui.facilities.equipment_dialog import EquipmentDialog

        spaces = self._spaces()
        if not spaces:
            inform(self, self.tr("登记设备"), self.tr("请先登记用房，再登记其中的设备。"))
            return
        if run_modal(EquipmentDialog(self.user, spaces, active_standard(), parent=self, **kwargs)):
            self.reload()

    def add_equipment(self) -> None:
        current = self.equipment_page.current()
        if isinstance(current, GapLine):
            self._equipment_dialog(space_id=current.space_id, name=current.gap.equipment)
        else:
            self._equipment_dialog(space_id=current.space_id if current else None)

    def add_equipment_here(self) -> None:
        line = self.spaces_page.current()
        self._equipment_dialog(space_id=line.space.id if line and line.space else None)

    def edit_equipment(self) -> None:
        current = self.equipment_page.current()
        if isinstance(current, GapLine):
            self.add_equipment()
        elif current is not None:
            self._equipment_dialog(equipment=current)

    def dispose_equipment(self) -> None:
        current = self.equipment_page.current()
        if current is None or isinstance(current, GapLine):
            return
        reason = ask_text(
            self,
            self.tr("注销设备"),
            self.tr(
                "注销“%1”（%2件）？它将不再计入设备台账（记录保留）。\n原因（例如：报废、丢失、移交）："
            )
            .replace("%1", current.name)
            .replace("%2", str(current.quantity)),
        )
        if reason is None:
            return
        try:
            centre_svc.dispose_equipment(self.user, current.id, reason.strip())
        except (FacilityError, PermissionDenied) as exc:
            self._fail(self.tr("注销设备"), exc)
            return
        self.reload()

    def delete_selected(self) -> None:
        """Delete: archive (with confirmation) whatever is selected on the current page."""
        if self.pages.currentWidget() is self.spaces_page:
            self.archive_space()
        elif self.pages.currentWidget() is self.equipment_page:
            self.dispose_equipment()

    # -- inspections and hazards ------------------------------------------------------
    def record_inspection(self) -> None:
        from ui.facilities.inspection_dialog import InspectionDialog

        centre_id = self.centre_id()
        if centre_id is None:
            return
        dialog = InspectionDialog(self.user, centre_id, self._spaces(), self.today(), self)
        if run_modal(dialog):
            self.reload()

    def close_hazard(self) -> None:
        from ui.facilities.inspection_dialog import CloseHazardDialog

        hazard = selected(self.hazards)
        if hazard is None:
            inform(self, self.tr("整改销号"), self.tr("请先在隐患列表中选择一条隐患。"))
            return
        if hazard.state == "fixed":
            inform(
                self,
                self.tr("整改销号"),
                self.tr("该隐患已于%1整改销号。").replace("%1", str(hazard.fixed_on)),
            )
            return
        if run_modal(CloseHazardDialog(self.user, hazard, self.today(), self)):
            self.reload()

    # -- printing --------------------------------------------------------------------
    def print_report(self) -> None:
        from reports.facilities_compliance import build_compliance_report

        centre_id = self.centre_id()
        if centre_id is None:
            return
        name = pdf_output.file_name(f"{self.centre.currentText()}达标情况报告", self.today())
        path = pdf_output.ask_path(self, KIND_COMPLIANCE, self.tr("保存达标情况报告"), name)
        if path is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            build_compliance_report(self.user, centre_id, path, as_of=self.today())
        except Exception as exc:  # no font, a full disk, a locked file: say so, keep working
            QApplication.restoreOverrideCursor()
            self._fail(self.tr("打印达标报告"), exc)
            return
        QApplication.restoreOverrideCursor()
        pdf_output.show_saved(self, KIND_COMPLIANCE, path, self.tr("达标情况报告"))
