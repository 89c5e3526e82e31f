"""Chart geometry for the SVG template (``templates/reports/_chart.svg``): plain numbers
in, rectangles and labels out, drawn by the template with SVG presentation attributes only
(no ``<style>``, no script), so the charts need nothing from outside and pass a Content
Security Policy without ``unsafe-inline``.

Why not pygal (3.1.3, tried): with ``js=[]`` and ``disable_xml_declaration`` it still
writes an inline ``<script>`` (its tooltip config) and a ``<style>`` block per chart, which
a strict CSP blocks, and it has no heat map; each bar chart was ~16 KB. Three small chart
kinds did not justify a dependency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

#: The house colours, as SVG fill values.
SERIES_COLOURS = ("#2563eb", "#f59e0b", "#10b981", "#ef4444")
HEAT_COLOUR = "#c2410c"


@dataclass
class Chart:
    width: int
    height: int
    #: A sentence for screen readers (the SVG's <title>).
    title: str
    shapes: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)


def _nice_max(value: float) -> int:
    """An axis end at least ``value`` whose half is a whole number too: 1, 2, 4, 6 or 8
    times a power of ten (and 10)."""
    if value <= 1:
        return 1 if value <= 0 else 2
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 6, 8, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    width: int = 480,
    height: int = 200,
) -> Chart:
    """Grouped bars: one group per category (e.g. a day), one bar per series."""
    left, right, top, bottom = 40, 8, 22, 28
    chart = Chart(width=width, height=height, title=title)
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for _, values in series for v in values), default=0))
    n = max(len(categories), 1)
    group = plot_w / n
    bar_w = max(group * 0.8 / max(len(series), 1), 1.0)
    for tick in (0, top_value // 2, top_value) if top_value > 1 else (0, 1):
        y = top + plot_h - plot_h * tick / top_value
        chart.shapes.append(
            {"kind": "line", "x1": left, "x2": width - right, "y1": round(y, 1), "y2": round(y, 1)}
        )
        chart.labels.append(
            {"x": left - 4, "y": round(y + 4, 1), "text": str(tick), "anchor": "end"}
        )
    every = max(1, math.ceil(n / 7))  # at most seven category labels fit
    for index, category in enumerate(categories):
        x0 = left + group * index + group * 0.1
        for number, (name, values) in enumerate(series):
            value = values[index]
            h = plot_h * value / top_value
            chart.shapes.append(
                {
                    "kind": "rect",
                    "x": round(x0 + bar_w * number, 1),
                    "y": round(top + plot_h - h, 1),
                    "w": round(bar_w, 1),
                    "h": round(h, 1),
                    "fill": SERIES_COLOURS[number % len(SERIES_COLOURS)],
                    "tip": f"{category}: {value} {name}",
                }
            )
        if index % every == 0:
            chart.labels.append(
                {
                    "x": round(left + group * (index + 0.5), 1),
                    "y": height - 10,
                    "text": category,
                    "anchor": "middle",
                }
            )
    chart.legend = [
        {
            "name": name,
            "fill": SERIES_COLOURS[number % len(SERIES_COLOURS)],
            "x": left + 150 * number,
        }
        for number, (name, _) in enumerate(series)
    ]
    return chart


def heat_strip(rows: Sequence[tuple[str, Sequence[int]]], *, title: str, width: int = 480) -> Chart:
    """One strip of 24 cells per row (a kiosk), darker for more (hours of the day)."""
    left, top, cell_h, gap = 110, 18, 22, 3
    height = top + len(rows) * (cell_h + gap) + 4
    chart = Chart(width=width, height=max(height, 40), title=title)
    cell_w = (width - left - 4) / 24
    peak = max((v for _, values in rows for v in values), default=0) or 1
    for hour in range(0, 24, 3):
        chart.labels.append(
            {
                "x": round(left + cell_w * (hour + 0.5), 1),
                "y": 12,
                "text": f"{hour}h",
                "anchor": "middle",
            }
        )
    for index, (name, values) in enumerate(rows):
        y = top + index * (cell_h + gap)
        chart.labels.append(
            {"x": left - 6, "y": y + cell_h - 6, "text": name[:16], "anchor": "end"}
        )
        for hour, value in enumerate(values):
            chart.shapes.append(
                {
                    "kind": "rect",
                    "x": round(left + cell_w * hour, 1),
                    "y": y,
                    "w": round(cell_w - 1, 1),
                    "h": cell_h,
                    "fill": HEAT_COLOUR if value else "#e5e7eb",
                    # A floor of 0.15: one sighting still shows against none.
                    "opacity": round(0.15 + 0.85 * value / peak, 2) if value else 1,
                    "tip": f"{name}, {hour}:00-{hour + 1}:00: {value}",
                }
            )
    return chart


def funnel(
    steps: Sequence[tuple[str, int]], *, title: str, width: int = 480, of_first: bool = False
) -> Chart:
    """Centred bars, each as wide as its count against the widest step, with its share of
    the step before it (``of_first``: of the first step, when the later steps are parts
    of the first rather than a sequence, as holds sold and holds expired are)."""
    bar_h, gap, top = 34, 8, 4
    height = top + len(steps) * (bar_h + gap)
    chart = Chart(width=width, height=height, title=title)
    widest = max((count for _, count in steps), default=0) or 1
    for index, (name, count) in enumerate(steps):
        w = max((width - 8) * count / widest, 2)
        y = top + index * (bar_h + gap)
        chart.shapes.append(
            {
                "kind": "rect",
                "x": round((width - w) / 2, 1),
                "y": y,
                "w": round(w, 1),
                "h": bar_h,
                "fill": SERIES_COLOURS[index % len(SERIES_COLOURS)],
                "tip": f"{name}: {count}",
            }
        )
        share = ""
        if index:
            base_name, base = steps[0] if of_first else steps[index - 1]
            if base:
                share = f" ({100 * count / base:.0f}% of {base_name})"
        chart.labels.append(
            {
                "x": width / 2,
                "y": y + bar_h / 2 + 5,
                "text": f"{name}: {count}{share}",
                "anchor": "middle",
                "outline": True,
            }
        )
    chart.title = f"{title}: " + ", ".join(f"{name} {count}" for name, count in steps)
    return chart
