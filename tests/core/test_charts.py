"""Server-rendered SVG charts: printed values per unit, accessible markup, no script, and the
same chart drawn with the embedded Chinese font in a WeasyPrint PDF."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from salesops.core import charts
from salesops.core.pdf import FONT_STACK, render_pdf
from tests.receivables.test_pdfs import (  # noqa: F401 - fixtures
    assert_in_pdf,
    pdf_fonts,
    pdf_text,
    poppler,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "unit", "label", "exact"),
    [
        (D("0"), "yuan", "¥0", "¥0.00"),
        (D("9999.49"), "yuan", "¥9,999", "¥9,999.49"),
        (D("9999.50"), "yuan", "¥10,000", "¥9,999.50"),  # still under 1万: whole yuan
        (D("10000"), "yuan", "¥1.0万", "¥10,000.00"),
        (D("123456.78"), "yuan", "¥12.3万", "¥123,456.78"),
        (D("12345678.9"), "yuan", "¥1,234.6万", "¥12,345,678.90"),
        (D("99999999.99"), "yuan", "¥10,000.0万", "¥99,999,999.99"),
        (D("100000000"), "yuan", "¥1.00亿", "¥100,000,000.00"),
        (D("1234567890"), "yuan", "¥12.35亿", "¥1,234,567,890.00"),
        (D("-25000"), "yuan", "-¥2.5万", "-¥25,000.00"),
        (D("0.85"), "percent", "85.0%", "85.0%"),
        (0.8546, "percent", "85.5%", "85.5%"),
        (D("1.25"), "percent", "125.0%", "125.0%"),
        (0, "percent", "0.0%", "0.0%"),
        (12, "count", "12", "12"),
        (1234, "count", "1,234", "1,234"),
        (None, "count", "—", "—"),
        (None, "yuan", "—", "—"),
    ],
)
def test_value_label_and_exact_per_unit(value, unit, label, exact):
    assert charts.value_label(value, unit) == label
    assert charts.value_exact(value, unit) == exact


def svg_desc(svg: str) -> str:
    return re.search(r"<desc id=\"chart-desc-[0-9a-f]+\">(.*?)</desc>", svg).group(1)


def svg_title(svg: str) -> str:
    return re.search(r"<title id=\"chart-title-[0-9a-f]+\">(.*?)</title>", svg).group(1)


def printed_values(svg: str) -> list[str]:
    return re.findall(r'<text[^>]*class="value"[^>]*>([^<]*)</text>', svg)


def assert_plain_inline_svg(svg: str) -> None:
    assert svg.startswith("<svg ")
    assert svg.endswith("</svg>")
    assert "<?xml" not in svg
    assert "<script" not in svg.lower()
    assert "<!--" not in svg
    assert 'role="img"' in svg
    assert re.search(r'viewBox="0 0 640 \d+"', svg)
    assert 'width="100%"' in svg
    assert "height=" not in svg.split(">", 1)[0]  # the height follows the width
    assert FONT_STACK.replace(", ", ",") in svg  # pygal's CSS drops the spaces
    assert 'aria-labelledby="chart-title-' in svg


def test_bar_chart_prints_every_value_and_lists_them_in_its_description():
    svg = charts.bar(
        title="账龄分布",
        labels=["0–30天", "31–60天", "61–90天", "90天以上"],
        series=[charts.Series("余额", [D("1234567.89"), D("45678"), D("9999"), None])],
        description="截至 2026-12-01。",
    )
    assert_plain_inline_svg(svg)
    assert svg_title(svg) == "账龄分布"
    assert svg_desc(svg) == (
        "截至 2026-12-01。 余额: 0–30天 ¥1,234,567.89, 31–60天 ¥45,678.00, "
        "61–90天 ¥9,999.00, 90天以上 —"
    )
    assert printed_values(svg) == ["¥123.5万", "¥4.6万", "¥9,999"]
    for label in ("0–30天", "31–60天", "61–90天", "90天以上"):
        assert f">{label}</text>" in svg
    assert "¥120.0万</text>" in svg  # the axis, in the same short form
    assert svg.count("<title") == 1  # pygal's hover titles are gone
    assert svg.count("<desc") == 1


def test_horizontal_bars_read_top_down_with_a_legend_for_two_series():
    svg = charts.bar(
        title="目标与实际",
        labels=["张三", "李四"],
        series=[
            charts.Series("目标", [D(500000), D(300000)]),
            charts.Series("实际", [D(420000), D(350000)]),
        ],
        horizontal=True,
    )
    assert_plain_inline_svg(svg)
    assert svg_desc(svg) == (
        "目标: 张三 ¥500,000.00, 李四 ¥300,000.00; 实际: 张三 ¥420,000.00, 李四 ¥350,000.00"
    )
    # pygal draws a horizontal chart bottom-up: the first label comes last in the tree, on top
    assert svg.index(">李四</text>") < svg.index(">张三</text>")
    assert ">目标</text>" in svg
    assert ">实际</text>" in svg
    assert sorted(printed_values(svg)) == ["¥30.0万", "¥35.0万", "¥42.0万", "¥50.0万"]


def test_stacked_bar_and_count_unit():
    svg = charts.bar(
        title="跟进",
        labels=["rep1"],
        series=[charts.Series("按时", [3]), charts.Series("逾期", [1])],
        unit="count",
        stacked=True,
    )
    assert_plain_inline_svg(svg)
    assert svg_desc(svg) == "按时: rep1 3; 逾期: rep1 1"
    assert printed_values(svg) == ["3", "1"]


def test_line_chart_of_rates_prints_percentages_and_keeps_gaps():
    svg = charts.line(
        title="回款率",
        labels=["2026-07", "2026-08", "2026-09"],
        series=[
            charts.Series("A类", [0.85, D("0.9"), None]),
            charts.Series("B类", [0.5, 0.6, 0.7]),
        ],
    )
    assert_plain_inline_svg(svg)
    assert svg_desc(svg) == (
        "A类: 2026-07 85.0%, 2026-08 90.0%, 2026-09 —; B类: 2026-07 50.0%, 2026-08 60.0%, "
        "2026-09 70.0%"
    )
    assert printed_values(svg) == ["85.0%", "90.0%", "50.0%", "60.0%", "70.0%"]
    assert ">0.0%</text>" in svg  # the axis starts at zero


def test_line_chart_leaves_room_right_of_the_plot_for_the_last_printed_value():
    """The last point's value is printed right of the plot's edge: the plot stops early enough
    for "¥114.0万" (7 characters, one Chinese: 0.6 em each plus 0.4 em more for 万 at 13 px)."""
    values = [D("1040000"), D("1140000.50")]
    svg = charts.line(
        title="t", labels=["11-01", "12-01"], series=[charts.Series("a", values)], unit="yuan"
    )
    left = float(re.search(r'translate\((\d+(?:\.\d+)?), \d+\)" class="plot"', svg).group(1))
    widths = re.findall(r'width="([\d.]+)" height="[\d.]+" class="background"', svg)
    plot_width = float(widths[1])  # [0] is the whole chart's background
    assert charts.value_label(values[-1], "yuan") == "¥114.0万"
    assert charts.WIDTH - (left + plot_width) >= 0.6 * 13 * 7 + 0.4 * 13 * 1


def test_funnel_puts_the_first_stage_on_top_and_prints_counts():
    svg = charts.funnel(
        title="销售漏斗",
        labels=["1 线索", "2 需求确认", "3 方案报价"],
        values=[120, 60, 0],
    )
    assert_plain_inline_svg(svg)
    assert svg_title(svg) == "销售漏斗"
    assert svg_desc(svg) == "1 线索 120, 2 需求确认 60, 3 方案报价 0"
    assert printed_values(svg) == ["0", "60", "120"]  # drawn bottom-up
    assert svg.index(">3 方案报价</text>") < svg.index(">1 线索</text>")


def test_text_is_escaped():
    svg = charts.bar(
        title="<b>A & B</b>", labels=["<i>"], series=[charts.Series("s<", [1])], unit="count"
    )
    assert "<b>" not in svg
    assert "<i>" not in svg
    assert svg_title(svg) == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert svg_desc(svg) == "s&lt;: &lt;i&gt; 1"


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.bar(title="空", labels=[], series=[]),
        lambda: charts.bar(title="空", labels=["a"], series=[charts.Series("x", [None])]),
        lambda: charts.line(title="空", labels=[], series=[charts.Series("x", [])]),
        lambda: charts.funnel(title="空", labels=["1"], values=[None]),
    ],
)
def test_empty_data_draws_a_no_data_chart_without_axis(make):
    with translation.override("zh-hans"):
        svg = make()
    assert_plain_inline_svg(svg)
    assert svg_title(svg) == "空"
    assert ">暂无数据</text>" in svg
    assert printed_values(svg) == []
    assert "¥" not in svg.split("</style>", 1)[1]  # no made-up axis values


def test_empty_description_says_no_data():
    with translation.override("zh-hans"):
        svg = charts.bar(title="空", labels=[], series=[], description="本月。")
    assert svg_desc(svg) == "本月。 暂无数据"


def test_series_must_match_labels_and_unit_must_be_known():
    with pytest.raises(ValueError, match="2 values for 1 labels"):
        charts.bar(title="t", labels=["a"], series=[charts.Series("s", [1, 2])])
    with pytest.raises(ValueError, match="unit must be one of"):
        charts.bar(title="t", labels=["a"], series=[charts.Series("s", [1])], unit="usd")


def test_chart_is_safe_in_a_template():
    svg = charts.funnel(title="漏斗", labels=["一"], values=[1])
    html = Template("<figure class='chart'>{{ chart }}</figure>").render(Context({"chart": svg}))
    assert "<svg " in html
    assert "&lt;svg" not in html


@pytest.mark.usefixtures("poppler")
def test_chart_in_a_pdf_is_drawn_with_the_embedded_noto_sans_sc(locmem_templates):
    """WeasyPrint draws inline SVG text with the document's @font-face fonts: the chart's
    Chinese labels and its printed values come back from pdftotext, in Noto Sans SC."""
    locmem_templates(**{"doc.html": "<figure class='chart'>{{ chart }}</figure>"})
    chart = charts.bar(
        title="账龄分布",
        labels=["一至三十天", "九十天以上"],
        series=[charts.Series("余额", [D("123456.78"), D("4321")])],
    )
    content = render_pdf("doc.html", {"chart": chart})
    text = pdf_text(content)
    assert_in_pdf(text, "账龄分布", "一至三十天", "九十天以上", "¥12.3万", "¥4,321")
    fonts = pdf_fonts(content)
    assert {name for name, _emb in fonts} <= {"Noto-Sans-SC", "Noto-Sans-SC-Latin"}, fonts
    assert "Noto-Sans-SC" in {name for name, _emb in fonts}  # the Chinese subset, for 账龄
    assert all(emb == "yes" for _name, emb in fonts)
