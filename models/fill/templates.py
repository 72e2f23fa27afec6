"""一表通: a department's own template, mapped once, filled from the register on demand.

The clerk opens the file as the department sent it; models.fill.layout finds its header,
models.fill.fields proposes what each column holds, the clerk corrects the proposal and
saves it as a template with the list it is filled from, the order and the date rule.
"生成" then writes a copy of the department's file with the rows under its header; each
fill keeps the produced file and whom it was for (the history) and leaves an audit row
saying who filled what, how many rows, and whether ID numbers were full.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.core import audit, clock, crud, settings, text_rules
from models.core.db import database
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm, can
from models.core.service import service
from models.fill import fields as fill_fields
from models.fill import layout as fill_layout
from models.fill import lists as fill_lists
from models.fill import starters as fill_starters
from models.fill.entities import FillRun, FillTemplate, SavedList
from models.fill.layout import TemplateColumn, TemplateLayout
from models.fill.lists import ListCriteria, ListError
from models.fill.template_file import TemplateError
from models.fill.write import fill_workbook

Progress = Callable[[int, int], bool]
SUFFIXES = (".xlsx", ".xlsm", ".xls")


class FillError(UserFacingError, ValueError):
    """A template that cannot be saved or filled; one sentence for the clerk."""


# -- the layout as stored -----------------------------------------------------------------
def layout_to_json(layout: TemplateLayout) -> str:
    return json.dumps(dataclasses.asdict(layout), ensure_ascii=False, sort_keys=True)


def layout_from_json(text: str) -> TemplateLayout:
    data = json.loads(text)
    data["columns"] = tuple(TemplateColumn(**c) for c in data["columns"])
    data["placeholders"] = tuple(data.get("placeholders", ()))
    return TemplateLayout(**data)


def _mapping_to_json(mapping: dict[int, str]) -> str:
    return json.dumps({str(k): v for k, v in sorted(mapping.items())}, ensure_ascii=False)


def _mapping_from_json(text: str) -> dict[int, str]:
    return {int(k): v for k, v in json.loads(text or "{}").items()}


# -- reading a department's file ----------------------------------------------------------
@dataclass(frozen=True)
class TemplateDraft:
    """A department's file read and a mapping proposed: what the mapping dialog shows."""

    filename: str
    source: bytes
    sheets: tuple[str, ...]
    layout: TemplateLayout
    mapping: dict[int, str]


@service(Perm.REGISTRY_VIEW, write=False)
def read_file(
    actor: HasRole,
    path: str | os.PathLike[str],
    sheet: str | None = None,
    previous: dict[str, str] | None = None,
) -> TemplateDraft:
    """Analyse the department's file; *previous* ({header label: key}) keeps the choices of
    the template it replaces where the same header is still there."""
    file = Path(path)
    if file.suffix.lower() not in SUFFIXES:
        raise FillError(f"“{file.name}”不是 Excel 工作簿（.xlsx 或 .xls）。")
    try:
        source = file.read_bytes()
    except OSError as exc:
        raise FillError(f"无法读取“{file.name}”：{exc.strerror or exc}。") from exc
    return draft_from_bytes(actor, file.name, source, sheet, previous)


@service(None, write=False)
def draft_from_bytes(
    actor: HasRole,
    filename: str,
    source: bytes,
    sheet: str | None = None,
    previous: dict[str, str] | None = None,
) -> TemplateDraft:
    try:
        sheets = tuple(fill_layout.sheet_names(source))
        layout = fill_layout.analyse(source, sheet)
    except TemplateError as exc:
        raise FillError(str(exc)) from exc
    may_reveal = can(actor, Perm.REVEAL_ID)
    mapping: dict[int, str] = {}
    for column in layout.columns:
        key = (previous or {}).get(column.label)
        if key is None:
            key = fill_fields.propose(column.label, may_reveal)
        mapping[column.index] = key
    return TemplateDraft(filename, source, sheets, layout, mapping)


# -- templates ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    department: str
    filename: str
    sheet: str
    layout: TemplateLayout
    mapping: dict[int, str]
    list_id: int | None
    list_name: str
    sort: str
    date_rule: str
    starter: bool
    runs: int
    last_run: dt.datetime | None

    def by_label(self) -> dict[str, str]:
        return {c.label: self.mapping.get(c.index, "") for c in self.layout.columns}


