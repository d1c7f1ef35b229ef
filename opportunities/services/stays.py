"""The per-deal summary of the stage history (Opportunity.highest_level, stays_N, stay_seconds_N),
recomputed in SQL from the deal's stage changes: after every recorded move, by the migration that
introduced it, and by anything that writes stage changes in bulk (generate_dataset)."""

from collections.abc import Iterable

from django.db import connection, transaction

from opportunities.models import LEVELS, STAY_FIELDS, Opportunity, StageChange

# Losing and reopening keep the deal's level: they are not moves, so their rows are left out
# before each move's successor is looked up (a stay in a level ends with the next move). The
# stays are ordered by (changed_at, id), as the funnel always read the history.
_REFRESH_SQL = """
WITH moves AS (
    SELECT sc.opportunity_id, sc.to_level, {stay} AS seconds
    FROM opportunities_stagechange sc
    WHERE sc.kind NOT IN (%s, %s) {only}
    WINDOW w AS (PARTITION BY sc.opportunity_id ORDER BY sc.changed_at, sc.id)
), per_deal AS (
    SELECT opportunity_id, MAX(to_level) AS highest, {sums}
    FROM moves GROUP BY opportunity_id
)
UPDATE opportunities_opportunity SET highest_level = per_deal.highest, {sets}
FROM per_deal WHERE opportunities_opportunity.id = per_deal.opportunity_id
"""
# Whole seconds of a stay, as timedelta.days * 86400 + timedelta.seconds: microseconds dropped.
_STAY_SECONDS = {
    "postgresql": "FLOOR(EXTRACT(EPOCH FROM (LEAD(sc.changed_at) OVER w - sc.changed_at)))",
    # Development databases only: SQLite has no interval type, and julianday's double is not
    # exact: round to the millisecond, then floor to whole seconds (integer division).
    "sqlite": "CAST(ROUND((julianday(LEAD(sc.changed_at) OVER w) - julianday(sc.changed_at))"
    " * 86400000) AS INTEGER) / 1000",
}


@transaction.atomic
def stays_refresh(*, opportunity_ids: Iterable[int] | None = None) -> int:
    """Recompute the history summary of the given deals (every deal when None) from their stage
    changes in one UPDATE; returns how many deals were updated. A deal without stage changes
    keeps its summary (NULL highest level: it counts nowhere in the conversion)."""
    sums = ", ".join(
        f"COUNT(seconds) FILTER (WHERE to_level = {n}) AS stays_{n}, "
        f"COALESCE(SUM(seconds) FILTER (WHERE to_level = {n}), 0) AS stay_seconds_{n}"
        for n in LEVELS
    )
    sets = ", ".join(
        f"stays_{n} = per_deal.stays_{n}, stay_seconds_{n} = per_deal.stay_seconds_{n}"
        for n in LEVELS
    )
    params: list = [StageChange.Kind.LOST.value, StageChange.Kind.REOPENED.value]
    only = ""
    if opportunity_ids is not None:
        ids = [int(pk) for pk in opportunity_ids]
        if not ids:
            return 0
        only = f"AND sc.opportunity_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    sql = _REFRESH_SQL.format(
        stay=_STAY_SECONDS[connection.vendor], only=only, sums=sums, sets=sets
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@transaction.atomic
def opportunity_stays_refresh(*, opportunity: Opportunity) -> None:
    """After a move of `opportunity` was recorded: its summary, in the row and on the instance
    (a later save() of a stale instance would write the old summary back)."""
    stays_refresh(opportunity_ids=[opportunity.pk])
    opportunity.refresh_from_db(fields=STAY_FIELDS)
