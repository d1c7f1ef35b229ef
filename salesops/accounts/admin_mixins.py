"""Admin goes through the same access mechanism as every page."""

from simple_history.admin import SimpleHistoryAdmin


class VisibleToAdmin(SimpleHistoryAdmin):
    """ModelAdmin whose queryset is the model's visible_to(request.user), with history views."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ReadOnlyAdmin(VisibleToAdmin):
    """For event and history tables: rows are written only by their services; admin looks, scoped
    like every page (a manager sees their teams' rows, an admin all)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
