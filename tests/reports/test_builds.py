"""Report PDFs built in the background: a report estimated longer than REPORT_PDF_INLINE_PAGES
is queued (never rendered in the request), claimed once by the task, built with progress,
downloadable by its owner alone, announced by a notification; a failure says so."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.catalog import REPORTS
from reports.models import ReportBuild
from reports.services.builds import report_build_execute, report_build_start
from reports.tasks import report_build_run
from salesops.accounts.models import User
from salesops.core.models import Notification
from tests.core.test_celery_roundtrip import worker  # noqa: F401  (a fixture)
from tests.core.test_import_runs import worker_on_test_db  # noqa: F401  (a fixture)
from tests.receivables.test_pdfs import (  # noqa: F401  (poppler: a fixture)
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.aging_book import make_aging_book

pytestmark = pytest.mark.django_db
NOVEMBER = {"period": "month", "date": "2026-11-15"}
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("reports.views.reports.report_today", lambda: TODAY)


@pytest.fixture
def book(org):
    return make_aging_book(org)


@pytest.fixture
def queued(monkeypatch):
    """The task's .delay calls (build ids) instead of a broker."""
    calls = []
    monkeypatch.setattr(report_build_run, "delay", calls.append)
    return calls


@pytest.fixture
def short_inline(settings):
    settings.REPORT_PDF_INLINE_PAGES = 1


def start(org, viewer="rep1", params=NOVEMBER):
    return report_build_start(
        owner=org[viewer], report=REPORTS["aging"], params=params, requested_on=TODAY, language="en"
    )


