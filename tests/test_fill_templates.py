"""一表通 services: a department's template mapped, filled from the register and compared
with the register read by SQL; the starter set; IDs by role; the history; the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Border, Side

import main
from models.core import clock
from models.core.db import close_database, database
from models.core.entities import AuditLog, Resident
from models.fill import lists as fill_lists
from models.fill import starters as fill_starters
from models.fill import templates as fill_templates
from models.fill.entities import FillRun, FillTemplate
from models.fill.lists import ListCriteria
from models.fill.templates import FillError

THIN = Side(style="thin")


def _department_file(path: Path) -> Path:
    """A 民政-style sheet: merged title with a month blank, a unit line, a two-row header
    with 备注, two bordered blank rows, a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "高龄津贴"
    ws.merge_cells("A1:H1")
    ws["A1"] = "南关社区高龄津贴发放花名册（    年  月）"
    ws["A2"] = "填报单位：南关社区居委会"
    heads = ["序号", "老人姓名", "性别", "年龄", "身份证号码", "居住地址", None, "备注"]
    for col, text in enumerate(heads, start=1):
        ws.cell(row=3, column=col, value=text)
    ws["F4"], ws["G4"] = "小区", "门牌号"
    for col in "ABCDEH":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("F3:G3")
    for row in (5, 6):
        for col in range(1, 9):
            ws.cell(row=row, column=col).border = Border(
                left=THIN, right=THIN, top=THIN, bottom=THIN
            )
    ws["A8"] = "制表人：          审核人：          填报日期：    年  月  日"
    ws.column_dimensions["E"].width = 22
    wb.save(path)
    return path


