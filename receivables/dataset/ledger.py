"""The benchmark book's ledger (`generate_dataset`): receivables with the payments, allocations
and write-offs that settled them or left them open, voided payments with their allocations
reversed, the escalation ladder's history and the credit holds it put; then 30 days of aging
snapshots by SQL. Every receivable's stored figures equal its ledger by construction."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext, override

from customers.dataset import CustomerRow, credit_holds_apply
from receivables.dataset.ladder import escalations, holds_put
from salesops.accounts.dataset import People
from salesops.core.dataset import Load, Plan, allot, fetch, money

# A customer pays well, slowly or badly; the share of slow and bad payers grows from tier A to
# D, so the overdue book (and the credit holds) sit with C and D customers. Per kind of payer:
# the chance an item is never paid, the mean days paid late (a few pay early) and the most days
# a good payer is late (they never reach the hold step at 91 days).
PAYERS = {"A": (0.02, 0.005), "B": (0.04, 0.01), "C": (0.08, 0.03), "D": (0.10, 0.06)}
NEVER = {"good": 0.0, "slow": 0.15, "bad": 0.6}
LATE_MEAN = {
    "good": {"A": 18.0, "B": 25.0, "C": 40.0, "D": 50.0},
    "slow": {"A": 45.0, "B": 45.0, "C": 55.0, "D": 60.0},
    "bad": {"A": 90.0, "B": 90.0, "C": 120.0, "D": 120.0},
}
GOOD_LATEST = 80
# The chance a payment waits for the customer's monthly pay run (one transfer, several items).
PAY_RUN = {"A": 0.1, "B": 0.07, "C": 0.04, "D": 0.02}
WRITE_OFF = 0.014  # of items old enough: bad debt, written off half a year or more past due
RETENTION = 0.08  # retention money (质保金), due a year after issue
SPLIT = 0.06  # paid in two instalments
VOID = 0.01  # payments entered by mistake and voided before the right one was recorded
ADVANCE = 0.03  # payments with an unallocated rest
METHODS = ("transfer", "transfer", "transfer", "transfer", "bill", "cash")
WRITE_OFF_REASONS = ("客户破产清算，无法收回", "诉讼终结，确认坏账", "账龄过长，经审批核销")
VOID_REASON = "重复录入"


def counts(plan: Plan, customers: int) -> dict[str, int]:
    return {"receivables": plan.count(2_500_000, minimum=2 * customers)}


@dataclass
class Item:
    """One receivable while its customer's ledger is built (fen, days)."""

    id: int
    issue: date
    due: date
    amount: int
    opening_paid: int = 0
    kind: str = "normal"
    source: str = "manual"
    # (day, fen) of the money that reached it: payments (after grouping) and write-offs
    paid: list[tuple[date, int]] = field(default_factory=list)
    written: list[tuple[date, int]] = field(default_factory=list)

    def balance_on(self, day: date) -> int:
        return (
            self.amount
            - self.opening_paid
            - sum(f for d, f in self.paid if d <= day)
            - sum(f for d, f in self.written if d <= day)
        )

    def settled_on(self) -> date | None:
        if self.balance_on(date.max) > 0:
            return None
        return max([self.issue, *(d for d, _ in self.paid), *(d for d, _ in self.written)])


def _pay_run(day: date, today: date) -> date:
    """The customer's monthly pay run on the 25th on or after `day` (not after today)."""
    run = day.replace(day=25) if day.day <= 25 else (day.replace(day=1) + timedelta(days=32))
    run = run.replace(day=25)
    return run if run <= today else day


