"""The centre against its standard: item by item, floor area, equipment, hazards.

An item's verdict, worst first: missing (no space, or every space recorded as missing);
unsafe (a space recorded as unsafe); shared (only shared spaces); area_short (below the
item's minimum); equipment_short (required equipment missing or broken); meets. Only
"meets" counts as meeting the standard.

Floor area: spaces not marked outdoor and not recorded as missing, whether in the standard
or not (a meeting room is service space too). Required: max(min_total_area,
per_100_households × households / 100), households being the register's (not archived) in
the compounds the centre serves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from models.facilities.centre import (
    EquipmentRow,
    SpaceRow,
    get_centre,
    households_served,
    list_centres,
    list_equipment,
    list_spaces,
)
from models.facilities.inspections import hazard_counts, hazards, hazards_between
from models.facilities.standard import Standard, StandardItem, active_standard

_VERDICT_ORDER = ["missing", "unsafe", "shared", "area_short", "equipment_short", "meets"]


@dataclass(frozen=True)
class EquipmentGap:
    item_name: str
    equipment: str
    unit: str
    required: int
    present: int  # usable (not broken) quantity found in the item's spaces

    @property
    def missing(self) -> int:
        return self.required - self.present


@dataclass(frozen=True)
class ItemAssessment:
    item: StandardItem
    spaces: tuple[SpaceRow, ...]
    status: str  # the recorded status that decides: meets / shared / missing / unsafe
    verdict: str
    area: float | None  # total of the item's spaces (None when nothing recorded)
    area_gap: float  # m² below the minimum (0 when enough or no minimum)
    equipment_gaps: tuple[EquipmentGap, ...]

    @property
    def meets(self) -> bool:
        return self.verdict == "meets"


@dataclass(frozen=True)
class AreaAssessment:
    households: int
    per_100_households: float
    min_total_area: float
    required: float
    actual: float
    resident_area: float
    resident_share_required: float

    @property
    def gap(self) -> float:
        return max(0.0, self.required - self.actual)

    @property
    def resident_share(self) -> float:
        return self.resident_area / self.actual if self.actual else 0.0

    @property
    def meets(self) -> bool:
        return self.gap == 0 and self.resident_share >= self.resident_share_required


@dataclass(frozen=True)
class Compliance:
    centre_id: int
    centre_name: str
    standard: Standard
    items: tuple[ItemAssessment, ...]
    extra_spaces: tuple[SpaceRow, ...]  # recorded spaces that match no item of the standard
    area: AreaAssessment
    open_hazards: int
    overdue_hazards: int

    @property
    def items_total(self) -> int:
        return len(self.items)

    @property
    def items_meeting(self) -> int:
        return sum(1 for i in self.items if i.meets)

    @property
    def missing_items(self) -> list[ItemAssessment]:
        return [i for i in self.items if i.verdict == "missing"]

    @property
    def equipment_gaps(self) -> list[EquipmentGap]:
        return [g for i in self.items for g in i.equipment_gaps]

    @property
    def missing_equipment_count(self) -> int:
        """Lines of required equipment short (not pieces), missing items' lines included."""
        return len(self.equipment_gaps)


def required_area(households: int, per_100: float, min_total: float) -> float:
    """The floor-area rule: per_100 m² per 100 households, never below min_total."""
    return max(min_total, per_100 * households / 100)


def _matches(required: str, name: str) -> bool:
    # "灭火器" is met by "干粉灭火器（4kg）": clerks name things more precisely than a standard.
    return "".join(required.split()) in "".join(name.split())


def equipment_gaps(item: StandardItem, equipment: list[EquipmentRow]) -> tuple[EquipmentGap, ...]:
    gaps = []
    for need in item.equipment:
        present = sum(
            e.quantity for e in equipment if e.condition != "broken" and _matches(need.name, e.name)
        )
        if present < need.quantity:
            gaps.append(EquipmentGap(item.name, need.name, need.unit, need.quantity, present))
    return tuple(gaps)


# Hazard categories that make a space unsafe while open (accessibility and "other" do not).
SAFETY_CATEGORIES = ("fire", "electrical", "structural")


def assess_item(
    item: StandardItem,
    spaces: list[SpaceRow],
    equipment: list[EquipmentRow],
    hazard_spaces: frozenset[int] = frozenset(),
) -> ItemAssessment:
    present = [s for s in spaces if s.status != "missing"]
    if not present:
        # Everything the item needs is missing too: the gap a request for funds must cover.
        return ItemAssessment(
            item,
            tuple(spaces),
            "missing",
            "missing",
            None,
            item.min_area or 0.0,
            equipment_gaps(item, []),
        )
    statuses = {s.status for s in present}
    status = "unsafe" if "unsafe" in statuses else ("meets" if "meets" in statuses else "shared")
    known = [s.area for s in present if s.area is not None]
    area = sum(known) if known else None
    gap = max(0.0, (item.min_area or 0.0) - (area or 0.0)) if item.min_area else 0.0
    ids = {s.id for s in present}
    gaps = equipment_gaps(item, [e for e in equipment if e.space_id in ids])
    if status != "meets":
        verdict = status
    elif ids & hazard_spaces:
        verdict = "unsafe"  # an open fire/electrical/structural hazard in one of its spaces
    elif gap > 0:
        verdict = "area_short"
    elif gaps:
        verdict = "equipment_short"
    else:
        verdict = "meets"
    return ItemAssessment(item, tuple(spaces), status, verdict, area, round(gap, 2), gaps)


