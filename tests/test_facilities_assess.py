"""The centre against its standard: verdicts, missing equipment, area, the monthly figures,
the demo centre, and that every write is audited and nothing is deleted."""

import datetime as dt
from decimal import Decimal

import pytest

from models.core.entities import AuditLog
from models.facilities.assess import assess, facilities_monthly_section
from models.facilities.centre import (
    FacilityError,
    archive_space,
    create_centre,
    dispose_equipment,
    list_centres,
    list_equipment,
    save_equipment,
    save_space,
)
from models.facilities.demo import PHOTOS
from models.facilities.entities import FacilityEquipment, FacilitySpace
from models.facilities.inspections import FindingInput, close_hazard, hazards, record_inspection
from tests.conftest import AS_OF


@pytest.fixture
def centre(admin):
    return create_centre(admin, "南关社区综合服务中心", "南关街18号")


def _item(result, code):
    return next(a for a in result.items if a.item.code == code)


def test_missing_equipment_is_detected_against_the_required_list(admin, centre):
    police = save_space(admin, centre.id, None, name="警务室", item_code="police_room", area=16)
    result = assess(centre.id, today=AS_OF)
    gaps = {
        g.equipment: (g.required, g.present) for g in _item(result, "police_room").equipment_gaps
    }
    assert gaps == {
        "办公桌": (1, 0),
        "办公椅": (2, 0),
        "文件柜": (1, 0),
        "计算机": (1, 0),
        "灭火器": (1, 0),
    }
    for name, qty in [("办公桌", 1), ("办公椅", 1), ("文件柜", 1), ("计算机", 1)]:
        save_equipment(admin, police.id, None, name=name, quantity=qty, today=AS_OF)
    # A more precise name still counts; a broken one does not.
    save_equipment(admin, police.id, None, name="干粉灭火器（4kg）", quantity=1, today=AS_OF)
    save_equipment(
        admin, police.id, None, name="办公椅", quantity=3, condition="broken", today=AS_OF
    )
    item = _item(assess(centre.id, today=AS_OF), "police_room")
    assert [(g.equipment, g.missing) for g in item.equipment_gaps] == [("办公椅", 1)]
    assert item.verdict == "equipment_short"
    chair = save_equipment(
        admin,
        police.id,
        None,
        name="办公椅",
        quantity=1,
        asset_tag="NG-2026-001",
        purchase_date=dt.date(2026, 3, 1),
        value=Decimal("150.00"),
        today=AS_OF,
    )
    item = _item(assess(centre.id, today=AS_OF), "police_room")
    assert item.equipment_gaps == () and item.verdict == "meets"
    with pytest.raises(FacilityError, match="资产编号"):
        save_equipment(admin, police.id, None, name="计算机", asset_tag="NG-2026-001", today=AS_OF)
    # Disposing of the chair (注销) brings the gap back; the row stays.
    dispose_equipment(admin, chair.id, "报废")
    assert _item(assess(centre.id, today=AS_OF), "police_room").verdict == "equipment_short"
    assert FacilityEquipment.get_by_id(chair.id).archived


def test_missing_items_count_all_their_equipment(admin, centre):
    result = assess(centre.id, today=AS_OF)
    library = _item(result, "library")
    assert library.verdict == "missing" and library.area_gap == 40
    assert {g.equipment for g in library.equipment_gaps} == {
        "书架",
        "阅览桌",
        "阅览椅",
        "图书",
        "灭火器",
    }
    assert result.items_meeting == 0 and len(result.missing_items) == 8


def test_verdicts_worst_first(admin, centre):
    cases = {
        "committee_office": dict(status="unsafe", area=48),
        "party_office": dict(status="shared", area=36, shared_with="会议室"),
        "social_security_station": dict(status="meets", area=18),
        "health_station": dict(status="meets", area=32),
        "library": dict(status="missing", area=None),
    }
    for code, values in cases.items():
        save_space(admin, centre.id, None, name=code, item_code=code, **values)
    result = assess(centre.id, today=AS_OF)
    verdicts = {a.item.code: a.verdict for a in result.items}
    assert verdicts["committee_office"] == "unsafe"
    assert verdicts["party_office"] == "shared"
    assert verdicts["social_security_station"] == "area_short"
    assert _item(result, "social_security_station").area_gap == 2
    assert verdicts["health_station"] == "equipment_short"
    assert verdicts["library"] == "missing"  # recorded as missing counts as missing
    with pytest.raises(FacilityError, match="共用"):
        save_space(
            admin, centre.id, None, name="图书角", item_code="library", status="shared", area=10
        )