def _day(value: dt.date | str) -> dt.date:
    """A date read with raw SQL: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _saved(actor, criteria: ListCriteria, name: str = "八十岁以上") -> int:
    return fill_lists.save_list(actor, name, criteria).id


def _mapped(
    actor, tmp_path: Path, list_id: int, changes: dict[int, str] | None = None
) -> fill_templates.TemplateInfo:
    draft = fill_templates.read_file(actor, _department_file(tmp_path / "民政模板.xlsx"))
    mapping = dict(draft.mapping)
    mapping.update(changes or {})
    return fill_templates.save_template(
        actor,
        draft,
        "高龄津贴花名册",
        "民政",
        mapping,
        list_id,
        sort="birth_date",
        date_rule="year_end",
    )


def _data_rows(path: Path, first: int = 5) -> list[tuple]:
    ws = openpyxl.load_workbook(path).active
    rows = []
    for row in ws.iter_rows(min_row=first, values_only=True):
        if row[0] is None or not isinstance(row[0], int):
            break
        rows.append(row)
    return rows


def test_a_department_file_is_read_and_its_columns_proposed(db, officer, clerk, tmp_path):
    path = _department_file(tmp_path / "t.xlsx")
    draft = fill_templates.read_file(officer, path)
    assert (draft.layout.header_top, draft.layout.header_bottom) == (3, 4)
    by_label = {c.label: draft.mapping[c.index] for c in draft.layout.columns}
    assert by_label == {
        "序号": "seq",
        "老人姓名": "name",
        "性别": "sex",
        "年龄": "age",
        "身份证号码": "id_full",
        "居住地址·小区": "compound",
        "居住地址·门牌号": "room",
        "备注": "",
    }
    # A clerk may not see full IDs: the proposal masks them and saving full ones is refused.
    as_clerk = fill_templates.read_file(clerk, path)
    assert as_clerk.mapping[5] == "id_masked"
    list_id = _saved(clerk, ListCriteria(min_age=80))
    with pytest.raises(FillError, match="完整身份证号码"):
        fill_templates.save_template(
            clerk, as_clerk, "x", "", {**as_clerk.mapping, 5: "id_full"}, list_id
        )
    with pytest.raises(FillError, match="不是 Excel"):
        fill_templates.read_file(clerk, tmp_path / "t.csv")


def test_filled_rows_are_the_register_on_the_year_end(demo_small, officer, tmp_path):
    info = _mapped(officer, tmp_path, _saved(officer, ListCriteria(min_age=80)), {8: "text:已核实"})
    out = tmp_path / "out.xlsx"
    result = fill_templates.fill(officer, info.id, out, recipient="街道民政办")
    year_end = dt.date(2026, 12, 31)
    expected = [
        (name, _age(_day(birth), year_end), number, compound, room)
        for name, birth, number, compound, room in database.execute_sql(
            "SELECT r.name, r.birth_date, r.id_number, c.name, h.room FROM resident r"
            " JOIN household h ON h.id = r.household_id JOIN compound c ON c.id = h.compound_id"
            " WHERE r.status = 'current' AND r.birth_date <= '1946-12-31'"
            " ORDER BY r.birth_date, r.id"
        )
    ]
    rows = _data_rows(out)
    assert len(expected) > 3 and result.rows == len(expected) == len(rows)
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows] == expected
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert {r[7] for r in rows} == {"已核实"}
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "南关社区高龄津贴发放花名册（2026年12月）"
    assert ws.cell(row=5, column=5).data_type == "s"  # the ID as text, every digit kept
    footer = (
        ws.cell(row=5 + len(rows) + 1, column=1).value or ws.cell(row=5 + len(rows), column=1).value
    )
    assert footer and footer.startswith("制表人")
    assert footer.endswith("填报日期：2026年11月27日")  # the day it was filled, not the year's end
    run = FillRun.get_by_id(result.run_id)
    assert (run.rows, run.full_ids, run.recipient) == (len(rows), True, "街道民政办")
    assert bytes(run.output) == out.read_bytes()
    logged = (
        AuditLog.select()
        .where((AuditLog.action == "fill") & (AuditLog.record_id == str(info.id)))
        .get()
    )
    assert logged.username == "jisheng" and f"{len(rows)}行" in logged.note
    assert "含完整身份证号码" in logged.note and "街道民政办" in logged.note


def test_a_clerk_gets_masked_ids_and_next_month_follows_the_register(
    demo_small, officer, clerk, tmp_path
):
    info = _mapped(officer, tmp_path, _saved(officer, ListCriteria(min_age=80)))
    first = fill_templates.fill(clerk, info.id, tmp_path / "nov.xlsx")
    assert (first.full_ids, first.masked_for_role) == (False, True)
    rows = _data_rows(first.path)
    assert all("*" in r[4] for r in rows)
    assert not any(
        r[4] == number for r in rows for number in [p.id_number for p in Resident.select()]
    )
    # A month later: one of them died, one person turned 80 during the year.
    gone = Resident.get(Resident.name == rows[0][1])
    database.execute_sql(f"UPDATE resident SET status = 'deceased' WHERE id = {gone.id}")
    young = (
        Resident.select()
        .where((Resident.status == "current") & (Resident.birth_date > dt.date(1950, 1, 1)))
        .first()
    )
    database.execute_sql(f"UPDATE resident SET birth_date = '1947-06-01' WHERE id = {young.id}")
    clock.freeze(dt.datetime(2027, 1, 5, 9, 0))
    again = fill_templates.fill(clerk, info.id, tmp_path / "jan.xlsx")
    names = [r[1] for r in _data_rows(again.path)]
    assert gone.name not in names or names.count(gone.name) < [r[1] for r in rows].count(gone.name)
    assert young.name in names
    assert again.day == dt.date(2027, 12, 31)
    assert openpyxl.load_workbook(again.path).active["A1"].value.endswith("（2027年12月）")
    history = fill_templates.history(clerk, info.id)
    assert [h.filename for h in history] == ["jan.xlsx", "nov.xlsx"]


def test_the_sent_file_is_kept_and_guarded(demo_small, officer, clerk, tmp_path):
    info = _mapped(officer, tmp_path, _saved(officer, ListCriteria(min_age=80)))
    result = fill_templates.fill(officer, info.id, tmp_path / "sent.xlsx")
    copy = fill_templates.save_run_copy(officer, result.run_id, tmp_path / "again.xlsx")
    assert copy.read_bytes() == result.path.read_bytes()
    with pytest.raises(FillError, match="完整身份证号码"):
        fill_templates.save_run_copy(clerk, result.run_id, tmp_path / "clerk.xlsx")
    assert not (tmp_path / "clerk.xlsx").exists()


def test_the_starter_set_is_installed_once(demo_small, officer, tmp_path):
    names = [t.name for t in fill_templates.templates(officer)]
    assert sorted(names) == sorted(s.name for s in fill_starters.STARTERS)
    for info in fill_templates.templates(officer):
        result = fill_templates.fill(officer, info.id, tmp_path / f"{info.id}.xlsx")
        assert result.rows > 0, info.name
    old = next(t for t in fill_templates.templates(officer) if t.name == "低保人员名单")
    fill_templates.archive_template(officer, old.id)
    assert "低保人员名单" not in [t.name for t in fill_templates.templates(officer)]
    assert FillTemplate.select().where(FillTemplate.starter == True).count() == 5  # noqa: E712
    # The 残联 sheet's two-row header maps 残疾情况·残疾类别 and ·残疾等级.
    disabled = next(t for t in fill_templates.templates(officer) if t.name == "残疾人台账")
    assert {
        "残疾情况·残疾类别": "disability_kind",
        "残疾情况·残疾等级": "disability_grade",
    }.items() <= disabled.by_label().items()


def test_command_line_fill(demo_small, officer, tmp_path, capsys, db_target):
    info = _mapped(officer, tmp_path, _saved(officer, ListCriteria(min_age=80)))
    close_database()
    out = tmp_path / "cli.xlsx"
    assert (
        main.main(
            [
                "fill",
                info.name,
                "--out",
                str(out),
                "--db",
                str(db_target),
                "--as-of",
                "2026-11-30",
                "--recipient",
                "民政办",
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert "已生成“高龄津贴花名册”" in said and "2026年12月31日" in said
    assert _data_rows(out)
    close_database()
    assert main.main(["fill", "没有这个模板", "--out", str(out), "--db", str(db_target)]) == 2
    assert "没有名为" in capsys.readouterr().err
    close_database()
    assert main.main(["fill", "--list", "--db", str(db_target)]) == 0
    assert "高龄津贴花名册" in capsys.readouterr().out
