"""Finding residents: one text box over name, pinyin, ID digits, phone, household and address.

The text is split on spaces; every part must occur (as a substring, ASCII case ignored) in the
resident's search text (models.registry.search_index.KEY_SQL): "wjg", "wangjian",
"1234" (ID or phone),
"0300012" (household number), "3号楼2单元" or "南苑 302" all work. In the address a number is
whole: a part that starts with a digit matches only where no digit comes before it in the same
field, so "3号楼" is building 3 (not 13号楼), "2单元" unit 2 (not 12单元) and "302" room 302
(not 1302); names, pinyin, ID digits, phones and household numbers stay substring matches.

Two query shapes keep a keystroke fast at ten times the seed's size:
- a *driven* query starts from a small candidate set (the trigram index for a rare part of
  three or more characters, a rare special-group tag, a narrow age band, one household) and
  sorts only those rows;
- a *scan* walks an index in the requested order, checks each row and stops when the page is
  full, which is quick precisely when many rows match.
Short cheap probes (counting at most PROBE_LIMIT candidates) choose between them. The SQL is
written out so that SQLite's planner cannot pick a weak index (unary "+" on a column keeps
its index out of the plan; CROSS JOIN fixes the join order). On PostgreSQL the same queries
run with its own spelling (see _like() and its neighbours): ILIKE on the pg_trgm index of
resident_search, regular expressions for whole numbers, no planner hints.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from models.core import clock, idcard
from models.core.dates import years_before
from models.core.db import database, is_postgres
from models.core.permissions import HasRole, Perm, can, require

PROBE_LIMIT = 2000


@dataclass(frozen=True)
class ResidentFilter:
    compound_id: int | None = None
    category: str | None = None
    status: str | None = "current"  # None: any status
    sex: str | None = None
    tag: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    as_of: dt.date | None = None
    household_id: int | None = None


@dataclass(frozen=True)
class ResidentRow:
    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None
    masked_id: str
    relation: str
    category: str
    status: str
    phone: str
    household_id: int | None
    household_no: str
    compound: str
    address: str = field(default="")
    compound_id: int | None = None


# Sort keys the window offers: name -> (ORDER BY columns, index that yields that order).
SORTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "household": (("h.household_no", "r.relation", "r.id"), None),
    "name": (("r.name", "r.id"), "resident_name"),
    "birth_date": (("r.birth_date", "r.id"), "resident_birth_date"),
    "phone": (("r.phone", "r.id"), "resident_phone"),
    "id_number": (("r.id_number", "r.id"), "resident_id_number"),
    "sex": (("r.sex", "r.id"), None),
    "relation": (("r.relation", "r.id"), None),
    "category": (("r.category", "r.id"), None),
    "status": (("r.status", "r.id"), None),
    "address": (("c.name", "h.building", "h.unit", "h.room", "h.household_no", "r.id"), None),
}
DEFAULT_SORT = "household"

_COLUMNS = (
    "r.id, r.name, r.sex, r.birth_date, r.id_number, r.relation, r.category, r.status,"
    " r.phone, r.household_id, h.household_no, c.name, h.building, h.unit, h.room, c.id"
)


def tokens(text: str) -> list[str]:
    """The parts of a search text, normalised like the stored values (full-width to ASCII)."""
    text = unicodedata.normalize("NFKC", text or "")
    parts = []
    for raw in text.split():
        # LIKE wildcards and the field separator never occur in a name or a number.
        part = re.sub(r"[%_|\\]", "", raw)
        if re.fullmatch(r"[0-9xX\-]+", part):
            part = idcard.normalize(part)  # 6106-2719… and lower-case x as stored
        if part:
            parts.append(part)
    return parts


def _birth_range(flt: ResidentFilter) -> tuple[dt.date | None, dt.date | None]:
    """Birth dates (earliest exclusive-free, latest inclusive) for the age band."""
    today = flt.as_of or clock.today()
    latest = years_before(today, flt.min_age) if flt.min_age is not None else None
    earliest = None
    if flt.max_age is not None:
        earliest = years_before(today, flt.max_age + 1) + dt.timedelta(days=1)
    return earliest, latest


# -- the few pieces of SQL that differ between the engines ----------------------------------
# The SQL below is written once; these helpers give SQLite its FTS5/GLOB/planner-hint spelling
# (unchanged, it is what keeps a keystroke fast there) and PostgreSQL its own: ILIKE (which the
# pg_trgm index of resident_search answers), COALESCE, POSIX regular expressions for the whole
# numbers, plain joins and no hints (its planner chooses by statistics).


def _pg() -> bool:
    return is_postgres()


def _sql(text: str) -> str:
    """*text* (written with "?" placeholders; no other "?" or "%" occurs in it) for the engine."""
    return text if database.param == "?" else text.replace("?", database.param)


def _ifnull(expr: str) -> str:
    return f"{'COALESCE' if _pg() else 'IFNULL'}({expr}, '')"


def _like(expr: str, part: str) -> str:
    """*expr* contains the pattern of *part*, ASCII case ignored: SQLite's LIKE; on PostgreSQL
    ILIKE, or the plain LIKE (three times cheaper) for a part without letters that have a case
    (Chinese, digits), where the two agree."""
    fold = _pg() and any(ch.lower() != ch.upper() for ch in part)
    return f"{expr} {'ILIKE' if fold else 'LIKE'} ?"


def _starts(expr: str) -> str:
    """*expr* matches a pattern of _number_patterns (GLOB on SQLite, a regex on PostgreSQL)."""
    return f"{expr} {'~' if _pg() else 'GLOB'} ?"


def _unindexed(column: str) -> str:
    """*column* kept out of SQLite's index choice (unary "+"); PostgreSQL needs no hint."""
    return column if _pg() else f"+{column}"


