"""Admin goes through the same access mechanism and the same services as every page.

- `VisibleToAdmin`: the queryset (and the history pages) are the model's visible_to(user).
- `ThroughServicesMixin`: for admins whose save calls a service; a refusal undoes the whole save.
- `ReadOnly`, `EventAdmin`, `ReadOnlyAdmin`: event and money tables that only services write.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from salesops.core.errors import NotPermitted
from salesops.core.http import show_refusal


class ScopedMixin:
    """The admin's queryset is the model's visible_to(request.user)."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ScopedAdmin(ScopedMixin, admin.ModelAdmin):
    """A scoped admin for a model without history."""


class VisibleToAdmin(ScopedMixin, SimpleHistoryAdmin):
    """A scoped admin with history views. simple_history shows an object's history (and an old
    version) also when the object is outside get_queryset; here that is a 404, as on the pages."""

    def _in_scope_or_404(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ThroughServicesMixin:
    """For admins whose save_model calls a service: a refusal (ServiceError, or a model's
    ValidationError the service let through) undoes the whole save, inlines included, and brings
    the user back to the form with the service's message, as the page would show it. Old
    versions are shown, never restored: a restore would write the row without the service."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            show_refusal(request, exc)
            return HttpResponseRedirect(request.get_full_path())

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise NotPermitted(_("An old version cannot be restored here; edit the record."))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnly:
    """Nothing is added, changed or deleted here; the services write these rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventAdmin(ReadOnly, ScopedAdmin):
    """An event table (ownership, stage changes, escalations, holds, snapshots): listed and
    shown, scoped like the pages, never written in admin."""


class ReadOnlyAdmin(ReadOnly, VisibleToAdmin):
    """A money record with its history: read only, scoped by visible_to. A restore of an old
    version is refused too (it would be a write)."""

    def revert_disabled(self, request, obj=None):
        return True
