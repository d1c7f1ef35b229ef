"""The two ways a service refuses: `ServiceError` (the action is not allowed as asked; the
message says why, in the user's language, and names the field it concerns) and `NotPermitted`
(this user may not do it at all).

Views show a ServiceError in one way, `salesops.core.http.show_refusal`: on the form, by field where
the form has that field, else as a page message. NotPermitted is Django's PermissionDenied, so it
needs no handling in any view: Django answers 403 with the message (templates/403.html), on pages
and in admin alike.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(ValidationError):
    """A refused action. `ServiceError(message, field="amount")` for one message;
    `ServiceError.for_fields({"amount": ..., "date": ...})` when several fields are wrong at once.

    It is a ValidationError, so a service may let a model's full_clean() errors through unchanged
    and a form's clean() may raise it."""

    def __init__(self, message, *, field: str | None = None, code: str | None = None, params=None):
        if field is not None:
            super().__init__({field: [ValidationError(message, code=code, params=params)]})
        else:
            super().__init__(message, code=code, params=params)
        self.field = field

    @classmethod
    def for_fields(cls, errors: dict) -> "ServiceError":
        """Several fields at once: {field: message or [messages]} (None for the whole form)."""
        error = cls.__new__(cls)
        ValidationError.__init__(error, {k or "__all__": v for k, v in errors.items()})
        error.field = next(iter(errors), None)
        return error


class NotPermitted(PermissionDenied):
    """This user's role may not take this action (scope is visible_to's: outside it is a 404)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