def _join() -> str:
    """A join in the written order (SQLite's CROSS JOIN fixes it; a plain JOIN elsewhere)."""
    return "JOIN" if _pg() else "CROSS JOIN"


def _indexed_by(index: str) -> str:
    return "" if _pg() else f" INDEXED BY {index}"


def _address_sql() -> str:
    return f"({_ifnull('c.name')} || h.building || h.unit || h.room)"


# Per-field checks equal to "KEY_SQL LIKE ?" (a part never contains the "|" separator) but
# cheaper row by row; a part with Chinese characters can only occur in the name or address.
# A part that starts with a digit is stricter in the address (_whole_number_sql).
def _name_sql(part: str) -> str:
    return _like("r.name", part)


def _person_fields_sql(part: str) -> str:
    phone = "REPLACE(REPLACE(r.phone, '-', ''), ' ', '')"
    return (
        f"{_like('r.name', part)} OR {_like('r.pinyin', part)}"
        f" OR {_like('r.pinyin_initials', part)} OR {_like(_ifnull('r.id_number'), part)}"
        f" OR {_like(phone, part)} OR {_like('h.household_no', part)}"
    )


_PERSON_FIELDS = 6  # placeholders in _person_fields_sql()


# A part that starts with a digit starts a whole number in the address: at the start of the
# address or of the building, unit or room (imported registers may hold "3", "2", "302"
# without 号楼/单元), or after a character that is not a digit ("3号楼" in "南关小区3号楼",
# never in "南关小区13号楼"). Its end stays open, so that while the clerk types
# "3号楼2单元30" the rooms 301-304 still show. The LIKE comes first: it turns most rows away
# as cheaply as before, and only rows holding the text pay for the GLOBs (regexes on
# PostgreSQL). For a part with letters the fields are lower-cased (GLOB and the regex mind
# ASCII case, LIKE does not).
def _whole_number_sql(part: str, lower: bool) -> str:
    address = _address_sql()
    dotted = f"'.' || {address}"

    def field(expr: str) -> str:
        if lower:
            return f"lower({expr})"
        return f"({expr})" if "||" in expr else expr

    return (
        f"({_like(address, part)} AND ({_starts(field(dotted))}"
        f" OR {_starts(field('h.building || h.unit || h.room'))}"
        f" OR {_starts(field('h.unit || h.room'))} OR {_starts(field('h.room'))}))"
    )


_FTS_SQL = "SELECT rowid FROM resident_search WHERE "


# One or two Chinese characters: the name index plus the households whose address matches.
def _short_cjk_sql(part: str) -> str:
    return (
        f"SELECT id FROM resident WHERE {_like('name', part)} UNION"
        f" SELECT r2.id FROM household h2 {_join()} compound c2 ON c2.id = h2.compound_id"
        f" {_join()} resident r2 ON r2.household_id = h2.id"
        f" WHERE {_like('(c2.name || h2.building || h2.unit || h2.room)', part)}"
    )


# A part with a character that no address has can only be in a name: the index of names
# alone, without reading every household (most first keystrokes are a surname).
def _short_name_sql(part: str) -> str:
    return f"SELECT id FROM resident WHERE {_like('name', part)}"


_ADDRESS_PARTS_SQL = [
    "SELECT DISTINCT name FROM compound",
    "SELECT DISTINCT building FROM household",
    "SELECT DISTINCT unit FROM household",
    "SELECT DISTINCT room FROM household",
]


