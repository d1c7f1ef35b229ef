"""Named filters on customers, contacts, follow-ups and ownership events (visible_to comes from
the one mechanism), and the cadence rule of customers/rules/cadence.py as SQL expressions.

The SQL form recomputes `next_followup_due` and `next_visit_due` of a whole tier (a tier rule
edited in admin, the migration that introduced visits) in one UPDATE instead of a loop over the
book.
"""

from datetime import date

from django.db.models import DateField, Func, Q, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from salesops.accounts.access import VisibleToQuerySet


class CustomerQuerySet(VisibleToQuerySet):
    owner_path = "owner"

    def search(self, text: str):
        """By part of the name, or by credit code (case-insensitive)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(credit_code__iexact=text.upper()))

    def owned(self):
        return self.filter(owner__isnull=False)

    def in_pool(self):
        return self.filter(owner__isnull=True)

    def overdue(self, as_of: date):
        return self.filter(next_followup_due__lt=as_of)

    def within_cadence(self, as_of: date):
        """Not overdue for a follow-up on `as_of` (never due counts as within)."""
        return self.exclude(next_followup_due__lt=as_of)

    def due_by(self, day: date):
        return self.filter(next_followup_due__lte=day)

    def due_or_visit_due_by(self, day: date):
        """A follow-up or an on-site visit due on or before `day`."""
        return self.filter(Q(next_followup_due__lte=day) | Q(next_visit_due__lte=day))


class ContactQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"


class FollowUpQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def open_next_steps(self):
        return self.filter(next_step_due__isnull=False, next_step_done_at__isnull=True)

    def late(self):
        return self.filter(is_late=True)


class TierChangeQuerySet(VisibleToQuerySet):
    # Scoped by the customer's current owner, like ownership events.
    owner_path = "customer__owner"

    def by_job(self):
        return self.filter(run__isnull=False)


class OwnershipEventQuerySet(VisibleToQuerySet):
    # Scoped by the customer's current owner (admin lists them for non-admin staff this way).
    owner_path = "customer__owner"

    def claims(self):
        return self.filter(kind="claimed")

    def releases(self):
        return self.filter(kind="released")


# --- Cadence as SQL ----------------------------------------------------------------------------


class AddDays(Func):
    """date + n days, as a date, on PostgreSQL and SQLite alike."""

    output_field = DateField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        # PostgreSQL: date + integer is a date (date + interval would be a timestamp).
        return f"({sql} + CAST(%s AS integer))", (*params, self.days)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({sql}, %s)", (*params, f"{self.days:+d} days")


def local_date(field: str):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def due_expression(*, last_field: str, interval_days: int | None, today: date):
    """The due date of cadence.next_followup_due / next_visit_due, per row: one interval after
    the later of the last contact in `last_field` and owner_since (today for a pooled
    customer, as refresh_cadence does). None (NULL) when there is no interval."""
    if interval_days is None:
        return Value(None, output_field=DateField())
    start = Coalesce(local_date("owner_since"), Value(today, output_field=DateField()))
    # Coalesce first: on SQLite GREATEST is MAX(), which is NULL when any argument is.
    base = Greatest(Coalesce(local_date(last_field), start), start)
    return AddDays(base, interval_days)