def _list_id(row: FillTemplate) -> int | None:
    return row.__data__.get("saved_list")


def _info(row: FillTemplate) -> TemplateInfo:
    saved = SavedList.get_or_none(SavedList.id == _list_id(row)) if _list_id(row) else None
    last = (
        FillRun.select(FillRun.made_at)
        .where(FillRun.template == row.id)
        .order_by(FillRun.id.desc())
        .first()
    )
    return TemplateInfo(
        id=row.id,
        name=row.name,
        department=row.department,
        filename=row.filename,
        sheet=row.sheet,
        layout=layout_from_json(row.layout),
        mapping=_mapping_from_json(row.mapping),
        list_id=_list_id(row),
        list_name=saved.name if saved else "",
        sort=row.sort,
        date_rule=row.date_rule,
        starter=row.starter,
        runs=FillRun.select().where(FillRun.template == row.id).count(),
        last_run=last.made_at if last else None,
    )


@service(Perm.REGISTRY_VIEW, write=False)
def templates(actor: HasRole) -> list[TemplateInfo]:
    """The active templates, the starter set installed the first time."""
    ensure_starters()
    query = FillTemplate.select().where(FillTemplate.archived == False)  # noqa: E712
    return [_info(row) for row in query.order_by(FillTemplate.department, FillTemplate.name)]


@service(Perm.REGISTRY_VIEW, write=False)
def get_template(actor: HasRole, template_id: int) -> TemplateInfo:
    return _info(_row(template_id))


@service(Perm.REGISTRY_VIEW, write=False)
def find_template(actor: HasRole, name_or_id: str) -> TemplateInfo:
    """For the command line: a template by its name or number."""
    for info in templates(actor):
        if info.name == name_or_id or str(info.id) == name_or_id:
            return info
    raise FillError(f"没有名为“{name_or_id}”的模板（main.py fill --list 列出全部模板）。")


def _row(template_id: int) -> FillTemplate:
    row = FillTemplate.get_or_none(FillTemplate.id == template_id)
    if row is None:
        raise FillError("该模板不存在。")
    return row


def _check_mapping(
    actor: HasRole, layout: TemplateLayout, mapping: dict[int, str]
) -> dict[int, str]:
    columns = {c.index for c in layout.columns}
    clean: dict[int, str] = {}
    for column, key in mapping.items():
        if column not in columns:
            continue
        try:
            fill_fields.check_key(key)
        except ValueError as exc:
            raise FillError(str(exc)) from exc
        if key == fill_fields.FULL_ID and not can(actor, Perm.REVEAL_ID):
            raise FillError(
                "您的角色不能查看完整身份证号码，请把该列设为“身份证号码（隐去中间）”。"
            )
        if key.startswith(fill_fields.TEXT_PREFIX):
            key = fill_fields.TEXT_PREFIX + text_rules.clean(key[len(fill_fields.TEXT_PREFIX) :])
        clean[column] = key
    if not any(key for key in clean.values()):
        raise FillError("还没有任何一列对应到人口信息，请至少为一列选择填充内容。")
    return clean


