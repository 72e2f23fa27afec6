"""Casework printouts: Chinese font embedded, IDs masked, totals that add up."""

import datetime as dt
import subprocess

from models.casework import cases
from models.core.entities import Resident
from reports.casework_forms import birth_registration_pdf
from reports.casework_lists import payments_pdf, worklist_pdf
from tests.casework_fixtures import family  # noqa: F401  (fixture)
from tests.conftest import AS_OF


def _text(path, layout=True):
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_payment_list_masks_ids_and_totals(tmp_path, officer, family):  # noqa: F811
    mother = Resident.get(Resident.name == "赵敏")
    cases.create_subsidy(
        officer,
        child_id=family.toddler_2023.id,
        opened_on=dt.date(2025, 9, 1),
        applied_on=dt.date(2025, 9, 1),
        mother_id=mother.id,
    )
    cases.create_subsidy(
        officer,
        child_id=family.baby.id,
        opened_on=dt.date(2026, 7, 1),
        applied_on=dt.date(2026, 7, 1),
    )
    for pid in (family.father.id, family.mother.id):
        cases.create_assistance(
            officer,
            case_type="special_assist",
            person_id=pid,
            category="surgery_2",
            start_date=dt.date(2026, 1, 1),
            opened_on=dt.date(2025, 12, 1),
        )
    path = payments_pdf(
        officer, dt.date(2026, 11, 1), tmp_path / "pay.pdf", today=dt.date(2026, 11, 27)
    )
    text = _text(path)
    assert "（2026年11月）" in text
    assert "600.00" in text and "780.00" in text and "1,380.00" in text  # 2×300, 2×390, both
    for person in (family.toddler_2023, family.baby, family.father, family.mother):
        assert person.id_number not in text and person.id_number[-4:] in text
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert any("TrueType" in line and " yes yes yes " in line for line in fonts.splitlines())
    # Who signs for the money, and the foot a list sent upward carries.
    assert "监护人" in text and "签领" in text and "赵敏" in text  # the 2023 child's mother
    for label in ("单位负责人", "制表人", "审核人", "联系电话", "填报日期", "填报单位（盖章）"):
        assert label in text


def test_signature_blanks_are_ruled_lines_of_a_fixed_width():
    from reportlab.lib.units import mm

    from reports.layout.official import signature_line, styles

    st = styles(None)
    table = signature_line(st, [("单位负责人", ""), ("制表人", ""), ("审核人", "")])
    widths = table._colWidths
    ruled = [cmd for cmd in table._linecmds if cmd[0] == "LINEBELOW"]
    # Three blanks to sign on, each a real line under a cell at least 25 mm wide (full-width
    # spaces in a paragraph collapse to a few millimetres).
    assert [cmd[1][0] for cmd in ruled] == [1, 3, 5]
    assert all(widths[col] >= 25 * mm for col in (1, 3, 5))
    assert sum(widths) <= 156 * mm + 0.01  # within the text block


def test_form_and_worklist_render(tmp_path, officer, family):  # noqa: F811
    case = cases.create_birth_registration(
        officer,
        mother_id=family.mother.id,
        father_id=family.father.id,
        children=[],
        birth_order=1,
        expected_date=AS_OF + dt.timedelta(days=100),
    )
    pdf = birth_registration_pdf(officer, case.id, tmp_path / "form.pdf")
    text = "".join(_text(pdf, layout=False).split())
    assert "第1孩" in text and "按预产期推算" in text and "张建伟" in text
    empty = _text(worklist_pdf(officer, tmp_path / "work.pdf", dt.date(2020, 1, 1)))
    assert "无待办事项" in empty
