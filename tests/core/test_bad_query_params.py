"""Lists and dashboards given query values they cannot use: the normal page, the default
applied, and a message in the user's language naming the filter by its label."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ALERT = re.compile(r'role="alert">(.*?)<button', re.S)


def alerts(response) -> list[str]:
    return [" ".join(text.split()) for text in ALERT.findall(response.content.decode())]


def not_understood(label: str, value: str) -> str:
    return f"{label}：无法识别“{value}”，已按默认值显示。"


# (url name, user, parameter, bad value, label the message names)
CASES = [
    ("receivable_list", "finance1", "state", "zzz", "状态"),
    ("receivable_list", "finance1", "page", "-1", "页码"),
    ("payment_list", "finance1", "page", "x", "页码"),
    ("aging", "finance1", "as_of", "abc", "截止日期"),
    ("aging", "finance1", "as_of", "2025-13-01", "截止日期"),
    ("aging", "finance1", "group_by", "zzz", "分组"),
    ("collections", "finance1", "as_of", "abc", "截止日期"),
    ("collections", "finance1", "min_days", "x", "最少逾期"),
    ("collections", "finance1", "min_days", "-5", "最少逾期"),
    ("collections", "finance1", "page", "0", "页码"),
    ("receivable_kpis", "finance1", "start", "2025-13-01", "开始日期"),
    ("receivable_kpis", "finance1", "end", "abc", "结束日期"),
    ("opportunity_list", "manager1", "status", "zzz", "状态"),
    ("opportunity_list", "manager1", "level", "9", "阶段"),
    ("opportunity_list", "manager1", "level", "x", "阶段"),
    ("opportunity_list", "manager1", "page", "-1", "页码"),
    ("opportunity_board", "manager1", "owner", "999999", "销售代表"),
    ("funnel_dashboard", "manager1", "owner", "999999", "销售代表"),
    ("funnel_dashboard", "manager1", "team", "x", "团队"),
    ("funnel_dashboard", "manager1", "region", "火星", "区域"),
    ("funnel_dashboard", "manager1", "period", "decade", "周期"),
    ("funnel_dashboard", "manager1", "as_of", "abc", "截止日期"),
    ("target_list", "manager1", "year", "1900", "年"),
    ("customer_list", "manager1", "owner", "999999", "主责任人"),
    ("customer_list", "manager1", "tier", "Z", "等级"),
    ("customer_list", "manager1", "rad_type", "zzz", "RAD 类型"),
    ("customer_list", "manager1", "ordering", "zzz", "排序"),
    ("customer_list", "manager1", "page", "abc", "页码"),
    ("customer_pool", "manager1", "page", "abc", "页码"),
    ("followup_due", "rep1", "as_of", "abc", "截止日期"),
    ("followup_compliance", "manager1", "as_of", "2025-02-30", "截止日期"),
    # Real dates too near year 1 or 9999 for the pages' date arithmetic (a 30-day trend, the
    # day before a period) are not understood either, rather than an OverflowError.
    ("aging", "finance1", "as_of", "0001-01-05", "截止日期"),
    ("collections", "finance1", "as_of", "0001-01-01", "截止日期"),
    ("followup_compliance", "manager1", "as_of", "0001-01-01", "截止日期"),
    ("followup_due", "rep1", "as_of", "9999-12-31", "截止日期"),
]


@pytest.mark.parametrize(("name", "username", "param", "value", "label"), CASES)
def test_bad_filter_value_renders_the_page_with_a_message(
    client, org, name, username, param, value, label
):
    client.force_login(org[username])
    response = client.get(reverse(name), {param: value})
    assert response.status_code == 200
    assert alerts(response) == [not_understood(label, value)]
    assert param not in alerts(response)[0]


def test_garbage_in_every_filter_at_once_still_renders_aging(client, org):
    client.force_login(org["finance1"])
    response = client.get(
        reverse("aging"),
        {"as_of": "abc", "group_by": "zzz", "page": "-1", "min_days": "x", "owner": "999999"},
    )
    assert response.status_code == 200
    # The aging page paginates its groups now, so a bad page number is one more message.
    assert alerts(response) == [
        not_understood("截止日期", "abc"),
        not_understood("分组", "zzz"),
        not_understood("页码", "-1"),
    ]
    assert 'data-testid="aging"' in response.content.decode()


def test_kpi_period_ending_before_it_starts_shows_the_year_to_date(client, org):
    client.force_login(org["finance1"])
    response = client.get(reverse("receivable_kpis"), {"start": "2026-06-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert alerts(response) == ["开始日期不能晚于结束日期，已显示本年至今。"]


@pytest.mark.parametrize("name", ["aging_export", "collections_export"])
def test_export_with_a_bad_filter_goes_back_to_the_page_that_explains(client, org, name):
    client.force_login(org["finance1"])
    response = client.get(reverse(name), {"as_of": "abc"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert alerts(page) == [not_understood("截止日期", "abc")]


def test_english_user_reads_the_message_in_english(client, org):
    client.force_login(org["finance1"])
    client.cookies["django_language"] = "en"
    response = client.get(reverse("aging"), {"group_by": "zzz"})
    assert alerts(response) == ["Group by: “zzz” was not understood; the default is shown."]
