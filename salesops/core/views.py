"""Health check, the language switch and the notification list (the home page is the reports
app's: reports/views/home.py, because it reads every app)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from salesops.accounts.services import user_language_set
from salesops.core import health, selectors, services


def language_set(request):
    """Django's set_language (the cookie), and for a signed-in user also their own language, so
    notifications written by jobs while they are away come in it."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


@never_cache
@require_GET
def healthz(request):
    """200 when database and broker answer, 503 otherwise; the scheduler is reported only."""
    database = health.database_probe()
    broker = health.broker_probe()
    scheduler = health.scheduler_probe(now=timezone.now()) if database.ok else None
    ok = database.ok and broker.ok
    # Exception texts can name hosts and users: only staff (and development) see the details.
    show = settings.DEBUG or (database.ok and request.user.is_staff)
    body = {
        "status": "ok" if ok else "error",
        "database": {"status": "up" if database.ok else "down"},
        "broker": {"status": "up" if broker.ok else "down"},
        "scheduler": {"status": ("up" if scheduler.ok else "stale") if scheduler else "unknown"},
    }
    if show:
        body["database"]["detail"] = database.detail
        body["broker"]["detail"] = broker.detail
        body["scheduler"]["detail"] = scheduler.detail if scheduler else "database down"
    return JsonResponse(body, status=200 if ok else 503)


@login_required
def notification_list(request):
    qs = selectors.notifications_for(
        user=request.user, unread_only=request.GET.get("unread") == "1"
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notification_list.html",
        {"page_obj": page, "unread_only": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    target = selectors.notification_for(user=request.user, pk=pk)  # 404 outside the user's own
    services.notifications_mark_read(user=request.user, notification_ids=[pk], now=timezone.now())
    target.refresh_from_db(fields=["read_at"])
    if target.url and request.POST.get("follow") == "1":
        return redirect(target.url)
    if request.htmx:
        return render(request, "core/_notification_item.html", {"notification": target})
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_read(user=request.user, now=timezone.now())
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notification_list")
