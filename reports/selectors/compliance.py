"""Follow-up compliance report (跟进达标率, docs/reports.md): per owner in the request's scope, the
share of customers followed up within their tier's cadence and of those with a visit cadence
visited within it, and the follow-ups logged in the period — customers' own compliance read
(`customers.selectors.followup_compliance`), not a second version of its rules."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from customers.selectors import ComplianceRow, followup_compliance
from reports.rules.stats import share
from salesops.core import charts

# Below this share of customers within cadence an owner's row is marked (as on the customers'
# compliance page).
COMPLIANCE_WARNING = Decimal("0.8")


def _in_filters(row: ComplianceRow, request) -> bool:
    owner = row.owner
    if request.rep is not None and owner.pk != request.rep.pk:
        return False
    if request.team is not None:
        # A member of the team, or its manager (whose own customers count in the team).
        return owner.team_id == request.team.pk or request.team.manager_id == owner.pk
    return True


def compliance_build(request) -> dict:
    """Compliance on `request.as_of` (the period's end, or today within the period) and the
    follow-ups logged from the period's first day to that day, per owner with customers, as
    `followup_compliance` counts them for the viewer: a rep gets their own row, a manager the
    team's, finance and admins everyone; the team and rep filters narrow the rows. Three
    queries (and the viewer's role) whatever the number of customers."""
    period = request.period
    rows = [
        row
        for row in followup_compliance(
            user=request.user, as_of=request.as_of, since=period.start, until=request.as_of
        )
        if _in_filters(row, request)
    ]
    customers = sum(row.customers for row in rows)
    within = sum(row.within_cadence for row in rows)
    visit_customers = sum(row.visit_customers for row in rows)
    visits_within = sum(row.visits_within_cadence for row in rows)
    rates = [share(Decimal(row.within_cadence), Decimal(row.customers)) for row in rows]
    visit_rates = [
        share(Decimal(row.visits_within_cadence), Decimal(row.visit_customers)) for row in rows
    ]
    return {
        "rows": [
            {
                "row": row,
                "rate": rate,
                "visit_rate": visit_rate,
                "below": rate is not None and rate < COMPLIANCE_WARNING,
                "visit_below": visit_rate is not None and visit_rate < COMPLIANCE_WARNING,
            }
            for row, rate, visit_rate in zip(rows, rates, visit_rates, strict=True)
        ],
        "customers": customers,
        "within_cadence": within,
        "rate": share(Decimal(within), Decimal(customers)),
        "visit_customers": visit_customers,
        "visits_within_cadence": visits_within,
        "visit_rate": share(Decimal(visits_within), Decimal(visit_customers)),
        "logs": sum(row.logs for row in rows),
        "late_logs": sum(row.late_logs for row in rows),
        "warning": COMPLIANCE_WARNING,
        "chart": charts.bar(
            title=_("Follow-up compliance per owner, %(day)s") % {"day": request.as_of.isoformat()},
            labels=[str(row.owner) for row in rows],
            series=[charts.Series(_("Within cadence"), rates)],
            unit="percent",
            horizontal=True,
        ),
    }
