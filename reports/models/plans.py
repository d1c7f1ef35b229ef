"""A rep's plans and reports from the key-account follow-up forms: the weekly or monthly
work plan (周/月工作计划), the daily visit report (拜访日报) and the competitor monthly report
(竞品月报). Each is written by one rep (its owner) about customers that rep can see."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.querysets import CompetitorReportQuerySet, VisitReportQuerySet, WorkPlanQuerySet


class WorkPlan(models.Model):
    """周/月工作计划: what a rep means to do in one ISO week or one calendar month."""

    class Kind(models.TextChoices):
        WEEK = "week", pgettext_lazy("plan kind", "Weekly")
        MONTH = "month", pgettext_lazy("plan kind", "Monthly")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="work_plans",
    )
    kind = models.CharField(_("plan kind"), max_length=5, choices=Kind.choices)
    # The Monday of the week or the first of the month; period_end is its last day, kept by
    # the service so overlap with a report's period is an index range.
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), editable=False)
    goals = models.TextField(_("goals"), max_length=2000)
    customers = models.ManyToManyField(
        "customers.Customer", verbose_name=_("customers targeted"), related_name="+", blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-period_start", "kind", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "period_start"], name="work_plan_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="work_plan_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["owner", "period_start"], name="work_plan_owner_start")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.get_kind_display()} {self.period_start:%Y-%m-%d}"


class VisitReport(models.Model):
    """拜访日报: one customer visit or contact of one day, with what came of it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="visit_reports",
    )
    day = models.DateField(_("day"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The follow-up (跟进记录) this report is about, if it was logged: one of the customer's.
    followup = models.ForeignKey(
        "customers.FollowUp",
        verbose_name=_("follow-up"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(_("what happened"), max_length=2000)
    issues = models.TextField(_("issues"), max_length=2000, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VisitReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["owner", "day"], name="visit_report_owner_day")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.day:%Y-%m-%d} · {self.customer}"


class CompetitorReport(models.Model):
    """竞品月报: what a rep saw of a competitor at one customer in one month."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="competitor_reports",
    )
    # The first day of the month reported on.
    month = models.DateField(_("month"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    competitor = models.CharField(_("competitor"), max_length=100)
    product = models.CharField(_("competing product"), max_length=200, blank=True)
    price_terms = models.CharField(_("price and terms"), max_length=300, blank=True)
    observation = models.TextField(_("observation"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompetitorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitor report")
        verbose_name_plural = _("competitor reports")
        ordering = ["-month", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1), name="competitor_report_month_first_day"
            )
        ]
        indexes = [models.Index(fields=["owner", "month"], name="competitor_report_owner_month")]

    def __str__(self) -> str:
        return f"{self.owner} · {self.month:%Y-%m} · {self.competitor}"
