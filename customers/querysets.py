"""Named filters on customers, contacts and follow-ups; visible_to comes from the one mechanism."""

from datetime import date

from django.db.models import Q

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

    def due_by(self, day: date):
        return self.filter(next_followup_due__lte=day)


class ContactQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"


class FollowUpQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def open_next_steps(self):
        return self.filter(next_step_due__isnull=False, next_step_done_at__isnull=True)

    def late(self):
        return self.filter(is_late=True)
