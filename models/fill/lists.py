"""名单: the residents a department asks for, chosen by criteria and saved under a name.

A list is criteria, never a frozen set of people: filling the same template next month
takes the register as it is then. Ages and special-group membership are counted on a
reference day given by a date rule (the fill day, the month's or the year's end …), so
"80周岁以上（截至12月31日）" is one saved list that stays right every year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from models.core import clock, codes, crud, idcard, text_rules
from models.core.dates import years_before
from models.core.db import database
from models.core.entities import Compound
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm, can
from models.core.service import service
from models.fill.entities import FillTemplate, SavedList

HEAD = "02"  # 与户主关系: 户主

DATE_RULES: dict[str, str] = {
    "as_of": "填表当天",
    "month_end": "当月月底",
    "prev_month_end": "上月月底",
    "year_end": "当年12月31日",
}

SORTS: dict[str, tuple[str, str]] = {
    "household": ("按户（户主在前）", "h.household_no, r.relation, r.id"),
    "address": (
        "按住址",
        "c.name, length(h.building), h.building, length(h.unit), h.unit,"
        " length(h.room), h.room, r.relation, r.id",
    ),
    "name": ("按姓名拼音", "r.pinyin, r.id"),
    "birth_date": ("按出生日期（年长在前）", "r.birth_date IS NULL, r.birth_date, r.id"),
}


class ListError(UserFacingError, ValueError):
    """A list that cannot be saved or used; the message is one sentence for the clerk."""


@dataclass(frozen=True)
class ListCriteria:
    compound_id: int | None = None
    category: str | None = None
    status: str | None = "current"  # None: anyone ever registered
    sex: str | None = None
    household_type: str | None = None
    tag: str | None = None  # special group (code table special_group)
    tag_started_from: dt.date | None = None  # the group's start date within a range
    tag_started_to: dt.date | None = None
    tag_ended: bool = False  # the group ended (between the started dates when given)
    min_age: int | None = None  # full years on the reference day
    max_age: int | None = None
    born_from: str | None = None  # "YYYY-MM", first birth month
    born_to: str | None = None  # "YYYY-MM", last birth month
    date_rule: str = "as_of"  # the reference day for ages and groups (DATE_RULES or a date)

    def to_json(self) -> str:
        data = {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ListCriteria:
        data = json.loads(text or "{}")
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        for key in ("tag_started_from", "tag_started_to"):
            if values.get(key):
                values[key] = dt.date.fromisoformat(values[key])
        return cls(**values)


@dataclass(frozen=True)
class ListPerson:
    """One resident as a department's sheet may ask for them (household and head included)."""

    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None  # None unless the actor may see full ID numbers
    masked_id: str
    ethnicity: str
    relation: str
    education: str
    marital_status: str
    political_status: str
    category: str
    status: str
    phone: str
    hukou_address: str
    work_unit: str
    arrived_on: dt.date | None
    notes: str
    household_no: str
    household_type: str
    household_phone: str
    compound: str
    building: str
    unit: str
    room: str
    head_name: str
    head_phone: str
    tags: tuple[tuple[str, str, dt.date | None, dt.date | None], ...] = field(default=())

    @property
    def address(self) -> str:
        return f"{self.compound}{self.building}{self.unit}{self.room}"


@dataclass(frozen=True)
class ListInfo:
    id: int
    name: str
    criteria: ListCriteria
    description: str
    notes: str
    starter: bool
    templates: int  # active templates filled from it


# -- the reference day --------------------------------------------------------------------
def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def reference_day(rule: str, as_of: dt.date | None = None) -> dt.date:
    """The day ages and groups are counted on: *rule* applied to the fill day *as_of*."""
    day = as_of or clock.today()
    if rule == "as_of" or not rule:
        return day
    if rule == "month_end":
        return _month_end(day)
    if rule == "prev_month_end":
        return day.replace(day=1) - dt.timedelta(days=1)
    if rule == "year_end":
        return dt.date(day.year, 12, 31)
    try:
        return dt.date.fromisoformat(rule)
    except ValueError as exc:
        raise ListError(
            f"日期规则“{rule}”无效：应为{'、'.join(DATE_RULES.values())}或 YYYY-MM-DD。"
        ) from exc


def rule_text(rule: str) -> str:
    return DATE_RULES.get(rule) or rule


# -- checking -----------------------------------------------------------------------------
def _month_start(text: str, label: str) -> dt.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError as exc:
        raise ListError(f"{label}“{text}”应写成 YYYY-MM，例如 2023-01。") from exc