@dataclass
class _Check:
    sql: str
    params: list[Any]
    covered: bool = False  # answered by the driver: no need to check again


@dataclass
class _Driver:
    ids: list[int]
    covers: list[_Check]


@dataclass
class _Plan:
    checks: list[_Check]
    fts_parts: list[str]
    fts_checks: list[_Check]
    driver: _Driver | None = None
    needs_household: bool = True

    def where(self) -> tuple[str, list[Any]]:
        conds = ["r.household_id IS NOT NULL"]
        params: list[Any] = []
        if self.driver:
            # A few hundred integers from our own query: safe to write into the SQL.
            # (PostgreSQL refuses an empty list, which SQLite reads as false.)
            ids = ",".join(str(int(i)) for i in self.driver.ids) or ("NULL" if _pg() else "")
            conds.insert(0, f"r.id IN ({ids})")
        for check in self.checks:
            if check.covered:
                continue
            conds.append(check.sql)
            params.extend(check.params)
        return " AND ".join(conds), params


class _ProbeCache(threading.local):
    """Per thread (each thread has its own connection): the connection and its cache."""

    conn: Any = None
    entries: OrderedDict[tuple, list[int] | None]
    address: tuple[Any, tuple[Any, ...], frozenset[str]] | None = None


_cache = _ProbeCache()


def clear_cache() -> None:
    _cache.conn = None


# On PostgreSQL: the snapshot (which moves whenever any transaction that wrote completes) and
# whether this connection's own transaction has written (then nothing is cached).
_PG_VERSION_SQL = "SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()"


def _data_version(conn: Any) -> tuple[Any, ...] | None:
    """A value that differs whenever the database may have changed since, or None (do not
    cache). SQLite: data_version (moves when another connection commits) and this
    connection's change count. PostgreSQL: the current snapshot, whose xmax or list of
    running transactions changes when a writing transaction commits; inside a transaction
    that has written, None (its own later writes would not move it)."""
    if _pg():
        snapshot, own_xact = database.execute_sql(_PG_VERSION_SQL).fetchone()
        return None if own_xact is not None else (snapshot,)
    return (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)


def _probe(sql: str, params: list[Any]) -> list[int] | None:
    """The ids *sql* selects, or None when there are more than PROBE_LIMIT.

    Cached while the database is unchanged (_data_version), so that the page query, the
    next pages and the count of one keystroke share the work.
    """
    conn = database.connection()
    version = _data_version(conn)
    if version is None:
        return _probe_ids(sql, params)
    if _cache.conn is not conn:
        _cache.conn, _cache.entries = conn, OrderedDict()
    key = (sql, tuple(params), *version)
    entries = _cache.entries
    if key in entries:
        entries.move_to_end(key)
        return entries[key]
    ids = entries[key] = _probe_ids(sql, params)
    while len(entries) > 64:
        entries.popitem(last=False)
    return ids


def _probe_ids(sql: str, params: list[Any]) -> list[int] | None:
    rows = database.execute_sql(_sql(f"{sql} LIMIT {PROBE_LIMIT + 1}"), params).fetchall()
    return [r[0] for r in rows] if len(rows) <= PROBE_LIMIT else None


def _read_address_chars() -> frozenset[str]:
    chars: set[str] = set()
    for sql in _ADDRESS_PARTS_SQL:
        for (value,) in database.execute_sql(sql).fetchall():
            chars.update(str(value or "").lower())
    return frozenset(chars)


def _address_chars() -> frozenset[str]:
    """Every character of any address (ASCII lower-cased, as LIKE compares).

    Kept while the database is unchanged (as the probes); clear_cache() keeps it, since it
    does not depend on what is typed. The connection itself is held, never only its id.
    """
    conn = database.connection()
    key = _data_version(conn)
    if key is None:
        return _read_address_chars()
    known = _cache.address
    if known is None or known[0] is not conn or known[1] != key:
        known = _cache.address = (conn, key, _read_address_chars())
    return known[2]


def _starts_number(part: str) -> bool:
    """Whether *part* starts with a digit: its address match must be a whole number."""
    return part[:1].isdigit()


def _glob_literal(text: str) -> str:
    """*text* as a GLOB pattern that matches exactly it."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _regex_literal(text: str) -> str:
    """*text* as a POSIX (PostgreSQL ARE) regular expression that matches exactly it."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", text)