@service(Perm.REGISTRY_VIEW)
def save_template(
    actor: HasRole,
    draft: TemplateDraft,
    name: str,
    department: str,
    mapping: dict[int, str],
    list_id: int | None,
    sort: str = "household",
    date_rule: str = "as_of",
    template_id: int | None = None,
    starter: bool = False,
) -> TemplateInfo:
    """Save the mapping as a template (new, or template *template_id* changed: its file
    replaced when *draft* holds a different one). Audited; the old file stays in the log's
    history as its checksum."""
    name = text_rules.clean(name or "").strip()
    department = text_rules.clean(department or "").strip()
    if not name:
        raise FillError("请给模板起一个名字，例如“80周岁以上老人名单（民政）”。")
    if len(name) > 60 or len(department) > 60:
        raise FillError("模板名称和部门名称最多60个字。")
    if (
        list_id is None
        or SavedList.get_or_none((SavedList.id == list_id) & (SavedList.archived == False)) is None
    ):  # noqa: E712
        raise FillError("请选择这张表要填哪些人（名单）。")
    if sort not in fill_lists.SORTS:
        raise FillError(f"未知的排序方式“{sort}”。")
    try:
        fill_lists.reference_day(date_rule)
    except ListError as exc:
        raise FillError(str(exc)) from exc
    mapping = _check_mapping(actor, draft.layout, mapping)
    clash = FillTemplate.select().where(
        (FillTemplate.name == name) & (FillTemplate.id != (template_id or 0))
    )
    if clash.exists():
        raise FillError(f"已有名为“{name}”的模板，请换一个名字。")
    values: dict[str, Any] = dict(
        name=name,
        department=department,
        filename=draft.filename,
        sheet=draft.layout.sheet,
        layout=layout_to_json(draft.layout),
        mapping=_mapping_to_json(mapping),
        saved_list=list_id,
        sort=sort,
        date_rule=date_rule,
    )
    digest = hashlib.sha256(draft.source).hexdigest()
    if template_id is None:
        row = crud.create(
            actor,
            FillTemplate,
            note=f"保存模板“{name}”",
            source=draft.source,
            source_sha256=digest,
            created_by=actor.username,
            starter=starter,
            **values,
        )
    else:
        stored = _row(template_id)
        if stored.source_sha256 != digest:
            values.update(source=draft.source, source_sha256=digest)
        row = crud.update(actor, stored, note=f"修改模板“{name}”", **values)
    return _info(row)


@service(Perm.REGISTRY_VIEW, write=False)
def stored_draft(actor: HasRole, template_id: int) -> TemplateDraft:
    """The template's own file and mapping, for the dialog that changes it."""
    row = _row(template_id)
    source = bytes(row.source)
    try:
        sheets = tuple(fill_layout.sheet_names(source))
    except TemplateError as exc:
        raise FillError(str(exc)) from exc
    return TemplateDraft(
        row.filename, source, sheets, layout_from_json(row.layout), _mapping_from_json(row.mapping)
    )


@service(Perm.REGISTRY_VIEW)
def archive_template(actor: HasRole, template_id: int) -> None:
    row = _row(template_id)
    crud.update(
        actor,
        row,
        note=f"停用模板“{row.name}”",
        archived=True,
        name=fill_lists.archived_name(row.name, row.id),
    )


# -- filling ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FillResult:
    path: Path
    rows: int
    full_ids: bool
    masked_for_role: bool  # the mapping asks for full IDs the role may not see: masked
    day: dt.date
    run_id: int


def community_name() -> str:
    unit = settings.get("issuing_unit")
    return unit.removesuffix("居民委员会").removesuffix("居委会") or unit


def _criteria(row: FillTemplate) -> ListCriteria:
    saved = SavedList.get_or_none(SavedList.id == _list_id(row)) if _list_id(row) else None
    if saved is None or saved.archived:
        raise FillError(f"模板“{row.name}”没有可用的名单，请在模板中选择名单。")
    return dataclasses.replace(ListCriteria.from_json(saved.criteria), date_rule=row.date_rule)


def _prepare(
    actor: HasRole,
    row: FillTemplate,
    as_of: dt.date | None,
    limit: int | None = None,
    preview: bool = False,
) -> tuple[TemplateLayout, list[list[Any]], dt.date, bool, bool]:
    """(layout, rows, reference day, full IDs written, full IDs asked for but masked)."""
    layout = layout_from_json(row.layout)
    mapping = _mapping_from_json(row.mapping)
    criteria = _criteria(row)
    day = fill_lists.reference_day(row.date_rule, as_of)
    people = fill_lists.people(actor, criteria, as_of, row.sort, limit=limit)
    ctx = fill_fields.FillContext(day=day, tag=criteria.tag, community=community_name())
    keys = [mapping.get(c.index, "") for c in layout.columns]
    wants_full = fill_fields.FULL_ID in keys
    full = wants_full and can(actor, Perm.REVEAL_ID) and not preview
    if not full:  # a preview is not a reveal; a role that may not see them gets them masked
        keys = ["id_masked" if key == fill_fields.FULL_ID else key for key in keys]
    rows = [
        [fill_fields.value(key, person, seq, ctx) for key in keys]
        for seq, person in enumerate(people, start=1)
    ]
    return layout, rows, day, full, wants_full and not full and not preview


