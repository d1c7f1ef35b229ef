"""Charts drawn on the server as inline SVG by pygal, the same string on a page and in a PDF.

Every chart is accessible and readable without hovering: the root `<svg>` has `role="img"`, a
`<title>` and a `<desc>` listing every label and value, and every value is printed on the chart
(no JavaScript: pygal's tooltips and their script are left out). Text uses the Noto Sans SC font
stack of `salesops.core.pdf`, so WeasyPrint draws the Chinese labels with the embedded font and a
browser with the same web font (or any CJK font). The chart scales to the width of its container
(a viewBox, `width: 100%`).

Units: "yuan" (Decimal yuan), "percent" (fractions: 0.85 is 85.0%) and "count". Printed values
and axis labels are short (`value_label`); the `<desc>` gives exact figures (`value_exact`).
A chart with no values at all is still a chart: the frame with "No data" in the middle, so a
template always has something to put in its `<figure>`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.etree import etree
from pygal.style import Style

from salesops.core.pdf import FONT_STACK

UNITS = ("yuan", "percent", "count")
WIDTH = 640  # viewBox units: a chart shown 640 px wide draws its text at the sizes below
BAR_HEIGHT = 360
ROW_HEIGHT = 34  # per label of a horizontal bar chart
COLORS = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997", "#6c757d")

STYLE = Style(
    font_family=FONT_STACK,
    background="transparent",
    plot_background="transparent",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#adb5bd",
    colors=COLORS,
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=13,
    value_label_font_size=13,
    no_data_font_size=24,
    guide_stroke_color="#dee2e6",
    major_guide_stroke_color="#ced4da",
    guide_stroke_dasharray="3,3",
    major_guide_stroke_dasharray="3,3",
    opacity=".9",
    opacity_hover=".9",
    transition="0s",
)

TEN_THOUSAND = Decimal(10_000)
HUNDRED_MILLION = Decimal(100_000_000)


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label; None where there is no value."""

    name: str
    values: list = field(default_factory=list)


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def value_label(value, unit: str) -> str:
    """The short form printed on a chart and on its axis.

    yuan: under ¥10,000 in whole yuan ("¥9,876"), then in 万 with one decimal ("¥12.3万",
    "¥1,234.5万"), from 1亿 in 亿 with two ("¥1.23亿"); percent: one decimal ("85.0%");
    count: whole with separators ("1,234"). None prints as "—".
    """
    if value is None:
        return "—"
    number = _decimal(value)
    if unit == "percent":
        return f"{_round(number * 100, 1):,}%"
    if unit == "count":
        return f"{_round(number, 0):,}"
    sign, size = ("-" if number < 0 else ""), abs(number)
    if size >= HUNDRED_MILLION:
        return f"{sign}¥{_round(size / HUNDRED_MILLION, 2):,}亿"
    if size >= TEN_THOUSAND:
        return f"{sign}¥{_round(size / TEN_THOUSAND, 1):,}万"
    return f"{sign}¥{_round(size, 0):,}"


def value_exact(value, unit: str) -> str:
    """The exact form the description lists: "¥12,345.67", "85.0%", "12"; None is "—"."""
    if value is None:
        return "—"
    if unit == "yuan":
        number = _decimal(value)
        sign = "-" if number < 0 else ""
        return f"{sign}¥{_round(abs(number), 2):,}"
    return value_label(value, unit)


def _check(unit: str, labels: list, series: Iterable[Series]) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(
                f"series {item.name!r} has {len(item.values)} values for {len(labels)} labels"
            )


def _description(labels: list, series: list[Series], unit: str, text: str) -> str:
    """ "<text> <series>: <label> <value>, …; <series>: …" — every value, exact."""
    parts = []
    named = len(series) > 1 or any(item.name for item in series)
    for item in series:
        pairs = ", ".join(
            f"{label} {value_exact(value, unit)}"
            for label, value in zip(labels, item.values, strict=True)
        )
        parts.append(f"{item.name}: {pairs}" if named and item.name else pairs)
    listing = "; ".join(parts) if parts and labels else _("No data")
    return f"{text.strip()} {listing}".strip() if text.strip() else listing


def _floats(values: list) -> list:
    """pygal computes with floats; None stays a gap."""
    return [None if value is None else float(value) for value in values]


def _wide_extra(labels: list[str], font_size: int) -> float:
    """What pygal's text-width estimate (0.6 em a character) misses for the widest label:
    a Chinese character is a full em wide, so the axis labels would be cut at the left."""
    wide = [sum(1 for char in label if ord(char) > 0x2E7F) for label in labels]
    return 0.4 * font_size * max(wide, default=0)


def _config(
    *, title: str, unit: str, height: int, legend: bool, side_labels=(), empty=False, **extra
) -> dict:
    def label(value):
        return value_label(value, unit)

    if empty:  # no axis of made-up values around "No data"
        extra.update(
            show_x_labels=False, show_y_labels=False, show_y_guides=False, show_x_guides=False
        )
    return {
        "title": title,
        "style": STYLE,
        "js": [],  # no script: values are printed, not shown on hover
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": WIDTH,
        "height": height,
        "print_values": True,
        "print_zeroes": True,
        "value_formatter": label,
        "show_legend": legend,
        "legend_at_bottom": True,
        "truncate_label": -1,
        "truncate_legend": -1,
        "no_data_text": _("No data"),
        "margin": 12,
        "margin_right": 36,  # room for the last label and value
        "margin_left": 12 + _wide_extra(list(side_labels), STYLE.label_font_size),
        "spacing": 8,
        **extra,
    }


