"""Reads of customers, contacts, follow-ups and the pool, always scoped to the requesting user:
every list, filter choice, count and dropdown a page, export or service needs."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Least
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import (
    Contact,
    CrmSettings,
    Customer,
    FollowUp,
    OwnershipEvent,
    RetierRun,
    Tier,
    TierChange,
    TierRule,
)
from customers.rules import cadence, retier
from salesops.accounts.access import role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role


def customer_list(*, user, search: str = "") -> QuerySet[Customer]:
    return (
        Customer.objects.visible_to(user).search(search).select_related("owner", "region", "group")
    )


def customer_get(*, user, pk: int) -> Customer:
    """The customer if `user` may see it, else Http404."""
    return get_object_or_404(customer_list(user=user).select_related("finance_specialist"), pk=pk)


def customer_contacts(*, customer: Customer) -> QuerySet[Contact]:
    """The contacts of a customer already fetched in scope: the detail page, the log form."""
    return customer.contacts.all()


def contact_get(*, user, customer: Customer, pk: int) -> Contact:
    return get_object_or_404(Contact.objects.visible_to(user), pk=pk, customer=customer)


def followup_get(*, user, pk: int) -> FollowUp:
    return get_object_or_404(FollowUp.objects.visible_to(user).select_related("customer"), pk=pk)


def crm_settings() -> CrmSettings:
    return CrmSettings.load()


def assignable_owners(actor) -> QuerySet[User]:
    """Users `actor` may make a customer's owner: themselves (reps), their teams (managers),
    any active rep or manager (admins)."""
    users = User.objects.active().filter(groups__name__in=[Role.REP, Role.MANAGER]).distinct()
    role = role_of(actor)
    if role is Role.ADMIN:
        return users
    if role is Role.MANAGER:
        return users.visible_to(actor)
    if role is Role.REP:
        return users.filter(pk=actor.pk)
    return users.none()


def tier_rules() -> dict[str, TierRule]:
    return {rule.tier: rule for rule in TierRule.objects.all()}


def tier_labels() -> dict[str, str]:
    """Each tier's name in the active language, from its TierRule row (one query): what choices,
    badges, exports and reports show, so a tier is called the same everywhere."""
    labels = {tier: tier for tier in Tier.values}
    labels.update({rule.tier: rule.label for rule in TierRule.objects.all()})
    return labels


def tier_choices() -> list[tuple[str, str]]:
    return list(tier_labels().items())


def customer_timeline(*, customer: Customer):
    return customer.followups.select_related("contact", "author")


def customer_ownership_events(*, customer: Customer) -> QuerySet[OwnershipEvent]:
    return customer.ownership_events.select_related("from_owner", "to_owner", "actor")


def customer_tier_changes(*, customer: Customer) -> QuerySet[TierChange]:
    """The customer's tier and RAD changes, newest first, with the run or person behind each."""
    return customer.tier_changes.select_related("run", "actor")


def retier_run_of(*, as_of: date) -> RetierRun | None:
    """The re-tiering run of `as_of`'s quarter, if it ran."""
    return RetierRun.objects.filter(quarter=retier.quarter_of(as_of)).first()


def customer_history(*, customer: Customer) -> QuerySet:
    """The customer's saved versions, newest first, with who saved each."""
    return customer.history.select_related("history_user").order_by("-history_date")


def history_changes(records) -> list[dict]:
    """Each version of a page of `customer_history` with its changes against the one before."""
    rows = []
    for record in records:
        previous = record.prev_record
        changes = record.diff_against(previous).changes if previous else []
        rows.append({"record": record, "changes": changes})
    return rows


@dataclass(frozen=True)
class DueRow:
    """A customer on the due list, with what is due by the end of the week: a follow-up of any
    channel (跟进到期), an on-site visit (拜访到期), or both. None where that one is not due."""

    customer: Customer
    followup_due: date | None
    visit_due: date | None

    @property
    def first_due(self) -> date:
        return min(d for d in (self.followup_due, self.visit_due) if d is not None)


