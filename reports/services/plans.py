"""Rep's plans and reports (work plans, visit reports, competitor reports): each written by a
rep for themselves, about customers they can see; only its author changes it later."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, FollowUp
from reports.models import CompetitorReport, VisitReport, WorkPlan
from salesops.accounts.access import can_write
from salesops.core.errors import NotPermitted, ServiceError


def require_author(actor, record=None) -> None:
    """Reps, managers and admins write their own plans and reports; finance writes none, and
    nobody changes another's (a manager reads the team's)."""
    if not can_write(actor):
        raise NotPermitted(_("Your role does not write plans or reports."))
    if record is not None and record.owner_id != actor.pk:
        raise NotPermitted(_("Only its author may change a plan or report."))


def _visible_customer(actor, customer: Customer, *, field: str = "customer") -> Customer:
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise ServiceError(_("You cannot report on this customer."), field=field)
    return customer


def _not_after_today(day: date, *, today: date, field: str) -> None:
    if day > today:
        raise ServiceError(_("This date is in the future."), field=field)


def plan_period(kind: str, day: date) -> tuple[date, date]:
    """The ISO week (Monday to Sunday) or the calendar month holding `day`."""
    if kind == WorkPlan.Kind.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == WorkPlan.Kind.MONTH:
        start = day.replace(day=1)
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    raise ServiceError(_("Choose a weekly or a monthly plan."), field="kind")


@transaction.atomic
def work_plan_save(
    *,
    actor,
    plan: WorkPlan | None = None,
    kind: str,
    period_start: date,
    goals: str,
    customers: Iterable[Customer] = (),
) -> WorkPlan:
    """Create (plan None) or change a work plan. `period_start` may be any day of the week or
    month: the plan is for the whole week (from its Monday) or month (from its first)."""
    require_author(actor, plan)
    start, end = plan_period(kind, period_start)
    goals = goals.strip()
    if not goals:
        raise ServiceError(_("Write the plan's goals."), field="goals")
    customers = list(customers)
    visible = set(
        Customer.objects.visible_to(actor)
        .filter(pk__in=[c.pk for c in customers])
        .values_list("pk", flat=True)
    )
    # Customers already on the plan stay allowed (reassigned since): only new ones are checked.
    if plan is not None:
        visible |= set(plan.customers.values_list("pk", flat=True))
    if any(c.pk not in visible for c in customers):
        raise ServiceError(
            _("You cannot plan for a customer you do not follow."), field="customers"
        )
    plan = plan or WorkPlan(owner=actor)
    plan.kind, plan.period_start, plan.period_end, plan.goals = kind, start, end, goals
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ServiceError(
            _("You already have a plan for this period; change that one."), field="period_start"
        ) from None
    plan.customers.set(customers)
    return plan


@transaction.atomic
def visit_report_save(
    *,
    actor,
    report: VisitReport | None = None,
    day: date,
    customer: Customer,
    summary: str,
    followup: FollowUp | None = None,
    issues: str = "",
    next_step: str = "",
    today: date | None = None,
) -> VisitReport:
    """Create (report None) or change a daily visit report (拜访日报) of a day not in the future;
    the follow-up it reports on, if any, must be one of that customer's."""
    require_author(actor, report)
    _visible_customer(actor, customer)
    _not_after_today(day, today=today or timezone.localdate(), field="day")
    summary = summary.strip()
    if not summary:
        raise ServiceError(_("Write what happened."), field="summary")
    unchanged = report is not None and followup is not None and followup.pk == report.followup_id
    if followup is not None and (
        followup.customer_id != customer.pk
        or (
            not unchanged and not FollowUp.objects.visible_to(actor).filter(pk=followup.pk).exists()
        )
    ):
        raise ServiceError(_("Choose a follow-up of this customer."), field="followup")
    report = report or VisitReport(owner=actor)
    report.day, report.customer, report.followup = day, customer, followup
    report.summary, report.issues, report.next_step = summary, issues.strip(), next_step.strip()
    report.save()
    return report


@transaction.atomic
def competitor_report_save(
    *,
    actor,
    report: CompetitorReport | None = None,
    month: date,
    customer: Customer,
    competitor: str,
    observation: str,
    product: str = "",
    price_terms: str = "",
    today: date | None = None,
) -> CompetitorReport:
    """Create (report None) or change a competitor monthly report (竞品月报) for the month
    holding `month` (not a future month)."""
    require_author(actor, report)
    _visible_customer(actor, customer)
    first = month.replace(day=1)
    _not_after_today(first, today=today or timezone.localdate(), field="month")
    competitor, observation = competitor.strip(), observation.strip()
    errors = {}
    if not competitor:
        errors["competitor"] = _("Name the competitor.")
    if not observation:
        errors["observation"] = _("Write what you observed.")
    if errors:
        raise ServiceError.for_fields(errors)
    report = report or CompetitorReport(owner=actor)
    report.month, report.customer, report.competitor = first, customer, competitor
    report.observation, report.product, report.price_terms = (
        observation,
        product.strip(),
        price_terms.strip(),
    )
    report.save()
    return report
