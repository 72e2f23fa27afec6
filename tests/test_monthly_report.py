"""`main.py report monthly`: the PDF's figures equal the service's and the register's."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pdf_tools
import pytest
from reports_support import record_month

import main
from models import areas
from models.core.area import Area
from models.core.entities import Compound, Household, LifeEvent, Resident
from models.monthly import parts, stats
from models.monthly.stats import Month

ROOT = Path(__file__).resolve().parent.parent
OCT = Month(2026, 10)


@pytest.fixture
def demo_until_august(load_demo):
    """The demo community with its own life events ending before the months these tests
    record, so that today's register is the state at the end of each recorded month."""
    return load_demo(households=80, seed=7, as_of=dt.date(2026, 8, 31))


def _tables(text: str, names: list[str]) -> tuple[dict[str, list[int]], dict[str, list[Any]]]:
    """Rows of the population table (13 numbers) and of the balance table (12 + 核对)."""
    population: dict[str, list[int]] = {}
    balance: dict[str, list] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0] not in names:
            continue
        numbers = [int(p) for p in parts[1:] if re.fullmatch(r"\d+", p)]
        if len(parts) == 14 and len(numbers) == 13:
            population[parts[0]] = numbers
        elif len(parts) == 14 and len(numbers) == 12:
            balance[parts[0]] = [*numbers, parts[-1]]
    return population, balance


def _sql_counts(compound_id: int) -> dict[str, int]:
    """Independent counts straight from the tables (valid when no events follow the month)."""
    here = (
        Resident.select()
        .join(Household)
        .where((Resident.status == "current") & (Household.compound == compound_id))
    )
    births = (
        LifeEvent.select()
        .join(Household, on=(LifeEvent.household == Household.id))
        .where(
            (LifeEvent.kind == "birth")
            & (Household.compound == compound_id)
            & (LifeEvent.event_date.between(OCT.first, OCT.last))
        )
    )
    return {
        "households": len({p.household_id for p in here}),
        "male": here.where((Resident.category == "1") & (Resident.sex == "1")).count(),
        "female": here.where((Resident.category == "1") & (Resident.sex == "2")).count(),
        "floating": here.where(Resident.category == "4").count(),
        "population": here.count(),
        "births": births.count(),
    }


def test_report_monthly_on_the_demo_community(demo_until_august, db_target, tmp_path):
    record_month(OCT, seed=11, births=4, deaths=3, moved_in=3, moved_out=2, transfers=2)
    out = tmp_path / "out" / "月报.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "report",
            "monthly",
            "--month",
            "2026-10",
            "--out",
            str(out),
            "--db",
            str(db_target),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout and out.is_file()
    figures = stats.monthly(OCT)
    names = [r.name for r in figures.rows]
    population, balance = _tables(pdf_tools.text(out), [*names, "合计"])
    assert set(population) == set(balance) == {*names, "合计"}
    for row in [*figures.rows, figures.total]:
        assert population[row.name] == [
            row.households,
            row.registered_male,
            row.registered_female,
            row.registered,
            row.resident_population,
            row.floating,
            row.separated,
            row.aged_60_plus,
            row.dibao_households,
            row.dibao_people,
            row.disabled,
            row.special_assistance,
            row.reward_assistance,
        ]
        assert balance[row.name] == [
            row.opening,
            row.corrections,
            row.births,
            row.deaths,
            row.moved_in,
            row.floating_in,
            row.moved_out,
            row.floating_out,
            row.enrolled,
            row.transfers_in,
            row.transfers_out,
            row.closing,
            "平衡",
        ]
    for compound in Compound.select():
        sql = _sql_counts(compound.id)
        printed = population[compound.name]
        assert printed[0] == sql["households"]
        assert printed[1:3] == [sql["male"], sql["female"]]
        assert printed[5] == sql["floating"]
        assert balance[compound.name][2] == sql["births"]
        assert balance[compound.name][11] == sql["population"]
    assert (
        population["合计"][0]
        == Household.select().join(Resident).where(Resident.status == "current").distinct().count()
    )
    assert "各小区月末人口" in pdf_tools.text(out, layout=False)
    assert all(f.embedded for f in pdf_tools.fonts(out))


def test_one_compound_and_a_visible_warning(demo_small, db_target, tmp_path):
    person = Resident.select().where(Resident.status == "current").first()
    compound = person.household.compound
    LifeEvent.create(
        resident=person,
        household=person.household,
        kind="move_out",
        event_date=dt.date(2026, 10, 3),
        username="clerk",
    )  # status not changed
    out = tmp_path / "one.pdf"
    assert (
        main.main(
            [
                "report",
                "monthly",
                "--month",
                "2026-10",
                "--compound",
                compound.name,
                "--out",
                str(out),
                "--db",
                str(db_target),
            ]
        )
        == 0
    )
    text = pdf_tools.text(out)
    population, balance = _tables(text, [c.name for c in Compound.select()] + ["合计"])
    assert list(population) == [compound.name] and list(balance) == [compound.name]
    assert balance[compound.name][-1] == "差+1"
    flat = pdf_tools.text(out, layout=False).replace("\n", "")
    assert "【注意】" in flat and re.search(r"相差\s*\+1\s*人", flat)


