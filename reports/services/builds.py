"""Background report PDFs: starting a build and running it."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from reports.catalog import REPORTS, Report
from reports.models import ReportBuild
from salesops.accounts.access import role_of
from salesops.core.i18n import lazy_text
from salesops.core.models import Notification
from salesops.core.services import notification_send

logger = logging.getLogger(__name__)
UNFINISHED = (ReportBuild.State.QUEUED, ReportBuild.State.RUNNING)
# A second click within this time finds the build of the first; later (a worker died and left
# it running) a new build starts.
SAME_BUILD_WINDOW = timedelta(minutes=15)


class BuildRefusedError(Exception):
    """The build cannot run as asked (its report is gone, its owner may no longer open it)."""


@transaction.atomic
def report_build_start(
    *, owner, report: Report, params: dict, requested_on: date, language: str = ""
) -> ReportBuild:
    """Queue the PDF of `report` with the page's `params` for a worker, once committed. The
    same report asked for again by the same person with the same parameters within
    SAME_BUILD_WINDOW while it is still unfinished (a second click) is that build."""
    from reports.tasks import report_build_run

    same = ReportBuild.objects.filter(
        owner=owner,
        slug=report.slug,
        params=params,
        requested_on=requested_on,
        state__in=UNFINISHED,
        created_at__gte=timezone.now() - SAME_BUILD_WINDOW,
    ).first()
    if same is not None:
        return same
    build = ReportBuild.objects.create(
        owner=owner,
        slug=report.slug,
        params=params,
        requested_on=requested_on,
        language=language,
        step=str(_("Waiting for a worker…")),
    )
    transaction.on_commit(lambda: report_build_run.delay(build.pk))
    return build


def _update(build_id: int, **fields) -> None:
    ReportBuild.objects.filter(pk=build_id).update(**fields)


def _progress(build_id: int, percent: int, step) -> None:
    """Written at once (the task runs in autocommit), so the polling page sees it."""
    _update(build_id, progress=percent, step=str(step))


def report_build_execute(*, build_id: int) -> str:
    """Run one queued build: claim it (a conditional UPDATE queued → running, so a second
    delivery of the task does nothing and returns "skipped"), build the report for its owner
    as the page would, lay out the PDF, keep the file, and notify the owner with a link. Any
    failure marks the build failed with a message and notifies the owner too."""
    claimed = ReportBuild.objects.filter(pk=build_id, state=ReportBuild.State.QUEUED).update(
        state=ReportBuild.State.RUNNING, started_at=timezone.now(), progress=5, step=""
    )
    if not claimed:
        return "skipped"
    build = ReportBuild.objects.select_related("owner").get(pk=build_id)
    with translation.override(build.language or settings.LANGUAGE_CODE):
        try:
            report = _run(build)
        except BuildRefusedError as exc:
            return _fail(build, str(exc))
        except Exception:
            logger.exception("report build %s failed", build_id)
            return _fail(
                build, str(_("The PDF could not be built because of an unexpected error."))
            )
    notification_send(
        recipient=build.owner,
        title=lazy_text(_("Your PDF is ready: %(title)s"), title=report.title),
        url=build.get_absolute_url(),
        dedupe_key=f"report-build-{build.pk}",
    )
    return ReportBuild.State.DONE


def _run(build: ReportBuild) -> Report:
    from reports.forms import parse_report_query
    from reports.pdfs import report_pdf_render_pages

    report = REPORTS.get(build.slug)
    if report is None:
        raise BuildRefusedError(_("This report no longer exists."))
    if not report.allows(role_of(build.owner)):
        raise BuildRefusedError(_("Your role may no longer open this report."))
    _progress(build.pk, 10, _("Reading the figures"))
    # The filters are checked against the owner's scope again, as on the page.
    parsed = parse_report_query(
        build.params, report=report, user=build.owner, today=build.requested_on
    )
    # A filter the owner may no longer use was dropped: the finished build says so.
    dropped = ""
    if parsed.problems:
        names = ", ".join(f"{label} ({raw})" for label, raw in parsed.problems)
        dropped = str(_("The PDF was built without: %(filters)s.") % {"filters": names})
        dropped = dropped[: ReportBuild._meta.get_field("step").max_length]
    context = report.build(parsed.request)
    _progress(build.pk, 30, _("Laying out the pages"))
    content, pages = report_pdf_render_pages(report, parsed.request, context)
    _progress(build.pk, 90, _("Saving the file"))
    build.file.save(
        f"{report.slug}-{parsed.request.period.start:%Y%m%d}-{build.pk}.pdf",
        ContentFile(content),
        save=False,
    )
    _update(
        build.pk,
        file=build.file.name,
        page_count=pages,
        state=ReportBuild.State.DONE,
        progress=100,
        step=dropped,
        finished_at=timezone.now(),
    )
    return report


def _fail(build: ReportBuild, message: str) -> str:
    _update(
        build.pk,
        state=ReportBuild.State.FAILED,
        error=message,
        step="",
        finished_at=timezone.now(),
    )
    notification_send(
        recipient=build.owner,
        title=_("A PDF could not be built"),
        body=message,
        url=build.get_absolute_url(),
        level=Notification.Level.WARNING,
        dedupe_key=f"report-build-{build.pk}",
    )
    return ReportBuild.State.FAILED
