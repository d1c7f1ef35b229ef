"""Helpers shared by the funnel service and metric tests: deals built through the services, with
explicit Asia/Shanghai times so every StageChange has a known time."""

from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from customers.services.customers import contact_save, customer_create
from opportunities.models import ChecklistItem, LostReason
from opportunities.services.contacts import deal_contact_set
from opportunities.services.deals import opportunity_create, opportunity_mark_lost
from opportunities.services.stages import opportunity_move, opportunity_tick

SH = ZoneInfo("Asia/Shanghai")
# The seeded funnel: (level, name, win %, [checklist item texts]) from the data migration.
STAGES = import_module("opportunities.migrations.0002_funnel_defaults").STAGES


def at(month: int, day: int, hour: int = 9, *, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=SH)


def make_customer(actor, name: str):
    """A customer of `actor` with one decision maker (王总) and one purchaser (李工)."""
    customer = customer_create(actor=actor, name=name)
    contact_save(actor=actor, customer=customer, name="王总", decision_role="decision_maker")
    contact_save(actor=actor, customer=customer, name="李工", decision_role="purchaser")
    return customer


def new_deal(actor, customer, *, amount="100000", name="产线改造", when=None, close=None, **kw):
    return opportunity_create(
        actor=actor,
        customer=customer,
        name=name,
        amount=Decimal(amount),
        expected_close=close or date(2026, 12, 15),
        now=when or at(10, 1),
        **kw,
    )


def item_ids(up_to_level: int, *, but=None) -> set[int]:
    """The active checklist items of levels 1..up_to_level, without `but`."""
    ids = set(
        ChecklistItem.objects.filter(active=True, stage__level__lte=up_to_level).values_list(
            "pk", flat=True
        )
    )
    return ids - {but.pk} if but is not None else ids


def name_contacts(actor, deal) -> None:
    """王总: primary contact and decision maker of the deal."""
    deal_contact_set(
        actor=actor,
        opportunity=deal,
        contact=deal.customer.contacts.get(name="王总"),
        role="decision_maker",
        is_primary=True,
    )


def ready_for(actor, deal, level: int) -> None:
    """Meet every gate up to `level`: all items ticked, primary decision maker named."""
    opportunity_tick(actor=actor, opportunity=deal, item_ids=item_ids(level))
    name_contacts(actor, deal)


def move(actor, deal, level: int, when: datetime, note: str = ""):
    return opportunity_move(actor=actor, opportunity=deal, to_level=level, now=when, note=note)


def lose(actor, deal, when: datetime, *, reason="价格偏高", competitor="", note=""):
    return opportunity_mark_lost(
        actor=actor,
        opportunity=deal,
        reason=LostReason.objects.get(name=reason),
        competitor=competitor,
        note=note,
        now=when,
    )
