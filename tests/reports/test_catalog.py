"""The catalogue: registration rules and the PDF page estimate that decides between a PDF in
the request and a background build."""

from dataclasses import replace

import pytest

from reports.catalog import REPORTS, Report, register


def plain(**extra) -> Report:
    fields = {
        "slug": "plain",
        "title": "Plain",
        "roles": frozenset({"rep"}),
        "build": lambda request: {},
        "template": "reports/index.html",
    }
    return Report(**{**fields, **extra})


@pytest.mark.parametrize(
    ("context", "pages"),
    [
        ({}, 1),
        ({"total": 5, "label": "x"}, 1),
        ({"rows": list(range(32))}, 1),  # 6 header rows + 32 = one page of 38
        ({"rows": list(range(33))}, 2),
        ({"rows": list(range(20)), "more": tuple(range(12))}, 1),
        ({"chart": "<svg>…</svg>", "rows": list(range(13))}, 1),  # 6 + 19 + 13 = 38
        ({"chart": "<svg>…</svg>", "rows": list(range(14))}, 2),
        ({"sections": {"a": list(range(40)), "b": list(range(40))}}, 3),  # one level down
    ],
)
def test_default_estimate(context, pages):
    assert plain().pages(context) == pages


def test_a_reports_own_estimate_wins_and_is_at_least_one_page():
    assert plain(estimate=lambda context: 7).pages({"rows": []}) == 7
    assert plain(estimate=lambda context: 0).pages({}) == 1


def test_lazy_tables_count_by_their_length():
    class Rows:
        is_table_rows = True

        def __len__(self):
            return 100

    assert plain().pages({"rows": Rows()}) == 3


def test_register_checks_the_report():
    with pytest.raises(ValueError, match="registered twice"):
        register(replace(REPORTS["aging"]))
    with pytest.raises(ValueError, match="unknown default period"):
        register(plain(slug="bad-period", default_period="fortnight"))
    with pytest.raises(ValueError, match="unknown filters"):
        register(plain(slug="bad-filter", filters=("team", "colour")))
    assert "bad-period" not in REPORTS
    assert "bad-filter" not in REPORTS


def test_roles():
    report = plain()
    assert report.allows("rep")
    assert not report.allows("finance")
    assert not report.allows(None)