def _finish(chart, *, title: str, description: str) -> SafeString:
    """The pygal tree made accessible and script-free, serialised as inline SVG."""
    root = chart.render_tree()
    key = uuid.uuid4().hex[:12]
    title_id, desc_id = f"chart-title-{key}", f"chart-desc-{key}"
    # Hover-only parts: pygal's config <script>, the tooltip overlay and the per-point
    # <desc>/<title> that feed it.
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            klass = child.get("class") or ""
            # (a tag that is not a string is a comment: pygal's banner)
            if not tag or tag in ("desc", "title", "script") or "tooltip-overlay" in klass:
                parent.remove(child)
            else:  # the legend's ids are for the script, and repeat from chart to chart
                child.attrib.pop("id", None)
    root.set("role", "img")
    root.set("aria-labelledby", f"{title_id} {desc_id}")
    root.set("width", "100%")
    root.set("preserveAspectRatio", "xMidYMid meet")
    root.set("style", "width:100%;height:auto;max-width:100%")
    title_node = etree.Element("title", id=title_id)
    title_node.text = title
    desc_node = etree.Element("desc", id=desc_id)
    desc_node.text = description
    root.insert(0, desc_node)
    root.insert(0, title_node)
    svg = etree.tostring(root, encoding="unicode")
    return mark_safe(svg)  # noqa: S308 - etree escapes every text and attribute


def _bar_chart(horizontal: bool, stacked: bool):
    if horizontal:
        return pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar
    return pygal.StackedBar if stacked else pygal.Bar


def _draw(chart_class, *, title, labels, series, unit, description, horizontal, **options):
    """Configure, fill and finish one pygal chart. pygal draws a horizontal chart's first
    label at the bottom; labels and values go in reversed so the first is on top, as read."""
    _check(unit, labels, series)
    empty = not labels or not any(v is not None for item in series for v in item.values)
    chart = chart_class(
        **_config(
            title=title,
            unit=unit,
            legend=len(series) > 1 and not empty,
            side_labels=labels if horizontal else (),
            empty=empty,
            **options,
        )
    )
    order = (lambda values: list(reversed(values))) if horizontal else list
    chart.x_labels = order(labels)
    if not empty:
        for item in series:
            chart.add(item.name, _floats(order(item.values)))
    return _finish(chart, title=title, description=_description(labels, series, unit, description))


def bar(
    *,
    title: str,
    labels: list[str],
    series: list[Series],
    unit: str = "yuan",
    horizontal: bool = False,
    stacked: bool = False,
    description: str = "",
) -> SafeString:
    """Bars per label, one colour per series (with a legend when there are several); values
    printed at the end of each bar (in the middle of each part when stacked)."""
    labels = [str(label) for label in labels]
    rows = len(labels) * (1 if stacked else max(len(series), 1))
    return _draw(
        _bar_chart(horizontal, stacked),
        title=title,
        labels=labels,
        series=series,
        unit=unit,
        description=description,
        horizontal=horizontal,
        height=max(BAR_HEIGHT, 120 + ROW_HEIGHT * rows) if horizontal else BAR_HEIGHT,
        print_values_position="center" if stacked else "top",
    )


def line(
    *,
    title: str,
    labels: list[str],
    series: list[Series],
    unit: str = "percent",
    description: str = "",
) -> SafeString:
    """A line per series over the labels (months, weeks), each point's value printed; the
    axis starts at zero so that a small change does not look like a fall."""
    labels = [str(label) for label in labels]
    # The last point's value is printed to the right of the plot's right edge: leave room for
    # the widest one (0.6 em a character, a full em for a Chinese one), or it is cut off.
    last = [value_label(item.values[-1], unit) for item in series if item.values]
    size = STYLE.value_font_size
    room = max((0.6 * size * len(text) + _wide_extra([text], size) for text in last), default=0)
    return _draw(
        pygal.Line,
        margin_right=max(36, 16 + room),
        title=title,
        labels=labels,
        series=series,
        unit=unit,
        description=description,
        horizontal=False,
        height=BAR_HEIGHT,
        print_values_position="top",
        include_x_axis=True,
        dots_size=4,
        allow_interruptions=True,
        x_label_rotation=0 if len(labels) <= 8 else 30,
    )


def funnel(
    *,
    title: str,
    labels: list[str],
    values: list,
    unit: str = "count",
    description: str = "",
) -> SafeString:
    """A funnel, first stage on top: one horizontal bar per stage, so a stage's name and value
    stay readable however small it is (pygal's own funnel shrinks late stages to slivers)."""
    labels = [str(label) for label in labels]
    return _draw(
        pygal.HorizontalBar,
        title=title,
        labels=labels,
        series=[Series("", list(values))],
        unit=unit,
        description=description,
        horizontal=True,
        height=max(BAR_HEIGHT, 120 + ROW_HEIGHT * len(labels)),
        print_values_position="top",
    )
