"""Admin goes through the same access mechanism as every page."""

from simple_history.admin import SimpleHistoryAdmin


class VisibleToAdmin(SimpleHistoryAdmin):
    """ModelAdmin whose queryset is the model's visible_to(request.user), with history views."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
