"""Inspections and hazards in the service layer: a hazard stays open until fixed with a
photo; overdue ones come first; voiding keeps the record; every write is audited."""

import datetime as dt
import shutil

import pytest

from models.core import files
from models.core.entities import AuditLog
from models.core.permissions import Role
from models.facilities.centre import (
    FacilityError,
    create_centre,
    list_photos,
    remove_photo,
    save_space,
)
from models.facilities.demo import PHOTOS
from models.facilities.entities import FacilityFinding, FacilityInspection, FacilityPhoto
from models.facilities.inspections import (
    FindingInput,
    close_hazard,
    hazard_counts,
    hazards,
    list_inspections,
    record_inspection,
    void_finding,
    void_inspection,
)
from tests.conftest import AS_OF


@pytest.fixture
def office(admin):
    centre = create_centre(admin, "南关社区综合服务中心")
    space = save_space(
        admin,
        centre.id,
        None,
        name="居委会办公室（木板隔断）",
        item_code="committee_office",
        status="unsafe",
        area=48,
    )
    return centre, space


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "整改后.jpg"
    shutil.copy(PHOTOS / "socket_fixed.jpg", path)
    return path


def _fire(space_id, deadline, photos=()):
    return FindingInput(
        "木板隔断，可燃物多，停电时一片漆黑",
        space_id,
        True,
        "fire",
        deadline,
        "张建国",
        list(photos),
    )


def test_hazard_stays_open_until_fixed_with_a_photo(clerk, office, photo):
    centre, space = office
    record_inspection(
        clerk,
        centre.id,
        dt.date(2026, 10, 13),
        "县消防救援大队 王磊",
        [_fire(space.id, dt.date(2026, 11, 12), [PHOTOS / "wooden_partition.jpg"])],
        "冬季消防安全检查",
        today=AS_OF,
    )
    [hazard] = hazards(centre.id, today=AS_OF)
    assert hazard.state == "overdue" and hazard.days_overdue == 15
    assert [p.purpose for p in list_photos(finding_id=hazard.id)] == ["finding"]
    with pytest.raises(FacilityError, match="照片"):
        close_hazard(clerk, hazard.id, AS_OF, "拆除木板隔断", [], today=AS_OF)
    with pytest.raises(FacilityError, match="整改措施"):
        close_hazard(clerk, hazard.id, AS_OF, " ", [photo], today=AS_OF)
    with pytest.raises(FacilityError, match="早于"):
        close_hazard(clerk, hazard.id, dt.date(2026, 10, 1), "拆除", [photo], today=AS_OF)
    with pytest.raises(FacilityError, match="晚于今天"):
        close_hazard(clerk, hazard.id, AS_OF + dt.timedelta(days=1), "拆除", [photo], today=AS_OF)
    assert hazard_counts(centre.id, AS_OF) == (1, 1)
    assert FacilityPhoto.select().count() == 1  # failed closes stored nothing

    close_hazard(
        clerk, hazard.id, AS_OF, "拆除木板隔断，改为防火板，加装应急照明", [photo], today=AS_OF
    )
    finding = FacilityFinding.get_by_id(hazard.id)
    assert finding.fixed_on == AS_OF and finding.fixed_by == "clerk"
    fix = list_photos(finding_id=hazard.id, purpose="fix")
    assert len(fix) == 1 and fix[0].file.read_bytes() == photo.read_bytes()
    assert fix[0].file.parent.parent == files.attachments_dir()
    assert hazard_counts(centre.id, AS_OF) == (0, 0)
    assert hazards(centre.id, include_fixed=False, today=AS_OF) == []
    assert [h.state for h in hazards(centre.id, today=AS_OF)] == ["fixed"]
    with pytest.raises(FacilityError, match="已整改"):
        close_hazard(clerk, hazard.id, AS_OF, "再次", [photo], today=AS_OF)
    with pytest.raises(FacilityError, match="唯一照片"):
        remove_photo(clerk, fix[0].id)  # the evidence of the fix cannot be taken away


