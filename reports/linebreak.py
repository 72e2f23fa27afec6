"""Chinese line breaking for reportlab paragraphs (wordWrap="CJK").

reportlab breaks Chinese text "like a knife" between any two characters. Its only rule lets
a few closing marks hang past the right margin, and its list misses most Chinese ones
(，；：？！”’》 …), so a line could start with "，" or "”" and a line could end with "“".
The rules applied here (GB/T 15834 punctuation usage):

- no line starts with closing punctuation (，。、；：？！”’）》」』】 …);
- no line ends with opening punctuation (“‘（《「『【 …);
- a dash —— or an ellipsis …… is not split between two lines;
- a run of Latin letters and digits (an ID number, a serial 2026-0001) is not split.

Instead of letting a mark hang in the margin, the breaker moves the last characters of the
line down to the next one, so text never leaves the text block. install() puts the breaker
into reportlab's paragraph module, so every Paragraph with wordWrap="CJK" follows it,
including those built by other report modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CANNOT_START = frozenset(
    "，。、；：？！,.;:?!”’）》」』】〕〗〙〛〉］｝)]}％%‰℃°·・～"
)
CANNOT_END = frozenset("“‘（《「『【〔〖〘〚〈［｛([{￥$#")
# Pairs that must stay together: 2-character dash and ellipsis.
_PAIRED = frozenset("—…")
_FUZZ = 1e-6


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace() and ch not in ",.;:?!)]}([{"


def can_break(text: Sequence[str], pos: int) -> bool:
    """May a line end after text[pos - 1] and the next start with text[pos]?"""
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
    step back from the first unit that does not fit to the nearest allowed break. When the
    line has no allowed break at all (a very long number), cut where it overflows.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
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
            start = i
            continue
        end = i
        while end > start + 1 and not can_break(text, end):
            end -= 1
        if end == start + 1 and not can_break(text, end):
            end = i  # nothing better: cut at the overflow
        spans.append((start, end))
        start = end
    return spans


def word_split(word: Any, maxWidths: Any, fontName: str, fontSize: float,  # noqa: N803
               encoding: str = "utf8") -> list[list[Any]]:
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


def cjk_frag_split(frags: Any, maxWidths: Any, calcBounds: Any,  # noqa: N803
                   encoding: str = "utf8") -> Any:
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
        lines.append(rp.makeCJKParaLine(units[a:b], max_width, used, max_width - used,
                                        forced[b - 1], calcBounds))
    return rp.ParaLines(kind=1, lines=lines)


_installed = False


def install() -> None:
    """Make reportlab's CJK paragraphs use these rules (idempotent)."""
    global _installed
    if _installed:
        return
    from reportlab.platypus import paragraph as rp

    if not (hasattr(rp, "wordSplit") and hasattr(rp, "cjkFragSplit")
            and hasattr(rp, "makeCJKParaLine") and hasattr(rp, "cjkU")):
        raise RuntimeError("this reportlab version has no CJK splitter to replace")
    rp.wordSplit = word_split  # type: ignore[attr-defined]
    rp.cjkFragSplit = cjk_frag_split
    _installed = True
