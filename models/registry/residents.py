"""Residents: checking and saving a person's fields, special-group tags, revealing an ID.

Status and household membership change only through life events (models.registry.life_events) and
household actions (models.registry.households); this module holds what they share.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.core import audit, clock, codes, crud, idcard, text_rules
from models.core.entities import Household, LifeEvent, Resident, ResidentTag
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm, can
from models.core.pinyin import keys as pinyin_keys
from models.core.service import service

HEAD = "02"
STATUS_NAMES = {"current": "在册", "moved_out": "已迁出", "deceased": "已死亡"}
# Tags whose detail is a disability kind and grade, stored as "4类2级" (kind code, grade).
DISABILITY = "disabled"
_DISABILITY_RE = re.compile(r"^([1-7])类([1-4])级$")


class RegistryError(UserFacingError, ValueError):
    """Input the register cannot take; the message is shown to the clerk as it is."""


class DuplicateIdError(RegistryError):
    """The ID number belongs to someone already in the register."""

    def __init__(self, message: str, resident_id: int, name: str) -> None:
        super().__init__(message)
        self.resident_id = resident_id
        self.name = name


@dataclass
class TagInput:
    tag: str
    detail: str = ""
    start_date: dt.date | None = None


@dataclass
class ResidentData:
    """What the resident form edits: every field of domain notes §2."""

    name: str
    id_number: str | None = None
    sex: str = "0"
    birth_date: dt.date | None = None
    ethnicity: str = "01"
    relation: str = "99"
    education: str = ""
    marital_status: str = ""
    political_status: str = ""
    category: str = "1"
    phone: str = ""
    hukou_address: str = ""
    work_unit: str = ""
    arrived_on: dt.date | None = None
    notes: str = ""
    tags: list[TagInput] = field(default_factory=list)
    # Set by a form that never showed the stored number (the role may not see it): saving
    # keeps the stored number instead of treating the missing one as cleared.
    keep_id_number: bool = False


@dataclass(frozen=True)
class TagRow:
    id: int
    tag: str
    name: str
    detail: str
    start_date: dt.date | None


@dataclass(frozen=True)
class ResidentDetail:
    id: int
    data: ResidentData
    status: str
    masked_id: str
    household_id: int | None
    household_no: str
    address: str
    tags: list[TagRow]
    created_at: dt.datetime
    updated_at: dt.datetime
    # data.id_number is None for a role that may not see full numbers; this says one is stored.
    has_id_number: bool = False
    # The row's version when read: update_resident(expected_version=...) saves only if
    # nobody saved the person since (models.core.crud).
    row_version: int = 1


def disability_detail(kind: str, grade: int | str) -> str:
    return f"{kind}类{grade}级"


def parse_disability(detail: str) -> tuple[str, int] | None:
    """(kind code, grade) from "4类2级"; None if the detail is not in that form."""
    match = _DISABILITY_RE.match(detail or "")
    return (match.group(1), int(match.group(2))) if match else None


def describe_tag(tag: str, detail: str) -> str:
    """低保, 残疾人（肢体残疾二级）… as lists show a tag."""
    return codes.tag_text(tag, detail)


def household_of(r: Resident) -> int | None:
    """The household id of *r* without loading the household (typed for mypy)."""
    value = r.__data__.get("household")
    return int(value) if value is not None else None


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# -- checking ---------------------------------------------------------------------------
def find_by_id_number(number: str, exclude_id: int | None = None) -> Resident | None:
    query = Resident.select().where(Resident.id_number == number)
    if exclude_id:
        query = query.where(Resident.id != exclude_id)
    return query.first()


def check_id_number(
    raw: str, exclude_id: int | None = None, today: dt.date | None = None
) -> idcard.IdCheck:
    """idcard.check plus: already in the register (raises DuplicateIdError)."""
    result = idcard.check(raw, today=today)
    if result.ok:
        other = find_by_id_number(result.number, exclude_id)
        if other is not None:
            raise DuplicateIdError(
                f"身份证号码{idcard.mask(result.number)}已登记在居民“{other.name}”名下，"
                "同一号码不能重复登记。",
                other.id,
                other.name,
            )
    return result


def id_warnings(data: ResidentData, result: idcard.IdCheck) -> list[str]:
    """Typed birth date or sex that disagrees with the ID number: shown, never kept silently."""
    warnings = []
    if result.birth_date and data.birth_date and data.birth_date != result.birth_date:
        warnings.append(
            f"填写的出生日期{data.birth_date.isoformat()}与身份证号码中的"
            f"{result.birth_date.isoformat()}不一致"
        )
    if result.sex and data.sex in ("1", "2") and data.sex != result.sex:
        warnings.append(
            f"填写的性别“{codes.name('sex', data.sex)}”与身份证号码中的"
            f"“{codes.name('sex', result.sex)}”不一致"
        )
    return warnings


def _check_code(table: str, value: str, label: str, required: bool = False) -> None:
    if not value:
        if required:
            raise RegistryError(f"请选择{label}。")
        return
    if value not in codes.codes(table):
        raise RegistryError(f"{label}代码“{value}”不在代码表中。")


def validate(
    data: ResidentData, exclude_id: int | None = None, today: dt.date | None = None
) -> list[str]:
    """Normalise *data* in place and check it; returns warnings, raises RegistryError."""
    today = today or clock.today()
    # Cleaned first, so that the checks see what will be stored (crud strips the same
    # characters): invisible ones neither make a name too long nor let an empty one through.
    data.name = re.sub(r"\s+", "", text_rules.clean(data.name or ""))
    if not data.name:
        raise RegistryError("姓名不能为空。")
    if len(data.name) > 50:
        raise RegistryError("姓名过长（最多50个字）。")
    warnings: list[str] = []
    if data.id_number and data.id_number.strip():
        result = check_id_number(data.id_number, exclude_id, today)
        if not result.ok:
            raise RegistryError(f"身份证号码有误：{result.message}。")
        data.id_number = result.number
        warnings = id_warnings(data, result)
        data.birth_date = data.birth_date or result.birth_date
        if data.sex not in ("1", "2") and result.sex:
            data.sex = result.sex
    else:
        data.id_number = None
    if data.birth_date and data.birth_date > today:
        raise RegistryError("出生日期不能晚于今天。")
    if data.arrived_on and data.arrived_on > today:
        raise RegistryError("来本地日期不能晚于今天。")
    _check_code("sex", data.sex, "性别", required=True)
    _check_code("ethnicity", data.ethnicity, "民族", required=True)
    _check_code("relation", data.relation, "与户主关系", required=True)
    _check_code("education", data.education, "文化程度")
    _check_code("marital_status", data.marital_status, "婚姻状况")
    _check_code("political_status", data.political_status, "政治面貌")
    _check_code("category", data.category, "人员类别", required=True)
    if data.arrived_on and data.birth_date and data.arrived_on < data.birth_date:
        raise RegistryError(
            f"来本地日期{data.arrived_on.isoformat()}早于出生日期{data.birth_date.isoformat()}。"
        )
    try:
        data.phone = text_rules.normalize_phone(data.phone)
    except text_rules.TextRuleError as exc:
        raise RegistryError(str(exc)) from exc
    seen = set()
    for tag in data.tags:
        _check_code("special_group", tag.tag, "特殊人群")
        if tag.tag in seen:
            raise RegistryError(f"特殊人群“{codes.name('special_group', tag.tag)}”重复。")
        seen.add(tag.tag)
        if tag.tag == DISABILITY and not parse_disability(tag.detail):
            raise RegistryError("残疾人须填写残疾类别和等级。")
    return warnings


# -- writing ----------------------------------------------------------------------------
_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "relation",
    "education",
    "marital_status",
    "political_status",
    "category",
    "phone",
    "hukou_address",
    "work_unit",
    "arrived_on",
    "notes",
)


def _values(data: ResidentData) -> dict[str, Any]:
    values = {name: getattr(data, name) for name in _FIELDS}
    values["pinyin"], values["pinyin_initials"] = pinyin_keys(data.name)
    return values


@service(None)
def insert(
    actor: HasRole,
    household: Household,
    data: ResidentData,
    note: str,
    today: dt.date | None = None,
) -> Resident:
    """Add a person to *household* (already checked: one head). Call inside a transaction."""
    validate(data, today=today)
    resident = crud.create(
        actor, Resident, note=note, household=household.id, status="current", **_values(data)
    )
    _sync_tags(actor, resident, data.tags, today or clock.today())
    if household.archived:  # someone lives there again
        crud.update(actor, household, note="户内有在册人员，恢复户", archived=False)
    return resident


@service(Perm.REGISTRY_EDIT)
def create_resident(
    actor: HasRole, household_id: int, data: ResidentData, note: str = "补录"
) -> Resident:
    """Add someone already living here who is missing from the register (no life event).

    Arrivals and births go through models.registry.life_events so that the monthly report
    counts them.
    """
    household = Household.get_by_id(household_id)
    if data.relation == HEAD and current_head(household_id) is not None:
        raise RegistryError("该户已有户主。如需变更户主，请在户信息中使用“变更户主”。")
    if data.relation != HEAD and current_head(household_id) is None:
        data.relation = HEAD  # the first person of an empty household heads it
    return insert(actor, household, data, note)


@service(Perm.REGISTRY_EDIT)
def update_resident(
    actor: HasRole,
    resident_id: int,
    data: ResidentData,
    note: str = "",
    expected_version: int | None = None,
) -> list[str]:
    """Save the form's fields; returns the warnings (birth date or sex against the ID).

    *expected_version*: the row version the form loaded (ResidentDetail.row_version); if
    someone saved the person since, EditConflict says who and what, and nothing is written
    (checked first, before the special groups). None: the version read here (no check)."""
    resident = Resident.get_by_id(resident_id)
    if expected_version is not None and resident.row_version != expected_version:
        raise crud.edit_conflict(Resident, resident, expected_version)
    if data.keep_id_number:
        data.id_number = resident.id_number
    warnings = validate(data, exclude_id=resident_id)
    if data.category != resident.category:
        raise RegistryError("人员类别的变化须作为“类别变更”登记（带日期和原因）。")
    if (data.relation == HEAD) != (resident.relation == HEAD) and resident.status == "current":
        raise RegistryError("户主须在户信息中用“变更户主”更换。")
    loaded = resident.row_version
    crud.update(actor, resident, note, expected_version=expected_version, **_values(data))
    if _sync_tags(actor, resident, data.tags, clock.today()) and resident.row_version == loaded:
        # Only the special groups changed: the person's version still moves on, so that a
        # form opened before cannot end or re-add them unawares.
        crud.touch(actor, resident, note, what="特殊人群")
    if data.birth_date:
        _follow_birth_date(actor, resident_id, data.birth_date)
    return warnings


# What a correction line in the person's history names, in the form's order.
_FIX_LABELS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "relation": "与户主关系",
    "education": "文化程度",
    "marital_status": "婚姻状况",
    "political_status": "政治面貌",
    "phone": "联系电话",
    "hukou_address": "户籍地址",
    "work_unit": "工作单位/职业",
    "arrived_on": "来本地日期",
    "notes": "备注",
    "tags": "特殊人群",
}
_FIX_CODES = {
    "sex": "sex",
    "ethnicity": "ethnicity",
    "relation": "relation",
    "education": "education",
    "marital_status": "marital_status",
    "political_status": "political_status",
}


def _fix_value(key: str, value: Any) -> str:
    if key == "id_number":  # the history is read by roles that may not see a full number
        return idcard.mask(value) if value else "（空）"
    if key == "tags":
        return "、".join(describe_tag(t.tag, t.detail) for t in value) or "无"
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dt.date):
        return value.isoformat()
    if key in _FIX_CODES:
        return codes.name(_FIX_CODES[key], str(value), str(value))
    text = str(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"  # the event holds 200 characters


def _fix_view(data: ResidentData) -> dict[str, str]:
    shown = {key: _fix_value(key, getattr(data, key)) for key in _FIX_LABELS}
    shown["tags"] = _fix_value("tags", sorted(data.tags, key=lambda t: t.tag))
    return shown


@service(Perm.REGISTRY_EDIT)
def correct_resident(
    actor: HasRole,
    resident_id: int,
    data: ResidentData,
    reason: str,
    expected_version: int | None = None,
) -> list[str]:
    """更正: a record entered wrongly is put right, with a reason, and the change is a line
    in the person's history (a "record_fix" event, not counted in any figure) beside the
    audit rows. Returns the same warnings as update_resident (*expected_version* as there)."""
    reason = reason.strip()
    if not reason:
        raise RegistryError("请填写更正原因。")
    before = _fix_view(_detail(resident_id).data)
    warnings = update_resident(
        actor, resident_id, data, note=f"更正：{reason}", expected_version=expected_version
    )
    after = _fix_view(_detail(resident_id).data)
    keys = [k for k in _FIX_LABELS if before[k] != after[k]]
    if not keys:
        raise RegistryError("没有修改任何内容，无需更正。")
    old = "；".join(f"{_FIX_LABELS[k]}：{before[k]}" for k in keys)
    new = "；".join(f"{_FIX_LABELS[k]}：{after[k]}" for k in keys)
    add_event(
        actor,
        "record_fix",
        clock.today(),
        resident_id=resident_id,
        household_id=household_of(Resident.get_by_id(resident_id)),
        reason=reason,
        from_value=old,
        to_value=new,
    )
    return warnings


def _follow_birth_date(actor: HasRole, resident_id: int, birth_date: dt.date) -> None:
    """A corrected birth date corrects the birth event too (a new event voids the old)."""
    event = (
        LifeEvent.select()
        .where(
            (LifeEvent.resident == resident_id)
            & (LifeEvent.kind == "birth")
            & (LifeEvent.voided == False)
        )  # noqa: E712
        .first()
    )
    if event is not None and event.event_date != birth_date:
        replace_event(actor, event, birth_date, event.reason, event.from_value, event.to_value)


def _sync_tags(actor: HasRole, resident: Resident, tags: list[TagInput], today: dt.date) -> bool:
    """Open tags become *tags*: missing ones are ended (dated), new ones added. True if any
    changed."""
    wanted = {t.tag: t for t in tags}
    changed = False
    for row in open_tags(resident.id):
        want = wanted.pop(row.tag, None)
        if want is None:
            crud.update(actor, row, note="不再属于该特殊人群", end_date=today)
            changed = True
        elif want.detail != row.detail:
            crud.update(actor, row, detail=want.detail)
            changed = True
    changed = changed or bool(wanted)  # the ones left are new
    for tag in wanted.values():
        crud.create(
            actor,
            ResidentTag,
            resident=resident.id,
            tag=tag.tag,
            detail=tag.detail,
            start_date=tag.start_date or today,
        )
    return changed


def open_tags(resident_id: int) -> list[ResidentTag]:
    return list(
        ResidentTag.select()
        .where((ResidentTag.resident == resident_id) & ResidentTag.end_date.is_null())
        .order_by(ResidentTag.id)
    )


def current_head(household_id: int) -> Resident | None:
    return (
        Resident.select()
        .where(
            (Resident.household == household_id)
            & (Resident.status == "current")
            & (Resident.relation == HEAD)
        )
        .first()
    )


# -- reading ----------------------------------------------------------------------------
@service(Perm.REGISTRY_VIEW, write=False)
def detail(actor: HasRole, resident_id: int) -> ResidentDetail:
    """One person's record. The full ID number only for a role that may reveal it (the form
    shows the masked one; data.id_number is None otherwise and has_id_number says one exists)."""
    info = _detail(resident_id)
    if info.data.id_number and not can(actor, Perm.REVEAL_ID):
        info.data.id_number = None
    return info


def _detail(resident_id: int) -> ResidentDetail:
    """detail() without the checks, for this module's own comparisons."""
    r = Resident.get_by_id(resident_id)
    household_id = household_of(r)
    household = Household.get_or_none(Household.id == household_id) if household_id else None
    tags = [
        TagRow(t.id, t.tag, describe_tag(t.tag, t.detail), t.detail, t.start_date)
        for t in open_tags(r.id)
    ]
    data = ResidentData(
        **{name: getattr(r, name) for name in _FIELDS},
        tags=[TagInput(t.tag, t.detail, t.start_date) for t in tags],
    )
    return ResidentDetail(
        id=r.id,
        data=data,
        status=r.status,
        masked_id=idcard.mask(r.id_number),
        household_id=household_id,
        household_no=household.household_no if household else "",
        address=address_of(household) if household else "",
        tags=tags,
        created_at=r.created_at,
        updated_at=r.updated_at,
        has_id_number=bool(r.id_number),
        row_version=r.row_version,
    )