@pytest.mark.usefixtures("short_inline")
def test_a_long_report_is_queued_and_the_visitor_sent_to_its_page(
    client, org, book, queued, django_capture_on_commit_callbacks
):
    client.force_login(org["rep1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("report_pdf", args=["aging"]) + "?period=month&date=2026-11-15"
        )
    build = ReportBuild.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("report_build", args=[build.pk])
    assert (build.owner, build.slug, build.state, build.requested_on) == (
        org["rep1"],
        "aging",
        "queued",
        TODAY,
    )
    assert build.params == NOVEMBER
    assert queued == [build.pk]
    page = client.get(response["Location"]).content.decode()
    assert f'hx-get="{reverse("report_build_status", args=[build.pk])}"' in page
    assert 'data-state="queued"' in page


def test_a_short_report_is_rendered_in_the_request(client, org, book, queued):
    client.force_login(org["rep1"])
    response = client.get(reverse("report_pdf", args=["aging"]) + "?period=month&date=2026-11-15")
    assert response["Content-Type"] == "application/pdf"
    assert ReportBuild.objects.count() == 0


def test_the_page_says_when_the_pdf_will_be_built_in_the_background(client, org, book, settings):
    client.force_login(org["rep1"])
    url = reverse("report_page", args=["aging"]) + "?period=month&date=2026-11-15"
    assert "生成 PDF" not in client.get(url).content.decode()
    settings.REPORT_PDF_INLINE_PAGES = 1
    assert "生成 PDF" in client.get(url).content.decode()


def test_a_second_click_while_it_builds_is_the_same_build(org, queued):
    first = start(org)
    assert start(org) == first
    assert start(org, params={**NOVEMBER, "tier": "A"}) != first
    assert ReportBuild.objects.count() == 2


@pytest.mark.usefixtures("poppler")
def test_the_task_builds_the_pdf_and_notifies_the_owner(client, org, book, queued):
    build = start(org)

    assert report_build_run.run(build.pk) == "done"

    build.refresh_from_db()
    assert (build.state, build.progress, build.step, build.error) == ("done", 100, "", "")
    assert build.page_count == 3
    assert build.finished_at is not None
    assert build.started_at is not None
    with build.file.open("rb") as handle:
        content = handle.read()
    text = pdf_text(content)
    assert_in_pdf(text, "Aging report", "¥5,500.00", "乙客户有限公司", "1 / 3", "3 / 3")
    assert "丁客户" not in text
    assert_noto_embedded(content)
    (note,) = Notification.objects.filter(recipient=org["rep1"])
    assert note.title == "报表 PDF 已生成：账龄报表"
    assert note.url == reverse("report_build", args=[build.pk])
    # The page shows the link and stops polling; the owner downloads the file.
    client.force_login(org["rep1"])
    status = client.get(reverse("report_build_status", args=[build.pk])).content.decode()
    assert "hx-get" not in status
    assert reverse("report_build_download", args=[build.pk]) in status
    download = client.get(reverse("report_build_download", args=[build.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="aging-20261101-')
    assert download.content == content


def test_a_second_delivery_does_nothing(org, book, queued):
    build = start(org)
    assert report_build_execute(build_id=build.pk) == "done"
    assert report_build_execute(build_id=build.pk) == "skipped"
    assert Notification.objects.filter(recipient=org["rep1"]).count() == 1


def test_the_filters_are_checked_against_the_owners_scope_again(org, book, queued):
    build = start(org, params={**NOVEMBER, "rep": str(org["rep3"].pk)})
    assert report_build_execute(build_id=build.pk) == "done"
    build.refresh_from_db()
    with build.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "丁客户" not in text
    assert_in_pdf(text, "¥5,500.00")


def test_a_failure_marks_the_build_failed_and_says_why(client, org, book, queued, monkeypatch):
    def broken(request):
        raise RuntimeError("database went away")

    monkeypatch.setitem(
        REPORTS,
        "aging",
        REPORTS["aging"].__class__(**{**REPORTS["aging"].__dict__, "build": broken}),
    )
    build = start(org)

    assert report_build_execute(build_id=build.pk) == "failed"

    build.refresh_from_db()
    assert build.state == "failed"
    assert build.error == "The PDF could not be built because of an unexpected error."
    assert not build.file
    (note,) = Notification.objects.filter(recipient=org["rep1"])
    assert (note.title, note.level) == ("报表 PDF 生成失败", "warning")
    client.force_login(org["rep1"])
    status = client.get(reverse("report_build_status", args=[build.pk])).content.decode()
    assert "hx-get" not in status
    assert "database went away" not in status
    assert 'data-testid="report-build-failed"' in status
    assert client.get(reverse("report_build_download", args=[build.pk])).status_code == 404


def test_a_report_gone_or_no_longer_allowed_fails_with_a_message(org, queued, monkeypatch):
    build = start(org)
    ReportBuild.objects.filter(pk=build.pk).update(slug="gone")
    assert report_build_execute(build_id=build.pk) == "failed"
    build.refresh_from_db()
    assert build.error == "This report no longer exists."


def test_only_the_owner_sees_a_build(client, org, queued):
    build = start(org)
    for viewer in ("rep2", "manager1", "finance1", "admin"):
        client.force_login(org[viewer])
        assert client.get(reverse("report_build", args=[build.pk])).status_code == 404, viewer
    client.force_login(org["rep1"])
    assert client.get(reverse("report_build", args=[build.pk])).status_code == 200
    # Not done yet: nothing to download.
    assert client.get(reverse("report_build_download", args=[build.pk])).status_code == 404


@pytest.mark.services
def test_a_real_worker_builds_a_report(worker_on_test_db, worker, org):  # noqa: F811
    make_aging_book(org)
    build = ReportBuild.objects.create(
        owner=org["rep1"], slug="aging", params=NOVEMBER, requested_on=TODAY, language="en"
    )

    result = report_build_run.apply_async(args=[build.pk], queue=worker)

    assert result.get(timeout=120) == "done"
    build.refresh_from_db()
    assert (build.state, build.progress, build.page_count) == ("done", 100, 3)


def test_a_build_left_running_long_ago_does_not_block_a_new_one(org, queued):
    first = start(org)
    ReportBuild.objects.filter(pk=first.pk).update(
        state="running", created_at=timezone.now() - timedelta(minutes=16)
    )
    assert start(org) != first


def test_progress_is_visible_while_the_pdf_is_laid_out(org, book, queued, monkeypatch):
    import reports.pdfs

    seen = []
    render = reports.pdfs.report_pdf_render_pages

    def watching(*args, **kwargs):
        seen.append(ReportBuild.objects.values_list("state", "progress", "step").get())
        return render(*args, **kwargs)

    monkeypatch.setattr(reports.pdfs, "report_pdf_render_pages", watching)
    build = start(org)
    report_build_execute(build_id=build.pk)
    assert seen == [("running", 30, "Laying out the pages")]


def test_the_page_estimate_matches_the_pdf(org, queued):
    from decimal import Decimal

    from receivables.services import receivable_create
    from reports.selectors.aging import aging_build, aging_pages
    from reports.selectors.scope import ReportRequest
    from salesops.core.periods import report_period
    from tests.factories import CustomerFactory

    for index in range(60):
        receivable_create(
            actor=org["finance1"],
            customer=CustomerFactory(name=f"估算客户{index:02d}有限公司", owner=org["rep1"]),
            number=f"EST-{index}",
            issue_date=date(2026, 10, 1),
            due_date=date(2026, 11, 1),
            amount=Decimal("100.00") + index,
        )
    period = report_period("month", anchor=date(2026, 11, 15))
    context = aging_build(ReportRequest(user=org["rep1"], period=period, as_of=period.end))
    build = start(org)
    report_build_execute(build_id=build.pk)
    build.refresh_from_db()
    assert aging_pages(context) == build.page_count == 5


def test_the_owner_demoted_since_may_not_download_a_finished_team_pdf(client, org, queued):
    # A manager's finished monthly-report build; the manager is then made a rep (whose role
    # may not open that report): the download is refused as the page is (403).
    build = ReportBuild.objects.create(
        owner=org["manager1"],
        slug="monthly",
        params=NOVEMBER,
        requested_on=TODAY,
        state=ReportBuild.State.DONE,
        progress=100,
        page_count=1,
    )
    build.file.save(f"monthly-{build.pk}.pdf", ContentFile(b"%PDF-1.4 team figures"))
    url = reverse("report_build_download", args=[build.pk])
    client.force_login(org["manager1"])
    assert client.get(url).status_code == 200
    org["manager1"].groups.set([Group.objects.get(name="rep")])
    client.force_login(User.objects.get(pk=org["manager1"].pk))
    assert client.get(url).status_code == 403


def test_a_filter_dropped_by_the_worker_is_said_on_the_build_page(client, org, book, queued):
    # rep1 asked for rep3's figures (outside rep1's scope): the PDF is built without the filter
    # and the finished build says so.
    build = start(org, params={**NOVEMBER, "rep": str(org["rep3"].pk)})
    assert report_build_execute(build_id=build.pk) == "done"
    build.refresh_from_db()
    assert build.step == f"The PDF was built without: Sales rep ({org['rep3'].pk})."
    client.force_login(org["rep1"])
    status = client.get(reverse("report_build_status", args=[build.pk])).content.decode()
    assert (
        f'data-testid="report-build-dropped">The PDF was built without: Sales rep '
        f"({org['rep3'].pk}).</p>" in status
    )
