"""The collection list (催收清单): overdue items with who to call and what was promised.

The list can hold a fifth of the book (210,000 items at 2.5M receivables), so nothing reads it
whole: the page is a LIMIT/OFFSET slice in SQL on the open-and-due index, its count and total one
aggregate, and the export walks it with a server-side cursor in chunks. Contacts, escalation
steps and follow-ups are read only for the rows at hand (a page, a chunk), grouped by customer or
receivable, never per row.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from customers.models import Contact, FollowUp
from receivables.models import EscalationEvent, Receivable
from receivables.rules import aging
from salesops.accounts.models import User
from salesops.accounts.roles import Role
from salesops.core.localized import localized
from salesops.core.money import from_fen

PER_PAGE = 50
# Rows per round trip of the export: each chunk costs four grouped queries (contacts, steps,
# follow-ups, owners), and a chunk's lookups are all that is held in memory.
EXPORT_CHUNK = 2000


@dataclass
class CollectionItem:
    receivable: Receivable
    days_overdue: int
    balance: Decimal
    level: str
    contact_name: str
    contact_phone: str
    last_followup: datetime | None
    promised_date: date | None


@dataclass
class CollectionList:
    """One page of the list (`page.object_list` holds its CollectionItems) and the figures of
    the whole filtered list."""

    page: Page
    count: int
    total: Decimal
    as_of: date
    min_days: int


@dataclass(frozen=True, slots=True)
class CollectionRow:
    """One item of the export, read as plain values (no model instances)."""

    customer_name: str
    owner: str
    contact_name: str
    contact_phone: str
    number: str
    due_date: date
    days_overdue: int
    balance: Decimal
    level: str
    last_followup: datetime | None
    promised_date: date | None


def collection_queryset(
    *, user, as_of: date, min_days: int = 1, owner: User | None = None, search: str = ""
) -> QuerySet:
    """The list's receivables: open, at least `min_days` overdue on `as_of`, in `user`'s scope,
    of `owner`'s customers when given, matching `search` (customer name or number), most
    overdue first (due date, then pk: the order of the partial index receivable_open_due_fen)."""
    qs = (
        Receivable.objects.visible_to(user)
        .overdue(as_of - timedelta(days=min_days - 1))
        .order_by("due_date", "pk")
    )
    if owner is not None:
        qs = qs.filter(customer__owner=owner)
    if search:
        qs = qs.search(search)
    return qs


def collection_owners(*, user) -> QuerySet[User]:
    """The owners the list can be narrowed to: the active reps and managers `user` may see."""
    return (
        User.objects.visible_to(user)
        .active()
        .filter(groups__name__in=[Role.REP, Role.MANAGER])
        .distinct()
        .order_by("username")
    )


def collection_list(
    *,
    user,
    as_of: date,
    min_days: int = 1,
    owner: User | None = None,
    search: str = "",
    page: int | str = 1,
    per_page: int | None = None,
) -> CollectionList:
    """催收清单, one page of it: the count and open total of the whole filtered list in one
    aggregate, the page's receivables in one LIMIT/OFFSET query, then contacts, escalation steps
    and follow-ups for the page's rows only (three grouped queries). Five queries, whatever
    the size of the list; `page` past the end gives the last page (Paginator.get_page)."""
    qs = collection_queryset(user=user, as_of=as_of, min_days=min_days, owner=owner, search=search)
    figures = qs.order_by().aggregate(count=Count("pk"), fen=Sum("balance_fen"))
    # Paginate the ids only (an index-only walk of receivable_open_due_fen for a deep OFFSET),
    # then join the page's 50 rows to their customers and owners: joining before the OFFSET
    # would join every skipped row too (3.7 s at OFFSET 100,000, docs/performance.md).
    paginator = Paginator(qs.values_list("pk", flat=True), per_page or PER_PAGE)
    paginator.count = figures["count"]  # known from the aggregate: no second COUNT(*)
    page_obj = paginator.get_page(page)
    receivables = list(
        Receivable.objects.filter(pk__in=page_obj.object_list)
        .select_related("customer", "customer__owner")
        .order_by("due_date", "pk")
    )
    looked_up = _lookups([(r.pk, r.customer_id) for r in receivables], as_of=as_of)
    page_obj.object_list = [
        CollectionItem(
            receivable=r,
            days_overdue=aging.days_overdue(due=r.due_date, as_of=as_of),
            balance=r.balance,
            level=looked_up.level(r.pk),
            contact_name=(contact := looked_up.contact(r.customer_id))[0],
            contact_phone=contact[1] if contact[2] else r.customer.phone,
            last_followup=looked_up.last_followup.get(r.customer_id),
            promised_date=looked_up.promised.get(r.customer_id),
        )
        for r in receivables
    ]
    return CollectionList(
        page=page_obj,
        count=figures["count"],
        total=from_fen(figures["fen"]),
        as_of=as_of,
        min_days=min_days,
    )


def collection_rows(
    *,
    user,
    as_of: date,
    min_days: int = 1,
    owner: User | None = None,
    search: str = "",
    chunk_size: int = EXPORT_CHUNK,
) -> Iterator[CollectionRow]:
    """The whole filtered list, in the page's order, for the export: read through a server-side
    cursor `chunk_size` rows at a time, each chunk's lookups in four grouped queries. Memory
    holds one chunk, whatever the size of the list."""
    qs = collection_queryset(user=user, as_of=as_of, min_days=min_days, owner=owner, search=search)
    values = qs.values_list(
        "pk",
        "customer_id",
        "customer__name",
        "customer__owner_id",
        "customer__phone",
        "number",
        "due_date",
        "balance_fen",
    ).iterator(chunk_size=chunk_size)
    while chunk := list(islice(values, chunk_size)):
        looked_up = _lookups(
            [(row[0], row[1]) for row in chunk],
            as_of=as_of,
            owner_ids={row[3] for row in chunk if row[3] is not None},
        )
        for pk, customer_id, name, owner_id, phone, number, due, fen in chunk:
            contact_name, contact_phone, found = looked_up.contact(customer_id)
            yield CollectionRow(
                customer_name=name,
                owner=looked_up.owner_names.get(owner_id, ""),
                contact_name=contact_name,
                contact_phone=contact_phone if found else phone,
                number=number,
                due_date=due,
                days_overdue=aging.days_overdue(due=due, as_of=as_of),
                balance=from_fen(fen),
                level=looked_up.level(pk),
                last_followup=looked_up.last_followup.get(customer_id),
                promised_date=looked_up.promised.get(customer_id),
            )


@dataclass
class _Lookups:
    contacts: dict[int, list[tuple]]  # customer id -> (name, mobile, phone, role), by pk
    levels: dict[int, tuple[int, str]]  # receivable id -> (from_days, name) of its top step
    last_followup: dict[int, datetime]
    promised: dict[int, date]
    owner_names: dict[int, str]

    def contact(self, customer_id: int) -> tuple[str, str, bool]:
        """(name, phone, found) of who to call: the first purchaser (采购), else the first
        contact; the phone is the mobile, else the landline. Not found: the caller falls back to
        the customer's own phone."""
        people = self.contacts.get(customer_id, ())
        person = next((p for p in people if p[3] == "purchaser"), None) or (
            people[0] if people else None
        )
        if person is None:
            return "", "", False
        return person[0], person[1] or person[2], True

    def level(self, receivable_id: int) -> str:
        return self.levels.get(receivable_id, (0, ""))[1]