def _items(plan: Plan, customer: CustomerRow, count: int, next_id: int, r) -> list[Item]:
    """The customer's receivables and the days and amounts each was paid or written off."""
    today, go_live = plan.as_of, plan.go_live
    start = max(customer.created, go_live - timedelta(days=365))
    span = max(1, (today - start).days)
    mean = customer.revenue_fen * (span / 365) / max(count, 1)
    tier = customer.tier
    slow, bad = PAYERS[tier]
    payer = r.random()
    payer = "bad" if payer < bad else ("slow" if payer < bad + slow else "good")
    items = []
    for k in range(count):
        issue = start + timedelta(days=int(span * r.random() ** 0.6))
        retention = r.random() < RETENTION
        due = issue + timedelta(days=365 if retention else customer.terms)
        amount = max(100_00, round(mean * r.lognormvariate(0, 0.6)))
        item = Item(next_id + k, issue, due, amount, kind="retention" if retention else "normal")
        earliest = issue
        if issue < go_live:
            item.source, earliest = "opening", go_live
            if r.random() < 0.5:
                item.opening_paid = round(amount * r.uniform(0.1, 0.6))
        elif r.random() < 0.3:
            item.source = "milestone"
        owed = amount - item.opening_paid
        fate = r.random()
        if fate < WRITE_OFF and due < today - timedelta(days=200):
            if r.random() < 0.3:
                part = round(owed * r.uniform(0.2, 0.6))
                item.paid.append((max(earliest, due + timedelta(days=r.randint(0, 90))), part))
                owed -= part
            written = due + timedelta(days=r.randint(180, 540))
            if written < today:
                item.written.append((max(written, earliest), owed))
        elif fate < WRITE_OFF + NEVER[payer]:
            if r.random() < 0.25:
                item.paid.append(
                    (
                        max(earliest, due + timedelta(days=r.randint(-10, 120))),
                        round(owed * r.uniform(0.1, 0.7)),
                    )
                )
        else:
            late = round(r.expovariate(1 / LATE_MEAN[payer][tier])) - r.randint(0, 10)
            if payer == "good":
                late = min(late, GOOD_LATEST)
            day = max(earliest, due + timedelta(days=late))
            if r.random() < PAY_RUN[tier]:
                day = _pay_run(day, today)
            if r.random() < SPLIT:
                first = round(owed * r.uniform(0.3, 0.7))
                item.paid.append((max(earliest, day - timedelta(days=r.randint(10, 40))), first))
                owed -= first
            item.paid.append((day, owed))
        item.paid = [(d, f) for d, f in item.paid if d <= today and f > 0]
        items.append(item)
    items.sort(key=lambda i: (i.issue, i.id))
    for offset, item in enumerate(items):  # ids in issue order within the customer
        item.id = next_id + offset
    return items


def load(plan: Plan, people: People, customers: list[CustomerRow]) -> dict[str, int]:
    total = counts(plan, len(customers))["receivables"]
    levels = fetch(
        "SELECT id, from_days, puts_on_hold FROM receivables_escalationlevel ORDER BY from_days"
    )
    with override(settings.LANGUAGE_CODE):
        hold_text = gettext("%(number)s is %(days)s days overdue")
    rng = plan.rng("receivables", "allot")
    per_customer = allot(total, [c.revenue_fen**0.6 * rng.uniform(0.5, 1.5) for c in customers])
    manager_of = {rep: people.managers[team] for rep, team in people.team_of_rep.items()}

    load = Load(plan)
    w = {
        "receivable": load.table("receivables_receivable", RECEIVABLE_COLUMNS),
        "payment": load.table("receivables_payment", PAYMENT_COLUMNS),
        "allocation": load.table(
            "receivables_allocation",
            [
                "id",
                "payment_id",
                "receivable_id",
                "amount",
                "created_at",
                "created_by_id",
                "reversed_at",
            ],
        ),
        "writeoff": load.table(
            "receivables_writeoff",
            ["id", "receivable_id", "amount", "date", "reason", "written_off_by_id", "created_at"],
        ),
        "escalation": load.table(
            "receivables_escalationevent",
            [
                "id",
                "receivable_id",
                "level_id",
                "status",
                "as_of",
                "days_overdue",
                "balance",
                "run_key",
                "created_at",
            ],
        ),
        "hold": load.table(
            "receivables_creditholdevent",
            ["id", "customer_id", "kind", "reason", "actor_id", "created_at"],
        ),
    }
    ids = dict.fromkeys(
        ("receivable", "payment", "allocation", "writeoff", "escalation", "hold"), 0
    )
    holds: dict[int, tuple] = {}
    for customer, count in zip(customers, per_customer, strict=True):
        r = plan.rng("receivables", customer.id)
        items = _items(plan, customer, count, ids["receivable"] + 1, r)
        ids["receivable"] += count
        _payments(plan, people, items, customer, r, w, ids)
        intervals = []
        for item in items:
            settled = item.settled_on()
            _receivable_row(plan, item, customer, settled, w, people, r, ids)
            intervals += escalations(plan, item, settled, levels, w, ids)
        if intervals:
            manager = manager_of.get(customer.seller, customer.seller)
            held = holds_put(plan, customer.id, intervals, hold_text, manager, w, ids, r)
            if held:
                holds[customer.id] = held
    result = load.finish()
    credit_holds_apply(holds)
    result["customers on credit hold"] = len(holds)
    return result


