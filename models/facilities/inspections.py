"""Safety inspections, their findings, and hazards followed until they are fixed.

The seed's offices were partitioned with wooden boards and went dark in a power cut: a fire
risk nobody could show the county. A hazard here has a category, a deadline and a person
responsible; it stays open (and overdue after its deadline) until it is closed with a date,
a note and at least one photo of the fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from models.core import clock, crud
from models.core.permissions import HasRole, Perm
from models.core.service import service
from models.facilities.centre import FacilityError, store_photo
from models.facilities.entities import (
    HAZARD_NAMES,
    FacilityFinding,
    FacilityInspection,
    FacilityPhoto,
    FacilitySpace,
)


@dataclass
class FindingInput:
    """A finding as the inspection dialog collects it, before it is saved."""

    description: str
    space_id: int | None = None
    is_hazard: bool = False
    category: str = ""
    deadline: dt.date | None = None
    responsible: str = ""
    photos: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class InspectionRow:
    id: int
    centre_id: int
    inspected_on: dt.date
    inspector: str
    notes: str
    findings: int
    hazards: int
    open_hazards: int


@dataclass(frozen=True)
class FindingRow:
    id: int
    inspection_id: int
    inspected_on: dt.date
    inspector: str
    space_id: int | None
    space_name: str
    description: str
    is_hazard: bool
    category: str
    deadline: dt.date | None
    responsible: str
    fixed_on: dt.date | None
    fix_notes: str
    fixed_by: str
    state: str  # "overdue", "open", "fixed" for hazards; "note" for other findings
    days_overdue: int

    @property
    def category_name(self) -> str:
        return HAZARD_NAMES.get(self.category, self.category)

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]


STATE_NAMES = {"overdue": "逾期未整改", "open": "待整改", "fixed": "已整改", "note": "一般记录"}


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _check_finding(f: FindingInput, inspected_on: dt.date, centre_id: int) -> None:
    if not f.description.strip():
        raise FacilityError("检查发现的内容不能为空。")
    if f.space_id is not None:
        space = FacilitySpace.get_or_none(FacilitySpace.id == f.space_id)
        if space is None or space.centre_id != centre_id:
            raise FacilityError("所选用房不属于本服务中心。")
    if not f.is_hazard:
        return
    if f.category not in HAZARD_NAMES:
        raise FacilityError("请选择隐患类别（消防、用电、房屋结构、无障碍或其他）。")
    if f.deadline is None:
        raise FacilityError("请填写隐患的整改期限。")
    if f.deadline < inspected_on:
        raise FacilityError("整改期限不能早于检查日期。")
    if not f.responsible.strip():
        raise FacilityError("请填写隐患整改责任人。")


def _save_finding(
    actor: HasRole, inspection: FacilityInspection, f: FindingInput
) -> FacilityFinding:
    finding = crud.create(
        actor,
        FacilityFinding,
        "登记检查发现" + ("（隐患）" if f.is_hazard else ""),
        inspection=inspection,
        space=f.space_id,
        description=f.description.strip(),
        is_hazard=f.is_hazard,
        category=f.category if f.is_hazard else "",
        deadline=f.deadline if f.is_hazard else None,
        responsible=f.responsible.strip() if f.is_hazard else "",
    )
    for photo in f.photos:
        store_photo(
            actor, photo, finding_id=finding.id, purpose="finding", taken_on=inspection.inspected_on
        )
    return finding


@service(Perm.FACILITIES_EDIT)
def record_inspection(
    actor: HasRole,
    centre_id: int,
    inspected_on: dt.date,
    inspector: str,
    findings: list[FindingInput],
    notes: str = "",
    today: dt.date | None = None,
) -> int:
    """Save an inspection with its findings (and their photos) in one transaction."""
    if not inspector.strip():
        raise FacilityError("请填写检查人。")
    if inspected_on > _today(today):
        raise FacilityError("检查日期不能晚于今天。")
    for f in findings:
        _check_finding(f, inspected_on, centre_id)
    inspection = crud.create(
        actor,
        FacilityInspection,
        "登记安全检查",
        centre=centre_id,
        inspected_on=inspected_on,
        inspector=inspector.strip(),
        notes=notes.strip(),
        username=actor.username,
    )
    for f in findings:
        _save_finding(actor, inspection, f)
    return inspection.id


@service(Perm.FACILITIES_EDIT)
def add_finding(actor: HasRole, inspection_id: int, finding: FindingInput) -> int:
    """A finding added later to an inspection already on record."""
    inspection = FacilityInspection.get_by_id(inspection_id)
    if inspection.voided:
        raise FacilityError("该检查记录已作废。")
    _check_finding(finding, inspection.inspected_on, inspection.centre_id)
    return _save_finding(actor, inspection, finding).id


@service(Perm.FACILITIES_EDIT)
def close_hazard(
    actor: HasRole,
    finding_id: int,
    fixed_on: dt.date,
    fix_notes: str,
    photos: list[Path] | list[str],
    today: dt.date | None = None,
) -> None:
    """Mark a hazard fixed. A photo of the fix is required: the record is the evidence."""
    finding = FacilityFinding.get_by_id(finding_id)
    if not finding.is_hazard or finding.voided:
        raise FacilityError("只有未作废的隐患才能整改销号。")
    if finding.fixed_on is not None:
        raise FacilityError("该隐患已整改销号。")
    if not photos:
        raise FacilityError("请添加整改后的照片，没有照片不能销号。")
    if fixed_on > _today(today):
        raise FacilityError("整改日期不能晚于今天。")
    if fixed_on < finding.inspection.inspected_on:
        raise FacilityError("整改日期不能早于发现隐患的检查日期。")
    if not fix_notes.strip():
        raise FacilityError("请简要说明整改措施。")
    for photo in photos:
        store_photo(actor, photo, finding_id=finding_id, purpose="fix", taken_on=fixed_on)
    crud.update(
        actor,
        finding,
        "隐患整改销号",
        fixed_on=fixed_on,
        fix_notes=fix_notes.strip(),
        fixed_by=actor.username,
    )


@service(Perm.FACILITIES_EDIT)
def void_finding(actor: HasRole, finding_id: int, reason: str) -> None:
    """A finding entered by mistake: voided with a reason, never deleted."""
    if not reason.strip():
        raise FacilityError("请说明作废原因。")
    crud.update(
        actor,
        FacilityFinding.get_by_id(finding_id),
        "作废检查发现",
        voided=True,
        void_reason=reason.strip()[:200],
    )


@service(Perm.FACILITIES_EDIT)
def void_inspection(actor: HasRole, inspection_id: int, reason: str) -> None:
    """An inspection entered by mistake (or twice): it and its findings are voided."""
    if not reason.strip():
        raise FacilityError("请说明作废原因。")
    inspection = FacilityInspection.get_by_id(inspection_id)
    crud.update(actor, inspection, f"作废安全检查：{reason.strip()}", voided=True)
    for finding in FacilityFinding.select().where(
        (FacilityFinding.inspection == inspection_id) & (FacilityFinding.voided == False)
    ):  # noqa: E712
        crud.update(actor, finding, "随检查记录作废", voided=True, void_reason=reason.strip()[:200])


# -- reading --------------------------------------------------------------------------------


def _state(f: FacilityFinding, today: dt.date) -> tuple[str, int]:
    if not f.is_hazard:
        return "note", 0
    if f.fixed_on is not None:
        return "fixed", 0
    if f.deadline is not None and f.deadline < today:
        return "overdue", (today - f.deadline).days
    return "open", 0


def _finding_row(f: FacilityFinding, today: dt.date) -> FindingRow:
    state, late = _state(f, today)
    space = f.space if f.space_id is not None else None
    space_name = space.name if space is not None else ""
    return FindingRow(
        f.id,
        f.inspection_id,
        f.inspection.inspected_on,
        f.inspection.inspector,
        f.space_id,
        space_name,
        f.description,
        bool(f.is_hazard),
        f.category,
        f.deadline,
        f.responsible,
        f.fixed_on,
        f.fix_notes,
        f.fixed_by,
        state,
        late,
    )


def _findings_query(centre_id: int):  # type: ignore[no-untyped-def]
    return (
        FacilityFinding.select(FacilityFinding, FacilityInspection)
        .join(FacilityInspection)
        .where(
            (FacilityInspection.centre == centre_id)
            & (FacilityInspection.voided == False)  # noqa: E712
            & (FacilityFinding.voided == False)
        )
    )  # noqa: E712


def hazards(
    centre_id: int, include_fixed: bool = True, today: dt.date | None = None
) -> list[FindingRow]:
    """Overdue hazards first (longest overdue on top), then open ones by deadline, then fixed."""
    day = _today(today)
    rows = [
        _finding_row(f, day)
        for f in _findings_query(centre_id).where(FacilityFinding.is_hazard == True)
    ]  # noqa: E712
    if not include_fixed:
        rows = [r for r in rows if r.state != "fixed"]
    rank = {"overdue": 0, "open": 1, "fixed": 2}

    def key(r: FindingRow) -> tuple[int, int, int]:
        if r.state == "overdue":
            return (0, -r.days_overdue, r.id)
        if r.state == "open":
            return (1, (r.deadline or dt.date.max).toordinal(), r.id)
        return (rank[r.state], -(r.fixed_on or dt.date.min).toordinal(), -r.id)

    return sorted(rows, key=key)


def findings_of(inspection_id: int, today: dt.date | None = None) -> list[FindingRow]:
    day = _today(today)
    query = (
        FacilityFinding.select(FacilityFinding, FacilityInspection)
        .join(FacilityInspection)
        .where((FacilityFinding.inspection == inspection_id) & (FacilityFinding.voided == False))  # noqa: E712
        .order_by(FacilityFinding.id)
    )
    return [_finding_row(f, day) for f in query]


def get_finding(finding_id: int, today: dt.date | None = None) -> FindingRow:
    return _finding_row(FacilityFinding.get_by_id(finding_id), _today(today))


def list_inspections(centre_id: int) -> list[InspectionRow]:
    result = []
    query = (
        FacilityInspection.select()
        .where((FacilityInspection.centre == centre_id) & (FacilityInspection.voided == False))  # noqa: E712
        .order_by(FacilityInspection.inspected_on.desc(), FacilityInspection.id.desc())
    )
    for ins in query:
        found = list(
            FacilityFinding.select().where(
                (FacilityFinding.inspection == ins.id) & (FacilityFinding.voided == False)
            )
        )  # noqa: E712
        hazards_found = [f for f in found if f.is_hazard]
        result.append(
            InspectionRow(
                ins.id,
                ins.centre_id,
                ins.inspected_on,
                ins.inspector,
                ins.notes,
                len(found),
                len(hazards_found),
                sum(1 for f in hazards_found if f.fixed_on is None),
            )
        )
    return result


def hazard_counts(centre_id: int, today: dt.date | None = None) -> tuple[int, int]:
    """(open, overdue) hazards of a centre; overdue ones are also counted as open."""
    rows = hazards(centre_id, include_fixed=False, today=today)
    return len(rows), sum(1 for r in rows if r.state == "overdue")


def hazards_between(centre_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """Hazards found, fixed, open and overdue over a period (open/overdue as at *end*)."""
    found = fixed = open_ = overdue = 0
    for f in _findings_query(centre_id).where(FacilityFinding.is_hazard == True):  # noqa: E712
        seen = f.inspection.inspected_on
        if start <= seen <= end:
            found += 1
        if f.fixed_on is not None and start <= f.fixed_on <= end:
            fixed += 1
        if seen <= end and (f.fixed_on is None or f.fixed_on > end):
            open_ += 1
            if f.deadline is not None and f.deadline < end:
                overdue += 1
    return {"found": found, "fixed": fixed, "open": open_, "overdue": overdue}


def photo_count(finding_id: int, purpose: str) -> int:
    return (
        FacilityPhoto.select()
        .where(
            (FacilityPhoto.finding == finding_id)
            & (FacilityPhoto.purpose == purpose)
            & (FacilityPhoto.archived == False)
        )
        .count()
    )  # noqa: E712
