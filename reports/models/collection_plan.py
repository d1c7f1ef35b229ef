"""The quarterly split of the annual collection target (回款计划), one settings row."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reports.rules.stats import QUARTER_SHARE_MAX, QUARTER_SHARE_MIN, split_problems

SHARE = {"max_digits": 5, "decimal_places": 2, "default": Decimal(25)}
QUARTER_FIELDS = ("q1_share", "q2_share", "q3_share", "q4_share")


class CollectionPlanSettings(models.Model):
    """回款计划: the one row saying which share of the annual collection target each quarter
    carries (docs/reports.md, "Collection plan progress"): 25–30 % each, 100 % together,
    25/25/25/25 until an admin changes it."""

    q1_share = models.DecimalField(_("Q1 share of the annual target (%)"), **SHARE)
    q2_share = models.DecimalField(_("Q2 share of the annual target (%)"), **SHARE)
    q3_share = models.DecimalField(_("Q3 share of the annual target (%)"), **SHARE)
    q4_share = models.DecimalField(_("Q4 share of the annual target (%)"), **SHARE)
    # The range each quarter's share must stay in. At 25–30 % only 25/25/25/25 adds up to 100 %;
    # a wider range (e.g. 20–30 %) allows an uneven split.
    min_share = models.DecimalField(
        _("lowest share of a quarter (%)"),
        max_digits=5,
        decimal_places=2,
        default=QUARTER_SHARE_MIN,
    )
    max_share = models.DecimalField(
        _("highest share of a quarter (%)"),
        max_digits=5,
        decimal_places=2,
        default=QUARTER_SHARE_MAX,
    )

    class Meta:
        verbose_name = _("collection plan split")
        verbose_name_plural = _("collection plan split")
        # The last line of defence; clean() explains a refusal with the figures.
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 100}),
                    name=f"collectionplan_{name}_a_percentage",
                )
                for name in (*QUARTER_FIELDS, "min_share", "max_share")
            ),
            models.CheckConstraint(
                condition=Q(min_share__lte=F("max_share")), name="collectionplan_range_in_order"
            ),
        ]

    def __str__(self) -> str:
        return "/".join(_plain(share) for share in self.shares)

    @property
    def shares(self) -> list[Decimal]:
        return [getattr(self, name) for name in QUARTER_FIELDS]

    @classmethod
    def load(cls) -> "CollectionPlanSettings":
        """The saved row, or the default split (not saved: a report only reads)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        low, high = self.min_share, self.max_share
        if low is None or high is None:
            return  # the fields' own "required" errors say it
        if not 0 <= low <= high <= 100:
            raise ValidationError(
                {
                    "max_share": _(
                        "The range of a quarter's share must run from 0 to 100 %, lowest first."
                    )
                }
            )
        for quarter, problem in split_problems(self.shares, low=low, high=high):
            if problem == "range":
                name = QUARTER_FIELDS[quarter - 1]
                if getattr(self, name) is None:
                    continue
                errors.setdefault(name, []).append(
                    _(
                        "Q%(quarter)s is %(share)s %%; each quarter carries %(low)s–%(high)s %% "
                        "of the annual target."
                    )
                    % {
                        "quarter": quarter,
                        "share": _plain(getattr(self, name)),
                        "low": _plain(low),
                        "high": _plain(high),
                    }
                )
            else:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("The four quarters add up to %(total)s %%; they must add up to 100 %%.")
                    % {"total": _plain(sum(self.shares))}
                )
        if errors:
            raise ValidationError(errors)


def _plain(value: Decimal) -> str:
    """25.00 -> "25", 27.50 -> "27.5" (normalize() alone writes 30 as "3E+1")."""
    return f"{value.normalize():f}"