def check(criteria: ListCriteria) -> ListCriteria:
    """*criteria* if it makes sense, else ListError naming what is wrong."""
    for table, value, label in (
        ("category", criteria.category, "人员类别"),
        ("sex", criteria.sex, "性别"),
        ("household_type", criteria.household_type, "户别"),
        ("special_group", criteria.tag, "特殊人群"),
    ):
        if value and value not in codes.codes(table):
            raise ListError(f"{label}代码“{value}”无效。")
    if criteria.status and criteria.status not in codes.codes("resident_status"):
        raise ListError(f"人员状态“{criteria.status}”无效。")
    for age, label in ((criteria.min_age, "最小年龄"), (criteria.max_age, "最大年龄")):
        if age is not None and not 0 <= age <= 150:
            raise ListError(f"{label}应在0到150岁之间。")
    if (
        criteria.min_age is not None
        and criteria.max_age is not None
        and criteria.min_age > criteria.max_age
    ):
        raise ListError("最小年龄大于最大年龄，名单会是空的。")
    start = _month_start(criteria.born_from, "出生起始年月") if criteria.born_from else None
    end = _month_start(criteria.born_to, "出生截止年月") if criteria.born_to else None
    if start and end and start > end:
        raise ListError("出生起始年月晚于截止年月。")
    if (
        criteria.tag_started_from
        and criteria.tag_started_to
        and criteria.tag_started_from > criteria.tag_started_to
    ):
        raise ListError("特殊人群起始日期的范围前后颠倒了。")
    if (
        criteria.tag_started_from or criteria.tag_started_to or criteria.tag_ended
    ) and not criteria.tag:
        raise ListError("按起止日期筛选时，请先选择特殊人群。")
    if (
        criteria.compound_id is not None
        and not Compound.select().where(Compound.id == criteria.compound_id).exists()
    ):
        raise ListError("所选小区不存在。")
    reference_day(criteria.date_rule)
    return criteria


# -- the query ----------------------------------------------------------------------------


def _sql(text: str) -> str:
    """*text*, written with "?" placeholders (and no other "?" or "%"), for the engine in use
    (PostgreSQL's driver takes "%s")."""
    return text if database.param == "?" else text.replace("?", database.param)


def _where(criteria: ListCriteria, day: dt.date) -> tuple[str, list[Any]]:
    parts: list[str] = ["1 = 1"]  # (a bare "1" is no condition on PostgreSQL)
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        parts.append(sql)
        params.extend(values)

    if criteria.status:
        add("r.status = ?", criteria.status)
    if criteria.compound_id is not None:
        add("h.compound_id = ?", criteria.compound_id)
    if criteria.category:
        add("r.category = ?", criteria.category)
    if criteria.sex:
        add("r.sex = ?", criteria.sex)
    if criteria.household_type:
        add("h.household_type = ?", criteria.household_type)
    if criteria.min_age is not None:  # born on or before the day min_age years back
        add("r.birth_date <= ?", years_before(day, criteria.min_age).isoformat())
    if criteria.max_age is not None:  # not yet max_age + 1 on the day
        add("r.birth_date > ?", years_before(day, criteria.max_age + 1).isoformat())
    if criteria.born_from:
        add("r.birth_date >= ?", _month_start(criteria.born_from, "").isoformat())
    if criteria.born_to:
        last = _month_end(_month_start(criteria.born_to, ""))
        add("r.birth_date <= ?", last.isoformat())
    if criteria.tag:
        tag_sql = ["t.resident_id = r.id", "t.tag = ?"]
        tag_params: list[Any] = [criteria.tag]
        if criteria.tag_ended:
            tag_sql.append("t.end_date IS NOT NULL AND t.end_date <= ?")
            tag_params.append(day.isoformat())
        else:  # a member on the reference day
            tag_sql.append(
                "(t.start_date IS NULL OR t.start_date <= ?)"
                " AND (t.end_date IS NULL OR t.end_date > ?)"
            )
            tag_params += [day.isoformat(), day.isoformat()]
        if criteria.tag_started_from:
            tag_sql.append("t.start_date >= ?")
            tag_params.append(criteria.tag_started_from.isoformat())
        if criteria.tag_started_to:
            tag_sql.append("t.start_date <= ?")
            tag_params.append(criteria.tag_started_to.isoformat())
        add(f"EXISTS (SELECT 1 FROM resident_tag t WHERE {' AND '.join(tag_sql)})", *tag_params)
    return " AND ".join(parts), params


