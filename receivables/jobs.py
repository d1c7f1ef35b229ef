"""Daily and nightly receivables jobs: the escalation ladder with its digests, the credit-limit
warning and the aging snapshot. Unique constraints and dedupe keys make a rerun (or a run after
a crash) a no-op."""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from receivables.models import (
    AgingSnapshot,
    EscalationEvent,
    EscalationLevel,
    Receivable,
    ReceivableSettings,
)
from receivables.rules.credit import credit_warning_due
from receivables.rules.digests import DigestCustomer, DigestItem, digest_body, digest_title
from receivables.rules.penalty import rate_percent
from receivables.selectors.aging import BUCKET_KEYS, by_customer_sql
from receivables.selectors.credit import customers_over_credit_share
from receivables.services import credit_holds_put
from salesops.accounts.models import User
from salesops.core.i18n import lazy_text
from salesops.core.money import from_fen
from salesops.core.scheduling import scheduled_job
from salesops.core.services import notification_send, notifications_send
from salesops.core.sql import DaysSince, advisory_lock_day
from salesops.core.templatetags.money import yuan

logger = logging.getLogger(__name__)
BATCH = 5000
# Items listed in one digest, most overdue first; the rest are counted (the collection list has
# them all), so a first run over a whole book does not write a digest of 10,000 lines.
DIGEST_ITEMS = 200


@dataclass(frozen=True)
class EscalationResult:
    steps: int = 0  # applied
    skipped: int = 0
    holds: int = 0
    digests: int = 0
    warnings: int = 0


@scheduled_job
def receivable_escalate(*, as_of: date) -> EscalationResult:
    """Take every open receivable overdue on `as_of` to the highest ladder step it has reached
    and not yet had; then warn owners whose customers' total outstanding passes the configured
    share of the credit limit (once a month per customer). Set-based: the query count depends
    on the number of levels and recipients, never on the number of items."""
    levels = list(EscalationLevel.objects.order_by("from_days"))
    result = _escalate(levels, as_of=as_of) if levels else EscalationResult()
    warnings = _credit_warnings(as_of)
    logger.info(
        "escalation for %s: %s steps, %s skipped, %s holds, %s digests, %s warnings",
        as_of,
        result.steps,
        result.skipped,
        result.holds,
        result.digests,
        warnings,
    )
    return EscalationResult(
        steps=result.steps,
        skipped=result.skipped,
        holds=result.holds,
        digests=result.digests,
        warnings=warnings,
    )


@transaction.atomic
def _escalate(levels: list[EscalationLevel], *, as_of: date) -> EscalationResult:
    """One transaction for the whole run: the steps, the holds and the digests that announce them
    commit together, so a run killed half-way leaves nothing and its rerun does it all. A second
    run of the same day waits on the day's lock (and the unique index) for the first, then
    inserts nothing and so sends nothing."""
    advisory_lock_day("receivable_escalate", as_of)
    run = uuid.uuid4()
    now = timezone.now()
    created = _record_steps(levels, as_of=as_of, run=run, now=now)
    if not created:
        return EscalationResult()
    mine = EscalationEvent.objects.filter(run_key=run, status=EscalationEvent.Status.APPLIED)
    applied = mine.count()
    holds = _holds_put(mine, now=now)
    digests = _digests_send(mine, as_of=as_of, run=run, now=now)
    return EscalationResult(steps=applied, skipped=created - applied, holds=holds, digests=digests)


