"""Rep's plans and reports: the services' checks, who sees which, and the pages."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.models import CompetitorReport, VisitReport, WorkPlan
from reports.selectors.plans import plans_for_review, work_plan_list
from reports.services.plans import competitor_report_save, visit_report_save, work_plan_save
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)  # a Wednesday


def plan(org, who="rep1", **kw):
    fields = {"kind": "week", "period_start": TODAY, "goals": "拜访三家重点客户"}
    return work_plan_save(actor=org[who], **{**fields, **kw})


def visit(org, customers, who="rep1", **kw):
    fields = {"day": TODAY, "customer": customers[who], "summary": "现场演示", "today": TODAY}
    return visit_report_save(actor=org[who], **{**fields, **kw})


def competitor(org, customers, who="rep1", **kw):
    fields = {
        "month": date(2026, 11, 12),
        "customer": customers[who],
        "competitor": "华科泵业",
        "observation": "报价低 8%",
        "today": TODAY,
    }
    return competitor_report_save(actor=org[who], **{**fields, **kw})


def test_a_weekly_plan_covers_its_iso_week_and_a_monthly_plan_its_month(org, customers):
    week = plan(org, customers=[customers["rep1"]])
    month = plan(org, kind="month", period_start=date(2026, 2, 14))
    assert (week.owner, week.period_start, week.period_end) == (
        org["rep1"],
        date(2026, 11, 23),
        date(2026, 11, 29),
    )
    assert [c.name for c in week.customers.all()] == ["rep1的客户"]
    assert (month.period_start, month.period_end) == (date(2026, 2, 1), date(2026, 2, 28))


def test_a_second_plan_for_the_same_week_is_refused_on_the_period(org, customers):
    plan(org)
    with pytest.raises(ValidationError) as refused:
        plan(org, period_start=date(2026, 11, 29))
    assert list(refused.value.message_dict) == ["period_start"]
    assert WorkPlan.objects.count() == 1


def test_a_plan_for_a_customer_the_rep_does_not_follow_is_refused(org, customers):
    with pytest.raises(ValidationError) as refused:
        plan(org, customers=[customers["rep1"], customers["rep2"]])
    assert list(refused.value.message_dict) == ["customers"]
    assert WorkPlan.objects.count() == 0


def test_a_plan_needs_goals(org, customers):
    with pytest.raises(ValidationError) as refused:
        plan(org, goals="   ")
    assert list(refused.value.message_dict) == ["goals"]


def test_finance_writes_no_plan_and_nobody_changes_anothers(org, customers):
    with pytest.raises(PermissionDenied):
        plan(org, who="finance1")
    mine = plan(org)
    with pytest.raises(PermissionDenied):
        work_plan_save(actor=org["manager1"], plan=mine, kind="week", period_start=TODAY, goals="x")
    mine.refresh_from_db()
    assert mine.goals == "拜访三家重点客户"


def test_editing_a_plan_changes_it_in_place(org, customers):
    mine = plan(org, customers=[customers["rep1"]])
    work_plan_save(
        actor=org["rep1"], plan=mine, kind="week", period_start=TODAY, goals="新目标", customers=[]
    )
    mine.refresh_from_db()
    assert (WorkPlan.objects.count(), mine.goals, mine.customers.count()) == (1, "新目标", 0)


def test_a_visit_report_checks_day_customer_and_follow_up(org, customers):
    other_followup = FollowUpFactory(customer=customers["rep2"])
    own_followup = FollowUpFactory(customer=customers["rep1"])
    with pytest.raises(ValidationError) as future:
        visit(org, customers, day=date(2026, 11, 26))
    with pytest.raises(ValidationError) as outside:
        visit(org, customers, customer=customers["rep2"])
    with pytest.raises(ValidationError) as wrong_followup:
        visit(org, customers, followup=other_followup)
    with pytest.raises(ValidationError) as empty:
        visit(org, customers, summary="")
    assert [list(e.value.message_dict) for e in (future, outside, wrong_followup, empty)] == [
        ["day"],
        ["customer"],
        ["followup"],
        ["summary"],
    ]
    assert VisitReport.objects.count() == 0
    report = visit(org, customers, followup=own_followup, issues=" 交期担忧 ")
    assert (report.owner, report.followup, report.issues) == (org["rep1"], own_followup, "交期担忧")


def test_a_competitor_report_is_for_the_first_of_its_month(org, customers):
    report = competitor(org, customers, product="XJ-200", price_terms="月结60天")
    assert (report.month, report.product, report.price_terms) == (
        date(2026, 11, 1),
        "XJ-200",
        "月结60天",
    )
    with pytest.raises(ValidationError) as future:
        competitor(org, customers, month=date(2026, 12, 1))
    with pytest.raises(ValidationError) as empty:
        competitor(org, customers, competitor=" ", observation="")
    assert list(future.value.message_dict) == ["month"]
    assert sorted(empty.value.message_dict) == ["competitor", "observation"]
    assert CompetitorReport.objects.count() == 1


def test_each_role_lists_exactly_its_scope(org, customers):
    for who in ("rep1", "rep2", "rep3", "manager1"):
        plan(org, who=who, goals=f"{who}的计划")
    listed = {
        viewer: sorted(p.goals for p in work_plan_list(user=org[viewer]))
        for viewer in ("rep1", "manager1", "manager2", "finance1")
    }
    assert listed == {
        "rep1": ["rep1的计划"],
        "manager1": ["manager1的计划", "rep1的计划", "rep2的计划"],
        "manager2": ["rep3的计划"],
        "finance1": ["manager1的计划", "rep1的计划", "rep2的计划", "rep3的计划"],
    }


def test_the_review_shows_the_reps_current_plans_and_recent_reports(org, customers):
    plan(org, goals="本周")
    plan(org, goals="上周", period_start=date(2026, 11, 16))
    plan(org, kind="month", goals="本月")
    visit(org, customers, summary="近期")
    visit(org, customers, summary="太早", day=date(2026, 10, 26))  # 31 days back
    competitor(org, customers)
    competitor(org, customers, month=date(2026, 8, 1), competitor="太早")
    shown = plans_for_review(user=org["manager1"], rep=org["rep1"], as_of=TODAY)
    assert sorted(p.goals for p in shown["plans"]) == ["本周", "本月"]
    assert [v.summary for v in shown["visit_reports"]] == ["近期"]
    assert [c.competitor for c in shown["competitor_reports"]] == ["华科泵业"]
    assert plans_for_review(user=org["manager2"], rep=org["rep1"], as_of=TODAY)["plans"] == []


def test_the_business_review_page_shows_the_plans(client, org, customers):
    plan(org, period_start=timezone.localdate(), goals="拜访计划ABC")
    client.force_login(org["manager1"])
    html = client.get(reverse("business_review", args=["rep1"])).content.decode()
    assert "拜访计划ABC" in html


def test_the_plan_pages_create_list_and_edit(client, org, customers):
    client.force_login(org["rep1"])
    response = client.post(
        reverse("work_plan_create"),
        {
            "kind": "week",
            "period_start": "2026-11-25",
            "goals": "目标一",
            "customers": [customers["rep1"].pk],
        },
    )
    assert response.status_code == 302
    created = WorkPlan.objects.get()
    listed = client.get(reverse("work_plan_list")).context["page_obj"].object_list
    assert [p.goals for p in listed] == ["目标一"]
    response = client.post(
        reverse("work_plan_edit", args=[created.pk]),
        {"kind": "week", "period_start": "2026-11-25", "goals": "目标二"},
    )
    created.refresh_from_db()
    assert (response.status_code, created.goals) == (302, "目标二")
    # Outside the choices: the form refuses another rep's customer, nothing written.
    response = client.post(
        reverse("work_plan_create"),
        {
            "kind": "week",
            "period_start": "2026-12-02",
            "goals": "x",
            "customers": [customers["rep2"].pk],
        },
    )
    assert (response.status_code, WorkPlan.objects.count()) == (200, 1)


def test_the_visit_and_competitor_pages_save_and_list(client, org, customers):
    client.force_login(org["rep1"])
    today = timezone.localdate()
    response = client.post(
        reverse("visit_report_create"),
        {"day": today.isoformat(), "customer": customers["rep1"].pk, "summary": "见面"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("competitor_report_create"),
        {
            "month": today.isoformat(),
            "customer": customers["rep1"].pk,
            "competitor": "对手",
            "observation": "观察",
        },
    )
    assert response.status_code == 302
    visits = client.get(reverse("visit_report_list")).context["page_obj"].object_list
    rivals = client.get(reverse("competitor_report_list")).context["page_obj"].object_list
    assert ([v.summary for v in visits], [c.competitor for c in rivals]) == (["见面"], ["对手"])


def test_empty_lists_say_so_and_a_page_of_25(client, org, customers):
    client.force_login(org["rep2"])
    html = client.get(reverse("visit_report_list")).content.decode()
    assert 'data-testid="empty"' in html
    for day in range(1, 28):
        visit(org, customers, who="rep2", day=date(2026, 10, day), summary=f"第{day}天")
    page = client.get(reverse("visit_report_list")).context["page_obj"]
    assert (len(page.object_list), page.paginator.num_pages, page.object_list[0].summary) == (
        25,
        2,
        "第27天",
    )
    page2 = client.get(reverse("visit_report_list") + "?page=2").context["page_obj"]
    assert [v.summary for v in page2.object_list] == ["第2天", "第1天"]


def test_another_reps_edit_page_is_404_and_the_managers_403(client, org, customers):
    report = visit(org, customers)
    client.force_login(org["rep2"])
    assert client.get(reverse("visit_report_edit", args=[report.pk])).status_code == 404
    client.force_login(org["manager1"])
    assert client.get(reverse("visit_report_edit", args=[report.pk])).status_code == 403


def test_editing_a_visit_report_keeps_an_old_follow_up(client, org, customers):
    # The form offers the last 60 days' follow-ups; an older linked one must survive an edit.
    today = timezone.localdate()
    old = FollowUpFactory(
        customer=customers["rep1"], occurred_at=timezone.now() - timezone.timedelta(days=90)
    )
    report = visit(org, customers, day=today, followup=old, today=today)
    client.force_login(org["rep1"])
    response = client.post(
        reverse("visit_report_edit", args=[report.pk]),
        {
            "day": today.isoformat(),
            "customer": customers["rep1"].pk,
            "followup": old.pk,
            "summary": "改过的摘要",
        },
    )
    report.refresh_from_db()
    assert (response.status_code, report.summary, report.followup_id) == (302, "改过的摘要", old.pk)


def test_editing_a_plan_keeps_a_customer_since_reassigned(client, org, customers):
    created = plan(org, period_start=timezone.localdate(), customers=[customers["rep1"]])
    customers["rep1"].owner = org["rep2"]
    customers["rep1"].save(update_fields=["owner"])
    client.force_login(org["rep1"])
    response = client.post(
        reverse("work_plan_edit", args=[created.pk]),
        {
            "kind": "week",
            "period_start": timezone.localdate().isoformat(),
            "goals": "改过的目标",
            "customers": [customers["rep1"].pk],
        },
    )
    created.refresh_from_db()
    assert (response.status_code, created.goals, list(created.customers.all())) == (
        302,
        "改过的目标",
        [customers["rep1"]],
    )