def address_of(household: Household) -> str:
    return f"{household.compound.name}{household.building}{household.unit}{household.room}"


@service(Perm.REGISTRY_VIEW)
def log_view(actor: HasRole, resident_id: int, note: str = "打开居民信息") -> None:
    """Opening a person's full record is logged (sensitive groups, children's records)."""
    audit.record(actor.username, audit.Action.VIEW, "resident", resident_id, note=note)


PANE_VIEW_NOTE = "查看居民详情（列表右侧）"


class PaneViews:
    """When a list's detail pane counts as a view of a person (domain notes §8).

    The pane shows special groups (低保, 残疾…) and children's records as the selection moves,
    so resting on a person is a view: logged once the selection has stayed on them REST
    seconds, at most once per person per session (one object per signed-in window), and never
    for the rows a clerk scrolls past. The window calls shown() on every selection and
    settle() from a timer; *clock* is injectable for tests.
    """

    REST = 1.0

    def __init__(self, actor: HasRole, clock: Callable[[], float] = time.monotonic) -> None:
        self.actor = actor
        self._clock = clock
        self._current: int | None = None
        self._since = 0.0
        self._logged: set[int] = set()

    def shown(self, resident_id: int | None) -> None:
        if resident_id != self._current:
            self._current, self._since = resident_id, self._clock()

    def remaining(self) -> float:
        """Seconds until the person shown now counts as viewed (0 when due or nothing to do)."""
        if self._current is None or self._current in self._logged:
            return 0.0
        return max(0.0, self.REST - (self._clock() - self._since))

    def settle(self) -> int | None:
        """Log the person shown now if the selection has rested on them; the id logged."""
        rid = self._current
        if rid is None or rid in self._logged or self.remaining() > 0:
            return None
        log_view(self.actor, rid, note=PANE_VIEW_NOTE)
        self._logged.add(rid)
        return rid


