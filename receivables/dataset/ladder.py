"""The escalation ladder as the daily job would have recorded it through the day before as-of,
and the credit holds (停止供货) its hold step put and managers released."""

from datetime import date, timedelta

from salesops.core.dataset import money

RELEASE_REASON = "逾期款项已结清，恢复供货"


def escalations(plan, item, settled, levels, w, ids) -> list[tuple]:
    """The ladder as the daily job recorded it through yesterday: each step on the day the item
    reached it while still owing; an opening balance first seen at go-live past several steps
    gets the highest applied and the lower ones skipped. Returns the hold steps' intervals."""
    last_run = plan.as_of - timedelta(days=1)
    seen = plan.go_live if item.source == "opening" else item.issue
    end = settled or date.max
    intervals = []
    reached_before = [lv for lv in levels if item.due + timedelta(days=lv[1]) < seen]
    if reached_before and seen < end and seen <= last_run:
        days = (seen - item.due).days
        balance = item.balance_on(seen)
        for level in reached_before:
            top = level is reached_before[-1]
            ids["escalation"] += 1
            w["escalation"].add(
                ids["escalation"],
                item.id,
                level[0],
                "applied" if top else "skipped",
                seen,
                days,
                money(balance),
                None,
                plan.at(seen, 6, 30),
            )
            if top and level[2]:
                intervals.append((seen, end, item.id, days))
    for level_id, from_days, hold in levels[len(reached_before) :]:
        day = item.due + timedelta(days=from_days)
        if day > last_run or day >= end:
            break
        ids["escalation"] += 1
        w["escalation"].add(
            ids["escalation"],
            item.id,
            level_id,
            "applied",
            day,
            from_days,
            money(item.balance_on(day)),
            None,
            plan.at(day, 6, 30),
        )
        if hold:
            intervals.append((day, end, item.id, from_days))
    return intervals


def holds_put(plan, customer_id, intervals, text, manager, w, ids, r) -> tuple | None:
    """停止供货 put by the first hold step of a run of overlapping holds, released by the
    manager a few days after the last such item settled; returns (since, reason) if still held."""
    last_run = plan.as_of - timedelta(days=1)
    runs: list[list] = []  # [start, end, reason, days until released]
    for start, end, number, days in sorted(intervals, key=lambda i: (i[0], -i[3], i[2])):
        if runs and (runs[-1][1] == date.max or start <= runs[-1][1] + timedelta(runs[-1][3])):
            runs[-1][1] = max(runs[-1][1], end)
            continue
        reason = text % {"number": f"AR{number:08d}", "days": days}
        runs.append([start, end, reason, r.randint(1, 7)])
    still = None
    for start, end, reason, wait in runs:
        ids["hold"] += 1
        w["hold"].add(ids["hold"], customer_id, "hold", reason, None, plan.at(start, 6, 30))
        release = end + timedelta(days=wait) if end != date.max else None
        if release is not None and release <= last_run:
            ids["hold"] += 1
            w["hold"].add(
                ids["hold"], customer_id, "release", RELEASE_REASON, manager, plan.at(release, 10)
            )
        else:
            still = (plan.at(start, 6, 30), reason)
    return still
