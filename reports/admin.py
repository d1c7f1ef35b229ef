"""Admin of the reports app's settings."""

from django.contrib import admin

from reports.models import CollectionPlanSettings


@admin.register(CollectionPlanSettings)
class CollectionPlanSettingsAdmin(admin.ModelAdmin):
    """The one row of the quarterly split; added once, never deleted (the default applies until
    it is saved)."""

    list_display = ["__str__", "q1_share", "q2_share", "q3_share", "q4_share"]

    def has_add_permission(self, request):
        return not CollectionPlanSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1  # the one row load() reads
        super().save_model(request, obj, form, change)
