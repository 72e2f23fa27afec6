"""Page conventions every printout keeps (GB/T 9704 and what officials check first):

- no space between a Chinese character and a digit (举办活动2场, not 举办活动 2 场);
- a heading is never alone at a page foot, and a table after it splits under its repeated
  header instead of jumping whole to the next page;
- the 版记 of a brief sits at the foot of the last page;
- the 落款 stands four characters in from the right margin, the unit centred over the date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pdf_tools
import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import textobject
from reportlab.platypus import KeepTogether, Paragraph

from models.casework import cases
from models.casework.entities import BIRTH_REG, Case
from models.certificates import service as certificates
from models.core import codes
from models.core.entities import Resident
from models.events import service as svc
from models.events.templates import create_from_template
from models.facilities.centre import list_centres
from models.registry import printouts
from reports.casework_forms import birth_registration_pdf
from reports.casework_lists import payments_pdf, worklist_pdf
from reports.certificate import build_certificate
from reports.events_brief import build_brief
from reports.events_plan import build_plan
from reports.facilities_compliance import build_compliance_report
from reports.household_form import build_household_forms
from reports.layout.official import (
    BOTTOM_MARGIN,
    LEFT_MARGIN,
    PAGE_HEIGHT,
    TEXT_WIDTH,
    Document,
    closing,
    data_table,
    esc,
    heading,
    styles,
)
from reports.resident_list import build_resident_list
from tests.conftest import AS_OF

MM = pdf_tools.MM
CJK = "\u3400-\u9fff"
SPACED = re.compile(rf"[{CJK}] +\d|\d +[{CJK}]")
TEXT_BOTTOM = PAGE_HEIGHT - BOTTOM_MARGIN  # from the top edge, as pdftotext measures


@contextmanager
def drawn_strings() -> Iterator[list[str]]:
    """Every string reportlab puts on a page, as drawn (one table cell, one line of a
    paragraph): a space typed into the text shows here, the gap between two cells does not."""
    seen: list[str] = []
    original = textobject.PDFTextObject._formatText

    def record(self, text):  # noqa: ANN001, ANN202
        seen.append(text)
        return original(self, text)

    textobject.PDFTextObject._formatText = record
    try:
        yield seen
    finally:
        textobject.PDFTextObject._formatText = original


def _birth_case(officer) -> int:
    """A 生育登记 of a couple of the demo community (the small demo has none of its own)."""
    case = Case.select().where(Case.case_type == BIRTH_REG).first()
    if case is not None:
        return int(case.id)
    for mother in Resident.select().where(
        (Resident.status == "current")
        & (Resident.sex == "2")
        & (Resident.birth_date > dt.date(1985, 1, 1))
        & (Resident.birth_date < dt.date(2002, 1, 1))
    ):
        father = Resident.get_or_none(
            (Resident.household == mother.household_id)
            & (Resident.sex == "1")
            & (Resident.status == "current")
            & (Resident.birth_date < dt.date(2002, 1, 1))
        )
        if father is not None:
            return int(
                cases.create_birth_registration(
                    officer,
                    mother_id=mother.id,
                    father_id=father.id,
                    children=[],
                    birth_order=1,
                    expected_date=AS_OF + dt.timedelta(days=100),
                ).id
            )
    raise AssertionError("the demo community has no couple")


def _all_printouts(admin, clerk, officer, tmp_path: Path) -> dict[str, Path]:
    """Each printout the pages helper owns, from the demo community."""
    out: dict[str, Path] = {}
    held = next(e for e in svc.list_events(today=AS_OF) if e.status == "held")
    out["brief"] = build_brief(held.id, tmp_path / "brief.pdf")
    out["plan"] = build_plan(held.id, tmp_path / "plan.pdf")
    out["birth_form"] = birth_registration_pdf(
        officer, _birth_case(officer), tmp_path / "birth.pdf"
    )
    out["payments"] = payments_pdf(officer, dt.date(2026, 11, 1), tmp_path / "pay.pdf")
    out["worklist"] = worklist_pdf(officer, tmp_path / "todo.pdf")
    sheets = printouts.household_sheets(clerk)[:3]
    out["household_forms"] = build_household_forms(tmp_path / "forms.pdf", sheets)
    rows = printouts.resident_list(clerk, None)[:60]
    out["resident_list"] = build_resident_list(tmp_path / "list.pdf", rows, "全社区")
    centre = list_centres()[0]
    out["compliance"] = build_compliance_report(
        admin, centre.id, tmp_path / "centre.pdf", as_of=AS_OF
    )
    kind = certificates.list_kinds()[0]
    person = Resident.select().where(Resident.status == "current").first()
    cert = certificates.issue(clerk, person.id, kind.id, "办理居住证", today=AS_OF)
    out["certificate"] = build_certificate(tmp_path / "cert.pdf", cert.id, clerk)
    return out


def test_no_space_between_chinese_and_digits_in_any_printout(
    admin, clerk, officer, demo_small, tmp_path
):
    with drawn_strings() as seen:
        paths = _all_printouts(admin, clerk, officer, tmp_path)
    spaced = sorted({s for s in seen if SPACED.search(s)})
    assert spaced == [], "\n".join(spaced)
    # The check reads the real text: the printouts drew Chinese next to numbers.
    drawn = "".join(seen)
    assert re.search(r"共\d+人", drawn) and re.search(rf"[{CJK}]\d", drawn)
    for name, path in paths.items():
        text = pdf_tools.text(path, layout=False)
        assert re.search(rf"[{CJK}]", text), name  # Chinese glyphs, not boxes or nothing
        assert all(f.embedded for f in pdf_tools.fonts(path)), name
    # And the check can fail: a typed space is seen.
    with drawn_strings() as seen:
        st = styles()
        Document(tmp_path / "bad.pdf", "测试").build([Paragraph("举办活动 2 场", st.body)])
    assert any(SPACED.search(s) for s in seen)


def _filler(st, lines: int) -> list[Paragraph]:
    """Body paragraphs of one full line each (two characters' indent and 26)."""
    return [Paragraph(esc("社区居民委员会" * 3 + "社区服务站"), st.body) for _ in range(lines)]


def test_a_heading_is_never_alone_at_a_page_foot(db, tmp_path):
    st = styles()
    following = "这是标题之后的第一段正文，它应当与标题在同一页上开始。" * 3
    for lines in range(17, 23):  # puts the heading at and around the page foot
        story = [
            *_filler(st, lines),
            heading(st, "二、工作安排"),
            Paragraph(esc(following), st.body),
        ]
        path = Document(tmp_path / f"h{lines}.pdf", "标题").build(story)
        words = pdf_tools.words(path)
        head = next(w for w in words if "工作安排" in w.text)
        first = next(w for w in words if w.text.startswith("这是标题"))
        assert head.page == first.page, lines
    # The precondition: without keep-with-next the heading does end a page at one of them.
    alone = 0
    for lines in range(17, 23):
        story = [
            *_filler(st, lines),
            Paragraph(esc("二、工作安排"), st.sized(st.heading, 16)),
            Paragraph(esc(following), st.body),
        ]
        story[-2].keepWithNext = 0
        path = Document(tmp_path / f"p{lines}.pdf", "标题").build(story)
        words = pdf_tools.words(path)
        head = next(w for w in words if "工作安排" in w.text)
        first = next(w for w in words if w.text.startswith("这是标题"))
        alone += head.page != first.page
    assert alone > 0


def test_a_table_after_a_heading_splits_under_its_header_instead_of_jumping(db, tmp_path):
    st = styles()
    rows = [[str(i), f"居民{i}", "南关小区"] for i in range(1, 31)]
    story = [
        *_filler(st, 14),
        heading(st, "三、人员名单"),
        data_table(st, ["序号", "姓名", "小区"], rows, widths_mm=[20, 60, 76]),
    ]
    path = Document(tmp_path / "t.pdf", "名单").build(story)
    words = pdf_tools.words(path)
    head = next(w for w in words if "人员名单" in w.text)
    first_row = next(w for w in words if w.text == "居民1")
    assert head.page == first_row.page == 1  # the table starts under its heading
    assert pdf_tools.pages(path) == 2
    assert [w.page for w in words if w.text == "姓名"] == [1, 2]  # the header repeats
    # A KeepTogether (what the plan did) sends the whole table to the next page.
    story = [
        *_filler(st, 14),
        KeepTogether(
            [
                Paragraph(esc("三、人员名单"), st.heading),
                data_table(st, ["序号", "姓名", "小区"], rows, widths_mm=[20, 60, 76]),
            ]
        ),
    ]
    path = Document(tmp_path / "k.pdf", "名单").build(story)
    assert next(w for w in pdf_tools.words(path) if w.text == "居民1").page == 2


def _held_event(clerk, summary: str) -> int:
    event_id = create_from_template(clerk, "clean_day", dt.date(2026, 11, 20))
    svc.record_outcome(clerk, event_id, 40, summary)
    svc.set_brief_options(clerk, event_id, "城关街道办事处", "社区各小区牵头单位", 8)
    svc.assign_brief_issue(clerk, event_id, dt.date(2026, 11, 21))
    return event_id


@pytest.mark.parametrize("paragraphs", [2, 25])
def test_the_brief_footer_sits_at_the_foot_of_the_last_page(clerk, tmp_path, paragraphs):
    summary = "\n".join(
        "11月20日上午，社区组织居民开展环境卫生清理活动，清理楼道杂物和绿化带垃圾。"
        for _ in range(paragraphs)
    )
    path = build_brief(_held_event(clerk, summary), tmp_path / "brief.pdf")
    pages = pdf_tools.pages(path)
    words = pdf_tools.words(path)
    copies = next(w for w in words if w.text.startswith("共印8份"))
    to = next(w for w in words if w.text.startswith("报："))
    assert copies.page == to.page == pages  # on the last page
    # Its last line is the last line of the text block (the rule lies just below it).
    assert TEXT_BOTTOM - 10 * MM < copies.y1 <= TEXT_BOTTOM
    above = [w for w in words if w.page == pages and w.y1 < to.y0 - 1]
    assert above  # the text ends on the footer's page
    if paragraphs == 2:
        # Short text: the footer is not right after it but at the foot.
        assert to.y0 - max(w.y1 for w in above) > 100 * MM


def test_closing_stands_four_characters_in_from_the_right(db, tmp_path):
    st = styles()
    story = [
        Paragraph(esc("正文。"), st.body),
        *closing(st, "城关街道南关社区居民委员会", "2026年11月27日"),
    ]
    path = Document(tmp_path / "c.pdf", "落款").build(story)
    words = pdf_tools.words(path)
    date = next(w for w in words if w.text == "2026年11月27日")
    unit = next(w for w in words if w.text == "城关街道南关社区居民委员会")
    right = LEFT_MARGIN + TEXT_WIDTH
    assert abs((right - date.x1) - 4 * st.body.fontSize) < 2
    assert abs((unit.x0 + unit.x1) / 2 - (date.x0 + date.x1) / 2) < 2


def test_plan_and_compliance_report_close_with_the_indented_closing(
    admin, clerk, demo_small, tmp_path
):
    held = next(e for e in svc.list_events(today=AS_OF) if e.status == "held")
    centre = list_centres()[0]
    for path in (
        build_plan(held.id, tmp_path / "plan.pdf"),
        build_compliance_report(admin, centre.id, tmp_path / "c.pdf", as_of=AS_OF),
    ):
        words = pdf_tools.words(path)
        last = max(w.page for w in words)
        dates = [w for w in words if w.page == last and re.fullmatch(r"\d{4}年\d+月\d+日", w.text)]
        date = max(dates, key=lambda w: w.y0)
        right = LEFT_MARGIN + TEXT_WIDTH
        assert right - date.x1 > 3 * 16, path.name  # not flush right


def test_body_text_sets_28_characters_a_line(db, tmp_path):
    st = styles()
    flat = ParagraphStyle("flat", parent=st.body, firstLineIndent=0)
    path = Document(tmp_path / "28.pdf", "行").build([Paragraph("社" * 56 + "区居民", flat)])
    lines = [
        line for line in pdf_tools.text(path, layout=False).splitlines() if line.startswith("社")
    ]
    assert [len(line) for line in lines[:2]] == [28, 28]
    assert st.body.fontSize == pytest.approx(16, abs=0.25)  # still 3号 to the eye


def test_disability_reads_as_kind_and_grade_in_words():
    assert codes.disability_text("5类3级") == "智力残疾三级"
    assert codes.disability_text("4类1级") == "肢体残疾一级"
    assert codes.tag_text("disabled", "5类3级") == "残疾人（智力残疾三级）"
    assert codes.tag_text("disabled", "") == "残疾人"
    assert codes.tag_text("dibao") == "低保"
    assert codes.disability_text("看不懂的写法") == "看不懂的写法"


def test_a_draft_brief_keeps_the_blank_for_its_issue_number(clerk, tmp_path):
    event_id = create_from_template(clerk, "clean_day", dt.date(2026, 11, 20))
    svc.record_outcome(clerk, event_id, 40, "11月20日，社区开展环境卫生清理活动。")
    with drawn_strings() as seen:
        build_brief(event_id, tmp_path / "draft.pdf")
    assert "第\u3000\u3000期" in seen  # two full-width blanks to write the number in
