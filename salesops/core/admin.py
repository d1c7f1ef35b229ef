"""Admin for regions (names in Chinese and English), notifications, heartbeats, import runs and
scheduled job runs."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from salesops.accounts.admin_mixins import EventAdmin, ReadOnly
from salesops.core.models import Heartbeat, ImportRun, JobRun, Notification, Region


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "name_en"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "level", "created_at", "read_at"]
    list_filter = ["level", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: beat writes it every minute; /healthz reads it."""

    list_display = ["name", "last_seen"]


@admin.register(ImportRun)
class ImportRunAdmin(EventAdmin):
    """Read-only: a run is written by its worker; admins look at stuck or failed ones here (staff
    who are not admins see the runs they started)."""

    list_display = ["pk", "kind", "created_by", "status", "rows_done", "total_rows", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: each scheduled job's run writes its own row; the admin's home page sums them."""

    list_display = ["name", "as_of", "started_at", "duration", "outcome"]
    list_filter = ["outcome", "name"]
    search_fields = ["name", "error"]
    date_hierarchy = "started_at"
