"""Geometry of inline SVG bar charts; templates draw them with their figures in a table.

Everything is computed here and drawn by templates (foi/reports/_chart.html,
monev/public/_bar_chart.html, monev/public/_grouped_chart.html), so text is escaped as
usual; the table beside each chart carries the same numbers for screen readers and print.
"""

from decimal import Decimal

# Horizontal bar charts: a label column, the bar area, and room for the number.
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 230
CHART_BAR_WIDTH = 340
CHART_ROW_HEIGHT = 26
CHART_LABEL_CHARS = 34

# Grouped bars (one group per label, one thin bar per series in it).
GROUP_BAR_HEIGHT = 12
GROUP_BAR_GAP = 2
GROUP_GAP = 12


def short_label(label: str, limit: int = CHART_LABEL_CHARS) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _width(value, top) -> float:
    if value is None or not top:
        return 0
    return round(CHART_BAR_WIDTH * float(abs(value)) / float(top), 1)


def bar_chart(
    key: str,
    title: str,
    rows: list,
    *,
    value_header: str,
    show_total: bool = True,
    maximum: Decimal | int | None = None,
) -> dict:
    """A horizontal bar chart of `rows` (objects with key, label and count).

    Bars are scaled to the largest count, or to `maximum` when given (scores out of 100),
    so that charts of the same scale can be compared by eye."""
    top = maximum or max((abs(row.count) for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = index * CHART_ROW_HEIGHT
        width = _width(row.count, top)
        bars.append(
            {
                "label": row.label,
                "short_label": short_label(row.label),
                "count": row.count,
                "key": row.key,
                "y": y,
                "text_y": y + 17,
                "bar_y": y + 5,
                "width": width,
                "value_x": CHART_LABEL_WIDTH + width + 6,
            }
        )
    return {
        "key": key,
        "title": title,
        "rows": rows,
        "bars": bars,
        "total": sum(row.count for row in rows),
        "show_total": show_total,
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * CHART_ROW_HEIGHT + 4,
        "label_width": CHART_LABEL_WIDTH,
        "bar_x": CHART_LABEL_WIDTH,
        "label_x": CHART_LABEL_WIDTH - 8,
        "value_header": value_header,
    }


def grouped_bar_chart(
    key: str,
    title: str,
    groups: list[tuple[str, list]],
    *,
    series: list[str],
    maximum: Decimal | int = 100,
) -> dict:
    """Horizontal bars in groups: for each (label, values) one bar per series (e.g. a body
    and the average of its category per indicator). A missing value (None) has no bar."""
    per_group = len(series) * (GROUP_BAR_HEIGHT + GROUP_BAR_GAP) + GROUP_GAP
    out = []
    for index, (label, values) in enumerate(groups):
        top_y = index * per_group
        bars = []
        for number, value in enumerate(values):
            y = top_y + number * (GROUP_BAR_HEIGHT + GROUP_BAR_GAP)
            width = _width(value, maximum)
            bars.append(
                {
                    "series": series[number],
                    "index": number,
                    "value": value,
                    "y": y,
                    "text_y": y + GROUP_BAR_HEIGHT - 2,
                    "width": width,
                    "value_x": CHART_LABEL_WIDTH + width + 6,
                }
            )
        out.append(
            {
                "label": label,
                "short_label": short_label(label),
                "values": values,
                "label_y": top_y + (len(series) * (GROUP_BAR_HEIGHT + GROUP_BAR_GAP)) // 2 + 4,
                "bars": bars,
            }
        )
    return {
        "key": key,
        "title": title,
        "series": [{"name": name, "index": i} for i, name in enumerate(series)],
        "groups": out,
        "width": CHART_WIDTH,
        "height": max(len(groups), 1) * per_group + 4,
        "bar_x": CHART_LABEL_WIDTH,
        "label_x": CHART_LABEL_WIDTH - 8,
        "bar_height": GROUP_BAR_HEIGHT,
    }