def _record_steps(levels, *, as_of: date, run: uuid.UUID, now) -> int:
    """One INSERT … SELECT: for each open item overdue on `as_of` whose highest reached step is
    not recorded yet, that step as applied and the lower ones as skipped; rows already there
    (a step had before, another run's) are left alone by ON CONFLICT on the unique (receivable,
    level). Nothing passes through Python. Returns how many rows this run inserted."""
    # The highest step reached, in SQL: the first threshold the due date is past, highest first.
    target_days = Case(
        *[
            When(due_date__lte=as_of - timedelta(days=level.from_days), then=Value(level.from_days))
            for level in reversed(levels)
        ],
        default=None,
        output_field=IntegerField(),
    )
    recorded = EscalationEvent.objects.filter(
        receivable=OuterRef("pk"), level__from_days=OuterRef("target_days")
    )
    candidates = (
        Receivable.objects.overdue(as_of)
        .annotate(target_days=target_days)
        .filter(target_days__isnull=False)
        .filter(~Exists(recorded))
        .order_by()
        .values(
            "target_days",
            rid=F("pk"),
            days=DaysSince("due_date", as_of),
            open_balance=F("amount") - F("allocated") - F("written_off"),
        )
    )
    select, params = candidates.query.sql_with_params()
    column = EscalationEvent._meta.get_field
    values = [
        EscalationEvent.Status.APPLIED.value,
        EscalationEvent.Status.SKIPPED.value,
        column("as_of").get_db_prep_value(as_of, connection),
        column("run_key").get_db_prep_value(run, connection),
        column("created_at").get_db_prep_value(now, connection),
    ]
    events, steps = EscalationEvent._meta.db_table, EscalationLevel._meta.db_table
    # Table names come from the models and every value is a parameter. One insertion order for
    # every run (receivable, then step) as a second guard against deadlocks.
    sql = f"""
        INSERT INTO {events}
            (receivable_id, level_id, status, as_of, days_overdue, balance, run_key, created_at)
        SELECT c.rid, l.id, CASE WHEN l.from_days = c.target_days THEN %s ELSE %s END,
               %s, c.days, c.open_balance, %s, %s
        FROM ({select}) AS c INNER JOIN {steps} AS l ON l.from_days <= c.target_days
        WHERE 1 = 1
        ORDER BY c.rid, l.from_days
        ON CONFLICT (receivable_id, level_id) DO NOTHING
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return cursor.rowcount


def _most_overdue_first():
    return [F("days_overdue").desc(), F("pk").asc()]


def _holds_put(mine, *, now) -> int:
    """停止供货 for the customers with an item at a hold step in this run; the reason names the
    most overdue such item. Customers already on hold are left as they are. One row per
    customer to hold comes back (a window in SQL), never the items."""
    firsts = (
        mine.filter(level__puts_on_hold=True, receivable__customer__credit_hold=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("receivable__customer_id")],
                order_by=_most_overdue_first(),
            )
        )
        .filter(rank=1)
        .order_by()
        .values_list("receivable__customer_id", "receivable__number", "days_overdue")
    )
    # A record, not a notice: written in the product's language like every other reason.
    with override(settings.LANGUAGE_CODE):
        texts = {
            customer_id: _("%(number)s is %(days)s days overdue") % {"number": number, "days": days}
            for customer_id, number, days in firsts
        }
    if not texts:
        return 0
    return len(credit_holds_put(reasons=texts, at=now))


def _routes(mine):
    """This run's applied steps by digest: every item to its customer's owner; the steps that
    call for the manager also to the owner's team manager (items of their team members; a
    manager's own customers are in their owner digest already)."""
    owner = F("receivable__customer__owner_id")
    manager = F("receivable__customer__owner__team__manager_id")
    return {
        "escalation-digest": mine.filter(receivable__customer__owner__isnull=False).annotate(
            recipient=owner
        ),
        "escalation-digest-team": mine.filter(
            level__notifies_manager=True,
            receivable__customer__owner__team__manager__isnull=False,
        )
        .exclude(receivable__customer__owner__team__manager=owner)
        .annotate(recipient=manager),
    }


def _digests_send(mine, *, as_of: date, run, now) -> int:
    """One notice per owner for the run, grouped by customer, and one per manager for the steps
    that call for the manager. Built from grouped queries: the counts per recipient, and the
    DIGEST_ITEMS most overdue items of each (a window in SQL) listed, so a first run over a
    whole book reads a few thousand rows, not every step it took."""
    held = Q(receivable__customer__credit_hold=True, receivable__customer__credit_hold_since=now)
    url = reverse("collections")
    plans = []
    for kind, routed in _routes(mine).items():
        totals = {
            row["recipient"]: row
            for row in routed.order_by()
            .values("recipient")
            .annotate(
                customers=Count("receivable__customer", distinct=True),
                items=Count("pk"),
                held=Count("pk", filter=held),
            )
        }
        listed = (
            routed.annotate(
                rank=Window(
                    RowNumber(), partition_by=[F("recipient")], order_by=_most_overdue_first()
                ),
                held=ExpressionWrapper(held, output_field=BooleanField()),
            )
            .filter(rank__lte=DIGEST_ITEMS)
            .values(
                "recipient",
                "level_id",
                "days_overdue",
                "balance",
                "held",
                number=F("receivable__number"),
                customer_id=F("receivable__customer_id"),
                customer_name=F("receivable__customer__name"),
                owner_username=F("receivable__customer__owner__username"),
                owner_display=F("receivable__customer__owner__display_name"),
            )
            .order_by(
                "recipient",
                "receivable__customer__name",
                "receivable__customer_id",
                "-days_overdue",
                "pk",
            )
        )
        digests: dict[int, dict[int, DigestCustomer]] = defaultdict(dict)
        for item in listed:
            customer = digests[item["recipient"]].setdefault(
                item["customer_id"],
                DigestCustomer(
                    name=item["customer_name"],
                    owner=item["owner_display"] or item["owner_username"] or "",
                    held=item["held"],
                ),
            )
            customer.items.append(
                DigestItem(
                    number=item["number"],
                    days=item["days_overdue"],
                    balance=item["balance"],
                    level_id=item["level_id"],
                )
            )
        plans.extend(
            (kind, recipient, totals[recipient], digests[recipient]) for recipient in totals
        )
    if not plans:
        return 0
    levels = EscalationLevel.objects.in_bulk()
    users = User.objects.in_bulk({recipient for _kind, recipient, _t, _d in plans})
    sent = 0
    for kind, recipient, total, customers in plans:
        shown = sum(len(customer.items) for customer in customers.values())
        sent += _digest_send(
            users[recipient],
            list(customers.values()),
            levels=levels,
            count=total["customers"],
            more=total["items"] - shown,
            held=bool(total["held"]),
            key=f"{kind}:{as_of.isoformat()}",
            run=run,
            url=url,
            as_of=as_of,
            for_manager=kind == "escalation-digest-team",
        )
    return sent