_FROM = (
    " FROM resident r LEFT JOIN household h ON h.id = r.household_id"
    " LEFT JOIN compound c ON c.id = h.compound_id"
)
_COLUMNS = (
    "r.id, r.name, r.sex, r.birth_date, r.id_number, r.ethnicity, r.relation, r.education,"
    " r.marital_status, r.political_status, r.category, r.status, r.phone, r.hukou_address,"
    " r.work_unit, r.arrived_on, r.notes, COALESCE(h.household_no, ''),"
    " COALESCE(h.household_type, ''), COALESCE(h.phone, ''), COALESCE(c.name, ''),"
    " COALESCE(h.building, ''), COALESCE(h.unit, ''), COALESCE(h.room, ''),"
    f" COALESCE((SELECT hr.name FROM resident hr WHERE hr.household_id = r.household_id"
    f" AND hr.relation = '{HEAD}' AND hr.status = 'current' ORDER BY hr.id LIMIT 1), ''),"
    # A child's or an elder's contact number is often the head's.
    f" COALESCE((SELECT hr.phone FROM resident hr WHERE hr.household_id = r.household_id"
    f" AND hr.relation = '{HEAD}' AND hr.status = 'current' ORDER BY hr.id LIMIT 1), '')"
)


def as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@service(Perm.REGISTRY_VIEW, write=False)
def count(actor: HasRole, criteria: ListCriteria, as_of: dt.date | None = None) -> int:
    """How many residents the list holds on the reference day (the builder's live figure)."""
    where, params = _where(criteria, reference_day(criteria.date_rule, as_of))
    sql = f"SELECT count(*){_FROM} WHERE {where}"
    return int(database.execute_sql(_sql(sql), params).fetchone()[0])


@service(Perm.REGISTRY_VIEW, write=False)
def people(
    actor: HasRole,
    criteria: ListCriteria,
    as_of: dt.date | None = None,
    sort: str = "household",
    limit: int | None = None,
) -> list[ListPerson]:
    """The list's residents on the reference day, in *sort* order. Full ID numbers only for
    roles that may see them (the caller logs a reveal when it prints them)."""
    if sort not in SORTS:
        raise ListError(f"未知的排序方式“{sort}”。")
    day = reference_day(criteria.date_rule, as_of)
    where, params = _where(criteria, day)
    sql = f"SELECT {_COLUMNS}{_FROM} WHERE {where} ORDER BY {SORTS[sort][1]}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = database.execute_sql(_sql(sql), params).fetchall()
    tags = _tags([row[0] for row in rows], day)
    reveal = can(actor, Perm.REVEAL_ID)
    result = []
    for row in rows:
        (
            rid,
            name,
            sex,
            birth,
            number,
            ethnicity,
            relation,
            education,
            marital,
            political,
            category,
            status,
            phone,
            hukou,
            work,
            arrived,
            notes,
            household_no,
            household_type,
            household_phone,
            compound,
            building,
            unit,
            room,
            head,
            head_phone,
        ) = row
        result.append(
            ListPerson(
                id=rid,
                name=name,
                sex=sex,
                birth_date=as_date(birth),
                id_number=number if reveal else None,
                masked_id=idcard.mask(number),
                ethnicity=ethnicity,
                relation=relation,
                education=education,
                marital_status=marital,
                political_status=political,
                category=category,
                status=status,
                phone=phone,
                hukou_address=hukou,
                work_unit=work,
                arrived_on=as_date(arrived),
                notes=notes,
                household_no=household_no,
                household_type=household_type,
                household_phone=household_phone,
                compound=compound,
                building=building,
                unit=unit,
                room=room,
                head_name=head,
                head_phone=head_phone,
                tags=tuple(tags.get(rid, ())),
            )
        )
    return result