@service(Perm.REGISTRY_VIEW, write=False)
def preview(
    actor: HasRole, template_id: int, as_of: dt.date | None = None, limit: int = 50
) -> tuple[list[str], list[list[Any]], int]:
    """Column labels, the first rows as they will be written (IDs masked) and how many rows
    the fill will have."""
    row = _row(template_id)
    layout, rows, _day, _full, _masked = _prepare(actor, row, as_of, limit, preview=True)
    total = fill_lists.count(actor, _criteria(row), as_of)
    return [c.label for c in layout.columns], rows, total


@service(Perm.REGISTRY_VIEW, write=False)
def fill(
    actor: HasRole,
    template_id: int,
    out: str | os.PathLike[str],
    *,
    as_of: dt.date | None = None,
    recipient: str = "",
    progress: Progress | None = None,
) -> FillResult:
    """生成: the department's file with the list's rows under its header, saved at *out*
    (always .xlsx); the run kept with its file, one audit row. Cancelled through *progress*
    (models.fill.write.FillCancelled): no file, no run."""
    row = _row(template_id)
    if row.archived:
        raise FillError(f"模板“{row.name}”已停用。")
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    recipient = text_rules.clean(recipient or "").strip()[:100]
    layout, rows, day, full, masked = _prepare(actor, row, as_of)
    mapping = _mapping_from_json(row.mapping)
    text_columns = fill_fields.text_columns(mapping)
    try:
        written = fill_workbook(
            bytes(row.source),
            layout,
            rows,
            path,
            as_of=as_of or clock.today(),
            period=day,
            text_columns=text_columns,
            progress=progress,
        )
    except TemplateError as exc:
        raise FillError(str(exc)) from exc
    except OSError as exc:
        raise FillError(f"无法写入“{path}”：{exc.strerror or exc}。") from exc
    try:
        run_id = _record_run(actor, row, path, day, written, full, masked, recipient)
    except Exception:
        path.unlink(missing_ok=True)  # no file without its record
        raise
    return FillResult(path, written, full, masked, day, run_id)


def _record_run(
    actor: HasRole,
    row: FillTemplate,
    path: Path,
    day: dt.date,
    written: int,
    full: bool,
    masked: bool,
    recipient: str,
) -> int:
    output = path.read_bytes()
    ids = "含完整身份证号码" if full else ("身份证号码已按权限隐去中间部分" if masked else "")
    what = "打印" if path.suffix.lower() == ".pdf" else "生成"
    with database.atomic():
        run = FillRun.create(
            template=row.id,
            as_of=day,
            rows=written,
            full_ids=full,
            recipient=recipient,
            filename=path.name,
            output=output,
            output_sha256=hashlib.sha256(output).hexdigest(),
            username=actor.username,
            made_at=clock.now(),
        )
        audit.record(
            actor.username,
            audit.Action.FILL,
            "fill_template",
            row.id,
            after={
                "run": run.id,
                "rows": written,
                "full_ids": full,
                "as_of": day.isoformat(),
                "recipient": recipient,
                "file": path.name,
                "sha256": run.output_sha256,
            },
            note=f"{what}“{row.name}”{written}行"
            + (f"（{ids}）" if ids else "")
            + (f"，报送{recipient}" if recipient else ""),
        )
    return int(run.id)


@dataclass(frozen=True)
class Printable:
    """What a printed copy of the template shows (reports.fill_list draws it)."""

    title: str
    subtitle: str
    labels: list[str]
    rows: list[list[Any]]
    day: dt.date
    full_ids: bool
    masked_for_role: bool


@service(Perm.REPORTS_PRINT, write=False)
def printable(actor: HasRole, template_id: int, as_of: dt.date | None = None) -> Printable:
    row = _row(template_id)
    if row.archived:
        raise FillError(f"模板“{row.name}”已停用。")
    layout, rows, day, full, masked = _prepare(actor, row, as_of)
    subtitle = (
        f"（{row.department + ' · ' if row.department else ''}"
        f"按{day.year}年{day.month}月{day.day}日计，共{len(rows)}人）"
    )
    return Printable(row.name, subtitle, [c.label for c in layout.columns], rows, day, full, masked)


