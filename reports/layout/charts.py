"""Charts drawn with reportlab's own graphics, in the embedded Chinese face."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from reports.layout.official import TEXT_WIDTH, Styles

BAR_COLOUR = colors.HexColor("#4A6FA5")


def bar_chart(
    st: Styles,
    labels: Sequence[str],
    values: Sequence[int],
    title: str = "",
    width: float = TEXT_WIDTH,
    bar_mm: float = 6.5,
) -> Drawing:
    """Horizontal bars, one per label, the value printed at the end of each bar.

    Horizontal so that Chinese names read across instead of being turned on their side.
    """
    font = st.font
    count = max(1, len(labels))
    label_width = max((len(str(s)) for s in labels), default=2) * 9 + 10
    top = 18 if title else 6
    plot_height = count * bar_mm * mm
    height = plot_height + top + 22
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = 18
    chart.width = width - label_width - 30
    chart.height = plot_height
    # reportlab draws the first category at the bottom: reverse so the list reads top-down.
    chart.data = [list(reversed([int(v) for v in values]))] if values else [[0]]
    chart.categoryAxis.categoryNames = list(reversed([str(s) for s in labels])) or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    peak = max([int(v) for v in values] or [0])
    chart.valueAxis.valueMax = max(10, int(peak * 1.12) + 1)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barSpacing = 1
    chart.groupSpacing = 4
    drawing.add(chart)
    if title:
        drawing.add(
            String(
                width / 2,
                height - 12,
                title,
                fontName=st.title_font,
                fontSize=11,
                textAnchor="middle",
            )
        )
    return drawing
