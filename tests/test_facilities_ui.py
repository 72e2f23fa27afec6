"""The 设施台账 tab driven through its real widgets; assertions on what the database holds."""

import datetime as dt
import shutil
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from models.facilities.centre import create_centre, list_centres, list_photos, save_space
from models.facilities.demo import PHOTOS
from models.facilities.entities import (
    FacilityEquipment,
    FacilityFinding,
    FacilityInspection,
    FacilitySpace,
)
from tests.conftest import AS_OF
from ui.facilities.equipment_dialog import EquipmentDialog
from ui.facilities.inspection_dialog import CloseHazardDialog, FindingDialog, InspectionDialog
from ui.facilities.pages import GapLine
from ui.facilities.space_dialog import SpaceDialog
from ui.facilities.standard_dialog import ItemDialog, StandardDialog
from ui.facilities.tab import FacilitiesTab

LEFT = Qt.MouseButton.LeftButton


def ok_button(dialog):
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def _tab(qtbot, user):
    tab = FacilitiesTab(user)
    qtbot.addWidget(tab)
    tab.today = lambda: AS_OF
    tab.resize(1280, 800)
    tab.refresh()
    return tab


@pytest.fixture
def photos(tmp_path, dialogs):
    """The file dialog answers with the next photo in this list (a real small JPEG)."""
    queue = []
    for name in ("现场.jpg", "整改后.jpg"):
        shutil.copy(
            PHOTOS / ("power_strip.jpg" if name == "现场.jpg" else "socket_fixed.jpg"),
            tmp_path / name,
        )
        queue.append(str(tmp_path / name))
    dialogs.always("open_files", lambda asked: [queue.pop(0)])
    return queue


@pytest.fixture
def office(clerk):
    centre = create_centre(clerk, "南关社区综合服务中心")
    space = save_space(
        clerk,
        centre.id,
        None,
        name="居委会办公室（木板隔断）",
        item_code="committee_office",
        status="unsafe",
        area=48,
    )
    return centre, space


def test_inspection_records_a_fire_hazard_that_stays_until_fixed_with_a_photo(
    qtbot, clerk, office, photos, dialogs
):
    centre, space = office
    tab = _tab(qtbot, clerk)
    assert tab.hazard_model.rowCount() == 0

    def fill_finding(d: FindingDialog) -> None:
        d.space.setCurrentIndex(d.space.findData(space.id))
        d.description.setPlainText("办公室用木板隔断，插线板串接，超负荷")
        qtbot.keyClick(d.is_hazard, Qt.Key.Key_Space)
        d.category.setCurrentIndex(d.category.findData("fire"))
        d.deadline.setDate(QDate(2026, 12, 10))
        d.responsible.insert("张建国")
        qtbot.mouseClick(d.photos.add_button, LEFT)
        qtbot.mouseClick(ok_button(d), LEFT)

    def fill_inspection(d: InspectionDialog) -> None:
        d.inspector.clear()
        d.inspector.insert("县消防救援大队 王磊")
        d.notes.insert("冬季消防安全检查")
        dialogs.on(FindingDialog, fill_finding)
        qtbot.mouseClick(d.add_button, LEFT)  # returns once the finding dialog is closed
        qtbot.mouseClick(d.save_button, LEFT)

    dialogs.on(InspectionDialog, fill_inspection)
    qtbot.mouseClick(tab.record_button, LEFT)

    inspection = FacilityInspection.get()
    assert inspection.inspected_on == AS_OF and inspection.inspector == "县消防救援大队 王磊"
    finding = FacilityFinding.get()
    assert (finding.is_hazard, finding.category, finding.responsible, finding.space_id) == (
        True,
        "fire",
        "张建国",
        space.id,
    )
    assert finding.deadline == dt.date(2026, 12, 10) and finding.fixed_on is None
    assert [p.purpose for p in list_photos(finding_id=finding.id)] == ["finding"]
    assert [h.id for h in tab.hazard_model.rows] == [finding.id]
    assert tab.hazard_model.rows[0].state == "open"
    assert "1 处" in tab.summary.hazards.value.text()

    errors = []

    def close(d: CloseHazardDialog) -> None:
        d.fix_notes.setPlainText("拆除木板隔断改用防火板，插线板改为固定插座")
        qtbot.mouseClick(d.ok_button, LEFT)  # no photo yet: refused, dialog stays
        errors.append((d.error.text(), FacilityFinding.get_by_id(finding.id).fixed_on))
        qtbot.mouseClick(d.photos.add_button, LEFT)
        errors.append(d.error.text())  # the photo answers the error: it is gone
        qtbot.mouseClick(d.ok_button, LEFT)

    tab.hazards.selectRow(0)
    dialogs.on(CloseHazardDialog, close)
    qtbot.mouseClick(tab.close_button, LEFT)

    assert errors and "照片" in errors[0][0] and errors[0][1] is None and errors[1] == ""
    finding = FacilityFinding.get_by_id(finding.id)
    assert finding.fixed_on == AS_OF and finding.fixed_by == "clerk"
    assert "防火板" in finding.fix_notes
    fix = list_photos(finding_id=finding.id, purpose="fix")
    assert len(fix) == 1 and fix[0].file.is_file()
    assert tab.hazard_model.rowCount() == 0  # fixed: off the list of open hazards
    tab.show_fixed.setChecked(True)
    assert [h.state for h in tab.hazard_model.rows] == ["fixed"]


