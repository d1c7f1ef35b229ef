"""Funnel dashboard benchmarks (admin and manager) against hand-written SQL from
docs/opportunities.md: open deals per level, won, conversion from each deal's highest level,
average days per level from the stage history, target and achieved for the quarter."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from benchmarks.book import fetch, fetch_one, scope_sql
from benchmarks.harness import Case, Target, operation
from opportunities.models import COLLECTED_LEVEL, COMMITTED_LEVEL
from opportunities.rules.periods import period_bounds

ZERO = Decimal("0.00")
CUSTOMER = "JOIN customers_customer c ON c.id = o.customer_id"
STAGE = "JOIN opportunities_funnelstage s ON s.id = o.stage_id"


class FunnelPage(Case):
    """GET /opportunities/funnel/?as_of=&period=quarter as `user`."""

    def __init__(self, book, *, user):
        self.book, self.user = book, user
        self.url = (
            reverse("funnel_dashboard")
            + "?"
            + urlencode({"as_of": book.today, "period": "quarter"})
        )

    def setup(self) -> None:
        (changes,) = fetch_one("SELECT count(*) FROM opportunities_stagechange")
        self.scale = f"{changes:,} stage changes, {self.user.role}"

    def run(self):
        return self.book.get(self.user, self.url)

    def figures(self, response):
        f = response.context["funnel"]
        return {
            "levels": {r.stage.level: (r.count, r.amount) for r in f.levels},
            "conversion": [
                (r.conversion.level, r.conversion.reached, r.conversion.advanced)
                for r in f.levels
                if r.conversion
            ],
            "avg_days": {r.stage.level: r.avg_days for r in f.levels if r.avg_days is not None},
            "won_lost": (f.won_count, f.lost_count),
            "target_achieved": (f.target, f.achieved),
        }

    def sql(self):
        # Deals are scoped by their customer's owner (OpportunityQuerySet.owner_path), targets
        # by their own owner.
        scope, params = scope_sql(self.user)
        target_scope, _same = scope_sql(self.user, owner="t.owner_id")
        start, end = period_bounds("quarter", self.book.today)
        params = {**params, "start": start, "end": end, "tz": settings.TIME_ZONE}
        levels = [level for (level,) in fetch("SELECT level FROM opportunities_funnelstage")]
        by_level = fetch(
            "SELECT s.level, count(*), COALESCE(SUM(o.amount), 0) "
            f"FROM opportunities_opportunity o {STAGE} "
            f"{CUSTOMER} WHERE o.status = 'open' AND {scope} GROUP BY s.level",
            params,
        )
        won = fetch_one(
            "SELECT count(*), COALESCE(SUM(o.amount), 0) FROM opportunities_opportunity o "
            f"{CUSTOMER} WHERE o.status = 'won' AND {scope}",
            params,
        )
        # One pass over the history: each deal's highest level, and each stay (from a move to
        # the next one) in the level it entered. Lost and reopened marks are not moves.
        history = f"""
            SELECT sc.opportunity_id, sc.to_level,
                   EXTRACT(EPOCH FROM LEAD(sc.changed_at) OVER w - sc.changed_at) AS stay
            FROM opportunities_stagechange sc
            JOIN opportunities_opportunity o ON o.id = sc.opportunity_id {CUSTOMER}
            WHERE sc.kind NOT IN ('lost', 'reopened') AND {scope}
            WINDOW w AS (PARTITION BY sc.opportunity_id ORDER BY sc.changed_at, sc.id)
        """
        stays = fetch(
            f"SELECT to_level, ROUND(SUM(FLOOR(stay)) / COUNT(*) / 86400, 1) FROM ({history}) h "
            "WHERE stay IS NOT NULL GROUP BY to_level",
            params,
        )
        highest = fetch(
            f"SELECT top, count(*) FROM (SELECT MAX(to_level) AS top FROM ({history}) h "
            "GROUP BY opportunity_id) t GROUP BY top",
            params,
        )
        won_count, lost_count = fetch_one(
            "SELECT count(*) FILTER (WHERE s.level >= %(committed)s AND o.status <> 'lost'), "
            "count(*) FILTER (WHERE o.status = 'lost') "
            f"FROM opportunities_opportunity o {STAGE} "
            f"{CUSTOMER} WHERE {scope}",
            {**params, "committed": COMMITTED_LEVEL},
        )
        (target,) = fetch_one(
            "SELECT COALESCE(SUM(t.sales_target), 0) FROM opportunities_salestarget t "
            f"WHERE t.period = 'quarter' AND t.period_start = %(start)s AND {target_scope}",
            params,
        )
        (achieved,) = fetch_one(
            "SELECT COALESCE(SUM(o.amount), 0) FROM opportunities_opportunity o "
            f"JOIN opportunities_funnelstage s ON s.id = o.stage_id {CUSTOMER} "
            "WHERE o.status <> 'lost' AND s.level >= %(committed)s "
            "AND (o.committed_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s "
            f"AND {scope}",
            {**params, "committed": COMMITTED_LEVEL},
        )
        return {
            "levels": sorted(levels),
            "by_level": by_level,
            "won": won,
            "stays": stays,
            "highest": highest,
            "won_lost": (won_count, lost_count),
            "target_achieved": (target, achieved),
        }

    def sql_figures(self, rows):
        levels = rows["levels"]
        by_level = dict.fromkeys(levels, (0, ZERO))
        by_level.update({level: (n, total) for level, n, total in rows["by_level"]})
        by_level[COLLECTED_LEVEL] = tuple(rows["won"])
        highest = dict(rows["highest"])

        def reached(level):
            return sum(n for top, n in highest.items() if top >= level)

        return {
            "levels": by_level,
            "conversion": [(lv, reached(lv), reached(lv + 1)) for lv in levels[:-1]],
            "avg_days": dict(sorted(rows["stays"])),
            "won_lost": rows["won_lost"],
            "target_achieved": rows["target_achieved"],
        }


FUNNEL = Target(p95_ms=250, sql_ratio=1.3)


@operation(name="funnel.admin", target=FUNNEL)
def funnel_admin(book):
    return FunnelPage(book, user=book.admin)


@operation(name="funnel.manager", target=FUNNEL)
def funnel_manager(book):
    return FunnelPage(book, user=book.manager)