@service(Perm.REVEAL_ID)
def reveal_id(actor: HasRole, resident_id: int) -> str:
    """The full ID number, for a role that may see it; every reveal leaves an audit row."""
    resident = Resident.get_by_id(resident_id)
    audit.record(
        actor.username, audit.Action.REVEAL_ID, "resident", resident_id, note="查看完整身份证号码"
    )
    return resident.id_number or ""


@service(None)
def add_event(
    actor: HasRole,
    kind: str,
    event_date: dt.date,
    *,
    resident_id: int | None = None,
    household_id: int | None = None,
    reason: str = "",
    from_value: str = "",
    to_value: str = "",
    corrects: int | None = None,
) -> LifeEvent:
    """One dated life event with its audit row (call inside the change's transaction)."""
    return crud.create(
        actor,
        LifeEvent,
        resident=resident_id,
        household=household_id,
        kind=kind,
        event_date=event_date,
        reason=reason[:200],
        from_value=from_value[:200],
        to_value=to_value[:200],
        corrects=corrects,
        username=actor.username,
    )


def check_event_date(day: dt.date | None, today: dt.date | None = None) -> dt.date:
    if day is None:
        raise RegistryError("请填写日期。")
    if day > (today or clock.today()):
        raise RegistryError("日期不能晚于今天。")
    if day.year < 1900:
        raise RegistryError("日期不合理。")
    return day