def test_floor_area_and_residents_share(admin, centre):
    save_space(
        admin,
        centre.id,
        None,
        name="计生卫生服务站",
        item_code="health_station",
        area=30,
        resident_use=True,
    )
    save_space(
        admin,
        centre.id,
        None,
        name="活动室一",
        item_code="culture_sports_station",
        area=40,
        resident_use=True,
    )
    save_space(
        admin,
        centre.id,
        None,
        name="活动室二",
        item_code="culture_sports_station",
        area=30,
        resident_use=True,
    )
    save_space(admin, centre.id, None, name="居委会办公室", item_code="committee_office", area=60)
    save_space(
        admin,
        centre.id,
        None,
        name="广场",
        item_code="fitness_square",
        area=400,
        outdoor=True,
        resident_use=True,
    )
    gone = save_space(admin, centre.id, None, name="旧仓库", item_code="", area=100)
    archive_space(admin, gone.id, "退还出租方")
    result = assess(centre.id, today=AS_OF)
    # Two spaces serve the culture station: their areas add up to meet its 60 m².
    assert _item(result, "culture_sports_station").area == 70
    assert _item(result, "culture_sports_station").area_gap == 0
    assert result.area.actual == 160  # no square, no archived storeroom
    assert result.area.resident_area == 100
    assert result.area.resident_share == pytest.approx(0.625)
    assert result.area.gap == 140 and not result.area.meets
    assert FacilitySpace.get_by_id(gone.id).archived


