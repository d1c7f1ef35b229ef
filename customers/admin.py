from django.contrib import admin

from customers.models import Customer
from salesops.accounts.admin_mixins import VisibleToAdmin


@admin.register(Customer)
class CustomerAdmin(VisibleToAdmin):
    list_display = ["name", "owner", "region", "created_at"]
    list_filter = ["region"]
    search_fields = ["name"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner", "region"]