@service(None)
def replace_event(
    actor: HasRole, old: LifeEvent, event_date: dt.date, reason: str, from_value: str, to_value: str
) -> LifeEvent:
    """A corrected copy of *old* (which is voided; both rows are kept)."""
    crud.update(actor, old, note="更正", voided=True)
    return add_event(
        actor,
        old.kind,
        event_date,
        resident_id=old.__data__.get("resident"),
        household_id=old.__data__.get("household"),
        reason=reason,
        from_value=from_value,
        to_value=to_value,
        corrects=old.id,
    )


@dataclass(frozen=True)
class IdFeedback:
    """What the form says about the ID number typed so far."""

    level: str  # "", "info", "ok", "error", "duplicate"
    message: str
    number: str = ""  # the 18-character form when complete and valid
    birth_date: dt.date | None = None
    sex: str | None = None
    duplicate_id: int | None = None


def id_feedback(
    raw: str, exclude_id: int | None = None, today: dt.date | None = None
) -> IdFeedback:
    """Check an ID number while it is typed: length, characters, date, check character."""
    text = idcard.normalize(raw)
    if not text:
        return IdFeedback("", "")
    bad = [
        (i, c)
        for i, c in enumerate(text, start=1)
        if not (c.isdigit() or (c == "X" and i in (15, 18) and i == len(text)))
    ]
    if bad:
        i, c = bad[0]
        return IdFeedback("error", f"字符有误：第{i}位“{c}”不是数字（只有最后一位可以是X）")
    if len(text) > 18:
        return IdFeedback("error", f"长度有误：应为18位，现为{len(text)}位")
    if len(text) not in (15, 18):
        return IdFeedback("info", f"已输入{len(text)}位，还差{18 - len(text)}位")
    result = idcard.check(text, today=today)
    if not result.ok:
        if len(text) == 15:
            return IdFeedback("info", f"已输入15位，还差3位（15位旧号码：{result.message}）")
        return IdFeedback("error", result.message)
    other = find_by_id_number(result.number, exclude_id)
    if other is not None:
        household = Household.get_or_none(Household.id == household_of(other))
        where = f"，户号{household.household_no}" if household else ""
        return IdFeedback(
            "duplicate",
            f"该号码已登记：{other.name}（{STATUS_NAMES.get(other.status, other.status)}{where}），"
            "不能重复登记",
            result.number,
            result.birth_date,
            result.sex,
            other.id,
        )
    sex = codes.name("sex", result.sex)
    born = (
        f"{result.birth_date.year}年{result.birth_date.month}月{result.birth_date.day}日"
        if result.birth_date
        else ""
    )
    if result.converted_from_15:
        return IdFeedback(
            "ok",
            f"15位旧号码，保存时转换为18位：{result.number}（{born}出生，{sex}）",
            result.number,
            result.birth_date,
            result.sex,
        )
    return IdFeedback(
        "ok", f"号码有效：{born}出生，{sex}", result.number, result.birth_date, result.sex
    )
