from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from salesops.accounts.models import Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "team", "email", "is_active", "is_staff"]
    list_filter = ["groups", "team", "is_active", "is_staff"]
    list_select_related = ["team"]
    search_fields = ["username", "display_name", "email", "phone"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("SalesOps"), {"fields": ("display_name", "phone", "team", "language")}),
    )


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "manager", "region"]
    list_select_related = ["manager", "region"]
    search_fields = ["name"]
    autocomplete_fields = ["manager"]