# The due page lists this many customers, and this many next steps, per page.
DUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class DueList:
    """One page of the due list: its customers split into the three sections, the sections'
    sizes over every page, and one page of the open next steps (its own page number)."""

    overdue: list[DueRow]
    today: list[DueRow]
    this_week: list[DueRow]
    next_steps: list[FollowUp]
    as_of: date
    counts: dict = field(default_factory=dict)
    page: Page | None = None
    steps_page: Page | None = None

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today or self.this_week or self.next_steps)


def due_list(*, user, as_of: date, page: int = 1, steps_page: int = 1) -> DueList:
    """Customers due for a follow-up or an on-site visit until the end of `as_of`'s week, by
    their earliest due date (then tier, name), overdue first, one page at a time; and the open
    next steps due by then, earliest first. Ordered, counted and cut in SQL: a manager's
    thousands of due customers and an admin's open next steps among 1M follow-ups are never
    loaded whole. Five queries whatever the number of rows (sections' sizes, the page, its
    contacts, the steps' count and page)."""
    end = cadence.week_end(as_of)
    customers = (
        Customer.objects.visible_to(user)
        .owned()
        .due_or_visit_due_by(end)
        # The earlier of the two due dates (either may be empty; the earlier one is due by
        # `end` since at least one of them is).
        .annotate(
            first_due=Least(
                Coalesce("next_followup_due", "next_visit_due"),
                Coalesce("next_visit_due", "next_followup_due"),
            )
        )
    )
    counts = customers.aggregate(
        overdue=Count("pk", filter=Q(first_due__lt=as_of)),
        today=Count("pk", filter=Q(first_due=as_of)),
        this_week=Count("pk", filter=Q(first_due__gt=as_of)),
    )
    rows_page = Paginator(
        _Counted(
            customers.select_related("owner")
            .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("name")))
            .order_by("first_due", "tier", "name", "pk"),
            sum(counts.values()),
        ),
        DUE_PAGE_SIZE,
    ).get_page(page)
    rows = [
        DueRow(
            customer=c,
            followup_due=c.next_followup_due if _due_by(c.next_followup_due, end) else None,
            visit_due=c.next_visit_due if _due_by(c.next_visit_due, end) else None,
        )
        for c in rows_page
    ]
    steps = Paginator(
        FollowUp.objects.visible_to(user)
        .open_next_steps()
        .filter(next_step_due__lte=end, customer__owner__isnull=False)
        .select_related("customer", "author")
        .order_by("next_step_due", "pk"),
        DUE_PAGE_SIZE,
    ).get_page(steps_page)
    return DueList(
        overdue=[r for r in rows if r.first_due < as_of],
        today=[r for r in rows if r.first_due == as_of],
        this_week=[r for r in rows if r.first_due > as_of],
        next_steps=list(steps),
        as_of=as_of,
        counts=counts,
        page=rows_page,
        steps_page=steps,
    )


class _Counted:
    """A queryset whose size is already known (the sections' counts): Paginator slices it
    without a COUNT(*) of its own."""

    def __init__(self, qs: QuerySet, count: int):
        self.qs, self._count, self.ordered = qs, count, True

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self.qs[index]


def _due_by(due: date | None, end: date) -> bool:
    return due is not None and due <= end


@dataclass(frozen=True)
class ComplianceRow:
    owner: User
    customers: int
    within_cadence: int
    late_logs: int
    logs: int
    # Visits: only customers whose tier has a visit interval count.
    visit_customers: int = 0
    visits_within_cadence: int = 0

    @property
    def rate(self) -> float | None:
        return self.within_cadence / self.customers if self.customers else None

    @property
    def visit_rate(self) -> float | None:
        return self.visits_within_cadence / self.visit_customers if self.visit_customers else None


