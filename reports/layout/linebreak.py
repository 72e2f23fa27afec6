"""Chinese line breaking for reportlab paragraphs (wordWrap="CJK").

reportlab breaks Chinese text "like a knife" between any two characters. Its only rule lets
a few closing marks hang past the right margin, and its list misses most Chinese ones
(，；：？！”’》 …), so a line could start with "，" or "”" and a line could end with "“".
The rules applied here (GB/T 15834 punctuation usage):

- no line starts with closing punctuation (，。、；：？！”’）》」』】 …);
- no line ends with opening punctuation (“‘（《「『【 …);
- a dash —— or an ellipsis …… is not split between two lines;
- a run of Latin letters and digits (an ID number, a serial 2026-0001) is not split;
- a date is not split: 2026年12月2日, 二〇二六年十二月二日, 12月2日 stay on one line (when
  one does not fit a narrow cell it breaks after 年 or 月 rather than anywhere);
- a paragraph does not end on a line of one or two characters (a widow): the line above
  gives up a character or two. Narrow table cells (under WIDOW_MIN_UNITS to a line) keep
  their lines, where the widow rule would only move the break to a worse place.

Instead of letting a mark hang in the margin, the breaker moves the last characters of the
line down to the next one, so text never leaves the text block. install() puts the breaker
into reportlab's paragraph module, so every Paragraph with wordWrap="CJK" follows it,
including those built by other report modules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

CANNOT_START = frozenset("，。、；：？！,.;:?!”’）》」』】〕〗〙〛〉］｝)]}％%‰℃°·・～")
CANNOT_END = frozenset("“‘（《「『【〔〖〘〚〈［｛([{￥$#")
# Pairs that must stay together: 2-character dash and ellipsis.
_PAIRED = frozenset("—…")
_FUZZ = 1e-6
_CN_DIGITS = "〇零一二三四五六七八九十"
_YEAR = rf"(?:\d{{4}}|[{_CN_DIGITS}]{{4}})年"
_MONTH = rf"(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})月"
_DAY = rf"(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})日"
# 2026年12月2日, 二〇二六年十二月二日, 2026年12月, 12月2日; a bare 年 or 月 is not a date.
DATE_RE = re.compile(rf"{_YEAR}(?:{_MONTH}(?:{_DAY})?)?|{_MONTH}{_DAY}")
# A last line needs at least this many characters (punctuation not counted).
WIDOW_MIN = 3
# The widow rule applies to lines that hold at least this many characters.
WIDOW_MIN_UNITS = 8


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace() and ch not in ",.;:?!)]}([{"


def date_glue(text: Sequence[str]) -> frozenset[int]:
    """Positions inside a date run: no line may break there (before text[pos])."""
    joined = "".join(ch[:1] or " " for ch in text)
    glued: set[int] = set()
    for match in DATE_RE.finditer(joined):
        glued.update(range(match.start() + 1, match.end()))
    return frozenset(glued)


def can_break(text: Sequence[str], pos: int, glued: frozenset[int] = frozenset()) -> bool:
    """May a line end after text[pos - 1] and the next start with text[pos]?"""
    if pos in glued:
        return False
    before, after = text[pos - 1], text[pos]
    if after in CANNOT_START or before in CANNOT_END:
        return False
    if before == after and before in _PAIRED:
        return False
    return not (_latin(before) and _latin(after))


def break_spans(
    text: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    forced: Sequence[bool] | None = None,
) -> list[tuple[int, int]]:
    """Split text into lines as (start, end) spans; each fits its width unless one unit won't.

    forced[i] marks a unit after which a line must end (a <br/>). Greedy: fill the line, then
    step back from the first unit that does not fit to the nearest allowed break. A date that
    does not fit a line on its own breaks inside after all (after 年 or 月 where it can); when
    the line has no allowed break at all (a very long number), cut where it overflows. Then
    each paragraph's last line is kept from being a widow.
    """
    spans: list[tuple[int, int]] = []
    hard_ends: list[bool] = []
    n = len(text)
    glued = date_glue(text)
    # Where a date that does not fit a line on its own may break: after 年 or 月.
    loose = frozenset(pos for pos in glued if text[pos - 1] not in "年月")
    start = 0
    while start < n:
        max_width = max_widths[min(len(spans), len(max_widths) - 1)]
        used = 0.0
        i = start
        hard = False
        while i < n:
            if i > start and used + widths[i] > max_width + _FUZZ:
                break
            used += widths[i]
            i += 1
            if forced is not None and forced[i - 1]:
                hard = True
                break
        if hard or i >= n:
            spans.append((start, i))
            hard_ends.append(True)
            start = i
            continue
        end = _step_back(text, start, i, glued)
        if end is None:
            end = _step_back(text, start, i, loose)
        if end is None:
            end = _step_back(text, start, i, frozenset())
        if end is None:
            end = i  # nothing better: cut at the overflow
        spans.append((start, end))
        hard_ends.append(False)
        start = end
    return _mend_widows(text, widths, max_widths, spans, hard_ends, glued)


def _step_back(text: Sequence[str], start: int, overflow: int, glued: frozenset[int]) -> int | None:
    """The last allowed break in text[start + 1 .. overflow], or None."""
    end = overflow
    while end > start and not can_break(text, end, glued):
        end -= 1
    return end if end > start else None


def _counted(chars: Sequence[str]) -> int:
    """Characters that make a line's length: punctuation and spaces do not."""
    return sum(1 for ch in chars if ch.strip() and ch not in CANNOT_START and ch not in CANNOT_END)


