"""Admin for regions (names in Chinese and English), notifications, heartbeats, import runs."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from salesops.core.models import Heartbeat, ImportRun, Notification, Region


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
class HeartbeatAdmin(admin.ModelAdmin):
    """Read-only: beat writes it every minute; /healthz reads it."""

    list_display = ["name", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: a run is written by its worker; admins look at stuck or failed ones here."""

    list_display = ["pk", "kind", "created_by", "status", "rows_done", "total_rows", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
