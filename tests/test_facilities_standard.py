"""The standard is data: the Shaanxi default, editing it, loading another province's."""

import json

import pytest

from models.core.entities import AuditLog, Household
from models.core.permissions import PermissionDenied
from models.facilities import standard as standards
from models.facilities.assess import assess, required_area
from models.facilities.centre import create_centre, save_space
from models.facilities.entities import FacilityStandard, FacilityStandardItem
from models.facilities.standard import RequiredEquipment, StandardError
from tests.conftest import AS_OF


def _six_rooms() -> dict:
    """Another province's template: six rooms, two stations, a square; 40 m² per 100."""
    rooms = [
        "社区党组织办公室",
        "居委会办公室",
        "警务室",
        "图书阅览室",
        "老年人日间照料室",
        "儿童之家",
    ]
    codes = [
        "party_office",
        "committee_office",
        "police_room",
        "library",
        "elderly_day_care",
        "children_home",
    ]
    items = [
        {
            "code": c,
            "kind": "room",
            "name": n,
            "min_area": 30,
            "equipment": [{"name": "办公桌", "quantity": 1}],
        }
        for c, n in zip(codes, rooms, strict=True)
    ]
    items += [
        {"code": "health_station", "kind": "station", "name": "卫生服务站", "min_area": 40},
        {"code": "service_station", "kind": "station", "name": "便民服务站", "min_area": 20},
        {"code": "fitness_square", "kind": "square", "name": "健身广场", "min_area": 500},
    ]
    return {
        "name": "某省“六室两站一场”",
        "region": "某省",
        "area_rule": {"per_100_households": 40, "min_total_area": 400, "resident_share": 0.5},
        "items": items,
    }


def test_default_is_shaanxi_2012_four_rooms_three_stations_one_square(db):
    std = standards.active_standard()
    assert "陕西" in std.name and "2012" in std.name
    kinds = [i.kind for i in std.items]
    assert kinds.count("room") == 4 and kinds.count("station") == 3 and kinds.count("square") == 1
    names = {i.name for i in std.items}
    assert {
        "社区党支部办公室",
        "居委会办公室",
        "警务室",
        "图书室",
        "低保和劳动社会保障工作站",
        "计生卫生服务站",
        "文体活动指导站",
        "室外健身广场",
    } == names
    assert (std.per_100_households, std.min_total_area, std.resident_share) == (30, 300, 0.6)
    assert all(i.min_area and i.equipment for i in std.items)
    # Loaded once, on first use, and audited.
    assert standards.active_standard().id == std.id
    assert FacilityStandard.select().count() == 1
    assert AuditLog.select().where(AuditLog.table_name == "facility_standard").count() == 1


def test_area_rule_counts_households_in_the_register(admin, demo_small):
    assert required_area(80, 30, 300) == 300  # the minimum wins for a small area
    assert required_area(6554, 30, 300) == pytest.approx(1966.2)
    # The demo has its own centres, each serving six compounds; this one serves them all.
    centre = create_centre(admin, "街道综合服务中心")
    std = standards.active_standard()
    assert assess(centre.id, today=AS_OF).area.households == 80
    standards.update_rule(admin, std.id, per_100_households=500)
    assert assess(centre.id, today=AS_OF).area.required == 400  # 80 households × 5 m²
    Household.update(archived=True).where(
        Household.id.in_(Household.select(Household.id).order_by(Household.id).limit(10))
    ).execute()
    result = assess(centre.id, today=AS_OF)
    assert result.area.households == 70 and result.area.required == 350
    standards.update_rule(admin, std.id, min_total_area=1000)
    assert assess(centre.id, today=AS_OF).area.required == 1000


