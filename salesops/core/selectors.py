"""Reads for the page shell: the home summary, the user's notifications and the scheduled jobs'
runs (the admin's home page)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from salesops.accounts.access import role_of
from salesops.core.models import JobRun, Notification
from salesops.core.scheduling import jobs


def notifications_for(*, user, unread_only: bool = False):
    qs = Notification.objects.for_user(user)
    return qs.unread() if unread_only else qs


def notification_for(*, user, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.for_user(user), pk=pk)


def home_summary(*, user) -> dict:
    """The shell's part of the home page; the page (reports/views/home.py) adds every app's
    figures (core names no app)."""
    return {
        "role": role_of(user),
        "team": user.team,
        "led_teams": list(user.led_teams.select_related("region")),
        "recent_notifications": list(Notification.objects.for_user(user)[:5]),
    }


# The admin's home page: the last week's runs, and this many latest failures.
JOB_WEEK = timedelta(days=7)
FAILURES_SHOWN = 10


@dataclass(frozen=True)
class JobStatus:
    """A scheduled job with its last run (None: never run) and its runs of the last week."""

    name: str
    last: JobRun | None
    runs_week: int
    failed_week: int


@dataclass
class AdminHome:
    now: datetime
    jobs: list[JobStatus]
    failures: list[JobRun]
    failed_week: int

    @property
    def never_run(self) -> int:
        return sum(1 for job in self.jobs if job.last is None)

    @property
    def last_failed(self) -> int:
        """Jobs whose last run failed."""
        return sum(1 for j in self.jobs if j.last is not None and j.last.outcome == "failed")


def job_statuses(*, user, now: datetime | None = None) -> AdminHome:
    """Each registered job's last run (two queries over the runs' (name, started) index:
    the latest start per name, then those runs), the number of its runs and failures of the
    last seven days (one grouped query), and the latest failures with their error. Runs
    belong to no one: the page that shows them is the admin's (`user` is taken as every
    selector takes it)."""
    now = now or timezone.now()
    since = now - JOB_WEEK
    names = list(jobs())
    # Portable (SQLite too, no DISTINCT ON): each name's latest start (one grouped query on the
    # (name, started) index), then those runs (one query); on a tie the higher pk wins.
    latest = (
        JobRun.objects.filter(name__in=names)
        .values("name")
        .annotate(started=Max("started_at"))
        .order_by()
    )
    match = Q(pk__isnull=True)  # never true: the query runs (a fixed count) even with no runs
    for row in latest:
        match |= Q(name=row["name"], started_at=row["started"])
    last = {run.name: run for run in JobRun.objects.filter(match).order_by("started_at", "pk")}
    week = {
        row["name"]: row
        for row in JobRun.objects.filter(started_at__gte=since)
        .values("name")
        .annotate(
            n=Count("pk"),
            failed=Count("pk", filter=Q(outcome=JobRun.Outcome.FAILED)),
        )
        .order_by()
    }
    failures = list(JobRun.objects.filter(outcome=JobRun.Outcome.FAILED)[:FAILURES_SHOWN])
    return AdminHome(
        now=now,
        jobs=[
            JobStatus(
                name=name,
                last=last.get(name),
                runs_week=week.get(name, {}).get("n", 0),
                failed_week=week.get(name, {}).get("failed", 0),
            )
            for name in names
        ],
        failures=failures,
        failed_week=sum(row["failed"] for row in week.values()),
    )
