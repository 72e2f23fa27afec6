"""reports/layout/linebreak.py: dates are not split, a paragraph does not end on a widow."""

from __future__ import annotations

import pytest
from reportlab.lib import textsplit
from reportlab.platypus import Paragraph

from reports.layout import linebreak
from reports.layout.official import esc, styles


def _lines(text: str, chars_per_line: int, width: float = 10.0) -> list[str]:
    spans = linebreak.break_spans(text, [width] * len(text), [width * chars_per_line])
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize(
    "date", ["二〇二六年十二月二日", "2026年12月2日", "12月25日", "二〇二六年十二月", "2026年5月"]
)
def test_a_date_is_never_split_when_it_fits_a_line(date):
    # Put the date everywhere across a line end: each position is one that cutting
    # "like a knife" would break.
    for before in range(1, 12):
        text = "居" * before + date + "活动"
        lines = _lines(text, 12)
        assert "".join(lines) == text
        assert any(date in line for line in lines), (before, lines)


def test_the_precondition_a_plain_greedy_split_does_cut_the_date():
    text = "本通知于二〇二六年十二月二日起施行"
    stock = [t for _, t in textsplit.wordSplit(text, [16.0 * 10], "Helvetica", 16)]
    assert not any("二〇二六年十二月二日" in t for t in stock)
    assert any("二〇二六年十二月二日" in line for line in _lines(text, 10))


def test_a_date_longer_than_the_line_breaks_after_year_or_month():
    lines = _lines("二〇二六年十二月二日", 6)
    assert lines == ["二〇二六年", "十二月二日"]
    lines = _lines("2026年12月20日", 8)
    assert lines[0] in ("2026年", "2026年12月")
    assert "".join(lines) == "2026年12月20日"


def test_other_text_still_breaks_anywhere_allowed():
    # 年 and 月 alone are not dates: 三年级 may break like any other text.
    lines = _lines("小学三年级学生和初中一年级学生共二十人参加", 10)
    assert [len(line) for line in lines[:1]] == [10]


@pytest.mark.parametrize("tail", ["动", "活动", "活动。", "动。"])
def test_a_paragraph_does_not_end_on_one_or_two_characters(tail):
    text = "社" * 28 + tail
    greedy = [text[i : i + 28] for i in range(0, len(text), 28)]
    assert linebreak._counted(greedy[-1]) <= 2  # the widow plain filling would leave
    lines = _lines(text, 28)
    assert "".join(lines) == text
    assert len(lines) == 2
    assert linebreak._counted(lines[-1]) == 3
    assert all(len(line) <= 28 for line in lines)


def test_widow_rule_respects_the_other_rules_and_narrow_cells():
    # The character that would be pulled down is part of a date: the break moves before it.
    text = "社" * 20 + "2026年12月2日" + "止"
    lines = _lines(text, 30)
    assert "".join(lines) == text
    assert any("2026年12月2日" in line for line in lines)
    assert linebreak._counted(lines[-1]) >= 3
    # A table cell of five characters a line keeps its lines as they were.
    assert _lines("公民身份号码", 5) == ["公民身份号", "码"]
    # Each forced line break ends a paragraph of its own.
    text = "社" * 12 + "动" + "\n" + "社" * 5
    forced = [ch == "\n" for ch in text]
    spans = linebreak.break_spans(text, [10.0] * len(text), [120.0], forced)
    lines = [text[a:b] for a, b in spans]
    assert lines[1] == "社社动\n" and lines[2] == "社" * 5


def test_reportlab_paragraphs_follow_the_date_and_widow_rules(db):
    st = styles()
    width = st.body.fontSize * 28
    for n in range(0, 27):
        text = "社" * n + "二〇二六年十二月二日召开居民代表会议，会议通过了小区停车管理办法。"
        para = Paragraph(esc(text), st.body)
        para.wrap(width, 10_000)
        lines = para.blPara.lines
        texts = (
            ["".join(line[1]) for line in lines]
            if para.blPara.kind == 0
            else ["".join(f.text for f in line.words) for line in lines]
        )
        assert "".join(texts) == text
        assert any("二〇二六年十二月二日" in t for t in texts), (n, texts)
        if len(texts) > 1:
            assert linebreak._counted(texts[-1]) >= 3, (n, texts)
