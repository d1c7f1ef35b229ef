"""Customer pages: list filters, sorting, detail, create/edit, quick log, due list, compliance,
and query counts that do not grow with the rows shown."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, FollowUp
from customers.services.customers import customer_create
from customers.services.followups import followup_log
from tests.factories import ContactFactory, CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def names(response):
    return [c.name for c in response.context["page_obj"].object_list]


@pytest.fixture
def book(org):
    """rep1's customers: A overdue, B due in the future, C never due; rep3 has one too."""
    today = timezone.localdate()
    return {
        "a": CustomerFactory(
            name="甲-A逾期",
            owner=org["rep1"],
            tier="A",
            industry="装备制造",
            next_followup_due=today - timedelta(days=2),
            status="active",
        ),
        "b": CustomerFactory(
            name="乙-B未到期",
            owner=org["rep1"],
            tier="B",
            industry="化工",
            next_followup_due=today + timedelta(days=3),
        ),
        "c": CustomerFactory(
            name="丙-C", owner=org["rep1"], tier="C", rad_type="R", credit_code="91110108551385082Q"
        ),
        "x": CustomerFactory(
            name="丁-别的团队",
            owner=org["rep3"],
            tier="A",
            next_followup_due=today - timedelta(days=9),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["甲-A逾期", "乙-B未到期", "丙-C"]),  # default: by next due, never-due last
        ({"tier": ["A", "B"]}, ["甲-A逾期", "乙-B未到期"]),
        ({"overdue": "true"}, ["甲-A逾期"]),
        ({"overdue": "false"}, ["乙-B未到期", "丙-C"]),
        ({"rad_type": "R"}, ["丙-C"]),
        ({"industry": "化"}, ["乙-B未到期"]),
        ({"status": "active"}, ["甲-A逾期"]),
        ({"q": "91110108551385082q"}, ["丙-C"]),  # credit code, any case
        ({"q": "乙"}, ["乙-B未到期"]),
        ({"ordering": "name"}, sorted(["甲-A逾期", "乙-B未到期", "丙-C"])),
        ({"ordering": "-tier"}, ["丙-C", "乙-B未到期", "甲-A逾期"]),
    ],
)
def test_list_filters_and_sorting_within_scope(client, org, book, params, expected):
    client.force_login(org["rep1"])
    assert names(client.get(reverse("customer_list"), params)) == expected


def test_owner_filter_offers_only_people_in_scope(client, org, book):
    client.force_login(org["manager1"])
    response = client.get(reverse("customer_list"), {"owner": org["rep1"].pk})
    assert names(response) == ["甲-A逾期", "乙-B未到期", "丙-C"]
    owners = set(response.context["filter"].filters["owner"].queryset)
    assert owners == {org["manager1"], org["rep1"], org["rep2"]}
    # Another team's rep is not a valid choice: the filter is invalid, so no rows leak.
    response = client.get(reverse("customer_list"), {"owner": org["rep3"].pk})
    assert "丁-别的团队" not in names(response)


def test_list_empty_state(client, org):
    client.force_login(org["rep1"])
    response = client.get(reverse("customer_list"))
    assert 'data-testid="empty"' in response.content.decode()


