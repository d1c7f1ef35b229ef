"""Report PDFs built in the background: who asked for which report with which parameters, the
build's progress, and its file."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesops.accounts.access import role_of


class ReportBuildQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A build is its owner's alone (admins included: it is a personal download)."""
        if role_of(user) is None:
            return self.none()
        return self.filter(owner=user)


class ReportBuild(models.Model):
    """One report PDF too long to render in the request (over REPORT_PDF_INLINE_PAGES pages),
    built by the task reports.tasks.report_build_run."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report build", "Queued")
        RUNNING = "running", pgettext_lazy("report build", "Running")
        DONE = "done", pgettext_lazy("report build", "Done")
        FAILED = "failed", pgettext_lazy("report build", "Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="report_builds",
    )
    slug = models.SlugField(_("report"), max_length=50)
    # The page's query after its fallbacks (reports.forms.ParsedQuery.params): period, day or
    # start and end, filters by id.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The day it was asked for: balances are read on min(that day, the period's end), whenever
    # a worker gets to it.
    requested_on = models.DateField(_("requested on"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="report_builds/", blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportBuildQuerySet.as_manager()

    class Meta:
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_build_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slug} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("report_build", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
