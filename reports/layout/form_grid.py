"""Fast building blocks for printouts of thousands of identical forms.

The 人口信息登记表 prints one page per household: 6,500 pages for the seed community and
65,000 for a district. reportlab's Table is general (a style command on any cell range, auto
widths, splitting inside cells) and most of a page's time went into it. FormGrid draws the
subset those forms use straight onto the canvas: fixed column widths, spans, a ruled grid
with heavier rules above chosen rows, shaded header rows and columns, cells centred
vertically. It keeps Table's geometry (row heights, text baselines, which rule segments a
span hides, the order of drawing), so a page looks exactly as it did.

Repeated stands in for a flowable that is the same on every page (the title, the signature
line): it is built, measured and drawn once (into a form XObject), then placed on each page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

FORM_MARGIN = 20.0  # points around a Repeated flowable's form XObject
Cell = Any  # a str, or a Flowable (a Paragraph that wraps)
Span = tuple[int, int, int, int]  # first column, first row, last column, last row


@dataclass(frozen=True)
class GridStyle:
    """What a Table would get from its TableStyle. leading stays 12, reportlab's CellStyle
    default, when a table sets only FONTSIZE; padding and rule widths in points."""

    font: str
    size: float
    leading: float = 12.0
    top: float = 3.0
    bottom: float = 3.0
    left: float = 6.0
    right: float = 6.0
    rule: float = 0.5
    heavy_rule: float = 1.0
    shade: Any = None  # colour of the header rows and shade_columns


class FormGrid(Flowable):
    """A ruled grid of fixed columns; header rows repeat when it continues on the next page.

    rows: the cells, row by row; spans: merged cell ranges; heavy: rows with a heavier rule
    above them (len(rows): a heavier rule under the last); header_rows: rows repeated on every
    page (centred when centre_header); centre_columns: body columns whose text is centred;
    shade_columns: columns shaded top to bottom. It splits only between rows that no span joins.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[Cell]],
        widths: Sequence[float],
        style: GridStyle,
        *,
        spans: Sequence[Span] = (),
        heavy: Sequence[int] = (),
        header_rows: int = 0,
        centre_header: bool = False,
        centre_columns: Iterable[int] = (),
        shade_columns: Sequence[int] = (),
    ) -> None:
        super().__init__()
        self.hAlign = "CENTER"  # as Table
        self.rows = [list(r) for r in rows]
        self.widths = list(widths)
        self.style = style
        self.spans = list(spans)
        self.heavy = sorted(set(heavy))
        self.header_rows = header_rows
        self.centre_header = centre_header
        self.centre_columns = frozenset(centre_columns)
        self.shade_columns = tuple(shade_columns)
        self._heights: list[float] | None = None
        self._sizes: dict[tuple[int, int], tuple[float, float]] = {}

    # -- geometry ------------------------------------------------------------------------
    def _span_map(
        self,
    ) -> tuple[dict[tuple[int, int], Span], set[tuple[int, int]], set[tuple[int, int]]]:
        """Top-left cell -> its span; cells a span hides; cells inside a span over rows."""
        tops: dict[tuple[int, int], Span] = {}
        hidden: set[tuple[int, int]] = set()
        row_spanned: set[tuple[int, int]] = set()
        for c0, r0, c1, r1 in self.spans:
            tops[c0, r0] = (c0, r0, c1, r1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (c, r) != (c0, r0):
                        hidden.add((c, r))
                    if r1 > r0:
                        row_spanned.add((c, r))
        return tops, hidden, row_spanned

    def _cell_width(self, c: int, span: Span | None) -> float:
        return sum(self.widths[c : span[2] + 1]) if span else self.widths[c]

    def _row_heights(self) -> list[float]:
        """Row heights as Table computes them (string cells: lines × leading; flowables: their
        wrapped height; plus padding). A cell spanning rows only makes its rows taller when
        they are too short for it together."""
        if self._heights is not None:
            return self._heights
        st = self.style
        tops, hidden, row_spanned = self._span_map()
        needs: dict[tuple[int, int], float] = {}
        heights: list[float] = []
        for r, row in enumerate(self.rows):
            h = 0.0
            for c, value in enumerate(row):
                span = tops.get((c, r))
                if (c, r) in row_spanned and span is None:
                    continue
                if isinstance(value, Flowable):
                    if (c, r) in hidden:
                        continue
                    width = self._cell_width(c, span) - st.left - st.right
                    w, t = value.wrap(width, 72000)
                    self._sizes[c, r] = (w, t)
                else:
                    t = st.leading * len(str(value).split("\n"))
                t += st.top + st.bottom
                if span is not None and span[3] > span[1]:
                    needs[span[1], span[3]] = max(needs.get((span[1], span[3]), t), t)
                    t = 0.0
                h = max(h, t)
            heights.append(h)
        for (r0, r1), need in needs.items():
            have = sum(heights[r0 : r1 + 1])
            if have < need:
                extra = (need - have) / (r1 - r0 + 1)
                for r in range(r0, r1 + 1):
                    heights[r] += extra
        self._heights = heights
        return heights

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = sum(self._row_heights())
        return self.width, self.height

    # -- splitting ----------------------------------------------------------------------
    def _split_points(self) -> list[int]:
        """Rows before which the grid may break (no span runs across the break)."""
        joined = {r for _c0, r0, _c1, r1 in self.spans for r in range(r0 + 1, r1 + 1)}
        return [r for r in range(self.header_rows + 1, len(self.rows)) if r not in joined]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        heights = self._row_heights()
        fits = [r for r in self._split_points() if sum(heights[:r]) <= availHeight]
        if not fits:
            return []
        at = fits[-1]
        return [self._part(0, at), self._part(at, len(self.rows))]

    def _part(self, start: int, end: int) -> FormGrid:
        """Rows start..end (the header rows first when start is past them)."""
        keep = list(range(self.header_rows)) if start >= self.header_rows else []
        keep += list(range(start, end))
        new_index = {old: new for new, old in enumerate(keep)}
        spans = [
            (c0, new_index[r0], c1, new_index[r1])
            for c0, r0, c1, r1 in self.spans
            if r0 in new_index and r1 in new_index
        ]
        # A heavier rule above the first row of the next part is also drawn under this one.
        heavy = [new_index[r] for r in self.heavy if r in new_index]
        heavy += [len(keep)] if end in self.heavy else []
        part = FormGrid(
            [self.rows[r] for r in keep],
            self.widths,
            self.style,
            spans=spans,
            heavy=heavy,
            header_rows=self.header_rows,
            centre_header=self.centre_header,
            centre_columns=self.centre_columns,
            shade_columns=self.shade_columns,
        )
        return part

    # -- drawing ------------------------------------------------------------------------
    def draw(self) -> None:
        st = self.style
        canv = self.canv
        heights = self._row_heights()
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        ys = [sum(heights)]  # the top of each row, then the bottom of the last
        for h in heights:
            ys.append(ys[-1] - h)
        tops, hidden, _row_spanned = self._span_map()
        canv.saveState()
        self._shade(xs, ys)
        canv.setFillColor(colors.black)
        text = canv.beginText()
        text.setFont(st.font, st.size, st.leading)
        flowables: list[tuple[Flowable, float, float]] = []
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                if (c, r) in hidden:
                    continue
                span = tops.get((c, r))
                c1, r1 = (span[2], span[3]) if span else (c, r)
                x, width = xs[c], xs[c1 + 1] - xs[c]
                bottom, height = ys[r1 + 1], ys[r] - ys[r1 + 1]
                centre = (r < self.header_rows and self.centre_header) or (
                    r >= self.header_rows and c in self.centre_columns
                )
                if isinstance(value, Flowable):
                    w, h = self._sizes[c, r]
                    y = bottom + (height + st.bottom - st.top + h) / 2.0 - h
                    left = x + ((width + st.left - st.right - w) / 2.0 if centre else st.left)
                    flowables.append((value, left, y))
                    continue
                lines = str(value).split("\n")
                y = bottom + (st.bottom + height - st.top + len(lines) * st.leading) / 2.0 - st.size
                for line in lines:
                    if line:
                        left = x + st.left
                        if centre:
                            left = (
                                x
                                + (width + st.left - st.right) * 0.5
                                - 0.5 * stringWidth(line, st.font, st.size)
                            )
                        text.setTextOrigin(left, y)
                        text.textOut(line)
                    y -= st.leading
        canv.drawText(text)
        for flowable, x, y in flowables:
            flowable.drawOn(canv, x, y)
        self._rules(xs, ys)
        canv.restoreState()

    def _shade(self, xs: list[float], ys: list[float]) -> None:
        st, canv = self.style, self.canv
        if st.shade is None:
            return
        canv.setFillColor(st.shade)
        if self.header_rows:
            canv.rect(xs[0], ys[0], xs[-1] - xs[0], ys[self.header_rows] - ys[0], stroke=0, fill=1)
        for c in self.shade_columns:
            canv.rect(xs[c], ys[0], xs[c + 1] - xs[c], ys[-1] - ys[0], stroke=0, fill=1)

    def _rules(self, xs: list[float], ys: list[float]) -> None:
        """The grid, leaving out the rules inside merged cells, then the heavier rules."""
        st, canv = self.style, self.canv
        h_blocks: dict[int, list[tuple[float, float]]] = {}
        v_blocks: dict[int, list[tuple[float, float]]] = {}
        for c0, r0, c1, r1 in self.spans:
            for r in range(r0 + 1, r1 + 1):
                h_blocks.setdefault(r, []).append((xs[c0], xs[c1 + 1]))
            for c in range(c0 + 1, c1 + 1):
                v_blocks.setdefault(c, []).append((ys[r1 + 1], ys[r0]))
        segments: list[tuple[float, float, float, float]] = []
        for r, y in enumerate(ys):
            for a, b in _open_runs(xs[0], xs[-1], h_blocks.get(r, [])):
                segments.append((a, y, b, y))
        for c, x in enumerate(xs):
            for a, b in _open_runs(ys[-1], ys[0], v_blocks.get(c, [])):
                segments.append((x, a, x, b))
        canv.setStrokeColor(colors.black)
        canv.setLineCap(1)  # round caps and joins: Table's default for its line commands
        canv.setLineJoin(1)
        canv.setLineWidth(st.rule)
        canv.lines(segments)
        if self.heavy:
            canv.setLineWidth(st.heavy_rule)
            canv.lines(
                [
                    (a, ys[r], b, ys[r])
                    for r in self.heavy
                    for a, b in _open_runs(xs[0], xs[-1], h_blocks.get(r, []))
                ]
            )


def _open_runs(
    start: float, end: float, blocks: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The parts of start..end outside the blocked intervals."""
    runs = []
    at = start
    for a, b in sorted(blocks):
        if a > at:
            runs.append((at, a))
        at = max(at, b)
    if at < end:
        runs.append((at, end))
    return runs


class _Shared:
    """What the copies of one prototype share: its sizes by available width, and the width
    it was last laid out at (a Paragraph or Table draws as its last wrap laid it out)."""

    def __init__(self, prototype: Flowable) -> None:
        self.prototype = prototype
        self.sizes: dict[float, tuple[float, float]] = {}
        self.laid_out: float | None = None

    def size(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth not in self.sizes:
            self.sizes[availWidth] = self.prototype.wrap(availWidth, availHeight)
            self.laid_out = availWidth
        return self.sizes[availWidth]

    def draw(self, canv: Any, availWidth: float, availHeight: float) -> None:
        """Drawn once into a form XObject of this canvas, then placed on each page."""
        forms = canv.__dict__.setdefault("_repeated_forms", {})
        key = (id(self), availWidth)
        if key not in forms:
            if self.laid_out != availWidth:
                self.prototype.wrap(availWidth, availHeight)
                self.laid_out = availWidth
            w, h = self.sizes[availWidth]
            forms[key] = name = f"NDeskRepeated{len(forms)}"
            # A margin for round line caps and glyphs that reach past the flowable's box.
            canv.beginForm(name, -FORM_MARGIN, -FORM_MARGIN, w + FORM_MARGIN, h + FORM_MARGIN)
            self.prototype.drawOn(canv, 0, 0)
            canv.endForm()
        canv.doForm(forms[key])


class Repeated(Flowable):
    """A flowable that is the same on every page: built and measured once, drawn each time.

    Make one per page with repeat(prototype)(); the copies share the prototype.
    """

    def __init__(self, shared: _Shared) -> None:
        super().__init__()
        self.shared = shared
        self.hAlign = getattr(shared.prototype, "hAlign", "LEFT")
        self._avail = (0.0, 0.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._avail = (availWidth, availHeight)
        self.width, self.height = self.shared.size(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []  # a line or two: it moves to the next page whole

    def getSpaceBefore(self) -> float:
        return float(self.shared.prototype.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.shared.prototype.getSpaceAfter())

    def draw(self) -> None:
        self.shared.draw(self.canv, *self._avail)


def repeat(prototype: Flowable) -> Callable[[], Repeated]:
    """A maker of Repeated copies of prototype."""
    shared = _Shared(prototype)
    return lambda: Repeated(shared)