def test_monthly_section_figures(admin, centre, tmp_path):
    space = save_space(
        admin,
        centre.id,
        None,
        name="居委会办公室",
        item_code="committee_office",
        status="unsafe",
        area=48,
    )
    photo = PHOTOS / "socket_fixed.jpg"
    record_inspection(
        admin,
        centre.id,
        dt.date(2026, 9, 20),
        "安监站 刘志强",
        [
            FindingInput("插座松动", space.id, True, "electrical", dt.date(2026, 10, 5), "王秀英"),
            FindingInput("木板隔断", space.id, True, "fire", dt.date(2026, 10, 20), "张建国"),
        ],
        today=AS_OF,
    )
    record_inspection(
        admin,
        centre.id,
        dt.date(2026, 10, 10),
        "消防大队 王磊",
        [
            FindingInput("入口无坡道", None, True, "accessibility", dt.date(2027, 3, 1), "张建国"),
            FindingInput("灭火器在有效期内", None),
        ],
        today=AS_OF,
    )
    socket = next(h for h in hazards(centre.id, today=AS_OF) if h.category == "electrical")
    close_hazard(admin, socket.id, dt.date(2026, 10, 3), "更换插座", [photo], today=AS_OF)

    october = facilities_monthly_section(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert october is not None
    assert october["centres"] == ["南关社区综合服务中心"]
    assert (october["items_meeting"], october["items_total"], october["items_missing"]) == (0, 8, 7)
    assert october["area_actual"] == 48 and october["area_required"] == 300
    assert october["area_gap"] == 252
    assert october["hazards_found_in_month"] == 1  # the ramp; the note is no hazard
    assert october["hazards_fixed_in_month"] == 1  # the socket
    assert october["hazards_open"] == 2  # wooden partitions, ramp
    assert october["hazards_overdue"] == 1  # the partitions were due on 20 October
    september = facilities_monthly_section(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert september["hazards_found_in_month"] == 2 and september["hazards_open"] == 2
    assert september["hazards_overdue"] == 0 and september["hazards_fixed_in_month"] == 0


def test_monthly_section_by_compound(admin, demo_small):
    nanguan, beiguan = list_centres()
    from models.core.entities import Compound

    first = Compound.get(Compound.name == "南关小区")
    other = Compound.get(Compound.name == "北关新村")
    assert facilities_monthly_section(AS_OF.replace(day=1), AS_OF, first.id)["centres"] == [
        nanguan.name
    ]
    assert facilities_monthly_section(AS_OF.replace(day=1), AS_OF, other.id)["centres"] == [
        beiguan.name
    ]


def test_no_centre_no_section(db):
    assert facilities_monthly_section(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) is None


def test_demo_centre_is_partly_compliant(admin, demo_small):
    nanguan = list_centres()[0]
    result = assess(nanguan.id, today=AS_OF)
    verdicts = {a.item.name: a.verdict for a in result.items}
    assert verdicts["图书室"] == "missing" and verdicts["文体活动指导站"] == "missing"
    assert verdicts["居委会办公室"] == "unsafe"
    assert verdicts["警务室"] == "meets" and verdicts["计生卫生服务站"] == "meets"
    assert "shared" in verdicts.values()
    assert 0 < result.items_meeting < result.items_total
    assert result.area.actual < result.area.required
    assert result.missing_equipment_count > 0
    found = hazards(nanguan.id, today=AS_OF)
    assert [h.state for h in found] == ["overdue", "open", "open", "fixed"]
    assert found[0].category == "fire" and "木板" in found[0].description
    assert any("插线板" in h.description for h in found if h.state == "open")
    assert found[-1].fixed_on is not None
    assert list_equipment(centre_id=nanguan.id)


def test_every_write_is_audited(admin, centre):
    space = save_space(admin, centre.id, None, name="警务室", item_code="police_room", area=16)
    save_space(admin, centre.id, space.id, name="警务室", item_code="police_room", area=18)
    thing = save_equipment(admin, space.id, None, name="办公桌", today=AS_OF)
    dispose_equipment(admin, thing.id, "报废")
    archive_space(admin, space.id, "拆除")
    actions = [
        (a.action, a.table_name)
        for a in AuditLog.select().order_by(AuditLog.id)
        if a.table_name.startswith("facility_")
    ]
    assert actions == [
        ("create", "facility_centre"),
        ("create", "facility_space"),
        ("update", "facility_space"),
        ("create", "facility_equipment"),
        ("archive", "facility_equipment"),
        ("archive", "facility_space"),
    ]
    assert FacilitySpace.select().count() == 1 and FacilityEquipment.select().count() == 1


def test_an_open_fire_hazard_keeps_a_space_from_meeting_the_standard(admin, centre):
    police = save_space(admin, centre.id, None, name="警务室", item_code="police_room", area=16)
    for name in ("办公桌", "办公椅", "办公椅", "文件柜", "计算机", "灭火器"):
        save_equipment(admin, police.id, None, name=name, quantity=1, today=AS_OF)
    assert _item(assess(centre.id, today=AS_OF), "police_room").verdict == "meets"
    record_inspection(
        admin,
        centre.id,
        dt.date(2026, 11, 20),
        "消防大队 王磊",
        [
            FindingInput(
                "入口无坡道", police.id, True, "accessibility", dt.date(2027, 3, 1), "张建国"
            ),
        ],
        today=AS_OF,
    )
    # An accessibility hazard is followed up, but does not make the room unsafe.
    assert _item(assess(centre.id, today=AS_OF), "police_room").verdict == "meets"
    record_inspection(
        admin,
        centre.id,
        dt.date(2026, 11, 21),
        "消防大队 王磊",
        [
            FindingInput(
                "电暖器旁堆放纸箱", police.id, True, "fire", dt.date(2026, 12, 1), "王秀英"
            ),
        ],
        today=AS_OF,
    )
    item = _item(assess(centre.id, today=AS_OF), "police_room")
    assert item.verdict == "unsafe" and not item.meets
    assert item.status == "meets"  # what the clerk recorded for the room is kept
    fire = next(h for h in hazards(centre.id, today=AS_OF) if h.category == "fire")
    close_hazard(
        admin,
        fire.id,
        dt.date(2026, 11, 25),
        "纸箱清走",
        [PHOTOS / "socket_fixed.jpg"],
        today=AS_OF,
    )
    assert _item(assess(centre.id, today=AS_OF), "police_room").verdict == "meets"