def test_adding_an_item_changes_the_assessment(admin, clerk):
    centre = create_centre(admin, "南关社区综合服务中心")
    save_space(admin, centre.id, None, name="警务室", item_code="police_room", area=16)
    before = assess(centre.id, today=AS_OF)
    assert before.items_total == 8
    std = standards.active_standard()
    with pytest.raises(PermissionDenied):
        standards.add_item(clerk, std.id, "老年人日间照料室", "room", 60)
    item = standards.add_item(
        admin,
        std.id,
        "老年人日间照料室",
        "room",
        60,
        [RequiredEquipment("护理床", 2, "张")],
        resident_use=True,
    )
    after = assess(centre.id, today=AS_OF)
    assert after.items_total == 9
    assert "老年人日间照料室" in [a.item.name for a in after.missing_items]
    with pytest.raises(StandardError, match="已有项目"):
        standards.add_item(admin, std.id, "老年人日间照料室", "room", 60)
    standards.remove_item(admin, item.id)
    assert assess(centre.id, today=AS_OF).items_total == 8
    assert FacilityStandardItem.get_by_id(item.id).archived  # kept, not deleted


def test_loading_another_template_reassesses_the_same_centre(admin):
    centre = create_centre(admin, "南关社区综合服务中心")
    save_space(
        admin, centre.id, None, name="图书室", item_code="library", area=35, resident_use=True
    )
    save_space(admin, centre.id, None, name="便民服务大厅", item_code="", area=50)
    shaanxi = assess(centre.id, today=AS_OF)
    library = next(a for a in shaanxi.items if a.item.code == "library")
    assert library.verdict == "area_short" and library.area_gap == 5  # 40 m² required
    assert shaanxi.area.required == 300
    old_id = shaanxi.standard.id

    standards.load_template(admin, _six_rooms())
    other = assess(centre.id, today=AS_OF)
    assert other.standard.name == "某省“六室两站一场”"
    assert other.items_total == 9
    assert [i.kind for i in other.standard.items].count("room") == 6
    library = next(a for a in other.items if a.item.code == "library")
    assert library.item.name == "图书阅览室" and library.area_gap == 0  # 30 m² here
    assert library.verdict == "equipment_short"  # this template asks for a desk
    assert other.area.required == 400 and other.area.resident_share_required == 0.5
    assert "老年人日间照料室" in [a.item.name for a in other.missing_items]
    # The old standard stays, inactive; it can be brought back.
    assert not FacilityStandard.get_by_id(old_id).active
    standards.activate(admin, old_id)
    assert assess(centre.id, today=AS_OF).items_total == 8


def test_template_round_trip_and_validation(admin, tmp_path):
    std = standards.active_standard()
    path = standards.save_template(std.id, tmp_path / "陕西.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == standards.TEMPLATE_FORMAT and len(data["items"]) == 8
    copy = standards.load_template_file(admin, path)
    assert copy.id != std.id and [i.code for i in copy.items] == [i.code for i in std.items]
    assert [i.equipment for i in copy.items] == [i.equipment for i in std.items]

    bad = _six_rooms()
    bad["items"][1]["code"] = "party_office"
    with pytest.raises(StandardError, match="重复"):
        standards.load_template(admin, bad)
    bad = _six_rooms()
    bad["items"][0]["kind"] = "hall"
    with pytest.raises(StandardError, match="类别"):
        standards.load_template(admin, bad)
    with pytest.raises(StandardError, match="没有任何项目"):
        standards.load_template(admin, {"name": "空", "items": []})
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StandardError, match="JSON"):
        standards.load_template_file(admin, tmp_path / "broken.json")
    assert standards.active_standard().id == copy.id  # failed loads changed nothing


def test_equipment_lines_as_a_clerk_types_them():
    parsed = standards.parse_equipment_lines("办公桌 4张\n灭火器×2\n\n  打印机  \n图书 1500册")
    assert parsed == (
        RequiredEquipment("办公桌", 4, "张"),
        RequiredEquipment("灭火器", 2, ""),
        RequiredEquipment("打印机", 1, ""),
        RequiredEquipment("图书", 1500, "册"),
    )
    assert standards.parse_equipment_lines(standards.format_equipment_lines(parsed)) == parsed
    with pytest.raises(StandardError, match="重复"):
        standards.parse_equipment_lines("办公桌 1\n办公桌 2")
