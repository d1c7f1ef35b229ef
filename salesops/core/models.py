"""Shared reference data (regions), in-app notifications and the scheduler heartbeat."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesops.core.localized import LocalizedNameMixin


class Region(LocalizedNameMixin, models.Model):
    """A sales region (区域); the list is edited in admin and seeded by migration."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.display_name


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user, shown under the bell; jobs write these through notification_send."""

    class Level(models.TextChoices):
        INFO = "info", _("Info")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Urgent")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    # Jobs pass a key such as "followup-due:2026-11-23:customer:42" so a rerun adds nothing.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_unique_dedupe_key_per_recipient",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Heartbeat(models.Model):
    """Last time a named background pipeline proved it was alive (written by a beat job)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user sees the runs they started; admins see every run."""
        from salesops.accounts.access import role_of
        from salesops.accounts.roles import Role

        role = role_of(user)
        if role is None:
            return self.none()
        if role is Role.ADMIN:
            return self
        return self.filter(created_by=user)


class ImportRun(models.Model):
    """One Excel import applied in the background: its file, its progress and its report."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        OPENING_BALANCES = "opening_balances", _("Opening balances")
        PRODUCTS = "products", _("Products")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="import_runs/")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("total rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    imported_count = models.PositiveIntegerField(_("rows imported"), default=0)
    # Lines "row n, column: message", in sheet order: why nothing was written.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("import_run_detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_done * 100 // self.total_rows)


class JobRun(models.Model):
    """One run of a scheduled job (by beat's task or by `run_job`): written by the job's wrapper
    (salesops.core.scheduling.scheduled_job) when it starts, finished by the same run's update of
    its own row, so runs on several workers never share or re-read a row."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("job"), max_length=80)
    as_of = models.DateField(_("for the day"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["name", "-started_at"], name="jobrun_name_started"),
            models.Index(
                fields=["-started_at"],
                name="jobrun_failed_started",
                condition=Q(outcome="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.started_at:%Y-%m-%d %H:%M:%S} · {self.get_outcome_display()}"

    @property
    def error_summary(self) -> str:
        """The last line of the error (the exception and its message, under the traceback)."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""