def test_list_query_count_does_not_grow_with_rows(client, org, django_assert_max_num_queries):
    client.force_login(org["manager1"])
    CustomerFactory.create_batch(3, owner=org["rep1"])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("customer_list"))
    CustomerFactory.create_batch(30, owner=org["rep2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("customer_list"))
    assert len(response.context["page_obj"].object_list) == 25


def test_detail_shows_strategy_next_due_and_its_query_count_is_constant(
    client, org, django_assert_max_num_queries
):
    customer = CustomerFactory(owner=org["rep1"], tier="A", next_followup_due=date(2026, 12, 1))
    client.force_login(org["rep1"])
    ContactFactory(customer=customer)
    FollowUpFactory(customer=customer)
    # 22 since issue 11: the orders section and the contracts (one query each, whatever the
    # number of orders and contracts)
    with django_assert_max_num_queries(22) as few:
        response = client.get(customer.get_absolute_url())
    html = response.content.decode()
    assert "深度绑定+定制方案" in html
    assert "2026-12-01" in html
    ContactFactory.create_batch(8, customer=customer)
    FollowUpFactory.create_batch(30, customer=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(customer.get_absolute_url())
    assert len(response.context["timeline"].object_list) == 20


def test_create_page_makes_a_customer_owned_by_the_rep(client, org):
    client.force_login(org["rep1"])
    response = client.post(
        reverse("customer_create"),
        {
            "name": "宁波港城物流集团有限公司",
            "credit_code": "914403001922038216",
            "tier": "B",
            "status": "prospect",
            "payment_terms_days": 30,
            "credit_limit": 0,
            "credit_rating": "B",
        },
    )
    customer = Customer.objects.get(name="宁波港城物流集团有限公司")
    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    assert (customer.owner, customer.tier) == (org["rep1"], "B")


def test_create_page_shows_the_credit_code_problem_and_writes_nothing(client, org):
    client.force_login(org["rep1"])
    response = client.post(
        reverse("customer_create"),
        {
            "name": "某公司",
            "credit_code": "914403001922038217",
            "tier": "B",
            "status": "prospect",
            "payment_terms_days": 30,
            "credit_limit": 0,
            "credit_rating": "B",
        },
    )
    assert response.status_code == 200
    assert "校验位" in response.context["form"].errors["credit_code"][0]
    assert not Customer.objects.exists()


def test_edit_page_saves_and_history_shows_who_changed_what(client, org):
    customer = customer_create(actor=org["rep1"], name="甲公司", tier="C")
    client.force_login(org["rep1"])
    data = {
        "name": "甲公司",
        "tier": "A",
        "status": "active",
        "payment_terms_days": 30,
        "credit_limit": "0.00",
        "credit_rating": "B",
    }
    assert client.post(reverse("customer_edit", args=[customer.pk]), data).status_code == 302
    customer.refresh_from_db()
    assert customer.tier == "A"
    html = client.get(reverse("customer_history", args=[customer.pk])).content.decode()
    assert "tier" in html
    assert "C → A" in html


def test_quick_log_with_htmx_returns_the_saved_fragment(client, org):
    customer = customer_create(actor=org["rep1"], name="甲公司", tier="A")
    client.force_login(org["rep1"])
    now = timezone.localtime().replace(second=0, microsecond=0)
    # An hour ago, but today: within the first hour after midnight an hour ago is yesterday,
    # and the cadence counts from the day the follow-up is logged.
    when = max(now - timedelta(hours=1), now.replace(hour=0, minute=0))
    response = client.post(
        reverse("followup_create", args=[customer.pk]) + "?from=detail",
        {"channel": "visit", "content": "现场拜访", "occurred_at": when.strftime("%Y-%m-%dT%H:%M")},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="followup-saved"' in html
    assert 'hx-swap-oob="afterbegin:#timeline"' in html
    followup = FollowUp.objects.get()
    assert (followup.channel, followup.content, followup.is_late) == ("visit", "现场拜访", False)
    customer.refresh_from_db()
    assert customer.next_followup_due == timezone.localdate(when) + timedelta(days=7)


def test_quick_log_errors_come_back_in_the_form_and_nothing_is_written(client, org):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    client.force_login(org["rep1"])
    response = client.post(
        reverse("followup_create", args=[customer.pk]),
        {"channel": "visit", "content": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"content", "occurred_at"}
    assert 'data-testid="followup-form"' in response.content.decode()
    assert not FollowUp.objects.exists()


def quick_log_refused(client, customer, **data):
    response = client.post(
        reverse("followup_create", args=[customer.pk]) + "?from=due",
        {"channel": "visit", "content": "现场拜访", **data},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"next_step_due": "2026-11-25"}, "next_step", "请填写该日期要完成的下一步计划。"),
        (
            {"next_step": "寄样品", "next_step_due": "2026-11-19"},
            "next_step_due",
            "完成时限不能早于跟进时间。",
        ),
    ],
)
def test_quick_log_refusal_in_the_folded_section_unfolds_it_and_never_looks_saved(
    client, org, data, field, message
):
    # Given rep1 logging a visit of 2026-11-20 from the due list
    customer = customer_create(actor=org["rep1"], name="甲公司", tier="A")
    client.force_login(org["rep1"])
    # When the folded "next step" part is wrong
    response, html = quick_log_refused(client, customer, occurred_at="2026-11-20T15:00", **data)
    # Then: the summary on top names the field, the error sits by the field, the folded
    # section is open, nothing says "saved" and nothing is written
    assert list(response.context["form"].errors) == [field]
    assert response.context["form"].errors[field] == [message]
    summary = html[html.index('data-testid="followup-errors"') : html.index("</ul>")]
    assert f'href="#id_{field}-{customer.pk}"' in summary
    assert message in summary
    more = html[html.index('data-testid="followup-more"') : html.index("</details>")]
    assert more.split(">")[0].rstrip().endswith("open")
    assert message in more
    assert f'id="id_{field}-{customer.pk}"' in more
    assert "followup-saved" not in html
    assert "跟进记录已保存" not in html
    assert not FollowUp.objects.exists()


def test_quick_log_refusal_outside_the_folded_section_leaves_it_folded(client, org):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    client.force_login(org["rep1"])
    response, html = quick_log_refused(
        client, customer, content=" ", occurred_at="2026-11-20T15:00"
    )
    assert list(response.context["form"].errors) == ["content"]
    assert 'data-testid="followup-errors"' in html
    more = html[html.index('data-testid="followup-more"') :].split(">")[0]
    assert "open" not in more
    assert not FollowUp.objects.exists()


def test_quick_log_offers_only_real_channels_and_names_a_missing_one(client, org):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    client.force_login(org["rep1"])
    response, html = quick_log_refused(client, customer, channel="", occurred_at="2026-11-20T15:00")
    channels = [value for value, _label in response.context["form"].fields["channel"].choices]
    assert channels == ["phone", "visit", "email", "wechat", "other"]
    assert list(response.context["form"].errors) == ["channel"]
    assert 'data-testid="channel-error"' in html
    assert html.index('data-testid="followup-errors"') < html.index('data-testid="channel-error"')
    assert not FollowUp.objects.exists()


def test_due_list_sections_and_constant_queries(client, org, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(org["rep1"])
    overdue = CustomerFactory(
        name="逾期客户", owner=org["rep1"], next_followup_due=today - timedelta(days=1)
    )
    due_today = CustomerFactory(name="今天客户", owner=org["rep1"], next_followup_due=today)
    CustomerFactory(
        name="下月客户", owner=org["rep1"], next_followup_due=today + timedelta(days=40)
    )
    CustomerFactory(name="别人的客户", owner=org["rep2"], next_followup_due=today)
    step = FollowUpFactory(customer=overdue, next_step="寄样品", next_step_due=today)
    with django_assert_max_num_queries(12) as few:
        response = client.get(reverse("followup_due"))
    due = response.context["due"]
    assert [r.customer.name for r in due.overdue] == ["逾期客户"]
    assert [r.customer.name for r in due.today] == ["今天客户"]
    assert due.next_steps == [step]
    for index in range(20):
        customer = CustomerFactory(owner=org["rep1"], next_followup_due=today - timedelta(days=3))
        ContactFactory.create_batch(2, customer=customer)
        FollowUpFactory(customer=customer, next_step=f"步骤{index}", next_step_due=today)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("followup_due"))
    assert len(response.context["due"].overdue) == 21
    assert due_today in [r.customer for r in response.context["due"].today]


def test_due_list_labels_visits_and_follow_ups_apart(client, org):
    today = timezone.localdate()
    CustomerFactory(
        name="待拜访客户", owner=org["rep1"], tier="A", next_visit_due=today - timedelta(days=1)
    )
    CustomerFactory(name="待跟进客户", owner=org["rep1"], tier="B", next_followup_due=today)
    client.force_login(org["rep1"])
    html = client.get(reverse("followup_due")).content.decode()
    overdue = html[html.index('data-testid="due-overdue"') : html.index('data-testid="due-today"')]
    due_today = html[html.index('data-testid="due-today"') :]
    assert "待拜访客户" in overdue
    assert "拜访到期" in overdue
    assert "跟进到期" not in overdue
    assert "待跟进客户" in due_today
    assert "跟进到期" in due_today
    assert "拜访到期" not in due_today


def test_compliance_page_shows_the_visit_share(client, org):
    as_of = date(2026, 11, 23)
    CustomerFactory(owner=org["rep1"], tier="A", next_followup_due=as_of, next_visit_due=as_of)
    CustomerFactory(
        owner=org["rep1"], tier="A", next_followup_due=as_of, next_visit_due=date(2026, 11, 1)
    )
    CustomerFactory(owner=org["rep1"], tier="A", next_followup_due=as_of, next_visit_due=as_of)
    CustomerFactory(owner=org["rep1"], tier="A", next_followup_due=as_of, next_visit_due=as_of)
    client.force_login(org["manager1"])
    response = client.get(reverse("followup_compliance"), {"as_of": "2026-11-23"})
    html = response.content.decode()
    assert "拜访达标率" in html
    visit_rate = html[html.index('data-testid="visit-rate"') :].split("</td>")[0]
    assert "75%" in visit_rate


def test_compliance_counts_customers_within_cadence_per_owner(client, org):
    as_of = date(2026, 11, 23)
    for due in (as_of, as_of + timedelta(days=1), as_of - timedelta(days=1)):
        CustomerFactory(owner=org["rep1"], next_followup_due=due)
    CustomerFactory(owner=org["rep2"], next_followup_due=as_of - timedelta(days=5))
    CustomerFactory(owner=org["rep3"], next_followup_due=as_of)  # other team
    customer = CustomerFactory(owner=org["rep1"], next_followup_due=as_of + timedelta(days=9))
    moment = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
    followup_log(
        actor=org["rep1"],
        customer=customer,
        occurred_at=moment,
        channel="phone",
        content="电话",
        now=moment + timedelta(hours=30),
    )
    client.force_login(org["manager1"])
    rows = client.get(reverse("followup_compliance"), {"as_of": "2026-11-23"}).context["rows"]
    summary = {r.owner.username: (r.customers, r.within_cadence, r.logs, r.late_logs) for r in rows}
    # The follow-up moved the 4th customer's due date to 2026-11-30: still within cadence.
    assert summary == {"rep1": (4, 3, 1, 1), "rep2": (1, 0, 0, 0)}
    assert rows[0].rate == 0.75


def test_a_manager_picking_an_owner_outside_the_team_gets_an_error_not_a_silent_default(
    client, org
):
    client.force_login(org["manager1"])
    response = client.post(
        reverse("customer_create"),
        {
            "name": "某公司",
            "tier": "B",
            "status": "prospect",
            "payment_terms_days": 30,
            "credit_limit": 0,
            "credit_rating": "B",
            "o-owner": org["rep3"].pk,
        },
    )
    assert response.status_code == 200
    assert response.context["owner_form"].errors["owner"]
    assert not Customer.objects.filter(name="某公司").exists()


def test_next_step_done_never_redirects_off_site(client, org):
    customer = CustomerFactory(owner=org["rep1"])
    step = FollowUpFactory(customer=customer, next_step="寄样品", next_step_due=date(2026, 11, 30))
    client.force_login(org["rep1"])
    response = client.post(
        reverse("followup_done", args=[step.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("followup_due")