def test_overdue_first_then_open_by_deadline_then_fixed(clerk, office, photo):
    centre, space = office
    d = dt.date(2026, 10, 1)
    record_inspection(
        clerk,
        centre.id,
        d,
        "安监站",
        [
            FindingInput("入口无坡道", None, True, "accessibility", dt.date(2027, 3, 1), "张建国"),
            _fire(space.id, dt.date(2026, 11, 20)),
            FindingInput(
                "插线板串接", space.id, True, "electrical", dt.date(2026, 12, 2), "李晓梅"
            ),
            FindingInput("楼梯扶手松动", None, True, "structural", dt.date(2026, 10, 30), "张建国"),
            FindingInput("插座松动", space.id, True, "electrical", dt.date(2026, 10, 15), "王秀英"),
            FindingInput("消防通道畅通", None),
        ],
        today=AS_OF,
    )
    socket = next(h for h in hazards(centre.id, today=AS_OF) if h.description == "插座松动")
    close_hazard(clerk, socket.id, dt.date(2026, 10, 9), "更换插座", [photo], today=AS_OF)
    order = [(h.state, h.description[:4]) for h in hazards(centre.id, today=AS_OF)]
    assert order == [
        ("overdue", "楼梯扶手"),
        ("overdue", "木板隔断"),
        ("open", "插线板串"),
        ("open", "入口无坡"),
        ("fixed", "插座松动"),
    ]
    [row] = list_inspections(centre.id)
    assert (row.findings, row.hazards, row.open_hazards) == (6, 5, 4)


def test_inspection_input_is_checked(clerk, office):
    centre, space = office
    day = dt.date(2026, 10, 13)
    with pytest.raises(FacilityError, match="检查人"):
        record_inspection(clerk, centre.id, day, " ", [], today=AS_OF)
    with pytest.raises(FacilityError, match="晚于今天"):
        record_inspection(clerk, centre.id, AS_OF + dt.timedelta(days=1), "王磊", [], today=AS_OF)
    for bad, message in [
        (FindingInput("", None), "内容"),
        (FindingInput("隐患", None, True, "flood", day, "张"), "类别"),
        (FindingInput("隐患", None, True, "fire", None, "张"), "期限"),
        (FindingInput("隐患", None, True, "fire", day - dt.timedelta(days=1), "张"), "早于"),
        (FindingInput("隐患", None, True, "fire", day, " "), "责任人"),
    ]:
        with pytest.raises(FacilityError, match=message):
            record_inspection(clerk, centre.id, day, "王磊", [bad], today=AS_OF)
    assert FacilityInspection.select().count() == 0  # nothing half-saved


def test_voiding_keeps_the_record(clerk, office):
    centre, space = office
    day = dt.date(2026, 10, 13)
    first = record_inspection(clerk, centre.id, day, "王磊", [_fire(space.id, AS_OF)], today=AS_OF)
    second = record_inspection(
        clerk,
        centre.id,
        day,
        "王磊（重复录入）",
        [_fire(space.id, AS_OF), FindingInput("灭火器过期", None)],
        today=AS_OF,
    )
    [hazard, _dup] = hazards(centre.id, today=AS_OF)
    with pytest.raises(FacilityError, match="原因"):
        void_finding(clerk, hazard.id, "")
    void_inspection(clerk, second, "重复录入")
    assert [h.inspection_id for h in hazards(centre.id, today=AS_OF)] == [first]
    void_finding(clerk, hazard.id, "误报")
    assert hazards(centre.id, today=AS_OF) == []
    assert FacilityFinding.select().count() == 3 and FacilityInspection.select().count() == 2
    assert FacilityFinding.get_by_id(hazard.id).void_reason == "误报"
    notes = [a.note for a in AuditLog.select().where(AuditLog.table_name == "facility_finding")]
    assert notes.count("登记检查发现（隐患）") == 2 and "作废检查发现" in notes


def test_roles_without_the_right_cannot_write(admin, office):
    from models.core import users
    from models.core.permissions import PermissionDenied

    centre, _ = office
    # Every role keeps the facilities register today; a role without it is refused.
    stranger = users.create_user(admin, "guest", "访客", Role.CLERK.value, "test1234")
    stranger.role = "visitor"
    with pytest.raises(PermissionDenied):
        record_inspection(stranger, centre.id, AS_OF, "王磊", [], today=AS_OF)