def section_provider(first, last, compound_id):
    return parts.Section("计生服务个案", ["项目", "件数"], [["本月新开", 4], ["逾期未办", 1]])


def figure_provider(first, last, compound_id):
    first_compound = Compound.select().first().id
    return parts.FigureColumn("subsidy", "育儿补贴申请", {first_compound: 5})


def test_registered_sections_print_and_missing_ones_print_nothing(
    demo_small, tmp_path, monkeypatch
):
    from reports.monthly import build_monthly_report

    monkeypatch.setattr(areas, "AREAS", ())
    plain = pdf_tools.text(build_monthly_report(tmp_path / "plain.pdf", OCT), layout=False)
    assert "四、" not in plain and "育儿补贴" not in plain and "个案" not in plain
    monkeypatch.setattr(
        areas,
        "AREAS",
        (Area("test", "测试", sections=(section_provider,), figures=(figure_provider,)),),
    )
    text = pdf_tools.text(build_monthly_report(tmp_path / "more.pdf", OCT), layout=False)
    assert "四、计生服务个案" in text and "逾期未办" in text and "育儿补贴申请" in text


def test_casework_events_and_facilities_sections_are_in_the_report(demo_small, tmp_path):
    from reports.monthly import build_monthly_report

    text = pdf_tools.text(build_monthly_report(tmp_path / "all.pdf", OCT), layout=False)
    for heading in ("计生服务", "社区活动", "设施状况", "育儿补贴申请"):
        assert heading in text, heading


@pytest.mark.parametrize(
    "args, message",
    [
        (["--month", "2026-13"], "月份"),
        (["--month", "10/2026"], "YYYY-MM"),
        (["--month", "2026-10", "--compound", "不存在小区"], "没有名为"),
        ([], "--month"),
    ],
)
def test_command_line_refuses_with_one_sentence(
    demo_small, db_target, tmp_path, capsys, args, message
):
    out = tmp_path / "out" / "x.pdf"
    assert main.main(["report", "monthly", *args, "--out", str(out), "--db", str(db_target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_command_line_font_path_and_database_errors(
    demo_small, db_target, tmp_path, capsys, monkeypatch
):
    base = ["report", "monthly", "--month", "2026-10", "--db", str(db_target)]
    assert main.main([*base, "--out", "/proc/no/such/dir/x.pdf"]) == 1
    assert "无法写入" in capsys.readouterr().err
    assert main.main([*base, "--out", str(tmp_path)]) == 1
    assert "无法写入" in capsys.readouterr().err
    monkeypatch.setenv("NDESK_FONT", str(tmp_path / "none.ttf"))
    assert main.main([*base, "--out", str(tmp_path / "f.pdf")]) == 1
    assert "字体" in capsys.readouterr().err and not (tmp_path / "f.pdf").exists()
    monkeypatch.delenv("NDESK_FONT")
    missing = tmp_path / "missing.sqlite3"
    assert (
        main.main(
            [
                "report",
                "monthly",
                "--month",
                "2026-10",
                "--db",
                str(missing),
                "--out",
                str(tmp_path / "m.pdf"),
            ]
        )
        == 1
    )
    assert "不存在" in capsys.readouterr().err and not missing.exists()
    bad = subprocess.run(
        [sys.executable, "main.py", "report", "monthly", "--month", "2026-10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "--out" in bad.stderr


def test_register_printouts_from_the_command_line(demo_small, db_target, tmp_path, capsys):
    compound = Compound.select().first()
    out = tmp_path / "list.pdf"
    assert (
        main.main(
            [
                "report",
                "residents",
                "--compound",
                compound.name,
                "--out",
                str(out),
                "--db",
                str(db_target),
            ]
        )
        == 0
    )
    people = (
        Resident.select()
        .join(Household)
        .where((Resident.status == "current") & (Household.compound == compound.id))
    )
    assert f"（{people.count()}人）" in capsys.readouterr().out
    text = pdf_tools.text(out, layout=False)
    assert all(p.name in text for p in people)
    forms = tmp_path / "forms.pdf"
    assert (
        main.main(
            [
                "report",
                "households",
                "--compound",
                compound.name,
                "--out",
                str(forms),
                "--db",
                str(db_target),
            ]
        )
        == 0
    )
    assert pdf_tools.pages(forms) == len({p.household_id for p in people})
