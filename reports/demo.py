"""Demo plans and reports for seed_demo: each seller's weekly plan for this week and the last,
a monthly plan, visit reports on their recent on-site visits (some with issues) and a competitor
report or two this month. Deterministic and idempotent (a seller with plans is skipped)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from customers.models import Customer, FollowUp
from reports.models import WorkPlan
from reports.services.plans import competitor_report_save, visit_report_save, work_plan_save
from salesops.accounts.models import User

GOALS = [
    "拜访重点客户，推进方案评审",
    "跟进报价反馈，争取本周签约",
    "回款催收：逾期30天以上的客户逐一电话沟通",
    "新客户开发：约见两家潜在客户",
]
ISSUES = ["", "", "客户担心交期", "竞品报价低约8%", "采购流程变更，需重新走审批"]
COMPETITORS = [
    ("西门子", "S7-1500 系列", "报价低5%，账期90天"),
    ("汇川技术", "AM600", "免费培训两次"),
    ("本地厂商", "定制控制柜", "价格低15%，无质保延长"),
]


@transaction.atomic
def seed_plans(*, today=None) -> int:
    """Returns how many plans it wrote (0 on a second run)."""
    today = today or timezone.localdate()
    rng = random.Random(12)  # noqa: S311 - demo data, not security
    written = 0
    sellers = User.objects.filter(groups__name__in=("rep", "manager"), is_active=True)
    for seller in sellers.distinct().order_by("username"):
        if WorkPlan.objects.filter(owner=seller).exists():
            continue
        customers = list(Customer.objects.filter(owner=seller).order_by("name")[:6])
        if not customers:
            continue
        for weeks_back in (0, 1):
            work_plan_save(
                actor=seller,
                kind="week",
                period_start=today - timedelta(weeks=weeks_back),
                goals=rng.choice(GOALS),
                customers=rng.sample(customers, min(3, len(customers))),
            )
            written += 1
        work_plan_save(
            actor=seller,
            kind="month",
            period_start=today,
            goals="本月销售目标与回款计划：" + rng.choice(GOALS),
            customers=customers[:4],
        )
        written += 1
        visits = FollowUp.objects.filter(
            customer__owner=seller,
            channel=FollowUp.Channel.VISIT,
            occurred_at__date__gte=today - timedelta(days=14),
            occurred_at__date__lte=today,
        ).select_related("customer")[:5]
        for followup in visits:
            visit_report_save(
                actor=seller,
                day=timezone.localtime(followup.occurred_at).date(),
                customer=followup.customer,
                followup=followup,
                summary=followup.content[:200] or "现场拜访",
                issues=rng.choice(ISSUES),
                next_step=followup.next_step,
                today=today,
            )
        for competitor, product, terms in rng.sample(COMPETITORS, 2):
            competitor_report_save(
                actor=seller,
                month=today,
                customer=rng.choice(customers),
                competitor=competitor,
                product=product,
                price_terms=terms,
                observation="客户正在比较方案，我方技术评分领先",
                today=today,
            )
    return written