def _number_patterns(part: str) -> list[str]:
    """The patterns of _whole_number_sql: after a non-digit anywhere, then at the start of
    the building, of the unit and of the room; the end is open."""
    if _pg():
        literal = _regex_literal(part)
        return [f"[^0-9]{literal}", *[f"^{literal}"] * 3]
    literal = _glob_literal(part)
    return [f"*[^0-9]{literal}*", *[f"{literal}*"] * 3]


def _address_check(part: str) -> tuple[str, list[Any]]:
    """SQL (and its parameters) for: *part* occurs in the address, a number in it whole."""
    if not _starts_number(part):
        return _like(_address_sql(), part), [f"%{part}%"]
    lower = bool(re.search("[A-Za-z]", part))  # LIKE and SQLite's lower() fold ASCII only
    if lower:
        part = re.sub("[A-Z]", lambda m: m[0].lower(), part)
    return _whole_number_sql(part, lower), [f"%{part}%", *_number_patterns(part)]


def _part_check(part: str) -> _Check:
    """The check one part of the search text puts on each row."""
    pattern = f"%{part}%"
    address_sql, address_params = _address_check(part)
    if part.isascii():
        return _Check(
            f"({_person_fields_sql(part)} OR {address_sql})",
            [pattern] * _PERSON_FIELDS + address_params,
        )
    return _Check(f"({_name_sql(part)} OR {address_sql})", [pattern, *address_params])


def _fts_where(parts: list[str]) -> tuple[str, list[Any]]:
    """The trigram index's condition: FTS5's LIKE on SQLite, ILIKE (pg_trgm) on PostgreSQL."""
    return " AND ".join(_like("search_key", p) for p in parts), [f"%{p}%" for p in parts]


def _fts(parts: list[str]) -> tuple[str, list[Any]]:
    where, params = _fts_where(parts)
    return _FTS_SQL + where, params


def _plan(text: str, flt: ResidentFilter) -> _Plan:
    checks: list[_Check] = []
    candidates: list[tuple[str, list[Any], list[_Check]]] = []  # (id query, params, covers)
    parts = tokens(text)
    fts_parts = [p for p in parts if len(p) >= 3]  # the trigram index needs three characters
    fts_checks: list[_Check] = []
    for part in parts:
        pattern = f"%{part}%"
        check = _part_check(part)
        checks.append(check)
        # The substring indexes find a superset of a whole-number part's rows: they drive
        # the query, but such a part is still checked row by row (it is not "covered").
        exact = [] if _starts_number(part) else [check]
        if part in fts_parts:
            fts_checks.extend(exact)
        elif not part.isascii():
            if set(part.lower()) <= _address_chars():
                candidates.append((_short_cjk_sql(part), [pattern, pattern], exact))
            else:
                candidates.append((_short_name_sql(part), [pattern], exact))
    if fts_parts:
        candidates.insert(0, (*_fts(fts_parts), fts_checks))

    def indexed(column: str, value: Any) -> None:
        check = _Check(f"{_unindexed(f'r.{column}')} = ?", [value])
        checks.append(check)
        candidates.append((f"SELECT id FROM resident WHERE {column} = ?", [value], [check]))

    if flt.household_id:
        indexed("household_id", flt.household_id)
    if flt.status:
        indexed("status", flt.status)
    if flt.category:
        indexed("category", flt.category)
    if flt.sex:
        checks.append(_Check("r.sex = ?", [flt.sex]))
    if flt.compound_id:
        checks.append(_Check(f"{_unindexed('h.compound_id')} = ?", [flt.compound_id]))
    if flt.tag:
        tag_sql = "SELECT resident_id FROM resident_tag WHERE tag = ? AND end_date IS NULL"
        check = _Check(f"r.id IN ({tag_sql})", [flt.tag])
        checks.append(check)
        candidates.append((tag_sql, [flt.tag], [check]))
    earliest, latest = _birth_range(flt)
    if earliest or latest:
        bounds, values = [], []
        if earliest:
            bounds.append("birth_date >= ?")
            values.append(earliest.isoformat())
        if latest:
            bounds.append("birth_date <= ?")
            values.append(latest.isoformat())
        check = _Check(" AND ".join(_unindexed(f"r.{b}") for b in bounds), values)
        checks.append(check)
        candidates.append(
            (f"SELECT id FROM resident WHERE {' AND '.join(bounds)}", values, [check])
        )
    plan = _Plan(checks, fts_parts, fts_checks, needs_household=bool(parts or flt.compound_id))
    best: _Driver | None = None
    for sql, params, covers in candidates:
        ids = _probe(sql, params)
        if ids is not None and (best is None or len(ids) < len(best.ids)):
            best = _Driver(ids, covers)
            if not ids:
                break
    if best is not None:
        plan.driver = best
        for check in best.covers:
            check.covered = True
    return plan


