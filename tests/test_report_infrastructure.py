"""reports/: fonts, Chinese line breaking, the GB/T 9704 page, embedded fonts, margins."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pdf_tools
import pytest
import reportlab
from reportlab.lib import textsplit
from reportlab.platypus import Paragraph

from models.certificates import service as certificates
from models.core import settings
from models.core.entities import Resident
from models.monthly.stats import Month
from models.registry import printouts
from reports.certificate import build_certificate
from reports.household_form import build_household_forms
from reports.layout import fonts, linebreak
from reports.layout.official import (
    BuildCancelled,
    Document,
    ReportError,
    data_table,
    esc,
    format_date,
    styles,
)
from reports.monthly import build_monthly_report
from reports.resident_list import build_resident_list

MM = pdf_tools.MM
# A paragraph full of places where cutting "like a knife" goes wrong: commas, quotes,
# book-title marks and an ID number.
BAD_TEXT = (
    "居民王建国说：“我们小区的路灯坏了，晚上出门很不方便。”他希望社区尽快联系《物业服务合同》"
    "约定的物业公司维修，并在居民微信群里告知进度；同时，他提醒：“老年人多，要注意安全！”"
    "登记编号为2026-0001，身份证号6106**********1234（已遮盖）。"
) * 2


def _bad_lines(lines: list[str]) -> list[str]:
    return [
        line
        for line in lines
        if line and (line[0] in linebreak.CANNOT_START or line[-1] in linebreak.CANNOT_END)
    ]


# -- line breaking ------------------------------------------------------------------------
def test_break_spans_moves_characters_down_instead_of_breaking_badly():
    ten = [10.0] * 20
    text = "一二三四，五六七八九"
    # Greedy would give "一二三四" / "，五六七八" …: the comma may not start a line.
    spans = linebreak.break_spans(text, ten[: len(text)], [40.0])
    lines = [text[a:b] for a, b in spans]
    assert lines[0] == "一二三" and lines[1].startswith("四，")
    text = "一二三“四五”六七"
    lines = [text[a:b] for a, b in linebreak.break_spans(text, ten[: len(text)], [40.0])]
    assert lines[0] == "一二三" and lines[1].startswith("“四")
    # A dash or an ellipsis (two characters) is never split across lines.
    text = "他说——我们走吧……好的"
    lines = [text[a:b] for a, b in linebreak.break_spans(text, [10.0] * len(text), [30.0])]
    assert "".join(lines) == text
    assert not any(line.endswith(("—", "…")) and not line.endswith(("——", "……")) for line in lines)
    assert not any(
        line.startswith(("—", "…")) and not line.startswith(("——", "……")) for line in lines
    )
    # A serial number is not cut in two; one longer than a line is cut where it overflows.
    text = "证明编号2026-0001号"
    lines = [text[a:b] for a, b in linebreak.break_spans(text, [10.0] * len(text), [100.0])]
    assert lines == ["证明编号", "2026-0001号"]
    lines = [text[a:b] for a, b in linebreak.break_spans(text, [10.0] * len(text), [60.0])]
    assert "".join(lines) == text and all(len(line) <= 6 for line in lines)


def test_paragraphs_never_start_a_line_with_closing_punctuation(db):
    st = styles()
    stock_bad = 0
    for width in range(120, 441, 9):
        # The precondition that makes this test able to fail: reportlab's own splitter
        # does break this text badly at some of these widths.
        stock = textsplit.wordSplit(BAD_TEXT, [float(width)], st.font, 16)
        stock_bad += len(_bad_lines([t for _, t in stock]))
        for text in (
            esc(BAD_TEXT),
            esc(BAD_TEXT[:40]) + '<font color="red">' + esc(BAD_TEXT[40:]) + "</font>",
        ):
            para = Paragraph(text, st.body)
            para.wrap(width, 10_000)
            lines = para.blPara.lines
            if para.blPara.kind == 0:
                texts = ["".join(line[1]) for line in lines]
            else:
                texts = ["".join(f.text for f in line.words) for line in lines]
            assert "".join(texts).replace(" ", "") == BAD_TEXT.replace(" ", "")
            assert _bad_lines(texts) == [], (width, texts)
    assert stock_bad > 0


def test_pdf_lines_obey_the_rule_and_stay_in_the_text_block(db, tmp_path):
    st = styles()
    story = [Paragraph(esc("字" * n + BAD_TEXT), st.body) for n in range(0, 28, 3)]
    path = Document(tmp_path / "wrap.pdf", "换行").build(story)
    lines = [line.strip() for line in pdf_tools.text(path).splitlines()]
    body = [line for line in lines if line and not line.startswith("—")]
    assert len(body) > 60
    assert _bad_lines(body) == []
    assert max(w.x1 for w in pdf_tools.words(path)) <= (28 + 156) * MM + 0.5


# -- fonts -----------------------------------------------------------------------------------
def test_font_resolution_order(db, admin, monkeypatch, tmp_path):
    monkeypatch.delenv("NDESK_FONT", raising=False)
    # The set-up's 仿宋-like body face and 黑体-like title face (scripts/dev.sh installs both).
    assert fonts.find_cjk_font().path.name == "ukai.ttc"
    assert fonts.find_cjk_font(role=fonts.TITLE).path.name == "wqy-zenhei.ttc"
    micro = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    settings.set_value(admin, "font_path", micro)
    assert str(fonts.find_cjk_font().path) == micro
    monkeypatch.setenv("NDESK_FONT", "/usr/share/fonts/truetype/arphic/uming.ttc")
    assert fonts.find_cjk_font().path.name == "uming.ttc"  # the machine's choice wins
    monkeypatch.setenv("NDESK_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(fonts.FontNotFound, match="不存在"):
        fonts.find_cjk_font()


def test_unusable_fonts_are_refused_with_a_reason(tmp_path):
    cff = tmp_path / "NotoSansCJK.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 100)
    assert not fonts.is_truetype(cff)
    with pytest.raises(fonts.FontNotFound, match="TrueType"):
        fonts.find_cjk_font(cff)
    latin = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    assert fonts.is_truetype(latin)
    with pytest.raises(fonts.FontNotFound, match="不含中文"):
        fonts.register_pdf_font(latin)


def test_no_font_is_a_clear_error_and_no_file(db, monkeypatch, tmp_path):
    monkeypatch.delenv("NDESK_FONT", raising=False)
    monkeypatch.setattr(fonts, "candidates", lambda role=fonts.BODY: [])
    out = tmp_path / "out"
    with pytest.raises(fonts.FontNotFound, match="fonts-arphic-uming"):
        Document(out / "x.pdf", "x").build([])
    assert not out.exists() or list(out.iterdir()) == []


# -- the four printouts: fonts embedded, margins, page numbers ------------------------------
@pytest.fixture
def printouts_pdfs(demo_small, admin, tmp_path):
    person = Resident.select().where(Resident.status == "current").first()
    kind = certificates.list_kinds()[0]
    cert = certificates.issue(admin, person.id, kind.id, "办理居住证")
    sheets = printouts.household_sheets(admin)[:5]
    compound = sheets[0].compound
    rows = printouts.resident_list(admin, None)
    return {
        "monthly": build_monthly_report(tmp_path / "monthly.pdf", Month(2026, 10)),
        "certificate": build_certificate(tmp_path / "certificate.pdf", cert.id),
        "household": build_household_forms(tmp_path / "household.pdf", sheets),
        "residents": build_resident_list(tmp_path / "residents.pdf", rows, compound),
    }


def test_every_font_is_embedded_and_pages_keep_the_margins(printouts_pdfs):
    left, right = 28 * MM, (28 + 156) * MM
    top, bottom = 37 * MM, (37 + 225) * MM
    for name, path in printouts_pdfs.items():
        found = pdf_tools.fonts(path)
        assert found, name
        assert all(f.embedded and f.type == "TrueType" for f in found), (name, found)
        assert not any("Helvetica" in f.name for f in found)
        words = pdf_tools.words(path)
        body = [w for w in words if w.y1 <= bottom + 0.5]
        footer = [w for w in words if w.y1 > bottom + 0.5]
        assert min(w.x0 for w in words) >= left - 0.5, name
        assert max(w.x1 for w in words) <= right + 0.5, name
        assert min(w.y0 for w in words) >= top - 0.5, name
        # The text block really starts at the margin (not somewhere inside it).
        assert min(w.x0 for w in body) <= left + 1, name
        assert max(w.x1 for w in body) - min(w.x0 for w in body) <= 156 * MM + 0.5
        # Below the block only page numbers, 7 mm under it: "— 1 —".
        assert all(w.text in ("—", str(w.page)) for w in footer), name
        if name != "certificate":
            assert {w.page for w in footer if w.text.isdigit()} == set(
                range(1, pdf_tools.pages(path) + 1)
            )


def test_page_numbers_alternate_sides_and_headers_repeat(printouts_pdfs):
    path = printouts_pdfs["residents"]
    count = pdf_tools.pages(path)
    assert count >= 3
    numbers = {w.page: w for w in pdf_tools.words(path) if w.text.isdigit() and w.y0 > 262 * MM}
    assert numbers[1].x1 > 150 * MM and numbers[2].x0 < 60 * MM
    for page in range(1, count + 1):
        assert "公民身份号码" in pdf_tools.text(path, first=page, last=page)


def test_renders_with_chinese_glyphs_on_a_machine_without_chinese_fonts(
    printouts_pdfs, tmp_path, db
):
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig><dir>/nonexistent</dir>'
        f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>",
        encoding="utf-8",
    )
    bare = dict(os.environ, FONTCONFIG_FILE=str(conf))
    assert subprocess.run(["fc-list"], env=bare, capture_output=True, text=True).stdout == ""

    def render(pdf: Path, out: str, env: dict[str, str] | None) -> tuple[bytes, str]:
        result = subprocess.run(
            ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return next(tmp_path.glob(f"{out}*.png")).read_bytes(), result.stderr

    image, errors = render(printouts_pdfs["certificate"], "bare", bare)
    assert "Couldn't find a font" not in errors
    assert image == render(printouts_pdfs["certificate"], "normal", None)[0]
    # The control: reportlab's built-in STSong-Light is not embedded and does change.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    control = tmp_path / "stsong.pdf"
    c = canvas.Canvas(str(control))
    c.setFont("STSong-Light", 30)
    c.drawString(100, 700, "居住证明")
    c.save()
    bad, errors = render(control, "control-bare", bare)
    assert "Couldn't find a font" in errors
    assert bad != render(control, "control-normal", None)[0]


# -- dates, tables, writing ------------------------------------------------------------------
def test_dates_arabic_by_default_chinese_numerals_as_option(demo_small, admin, tmp_path):
    assert format_date(dt.date(2026, 5, 5)) == "2026年5月5日"
    assert format_date(dt.date(2026, 10, 31), "chinese") == "二〇二六年十月三十一日"
    assert format_date(dt.date(2026, 12, 20), "chinese") == "二〇二六年十二月二十日"
    settings.set_value(admin, "date_style", "chinese")
    person = Resident.select().first()
    cert = certificates.issue(
        admin, person.id, certificates.list_kinds()[0].id, "测试", today=dt.date(2026, 11, 27)
    )
    text = pdf_tools.text(build_certificate(tmp_path / "c.pdf", cert.id), layout=False)
    assert "二〇二六年十一月二十七日" in text


def test_cancel_and_unwritable_paths_leave_no_file(db, tmp_path):
    st = styles()
    story = [data_table(st, ["序号", "姓名"], [[i, f"居民{i}"] for i in range(400)])]
    story += [Paragraph("段落", st.body) for _ in range(50)]
    calls = []

    def cancel(done: int, total: int) -> bool:
        calls.append((done, total))
        return len(calls) < 3

    out = tmp_path / "out"
    with pytest.raises(BuildCancelled):
        Document(out / "cancelled.pdf", "x").build(story, cancel)
    assert len(calls) == 3 and list(out.iterdir()) == []
    with pytest.raises(ReportError, match="无法写入"):
        Document(tmp_path, "x").build([Paragraph("x", st.body)])
    with pytest.raises(ReportError, match="无法写入"):
        Document(Path("/proc/no/such/dir/x.pdf"), "x").build([Paragraph("x", st.body)])