def _mend_widows(
    text: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    spans: list[tuple[int, int]],
    hard_ends: list[bool],
    glued: frozenset[int],
) -> list[tuple[int, int]]:
    """Pull characters down from the line above a paragraph's too-short last line.

    A paragraph here is a run of lines up to a forced break or the end. The line above keeps
    at least WIDOW_MIN_UNITS - WIDOW_MIN characters, breaks only where the rules allow, and
    the last line must still fit.
    """
    spans = list(spans)
    for k in range(1, len(spans)):
        if not hard_ends[k] or hard_ends[k - 1]:
            continue
        (a, b), (c, d) = spans[k - 1], spans[k]
        if b - a < WIDOW_MIN_UNITS or _counted(text[c:d]) >= WIDOW_MIN or not _counted(text[c:d]):
            continue
        max_width = max_widths[min(k, len(max_widths) - 1)]
        for new_end in range(b - 1, a + WIDOW_MIN_UNITS - WIDOW_MIN - 1, -1):
            if sum(widths[new_end:d]) > max_width + _FUZZ:
                break
            if _counted(text[new_end:d]) >= WIDOW_MIN and can_break(text, new_end, glued):
                spans[k - 1], spans[k] = (a, new_end), (new_end, d)
                break
    return spans


def word_split(
    word: Any,
    maxWidths: Any,
    fontName: str,
    fontSize: float,  # noqa: N803
    encoding: str = "utf8",
) -> list[list[Any]]:
    """Replacement for reportlab.lib.textsplit.wordSplit (single-style CJK paragraphs)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = word.decode(encoding) if isinstance(word, bytes) else word
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]  # noqa: N806
    widths = [stringWidth(ch, fontName, fontSize) for ch in text]
    lines: list[list[Any]] = []
    spans = break_spans(text, widths, maxWidths)
    for k, (a, b) in enumerate(spans):
        max_width = maxWidths[min(k, len(maxWidths) - 1)]
        line = text[a:b]
        if k < len(spans) - 1:
            line = line.rstrip()
        lines.append([max_width - sum(widths[a:b]), line])
    return lines


def cjk_frag_split(
    frags: Any,
    maxWidths: Any,
    calcBounds: Any,  # noqa: N803
    encoding: str = "utf8",
) -> Any:
    """Replacement for reportlab.platypus.paragraph.cjkFragSplit (mixed-style paragraphs)."""
    from reportlab.platypus import paragraph as rp

    units: list[Any] = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        if text:
            units.extend(rp.cjkU(t, f, encoding) for t in text)
        else:
            units.append(rp.cjkU(text, f, encoding))
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]  # noqa: N806
    widths: list[float] = []
    for u in units:
        w = u.width
        if hasattr(w, "normalizedValue"):  # a percentage-wide inline image
            w._normalizer = maxWidths[0]
            w = w.normalizedValue(maxWidths[0])
        widths.append(w)
    forced = [hasattr(u.frag, "lineBreak") for u in units]
    chars = [str(u) or " " for u in units]
    lines = []
    spans = break_spans(chars, widths, maxWidths, forced)
    for k, (a, b) in enumerate(spans):
        max_width = maxWidths[min(k, len(maxWidths) - 1)]
        used = sum(widths[a:b])
        lines.append(
            rp.makeCJKParaLine(
                units[a:b], max_width, used, max_width - used, forced[b - 1], calcBounds
            )
        )
    return rp.ParaLines(kind=1, lines=lines)


_installed = False


def install() -> None:
    """Make reportlab's CJK paragraphs use these rules (idempotent)."""
    global _installed
    if _installed:
        return
    from reportlab.platypus import paragraph as rp

    if not (
        hasattr(rp, "wordSplit")
        and hasattr(rp, "cjkFragSplit")
        and hasattr(rp, "makeCJKParaLine")
        and hasattr(rp, "cjkU")
    ):
        raise RuntimeError("this reportlab version has no CJK splitter to replace")
    rp.wordSplit = word_split  # type: ignore[attr-defined]
    rp.cjkFragSplit = cjk_frag_split
    _installed = True