def test_recording_a_missing_room_and_its_equipment(qtbot, clerk, office, dialogs):
    centre, _ = office
    tab = _tab(qtbot, clerk)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow, timeout=5000)
    assert "图书室" in tab.summary.items.detail.text()
    lines = tab.spaces_page.model.rows
    tab.spaces_page.table.selectRow(
        next(i for i, line in enumerate(lines) if line.item and line.item.code == "library")
    )

    def fill_space(d: SpaceDialog) -> None:
        qtbot.keyClicks(d.area, "45")
        d.location.insert("服务中心三楼西侧")
        qtbot.mouseClick(ok_button(d), LEFT)

    dialogs.on(SpaceDialog, fill_space)
    tab.spaces_page.table.setFocus()
    qtbot.keyClick(tab.spaces_page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    library = FacilitySpace.get(FacilitySpace.item_code == "library")
    assert (library.name, library.area, library.status, library.resident_use) == (
        "图书室",
        45,
        "meets",
        True,
    )
    assert library.centre_id == centre.id
    verdict = {a.item.code: a.verdict for a in tab.result.items}
    assert verdict["library"] == "equipment_short"
    assert "图书室" not in tab.summary.items.detail.text()

    tab.pages.setCurrentWidget(tab.equipment_page)
    rows = tab.equipment_page.model.rows
    shelf = next(
        i for i, r in enumerate(rows) if isinstance(r, GapLine) and r.gap.equipment == "书架"
    )
    tab.equipment_page.table.selectRow(shelf)

    def fill_equipment(d: EquipmentDialog) -> None:
        d.quantity.setValue(6)
        qtbot.keyClicks(d.value, "2400")
        qtbot.mouseClick(ok_button(d), LEFT)

    dialogs.on(EquipmentDialog, fill_equipment)
    qtbot.mouseClick(tab.equipment_page.buttons[0], LEFT)
    shelves = FacilityEquipment.get(FacilityEquipment.name == "书架")
    assert (shelves.space_id, shelves.quantity, shelves.value) == (library.id, 6, Decimal(2400))
    gaps = [
        g.equipment for a in tab.result.items if a.item.code == "library" for g in a.equipment_gaps
    ]
    assert "书架" not in gaps and "阅览桌" in gaps


def test_archiving_a_space_asks_first(qtbot, clerk, office, dialogs):
    _, space = office
    tab = _tab(qtbot, clerk)
    row = next(
        i
        for i, line in enumerate(tab.spaces_page.model.rows)
        if line.space and line.space.id == space.id
    )
    tab.spaces_page.table.selectRow(row)
    dialogs.answer("ask_text", None, "退还出租方")  # 取消, then a reason
    qtbot.mouseClick(tab.spaces_page.buttons[4], LEFT)
    assert not FacilitySpace.get_by_id(space.id).archived  # cancelled
    tab.spaces_page.table.selectRow(row)
    qtbot.mouseClick(tab.spaces_page.buttons[4], LEFT)
    assert FacilitySpace.get_by_id(space.id).archived
    assert all(
        line.space is None or line.space.id != space.id for line in tab.spaces_page.model.rows
    )


def test_changing_the_standard_in_the_window_changes_the_assessment(
    qtbot, admin, clerk, office, dialogs
):
    tab = _tab(qtbot, admin)
    assert tab.result.items_total == 8

    def fill_item(d: ItemDialog) -> None:
        d.name.insert("老年人日间照料室")
        qtbot.keyClicks(d.min_area, "60")
        d.equipment.setPlainText("护理床 2张\n轮椅 1台")
        qtbot.mouseClick(ok_button(d), LEFT)

    def use_standard(d: StandardDialog) -> None:
        dialogs.on(ItemDialog, fill_item)
        qtbot.mouseClick(d.findChild(type(d.save_rule), "add_item"), LEFT)
        d.reject()

    dialogs.on(StandardDialog, use_standard)
    qtbot.mouseClick(tab.findChild(type(tab.print_button), "edit_standard"), LEFT)
    assert tab.result.items_total == 9
    assert "老年人日间照料室" in tab.summary.items.detail.text()
    assert tab.summary.items.value.text() == "0 / 9"

    clerk_view = StandardDialog(clerk)
    qtbot.addWidget(clerk_view)
    assert not clerk_view.findChild(type(clerk_view.save_rule), "add_item").isEnabled()
    assert clerk_view.name.isReadOnly()


def test_demo_centre_on_the_tab_and_its_printed_report(qtbot, admin, demo_small, tmp_path, dialogs):
    tab = _tab(qtbot, admin)
    assert tab.centre.currentText() == list_centres()[0].name == "南关社区综合服务中心"
    assert tab.summary.items.value.text() == "2 / 8"
    assert tab.summary.items.detail.text() == "缺失：图书室、文体活动指导站"
    assert "缺口" in tab.summary.area.detail.text()
    assert "逾期 1 处" in tab.summary.hazards.detail.text()
    assert tab.hazard_model.rows[0].state == "overdue"
    assert tab.hazard_model.rows[0].category == "fire"
    out = tmp_path / "报告.pdf"
    dialogs.answer("save_file", out)
    dialogs.always("confirm", False)
    qtbot.mouseClick(tab.print_button, LEFT)
    assert out.read_bytes()[:5] == b"%PDF-"
    # The other centre of the demo (北关, renting) is one choice away.
    tab.centre.setCurrentIndex(1)
    assert tab.summary.items.value.text() == "0 / 8"


def test_a_wrong_photo_can_be_taken_off_after_confirmation(qtbot, clerk, office, dialogs):
    from models.facilities.centre import add_photos
    from models.facilities.entities import FacilityPhoto
    from ui.facilities.widgets import PhotoViewer

    _, space = office
    [photo] = add_photos(clerk, [PHOTOS / "square.jpg"], space_id=space.id, caption="拍错了")
    tab = _tab(qtbot, clerk)
    row = next(
        i
        for i, line in enumerate(tab.spaces_page.model.rows)
        if line.space and line.space.id == space.id
    )
    tab.spaces_page.table.selectRow(row)
    assert [p.id for p in tab.spaces_page.photos.photos] == [photo.id]
    dialogs.answer("confirm", False, True)

    def remove(viewer: PhotoViewer) -> None:
        button = next(
            b for b in viewer.findChild(QDialogButtonBox).buttons() if b.text().startswith("移除")
        )
        qtbot.mouseClick(button, LEFT)  # "No": the viewer stays open
        qtbot.mouseClick(button, LEFT)  # "Yes": removed, the viewer closes

    dialogs.on(PhotoViewer, remove)
    tab.spaces_page.photos.open(tab.spaces_page.photos.photos[0])
    assert FacilityPhoto.get_by_id(photo.id).archived
    assert tab.spaces_page.photos.photos == []