def _tags(
    ids: list[int], day: dt.date
) -> dict[int, list[tuple[str, str, dt.date | None, dt.date | None]]]:
    """Each resident's groups that had begun by *day* (ended ones too: a list of those who
    left a group asks for their dates)."""
    found: dict[int, list[tuple[str, str, dt.date | None, dt.date | None]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cursor = database.execute_sql(
            _sql(
                f"SELECT resident_id, tag, detail, start_date, end_date FROM resident_tag"
                f" WHERE resident_id IN ({marks}) AND (start_date IS NULL OR start_date <= ?)"
                f" ORDER BY id"
            ),
            [*chunk, day.isoformat()],
        )
        for rid, tag, detail, started, ended in cursor.fetchall():
            found.setdefault(rid, []).append((tag, detail or "", as_date(started), as_date(ended)))
    return found


# -- describing ---------------------------------------------------------------------------
def describe(criteria: ListCriteria) -> str:
    """The criteria in one line, as the list view shows them: 全社区·户籍人口·80周岁以上…"""
    parts: list[str] = []
    if criteria.compound_id is not None:
        compound = Compound.get_or_none(Compound.id == criteria.compound_id)
        parts.append(compound.name if compound else "（小区已不存在）")
    else:
        parts.append("全社区")
    if criteria.category:
        parts.append(codes.name("category", criteria.category))
    if criteria.sex:
        parts.append(codes.name("sex", criteria.sex))
    if criteria.household_type:
        parts.append(codes.name("household_type", criteria.household_type))
    if criteria.min_age is not None and criteria.max_age is not None:
        parts.append(f"{criteria.min_age}至{criteria.max_age}周岁")
    elif criteria.min_age is not None:
        parts.append(f"{criteria.min_age}周岁以上")
    elif criteria.max_age is not None:
        parts.append(f"不满{criteria.max_age + 1}周岁")
    if criteria.born_from or criteria.born_to:
        parts.append(f"{criteria.born_from or '…'}至{criteria.born_to or '…'}出生")
    if criteria.tag:
        group = codes.name("special_group", criteria.tag)
        if criteria.tag_ended:
            group += "（已退出）"
        if criteria.tag_started_from or criteria.tag_started_to:
            since = criteria.tag_started_from.isoformat() if criteria.tag_started_from else "…"
            until = criteria.tag_started_to.isoformat() if criteria.tag_started_to else "…"
            group += f"（{since}至{until}起享受）"
        parts.append(group)
    if criteria.status and criteria.status != "current":
        parts.append(codes.name("resident_status", criteria.status))
    elif not criteria.status:
        parts.append("含已迁出、已故")
    if criteria.min_age is not None or criteria.max_age is not None or criteria.tag:
        parts.append(f"按{rule_text(criteria.date_rule)}计")
    return "·".join(parts)


# -- saved lists --------------------------------------------------------------------------
def _info(row: SavedList) -> ListInfo:
    criteria = ListCriteria.from_json(row.criteria)
    used = (
        FillTemplate.select()
        .where((FillTemplate.saved_list == row.id) & (FillTemplate.archived == False))
        .count()
    )  # noqa: E712
    return ListInfo(row.id, row.name, criteria, describe(criteria), row.notes, row.starter, used)


@service(Perm.REGISTRY_VIEW, write=False)
def saved_lists(actor: HasRole) -> list[ListInfo]:
    query = SavedList.select().where(SavedList.archived == False)  # noqa: E712
    return [_info(row) for row in query.order_by(SavedList.name)]


@service(Perm.REGISTRY_VIEW, write=False)
def get_list(actor: HasRole, list_id: int) -> ListInfo:
    row = SavedList.get_or_none(SavedList.id == list_id)
    if row is None:
        raise ListError("该名单不存在。")
    return _info(row)


@service(Perm.REGISTRY_VIEW)
def save_list(
    actor: HasRole,
    name: str,
    criteria: ListCriteria,
    notes: str = "",
    list_id: int | None = None,
    starter: bool = False,
) -> ListInfo:
    """保存为名单: a new list, or the criteria of list *list_id* changed (audited)."""
    name = text_rules.clean(name or "").strip()
    if not name:
        raise ListError("请给名单起一个名字。")
    if len(name) > 60:
        raise ListError("名单名称太长（最多60个字）。")
    check(criteria)
    clash = SavedList.select().where((SavedList.name == name) & (SavedList.id != (list_id or 0)))
    if clash.exists():
        raise ListError(f"已有名为“{name}”的名单，请换一个名字或打开它修改。")
    if list_id is None:
        row = crud.create(
            actor,
            SavedList,
            note=f"保存名单“{name}”",
            name=name,
            criteria=criteria.to_json(),
            notes=notes,
            starter=starter,
            created_by=actor.username,
        )
    else:
        stored = SavedList.get_or_none(SavedList.id == list_id)
        if stored is None:
            raise ListError("该名单不存在。")
        row = crud.update(
            actor,
            stored,
            note=f"修改名单“{name}”",
            name=name,
            criteria=criteria.to_json(),
            notes=notes,
        )
    return _info(row)


@service(Perm.REGISTRY_VIEW)
def archive_list(actor: HasRole, list_id: int) -> None:
    """A list no template uses any more is archived (kept, hidden)."""
    row = SavedList.get_or_none(SavedList.id == list_id)
    if row is None:
        raise ListError("该名单不存在。")
    users = [
        t.name
        for t in FillTemplate.select().where(
            (FillTemplate.saved_list == list_id) & (FillTemplate.archived == False)
        )
    ]  # noqa: E712
    if users:
        raise ListError(f"名单“{row.name}”正被模板“{'、'.join(users)}”使用，不能停用。")
    # The name is freed for a new list (names are unique, archived ones included).
    crud.update(
        actor,
        row,
        note=f"停用名单“{row.name}”",
        archived=True,
        name=archived_name(row.name, row.id),
    )


def archived_name(name: str, row_id: int) -> str:
    """ "高龄老人" → "高龄老人（已停用#12）", within the 60 characters a name may have."""
    tail = f"（已停用#{row_id}）"
    return name[: 60 - len(tail)] + tail