def _payments(plan, people, items, customer, r, w, ids) -> None:
    """Group the customer's payments by day (one transfer pays everything paid that day), a few
    with a rest left unallocated; some preceded by a mistaken entry, voided with its allocations
    reversed."""
    by_day: dict[date, list[tuple[Item, int]]] = {}
    for item in items:
        for day, fen in item.paid:
            by_day.setdefault(day, []).append((item, fen))
    for day in sorted(by_day):
        lines = by_day[day]
        allocated = sum(fen for _, fen in lines)
        clerk = people.finance[(customer.id + day.toordinal()) % len(people.finance)]
        recorded = plan.at(day, 15)
        method = METHODS[r.randrange(len(METHODS))]
        if r.random() < VOID:
            ids["payment"] += 1
            mistaken = plan.at(day, 10)
            voided = plan.at(day, 14)
            w["payment"].add(
                ids["payment"],
                customer.id,
                day,
                money(allocated),
                money(0),
                method,
                f"BANK{ids['payment']:09d}",
                clerk,
                mistaken,
                None,
                voided,
                clerk,
                VOID_REASON,
            )
            for item, fen in lines:
                ids["allocation"] += 1
                w["allocation"].add(
                    ids["allocation"], ids["payment"], item.id, money(fen), mistaken, clerk, voided
                )
        ids["payment"] += 1
        amount = allocated + (
            round(allocated * r.uniform(0.01, 0.2)) if r.random() < ADVANCE else 0
        )
        w["payment"].add(
            ids["payment"],
            customer.id,
            day,
            money(amount),
            money(allocated),
            method,
            f"BANK{ids['payment']:09d}",
            clerk,
            recorded,
            None,
            None,
            None,
            "",
        )
        for item, fen in lines:
            ids["allocation"] += 1
            w["allocation"].add(
                ids["allocation"], ids["payment"], item.id, money(fen), recorded, clerk, None
            )


def _receivable_row(plan, item: Item, customer, settled, w, people, r, ids) -> None:
    paid = item.opening_paid + sum(f for _, f in item.paid)
    written = sum(f for _, f in item.written)
    for day, fen in item.written:
        ids["writeoff"] += 1
        w["writeoff"].add(
            ids["writeoff"],
            item.id,
            money(fen),
            day,
            WRITE_OFF_REASONS[r.randrange(len(WRITE_OFF_REASONS))],
            people.finance[0],
            plan.at(day, 16),
        )
    created = plan.at(max(item.issue, plan.go_live) if item.source == "opening" else item.issue, 11)
    w["receivable"].add(
        item.id,
        customer.id,
        f"AR{item.id:08d}",
        item.issue,
        item.due,
        money(item.amount),
        money(paid),
        money(item.opening_paid),
        money(written),
        item.kind,
        item.source,
        None,
        "",
        None,
        created,
        settled,
    )


RECEIVABLE_COLUMNS = (  # noqa: SIM905
    "id customer_id number issue_date due_date amount allocated opening_paid "
    "written_off kind source opportunity_id note penalty_daily_rate created_at settled_on"
).split()
PAYMENT_COLUMNS = (  # noqa: SIM905
    "id customer_id date amount allocated method reference recorded_by_id recorded_at "
    "submission_key voided_at voided_by_id void_reason"
).split()
