"""The benchmark book's deals (`generate_dataset`): opportunities over the six levels, open, won
(collected) and lost, each with the stage-change rows of the path it took and its primary
contact; written by COPY without history rows. The command refreshes the deals' stay summaries
(opportunities.services.stays) after every loader has rebuilt its keys."""

from datetime import timedelta

from customers.dataset import PRODUCTS, CustomerRow
from salesops.core.dataset import Load, Plan, allot, fetch, money, text

DEAL_WEIGHT = {"A": 12.0, "B": 6.0, "C": 2.5, "D": 0.8}
OPEN_LEVELS = (1, 2, 3, 4, 5), (40, 27, 16, 11, 6)
LOST_LEVELS = (1, 2, 3, 4, 5), (38, 30, 19, 9, 4)
COMPETITORS = ["西门子", "施耐德", "ABB", "汇川", "本地厂商"]
SOURCES = ["customer", "referral", "exhibition", "tender", "website", "other"]


def counts(plan: Plan, customers: int) -> dict[str, int]:
    return {"opportunities": plan.count(200_000, minimum=customers // 2)}


def load(plan: Plan, customers: list[CustomerRow]) -> dict[str, int]:
    n = counts(plan, len(customers))["opportunities"]
    stages = dict(fetch("SELECT level, id FROM opportunities_funnelstage"))
    reasons = [row[0] for row in fetch("SELECT id FROM opportunities_lostreason ORDER BY id")]
    reason_names = {
        pk: text(name) for pk, name in fetch("SELECT id, name FROM opportunities_lostreason")
    }
    rng = plan.rng("opportunities", "allot")
    per_customer = allot(n, [DEAL_WEIGHT[c.tier] * rng.uniform(0.5, 1.5) for c in customers])

    load = Load(plan)
    deals = load.table("opportunities_opportunity", DEAL_COLUMNS)
    changes = load.table(
        "opportunities_stagechange",
        [
            "id",
            "opportunity_id",
            "kind",
            "from_level",
            "to_level",
            "changed_at",
            "changed_by_id",
            "note",
        ],
    )
    contacts = load.table(
        "opportunities_dealcontact", ["id", "opportunity_id", "contact_id", "role", "is_primary"]
    )
    today = plan.as_of
    end = plan.at(today, 18)
    deal_id = change_id = 0
    for customer, count in zip(customers, per_customer, strict=True):
        r = plan.rng("opportunities", customer.id)
        first = max(customer.created, today - timedelta(days=730))
        for _ in range(count):
            deal_id += 1
            created_day = first + timedelta(days=r.randint(0, max(0, (today - first).days - 1)))
            start = plan.at(created_day, r.randint(9, 17), r.choice((0, 30)))
            age = (today - created_day).days
            p_open = 0.85 if age < 90 else (0.5 if age < 240 else 0.12)
            if r.random() < p_open:
                status, top = "open", r.choices(*OPEN_LEVELS)[0]
            elif r.random() < 0.38:
                status, top = "won", 5
            else:
                status, top = "lost", r.choices(*LOST_LEVELS)[0]
            # The path: created at 1, one level at a time up to `top` (sometimes a step back and
            # up again), then collected (won) or lost; gaps squeezed to end before today.
            path = [("created", None, 1)]
            for level in range(2, top + 1):
                path.append(("advanced", level - 1, level))
                if level < top and r.random() < 0.04:
                    path += [("moved_back", level, level - 1), ("advanced", level - 1, level)]
            if status == "won":
                path.append(("collected", 5, 6))
            elif status == "lost":
                path.append(("lost", top, top))
            gaps = [0.0] + [r.uniform(3, 40) for _ in path[1:]]
            total = sum(gaps)
            room = (end - start).total_seconds() / 86400 - 0.01
            squeeze = min(1.0, room / total) if total else 1.0
            at, times = start, []
            for gap in gaps:
                at = at + timedelta(days=gap * squeeze)
                times.append(at)
            entered = committed = None
            for (kind, low, high), when in zip(path, times, strict=True):
                change_id += 1
                if kind != "lost":
                    entered = when
                if high == 5 and committed is None and kind == "advanced":
                    committed = when
                reason = reasons[r.randrange(len(reasons))] if kind == "lost" else None
                changes.add(
                    change_id,
                    deal_id,
                    kind,
                    low,
                    high,
                    when,
                    None if kind == "collected" else customer.seller,
                    reason_names[reason] if reason else "",
                )
            level = 6 if status == "won" else top
            amount = max(1_000_00, round(customer.revenue_fen * r.uniform(0.05, 0.6), -2))
            product = PRODUCTS[r.randrange(len(PRODUCTS))][0]
            deals.add(
                deal_id,
                customer.id,
                f"{product}项目 {deal_id}",
                money(amount),
                created_day + timedelta(days=r.randint(60, 180)),
                customer.seller,
                stages[level],
                status,
                SOURCES[r.randrange(len(SOURCES))],
                "",
                entered,
                committed,
                times[-1] if status != "open" else None,
                reason if status == "lost" else None,
                COMPETITORS[r.randrange(len(COMPETITORS))] if status == "lost" else "",
                "",
                start,
            )
            if top >= 2:
                contact, _role = customer.contacts[0]
                contacts.add(deal_id, deal_id, contact, "decision_maker", True)
    return load.finish()


DEAL_COLUMNS = (  # noqa: SIM905
    "id customer_id name amount expected_close owner_id stage_id status source "
    "description stage_entered_at committed_at closed_at lost_reason_id competitor "
    "lost_note created_at"
).split()