def followup_compliance(
    *, user, as_of: date, since: date, until: date | None = None
) -> list[ComplianceRow]:
    """Per owner in the user's scope: customers and how many are followed up (any channel)
    within their tier's cadence (not overdue on `as_of`); customers whose tier has a visit
    interval and how many were visited on site within it; the follow-ups logged since `since`
    (up to `until` when given, both included; late ones apart)."""
    owners = (
        User.objects.visible_to(user)
        .active()
        .filter(owned_customers__isnull=False)
        .annotate(
            n_customers=Count("owned_customers", distinct=True),
            n_within=Count(
                "owned_customers",
                filter=~Q(owned_customers__next_followup_due__lt=as_of),
                distinct=True,
            ),
            n_visit_customers=Count(
                "owned_customers",
                filter=Q(owned_customers__next_visit_due__isnull=False),
                distinct=True,
            ),
            n_visits_within=Count(
                "owned_customers",
                filter=Q(owned_customers__next_visit_due__gte=as_of),
                distinct=True,
            ),
        )
        .order_by("username")
    )
    owners = list(owners)
    logged = FollowUp.objects.filter(author__in=owners, occurred_at__date__gte=since)
    if until is not None:
        logged = logged.filter(occurred_at__date__lte=until)
    logs = dict(logged.values_list("author").annotate(Count("pk")))
    late = dict(logged.late().values_list("author").annotate(Count("pk")))
    return [
        ComplianceRow(
            owner=owner,
            customers=owner.n_customers,
            within_cadence=owner.n_within,
            late_logs=late.get(owner.pk, 0),
            logs=logs.get(owner.pk, 0),
            visit_customers=owner.n_visit_customers,
            visits_within_cadence=owner.n_visits_within,
        )
        for owner in owners
    ]


# --- The pool (公海) ------------------------------------------------------------------------------


def pool_visible_to(user) -> QuerySet[Customer]:
    """Pool customers a user may see: their team's pool (reps), their teams' (managers), all."""
    role = role_of(user)
    pool = Customer.objects.in_pool()
    if role in (Role.ADMIN, Role.FINANCE):
        return pool
    if role is Role.MANAGER:
        return pool.filter(pool_team__manager=user)
    if role is Role.REP and user.team_id:
        return pool.filter(pool_team_id=user.team_id)
    return pool.none()


def pool_list(*, user) -> QuerySet[Customer]:
    return pool_visible_to(user).select_related("region", "pool_team").order_by("-pool_since")


def pool_customer_get(*, user, pk: int) -> Customer | None:
    """The pool customer `pk` if `user` sees it in a pool, else None (it may have just left)."""
    return pool_visible_to(user).filter(pk=pk).first()


def customer_for_reassign(*, user, pk: int) -> Customer:
    """A customer a manager may hand over: one they see, owned or in a pool they see; Http404
    otherwise."""
    customer = Customer.objects.filter(pk=pk).first()
    in_scope = customer is not None and (
        customer_list(user=user).filter(pk=pk).exists()
        or pool_visible_to(user).filter(pk=pk).exists()
    )
    if not in_scope:
        raise Http404
    return customer


def claims_in_window(user, *, now: datetime) -> int:
    """Claims in the 30 days up to `now`, and any stamped later: a concurrent claim that took
    its clock reading a moment after ours must still count against the cap."""
    return (
        OwnershipEvent.objects.claims()
        .filter(to_owner=user, created_at__gt=now - timedelta(days=30))
        .count()
    )


def recently_taken_from_pool(user, pk: int) -> Customer | None:
    """The customer `pk` if it sat in the pool of `user`'s team and was claimed or assigned to
    someone of that team in the last day: a rep clicking "Claim" on a stale page gets told why
    it is gone instead of a 404. None otherwise (nothing is revealed to other teams)."""
    if role_of(user) is not Role.REP or not user.team_id:
        return None
    return (
        Customer.objects.filter(
            pk=pk,
            owner__team_id=user.team_id,
            ownership_events__kind__in=[OwnershipEvent.Kind.CLAIMED, OwnershipEvent.Kind.ASSIGNED],
            ownership_events__created_at__gte=timezone.now() - timedelta(days=1),
        )
        .distinct()
        .first()
    )


def recent_ownership_events(*, customer_ids) -> dict[int, OwnershipEvent]:
    """The latest release event per customer, for the pool page's "why"."""
    events = (
        OwnershipEvent.objects.releases()
        .filter(customer_id__in=customer_ids)
        .select_related("from_owner")
        .order_by("customer_id", "-created_at")
    )
    latest: dict[int, OwnershipEvent] = {}
    for event in events:
        latest.setdefault(event.customer_id, event)
    return latest


def customer_count(*, user) -> int:
    """How many customers the user sees (the home page's figure)."""
    return Customer.objects.visible_to(user).count()