@service(None)
def record_printed(
    actor: HasRole,
    template_id: int,
    path: str | os.PathLike[str],
    printed: Printable,
    recipient: str = "",
) -> int:
    """The printed copy kept in the history like a filled workbook (one audit row)."""
    recipient = text_rules.clean(recipient or "").strip()[:100]
    return _record_run(
        actor,
        _row(template_id),
        Path(path),
        printed.day,
        len(printed.rows),
        printed.full_ids,
        printed.masked_for_role,
        recipient,
    )


# -- history ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunInfo:
    id: int
    template_id: int
    template: str
    department: str
    as_of: dt.date
    rows: int
    full_ids: bool
    recipient: str
    filename: str
    username: str
    made_at: dt.datetime


@service(Perm.REGISTRY_VIEW, write=False)
def history(actor: HasRole, template_id: int | None = None, limit: int = 500) -> list[RunInfo]:
    query = (
        FillRun.select(
            FillRun.id,
            FillRun.template,
            FillRun.as_of,
            FillRun.rows,
            FillRun.full_ids,
            FillRun.recipient,
            FillRun.filename,
            FillRun.username,
            FillRun.made_at,
            FillTemplate.name,
            FillTemplate.department,
        )
        .join(FillTemplate)
        .order_by(FillRun.id.desc())
        .limit(limit)
    )
    if template_id is not None:
        query = query.where(FillRun.template == template_id)
    return [
        RunInfo(
            r.id,
            r.__data__["template"],
            r.template.name,
            r.template.department,
            fill_lists.as_date(r.as_of) or day_of(r.made_at),
            r.rows,
            r.full_ids,
            r.recipient,
            r.filename,
            r.username,
            r.made_at,
        )
        for r in query
    ]


def day_of(moment: Any) -> dt.date:
    return (
        moment.date()
        if isinstance(moment, dt.datetime)
        else dt.date.fromisoformat(str(moment)[:10])
    )


@service(Perm.REGISTRY_VIEW, write=False)
def save_run_copy(actor: HasRole, run_id: int, out: str | os.PathLike[str]) -> Path:
    """The file exactly as it was produced (what was sent), saved again; a copy holding full
    ID numbers only for a role that may see them. Audited."""
    run = FillRun.get_or_none(FillRun.id == run_id)
    if run is None:
        raise FillError("没有这条生成记录。")
    if run.full_ids and not can(actor, Perm.REVEAL_ID):
        raise FillError("这份表含完整身份证号码，您的角色不能另存。")
    data = bytes(run.output)
    if hashlib.sha256(data).hexdigest() != run.output_sha256:
        raise FillError("这份表的存档已损坏（校验值不符），无法另存。")
    path = Path(out)
    path.write_bytes(data)
    with database.atomic():
        audit.record(
            actor.username,
            audit.Action.EXPORT,
            "fill_run",
            run.id,
            after={"file": path.name, "full_ids": run.full_ids},
            note=f"另存已生成的“{run.template.name}”（{run.made_at:%Y-%m-%d}）",
        )
    return path


# -- the starter set -------------------------------------------------------------------
def starters_installed() -> bool:
    """Installed once: an archived starter stays archived."""
    return FillTemplate.select().where(FillTemplate.starter == True).exists()  # noqa: E712


def ensure_starters() -> None:
    """The starter set (models.fill.starters), installed the first time templates are listed."""
    if starters_installed():
        return
    actor = fill_starters.System()
    community = community_name()
    with database.atomic():
        for starter in fill_starters.STARTERS:
            saved = SavedList.get_or_none(SavedList.name == starter.list_name)
            list_id = (
                saved.id
                if saved is not None
                else fill_lists.save_list(
                    actor, starter.list_name, starter.criteria, notes="程序预置", starter=True
                ).id
            )
            draft = draft_from_bytes(
                actor, f"{starter.name}.xlsx", fill_starters.build_workbook(starter, community)
            )
            mapping = dict(draft.mapping)
            overrides = dict(starter.overrides)
            for column in draft.layout.columns:
                if column.label in overrides:
                    mapping[column.index] = overrides[column.label]
            name = starter.name
            if FillTemplate.select().where(FillTemplate.name == name).exists():
                name = f"{name}（预置）"
            save_template(
                actor,
                draft,
                name,
                starter.department,
                mapping,
                list_id,
                starter.sort,
                starter.date_rule,
                starter=True,
            )