def _lookups(
    rows: Sequence[tuple[int, int]], *, as_of: date, owner_ids: set[int] | None = None
) -> _Lookups:
    """Who to call, the highest escalation step, the last follow-up and the nearest open
    promise for (receivable id, customer id) rows: three grouped queries (four with the
    owners' names), none for no rows."""
    if not rows:
        return _Lookups({}, {}, {}, {}, {})
    receivable_ids = [pk for pk, _customer in rows]
    customer_ids = sorted({customer for _pk, customer in rows})
    contacts: dict[int, list[tuple]] = defaultdict(list)
    for customer_id, *person in (
        Contact.objects.filter(customer_id__in=customer_ids)
        .order_by("pk")
        .values_list("customer_id", "name", "mobile", "phone", "decision_role")
    ):
        contacts[customer_id].append(tuple(person))
    levels: dict[int, tuple[int, str]] = {}
    for receivable_id, from_days, name in EscalationEvent.objects.filter(
        receivable_id__in=receivable_ids
    ).values_list("receivable_id", "level__from_days", localized("level__name")):
        if from_days > levels.get(receivable_id, (-1, ""))[0]:
            levels[receivable_id] = (from_days, name)
    last_followup, promised = {}, {}
    for customer_id, last, first in (
        FollowUp.objects.filter(customer_id__in=customer_ids)
        .values("customer_id")
        .annotate(
            last=Max("occurred_at"),
            first=Min(
                "next_step_due",
                filter=Q(next_step_due__gte=as_of, next_step_done_at__isnull=True),
            ),
        )
        .values_list("customer_id", "last", "first")
    ):
        last_followup[customer_id] = last
        if first is not None:
            promised[customer_id] = first
    owner_names = {}
    if owner_ids:  # the export's owner column (str(user), as the page shows it)
        owner_names = {user.pk: str(user) for user in User.objects.filter(pk__in=owner_ids)}
    return _Lookups(contacts, levels, last_followup, promised, owner_names)