def _from(plan: _Plan, sort: str) -> str:
    """FROM clause with a fixed join order: the one that serves the plan."""
    join = _join()
    joins = f"household h ON h.id = r.household_id {join} compound c ON c.id = h.compound_id"
    index = SORTS[sort][1]
    if plan.driver is None and sort == "household":
        # Households in number order, each one's members in relation order: no sorting.
        return (
            f"household h{_indexed_by('household_household_no')} {join} resident r"
            f"{_indexed_by('resident_household_id_relation')} ON r.household_id = h.id"
            f" {join} compound c ON c.id = h.compound_id"
        )
    if plan.driver is None and index:
        return f"resident r{_indexed_by(index)} {join} {joins}"
    return f"resident r {join} {joins}"


# Columns that may be NULL: SQLite sorts NULL first, PostgreSQL last; the same order on both.
_NULLABLE = {"r.birth_date", "r.id_number"}


def _order(column: str, descending: bool) -> str:
    text = f"{column} DESC" if descending else column
    if _pg() and column in _NULLABLE:
        text += " NULLS LAST" if descending else " NULLS FIRST"
    return text


def search(
    text: str = "",
    flt: ResidentFilter | None = None,
    limit: int = 200,
    offset: int = 0,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
    *,
    actor: HasRole | None = None,
) -> list[ResidentRow]:
    """Residents matching *text* and *flt*, one page, in *sort* order (household by default).

    A row carries the full id_number only for an *actor* whose role may reveal it; for other
    roles, and for services that search on their own account (no actor: they use the ids),
    id_number is None and masked_id is what there is to show."""
    if actor is not None:
        require(actor, Perm.REGISTRY_VIEW)
    full_ids = can(actor, Perm.REVEAL_ID)
    flt = flt or ResidentFilter()
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    plan = _plan(text, flt)
    where, params = plan.where()
    order = ", ".join(_order(col, descending) for col in SORTS[sort][0])
    sql = (
        f"SELECT {_COLUMNS} FROM {_from(plan, sort)} WHERE {where}"
        f" ORDER BY {order} LIMIT ? OFFSET ?"
    )
    cursor = database.execute_sql(_sql(sql), [*params, int(limit), int(offset)])
    return [_row(values, full_ids) for values in cursor.fetchall()]


def count(
    text: str = "",
    flt: ResidentFilter | None = None,
    cap: int | None = None,
    *,
    actor: HasRole | None = None,
) -> int:
    """How many residents match; with *cap*, counting stops at cap + 1 (quick for the window)."""
    if actor is not None:
        require(actor, Perm.REGISTRY_VIEW)
    flt = flt or ResidentFilter()
    plan = _plan(text, flt)
    joins = (
        (
            f" {_join()} household h ON h.id = r.household_id"
            f" {_join()} compound c ON c.id = h.compound_id"
        )
        if plan.needs_household
        else ""
    )
    if plan.driver is None and plan.fts_parts:
        # Many matches: stream them from the trigram index rather than test every row.
        fts_where, fts_params = _fts_where(plan.fts_parts)
        for check in plan.fts_checks:
            check.covered = True
        where, params = plan.where()
        inner = (
            f"SELECT 1 FROM resident_search {_join()} resident r ON r.id = resident_search.rowid"
            f"{joins} WHERE {fts_where} AND {where}"
        )
        params = fts_params + params
    else:
        where, params = plan.where()
        inner = f"SELECT 1 FROM resident r{joins} WHERE {where}"
    if cap is not None:
        inner += f" LIMIT {int(cap) + 1}"
    sql = _sql(f"SELECT count(*) FROM ({inner}) AS q")
    return int(database.execute_sql(sql, params).fetchone()[0])


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _row(values: tuple, full_id: bool = False) -> ResidentRow:
    (
        rid,
        name,
        sex,
        birth,
        number,
        relation,
        category,
        status,
        phone,
        household_id,
        household_no,
        compound,
        building,
        unit,
        room,
        compound_id,
    ) = values
    return ResidentRow(
        id=rid,
        name=name,
        sex=sex,
        birth_date=_date(birth),
        id_number=number if full_id else None,
        masked_id=idcard.mask(number),
        relation=relation,
        category=category,
        status=status,
        phone=phone,
        household_id=household_id,
        household_no=household_no or "",
        compound=compound or "",
        address=f"{compound or ''}{building or ''}{unit or ''}{room or ''}",
        compound_id=compound_id,
    )
