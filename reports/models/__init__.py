"""The reports app's models, one module per subdomain; callers import them from here."""

from reports.models.builds import ReportBuild
from reports.models.commission import (
    CommissionLine,
    CommissionPeriod,
    CommissionProfile,
    CommissionSettings,
)

__all__ = [
    "CommissionLine",
    "CommissionPeriod",
    "CommissionProfile",
    "CommissionSettings",
    "ReportBuild",
]
