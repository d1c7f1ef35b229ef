"""Small request and form helpers every app's views share."""

from datetime import date

from django.core.exceptions import ValidationError


def posted(request):
    """POST data to bind a form to, also when empty (an empty POST must show "required")."""
    return request.POST if request.method == "POST" else None


def form_add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def date_param(request, name: str = "as_of", *, default: date | None = None) -> date | None:
    """The query parameter as a date: `default` when absent or blank, None when malformed."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
