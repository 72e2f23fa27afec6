"""The audit log as the 主任 reads it (models/core/audit_view.py and its neighbours
audit_fields, audit_lookup, audit_export): labels, decoded values, names, filters, the
workbook export and who may see it."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
import pkgutil
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from registry_helpers import make_family

import models
from models.core import audit, audit_export, audit_fields, audit_view, clock, crud, idcard, settings
from models.core.attachments import Attachment
from models.core.audit_lookup import Lookup
from models.core.audit_view import LogFilter
from models.core.entities import AuditLog, BaseModel, Resident, SchemaVersion
from models.core.permissions import PermissionDenied
from models.facilities.entities import FacilityFinding
from models.registry import households, life_events, residents

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# The log itself, the migrations' bookkeeping, and a server's stored files (the row that
# uses a file, a photo say, is audited with its path).
NOT_AUDITED = {AuditLog, SchemaVersion, Attachment}


def _audited_models() -> list[type[BaseModel]]:
    """Every peewee model of the program (all of models/ imported, so a new module counts)."""
    for info in pkgutil.iter_modules(models.__path__):
        importlib.import_module(f"models.{info.name}")
    found: list[type[BaseModel]] = []
    todo = list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model not in NOT_AUDITED and model not in found:
            found.append(model)
    return found


def test_every_field_of_every_audited_table_has_a_chinese_label():
    tables = _audited_models()
    assert len(tables) >= 30  # the walk found the models (not a vacuous pass)
    missing: list[str] = []
    for model in tables:
        table = model._meta.table_name
        if not CJK.search(audit.TABLE_NAMES.get(table, "")):
            missing.append(f"TABLE_NAMES[{table!r}]")
        for name in model._meta.fields:
            spec = audit_fields.field_spec(table, name)
            if spec is None or not CJK.search(spec.label):
                missing.append(f"{table}.{name}")
    # Settings are audited as {key: value}: every key is a field of the log.
    for key in settings.DEFAULTS:
        if not CJK.search(audit_fields.field_label("setting", key)):
            missing.append(f"setting {key}")
    assert not missing, "no Chinese label in models/core/audit_fields.py FIELDS: " + ", ".join(
        missing
    )


def _audit_calls() -> list[tuple[str, int, str | None, str | None, list[ast.expr]]]:
    """(file, line, action, table, [before, after]) of each audit row the code writes."""
    calls = []
    for folder in ("models", "reports", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                owner = node.func.value
                name = node.func.attr
                if name == "record" and isinstance(owner, ast.Name) and owner.id == "audit":
                    first = 1  # audit.record(username, action, table, id, before, after, note)
                elif name == "audit" and isinstance(owner, ast.Name) and owner.id == "self":
                    first = 0  # the importer's self.audit(action, table, id, before, after)
                elif name == "audit_note":
                    first = 2  # events_service.audit_note(actor, event_id, action, note)
                else:
                    continue
                args = node.args

                def constant(i: int, args=args) -> str | None:
                    if len(args) > i and isinstance(args[i], ast.Constant):
                        return str(args[i].value)
                    if (
                        len(args) > i
                        and isinstance(args[i], ast.Attribute)
                        and ast.unparse(args[i].value) in ("audit.Action", "Action")
                    ):
                        return audit.Action[args[i].attr].value  # audit.Action.CREATE
                    return None

                values = list(args[first + 3 : first + 5]) if name != "audit_note" else []
                values += [k.value for k in node.keywords if k.arg in ("before", "after")]
                table = constant(first + 1) if name != "audit_note" else "event"
                calls.append(
                    (f"{path.relative_to(ROOT)}", node.lineno, constant(first), table, values)
                )
    return calls


def test_every_action_table_and_summary_key_the_code_writes_has_a_chinese_name():
    calls = _audit_calls()
    assert len(calls) >= 40
    missing: list[str] = []
    for where, line, action, table, values in calls:
        if action is not None and not CJK.search(audit.ACTION_NAMES.get(action, "")):
            missing.append(f"{where}:{line} action {action!r}")
        if table is not None and not CJK.search(audit.TABLE_NAMES.get(table, "")):
            missing.append(f"{where}:{line} table {table!r}")
        for value in values:
            # A table the call does not name (models/core/crud.py): its fields' labels are
            # checked by the test above, for every audited table.
            if isinstance(value, ast.Dict) and table is not None:
                for key in value.keys:
                    if (
                        isinstance(key, ast.Constant)
                        and audit_fields.field_spec(table or "", str(key.value)) is None
                    ):
                        missing.append(f"{where}:{line} key {key.value!r}")
    for action in ("create", "update", "archive"):  # models/core/crud.py writes these
        assert CJK.search(audit.ACTION_NAMES[action])
    assert not missing, missing


def test_every_key_in_a_demo_log_reads_in_chinese(demo_small, admin):
    keys: set[tuple[str, str]] = set()
    for row in AuditLog.select():
        for text in (row.before, row.after):
            for key in json.loads(text or "{}"):
                keys.add((row.table_name, key))
    assert len(keys) > 100
    assert [k for k in keys if audit_fields.field_spec(*k) is None] == []
    entries = audit_view.search(admin, LogFilter(), limit=5000).entries
    assert len(entries) == AuditLog.select().count()
    assert all(CJK.search(e.action_name) and CJK.search(e.table_label) for e in entries)


# -- decoding ---------------------------------------------------------------------------------


@pytest.fixture
def family(admin):
    return make_family(admin)


def _latest(supervisor, **filters) -> audit_view.Entry:
    return audit_view.search(supervisor, LogFilter(**filters), limit=1).entries[0]


def test_a_category_change_reads_as_names_and_labels(clerk, supervisor, family):
    _, _, people = family
    life_events.record_category_change(clerk, people["王磊"], "4", clock.today(), "外出务工")
    entry = _latest(supervisor, table_name="resident", action="update")
    wang = Resident.get_by_id(people["王磊"])
    assert entry.user == "李晓梅（clerk）"
    assert entry.summary == f"修改 居民 王磊（{wang.id_number[:4]}{'*' * 10}{wang.id_number[-4:]}）"
    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        ("人员类别", "户籍人口", "流动人口")
    ]
    assert entry.note == "类别变更"
    event = _latest(supervisor, table_name="life_event")
    change = {c.label: c.after for c in event.changes}
    assert change["变动类型"] == "类别变更"
    assert change["变动前（迁出地、原户、原类别）"] == "户籍人口"  # a code, decoded by the kind
    assert change["变动后（迁入地、新户、新类别）"] == "流动人口"
    assert change["登记人"] == "李晓梅（clerk）"
    assert change["居民"].startswith("王磊（")


def test_a_move_names_the_households_by_head_and_address(admin, clerk, supervisor, family):
    compound, house, people = family
    other = households.create_household(
        admin, households.AddressInput(compound.id, "5号楼", "1单元", "102")
    )
    households.move_resident(clerk, people["王芳"], other.id, "02", clock.today(), "结婚")
    entry = _latest(supervisor, table_name="resident", action="update", person="王芳")
    moved = {c.label: (c.before, c.after) for c in entry.changes}
    assert moved["所在户"] == (
        f"户号 {house.household_no} 王建国户（南关小区3号楼2单元301）",
        f"户号 {other.household_no} 王芳户（南关小区5号楼1单元102）",
    )
    assert moved["与户主关系"] == ("长女", "户主")


def test_a_view_names_the_person_not_a_number(clerk, supervisor, family):
    _, _, people = family
    residents.log_view(clerk, people["张敏"])
    entry = _latest(supervisor, action="view")
    number = Resident.get_by_id(people["张敏"]).id_number
    assert entry.summary == f"查看 居民 张敏（{idcard.mask(number)}）"
    assert entry.note == "打开居民信息" and entry.changes == ()


def test_a_fixed_hazard_reads_in_chinese(demo_small, supervisor):
    finding = FacilityFinding.select().where(FacilityFinding.is_hazard == True).first()  # noqa: E712
    crud.update(
        supervisor,
        finding,
        "隐患整改销号",
        fixed_on=clock.today(),
        fix_notes="已更换插线板",
        fixed_by="zhuren",
    )
    entry = _latest(supervisor, table_name="facility_finding", action="update")
    assert {c.label: c.after for c in entry.changes} == {
        "整改完成日期": clock.today().isoformat(),
        "整改情况": "已更换插线板",
        "整改登记人": "张建国（zhuren）",
    }
    assert entry.table_label == "检查发现" and "安全检查" in entry.record


def test_settings_and_summaries_read_in_chinese(admin, supervisor):
    settings.set_value(admin, "mask_ids", "0")
    entry = _latest(supervisor, table_name="setting")
    assert entry.record == "默认遮盖身份证号"
    assert [c.line for c in entry.changes] == ["默认遮盖身份证号：是 → 否"]
    # A remembered register layout is a setting whose key holds the layout's signature.
    key = "import_layout:3f2a9c"
    audit.record("clerk", audit.Action.UPDATE, "setting", key, None, {key: '{"category": "1"}'})
    entry = _latest(supervisor, table_name="setting")
    assert entry.record == "记住的花名册格式"
    assert [c.label for c in entry.changes] == ["记住的花名册格式"]


def test_id_numbers_are_masked_even_for_a_role_that_may_reveal_them(clerk, supervisor, family):
    _, _, people = family
    number = Resident.get_by_id(people["王建国"]).id_number
    crud.update(
        clerk,
        Resident.get_by_id(people["王建国"]),
        f"身份证{number}已核对",
        notes=f"原证号 {number} 已换领",
    )
    entries = audit_view.search(supervisor, LogFilter()).entries
    text = json.dumps([[e.record, e.note, e.content] for e in entries], ensure_ascii=False)
    assert number not in text
    assert f"{number[:4]}{'*' * 10}{number[-4:]}" in text
    created = next(e for e in entries if e.action == "create" and e.record.startswith("王建国"))
    assert {c.label: c.after for c in created.changes}["公民身份号码"] == idcard.mask(number)
    assert "原证号 " + idcard.mask(number) in entries[0].content
    assert entries[0].note == f"身份证{idcard.mask(number)}已核对"


def test_a_page_costs_the_same_few_queries_however_many_people(demo_small, clerk, supervisor):
    people = list(Resident.select().limit(60))
    for person in people:
        crud.update(clerk, person, phone="13900000000")
    rows = list(
        AuditLog.select().where(AuditLog.table_name == "resident").order_by(AuditLog.id.desc())
    )
    few, many = Lookup(), Lookup()
    audit_view.readable(rows[:2], few)
    audit_view.readable(rows[:60], many)
    assert len({e.record for e in audit_view.readable(rows[:60], Lookup())}) == 60
    assert many.queries == few.queries


# -- filters ----------------------------------------------------------------------------------


@pytest.fixture
def busy_week(admin, clerk, officer, supervisor, family):
    """Rows on three days by different users, about different people."""
    _, _, people = family
    for day, (who, person, phone) in zip(
        (dt.date(2026, 11, 20), dt.date(2026, 11, 24), dt.date(2026, 11, 26)),
        [
            (clerk, "王磊", "13900000001"),
            (officer, "王芳", "13900000002"),
            (clerk, "王建国", "13900000003"),
        ],
        strict=True,
    ):
        clock.freeze(dt.datetime.combine(day, dt.time(10, 30)))
        crud.update(who, Resident.get_by_id(people[person]), "更正电话", phone=phone)
        residents.log_view(who, people[person])
    clock.freeze(dt.datetime(2026, 11, 27, 9, 0))
    return people


def _rows(actor, **filters) -> list[tuple[str, str, str]]:
    page = audit_view.search(actor, LogFilter(**filters))
    return [(e.username, e.action, e.record.split("（")[0]) for e in page.entries]


def test_filter_by_person_name_finds_their_rows_only(supervisor, busy_week):
    rows = _rows(supervisor, person="王磊")
    assert rows == [
        ("clerk", "view", "王磊"),
        ("clerk", "update", "王磊"),
        ("admin", "create", "王磊"),
    ]
    page = audit_view.search(supervisor, LogFilter(person="王磊"))
    assert page.people_count == 1 and page.people[0].startswith("王磊（6106")
    # 王 is nobody's whole name: everyone whose name holds it.
    assert {r[2] for r in _rows(supervisor, person="王")} == {"王建国", "王磊", "王子涵", "王芳"}
    assert _rows(supervisor, person="赵无名") == []


def test_filter_by_a_fragment_of_the_id_number(supervisor, busy_week):
    number = Resident.get_by_id(busy_week["王芳"]).id_number
    assert {r[2] for r in _rows(supervisor, person=number[6:14])} == {"王芳"}  # her birth date
    assert {r[2] for r in _rows(supervisor, person=number)} == {"王芳"}
    assert {r[2] for r in _rows(supervisor, person=number[:6])} >= {"王芳", "王磊", "王建国"}


def test_filter_by_user_action_table_and_text(supervisor, busy_week):
    assert {r[0] for r in _rows(supervisor, username="jisheng")} == {"jisheng"}
    assert len(_rows(supervisor, username="jisheng")) == 2
    assert _rows(supervisor, action="view") == [
        ("clerk", "view", "王建国"),
        ("jisheng", "view", "王芳"),
        ("clerk", "view", "王磊"),
    ]
    assert {r[1] for r in _rows(supervisor, table_name="household")} == {"create"}
    assert _rows(supervisor, text="13900000002") == [("jisheng", "update", "王芳")]


def test_filter_by_date_range_includes_both_ends(supervisor, busy_week):
    rows = _rows(supervisor, since=dt.date(2026, 11, 24), until=dt.date(2026, 11, 26))
    assert [r[2] for r in rows] == ["王建国", "王建国", "王芳", "王芳"]
    assert [r[2] for r in _rows(supervisor, until=dt.date(2026, 11, 20), action="update")] == [
        "王磊"
    ]
    assert _rows(supervisor, since=dt.date(2026, 11, 25), until=dt.date(2026, 11, 25)) == []


def test_pages_follow_on_without_gaps(supervisor, busy_week):
    everything = audit_view.search(supervisor, LogFilter(), limit=1000).entries
    first = audit_view.search(supervisor, LogFilter(), limit=5)
    assert first.more and first.total == len(everything)
    seen = list(first.entries)
    while True:
        page = audit_view.search(supervisor, LogFilter(), before_id=seen[-1].id, limit=5)
        seen += page.entries
        if not page.more:
            break
    assert [e.id for e in seen] == [e.id for e in everything]


def test_choices_name_users_actions_and_tables(supervisor, busy_week):
    assert ("jisheng", "王秀英（jisheng）") in audit_view.user_choices(supervisor)
    assert ("view", "查看") in audit_view.action_choices(supervisor)
    assert ("resident", "居民") in audit_view.table_choices(supervisor)


# -- export -----------------------------------------------------------------------------------


def _sheet_rows(path: Path) -> list[list[str]]:
    sheet = load_workbook(path, read_only=True)[audit_export.SHEET_TITLE]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_export_writes_the_filtered_rows_and_is_audited(supervisor, busy_week, tmp_path):
    target = tmp_path / "日志.xlsx"
    flt = LogFilter(person="王芳")
    shown = audit_view.search(supervisor, flt).entries
    result = audit_export.export_workbook(supervisor, flt, target)
    assert result.rows == len(shown) == 3 and target.exists()
    rows = _sheet_rows(target)
    assert "共3条" in rows[0][0] and "居民：王芳" in rows[0][0]
    assert rows[1] == [h for h, _ in audit_export.EXPORT_COLUMNS]
    assert rows[2:] == [audit_export.export_row(e) for e in shown]
    assert rows[2][:3] == ["2026-11-24 10:30:00", "王秀英（jisheng）", "查看"]
    assert rows[3][5] == "联系电话：（空） → 13900000002"
    number = Resident.get_by_id(busy_week["王芳"]).id_number
    assert number not in json.dumps(rows, ensure_ascii=False)
    logged = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (logged.username, logged.action, logged.table_name) == ("zhuren", "export", "audit_log")
    assert json.loads(logged.after) == {"file": "日志.xlsx", "rows": 3, "filters": "居民：王芳"}
    entry = _latest(supervisor)
    assert entry.summary == "导出 操作日志"
    assert entry.content == "文件：日志.xlsx；导出条数：3；筛选条件：居民：王芳"


def test_export_masks_a_typed_id_number_in_the_filters(supervisor, busy_week, tmp_path):
    number = Resident.get_by_id(busy_week["王芳"]).id_number
    audit_export.export_workbook(supervisor, LogFilter(person=number), tmp_path / "a.xlsx")
    logged = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert number not in logged.after and idcard.mask(number) in logged.after
    assert number not in json.dumps(_sheet_rows(tmp_path / "a.xlsx"), ensure_ascii=False)


def test_a_cancelled_export_leaves_no_file_and_no_audit_row(supervisor, busy_week, tmp_path):
    folder = tmp_path / "out"  # the database lives in tmp_path
    folder.mkdir()
    target = folder / "日志.xlsx"
    count = AuditLog.select().count()
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done == 0  # go on at the start, stop after the first batch

    with pytest.raises(audit_export.ExportCancelled):
        audit_export.export_workbook(supervisor, LogFilter(), target, progress)
    assert calls[0] == (0, count) and len(calls) == 2
    assert not target.exists() and list(folder.iterdir()) == []
    assert AuditLog.select().count() == count


def test_export_reports_progress_in_batches(supervisor, busy_week, tmp_path, monkeypatch):
    monkeypatch.setattr(audit_export, "EXPORT_BATCH", 4)
    total = AuditLog.select().count()
    calls: list[tuple[int, int]] = []
    result = audit_export.export_workbook(
        supervisor, LogFilter(), tmp_path / "x.xlsx", lambda d, t: calls.append((d, t)) or True
    )
    assert result.rows == total and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 3
    assert len(_sheet_rows(tmp_path / "x.xlsx")) == total + 2


def test_roles_that_may_not_read_the_log_get_nothing(clerk, officer, busy_week, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    for actor in (clerk, officer):
        with pytest.raises(PermissionDenied):
            audit_view.search(actor, LogFilter())
        with pytest.raises(PermissionDenied):
            audit_view.user_choices(actor)
        with pytest.raises(PermissionDenied):
            audit_export.export_workbook(actor, LogFilter(), folder / "x.xlsx")
    assert list(folder.iterdir()) == []
    assert not AuditLog.select().where(AuditLog.action == "export").exists()