def assess(
    centre_id: int, standard: Standard | None = None, today: dt.date | None = None
) -> Compliance:
    """The whole picture for one centre against the active (or a given) standard."""
    standard = standard or active_standard()
    centre = get_centre(centre_id)
    spaces = list_spaces(centre_id)
    equipment = list_equipment(centre_id=centre_id)
    codes = {i.code for i in standard.items}
    unsafe_spaces = frozenset(
        h.space_id
        for h in hazards(centre_id, include_fixed=False, today=today)
        if h.space_id is not None and h.category in SAFETY_CATEGORIES
    )
    items = tuple(
        assess_item(item, [s for s in spaces if s.item_code == item.code], equipment, unsafe_spaces)
        for item in standard.items
    )
    extra = tuple(s for s in spaces if s.item_code not in codes)
    households = households_served(centre_id)
    indoor = [s for s in spaces if not s.outdoor and s.status != "missing" and s.area]
    area = AreaAssessment(
        households=households,
        per_100_households=standard.per_100_households,
        min_total_area=standard.min_total_area,
        required=round(
            required_area(households, standard.per_100_households, standard.min_total_area), 1
        ),
        actual=round(sum((s.area or 0.0 for s in indoor), 0.0), 1),
        resident_area=round(sum((s.area or 0.0 for s in indoor if s.resident_use), 0.0), 1),
        resident_share_required=standard.resident_share,
    )
    open_, overdue = hazard_counts(centre_id, today)
    return Compliance(centre.id, centre.name, standard, items, extra, area, open_, overdue)


def sorted_items(result: Compliance) -> list[ItemAssessment]:
    """Items worst first (missing, unsafe, shared …), keeping the standard's order within."""
    return sorted(result.items, key=lambda i: _VERDICT_ORDER.index(i.verdict))


# -- the monthly report's facilities section --------------------------------------------


def facilities_monthly_section(
    month_start: dt.date, month_end: dt.date, compound_id: int | None = None
) -> dict[str, Any] | None:
    """Plain figures for the monthly report's 设施状况 section.

    compound_id None: every centre together. A compound: the centre that serves it (a
    centre serves several compounds, so these are that centre's figures, not the
    compound's share). None when there is no centre to report on.

    Keys: centres (list of names), standard (name), items_meeting, items_total,
    items_missing, equipment_lines_missing (ints), area_actual, area_required, area_gap
    (floats, m²), hazards_open, hazards_overdue (as at month_end), hazards_found_in_month,
    hazards_fixed_in_month (ints). Items and areas are the register as it stands (spaces
    keep no dated history); the hazard figures are dated and so exact for any past month.
    """
    if compound_id is None:
        centres = list_centres()
    else:
        from models.facilities.centre import centre_for_compound

        one = centre_for_compound(compound_id)
        centres = [one] if one else []
    if not centres:
        return None
    standard = active_standard()
    totals: dict[str, Any] = {
        "centres": [c.name for c in centres],
        "standard": standard.name,
        "items_meeting": 0,
        "items_total": 0,
        "items_missing": 0,
        "area_actual": 0.0,
        "area_required": 0.0,
        "area_gap": 0.0,
        "hazards_open": 0,
        "hazards_overdue": 0,
        "hazards_found_in_month": 0,
        "hazards_fixed_in_month": 0,
        "equipment_lines_missing": 0,
    }
    for centre in centres:
        result = assess(centre.id, standard, today=month_end)
        totals["items_meeting"] += result.items_meeting
        totals["items_total"] += result.items_total
        totals["items_missing"] += len(result.missing_items)
        totals["area_actual"] += result.area.actual
        totals["area_required"] += result.area.required
        totals["area_gap"] += result.area.gap
        totals["equipment_lines_missing"] += result.missing_equipment_count
        month = hazards_between(centre.id, month_start, month_end)
        totals["hazards_open"] += month["open"]
        totals["hazards_overdue"] += month["overdue"]
        totals["hazards_found_in_month"] += month["found"]
        totals["hazards_fixed_in_month"] += month["fixed"]
    for key in ("area_actual", "area_required", "area_gap"):
        totals[key] = round(totals[key], 1)
    return totals


def format_area(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}".rstrip("0").rstrip(".")