def _digest_send(
    recipient, customers, *, levels, count, more, held, key, run, url, as_of, for_manager
) -> int:
    notice = {
        "recipient": recipient,
        "title": partial(digest_title, count=count, as_of=as_of, for_manager=for_manager),
        "body": partial(
            digest_body, customers, levels=levels, money=yuan, more=more, for_manager=for_manager
        ),
        "url": url,
        "level": "danger" if held else "warning",
    }
    # The day's key keeps concurrent runs to one digest; a later run of the same day that does
    # find new items (a receivable imported since) sends them under its own key.
    sent = notification_send(**notice, dedupe_key=key) or notification_send(
        **notice, dedupe_key=f"{key}:{run}"
    )
    return int(sent is not None)


def _credit_warnings(as_of: date) -> int:
    """单一客户累计欠款: warn the owner when a customer's total outstanding on `as_of` (due or not)
    exceeds the configured share of its credit limit; once a month per customer. One grouped
    query over the balance rows picks the customers over the share and not yet warned this
    month (so a rerun reads nothing back); only those are notified."""
    share = ReceivableSettings.load().credit_warning_share
    key = f"{as_of:%Y-%m}"
    with transaction.atomic():
        advisory_lock_day("receivable_credit_warning", as_of)  # the NOT EXISTS holds until commit
        over = customers_over_credit_share(as_of=as_of, share=share, dedupe_suffix=f":{key}")
        owners = User.objects.in_bulk({row[3] for row in over})
        notices = [
            {
                "recipient": owners[owner_id],
                "title": lazy_text(
                    gettext_lazy(
                        "%(customer)s: outstanding %(outstanding)s is over %(share)s%% of its "
                        "credit limit %(limit)s"
                    ),
                    customer=name,
                    outstanding=yuan(from_fen(fen)),
                    share=rate_percent(share),
                    limit=yuan(limit),
                ),
                "url": reverse("customer_detail", args=[pk]),
                "level": "danger",
                "dedupe_key": f"credit-warning:{pk}:{key}",
            }
            for pk, name, limit, owner_id, fen in over
            if credit_warning_due(outstanding=from_fen(fen), credit_limit=limit, share=share)
        ]
        return notifications_send(notices)


@scheduled_job
def aging_snapshot_take(*, as_of: date) -> int:
    """Store each customer's aging on `as_of` (the aging page's per-customer rows, whole book)
    with one INSERT ... SELECT. A rerun for the same day replaces that day's rows in one
    transaction, so it leaves exactly the same rows; two runs at once queue on a lock keyed on
    the day (PostgreSQL; SQLite takes its write lock at BEGIN), so one set is left."""
    settings = ReceivableSettings.load()
    head, params = by_customer_sql(user=None, as_of=as_of, settings=settings)
    # fen / 100.0 is exact on PostgreSQL (SUM of bigint is numeric); SQLite's float of it reads
    # back through the column's two decimals.
    buckets = ", ".join(f"{key} / 100.0" for key in BUCKET_KEYS)
    total = " + ".join(BUCKET_KEYS)
    table = AgingSnapshot._meta.db_table
    insert = (
        f"{head} INSERT INTO {table} (customer_id, as_of, not_due, b1, b2, b3, b4, total) "  # noqa: S608
        f"SELECT cid, %s, {buckets}, ({total}) / 100.0 FROM by_customer"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        advisory_lock_day("aging_snapshot_take", as_of)
        AgingSnapshot.objects.filter(as_of=as_of).delete()
        cursor.execute(insert, [*params, as_of])
        return cursor.rowcount
