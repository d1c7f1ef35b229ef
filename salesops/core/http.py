"""Small request and form helpers every app's views share."""

from collections.abc import Iterable
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def posted(request):
    """POST data to bind a form to, also when empty (an empty POST must show "required")."""
    return request.POST if request.method == "POST" else None


def show_refusal(request, exc: ValidationError, form=None) -> None:
    """The one way a page shows a refused action (a service's ServiceError, or a model's
    ValidationError let through): on `form`, by field where the form has that field and as a
    form-wide error otherwise; without a form, as an error message on the next page."""
    if form is None:
        messages.error(request, " ".join(str(m) for m in exc.messages))
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# Dates a page accepts: date arithmetic near year 1 or 9999 (a 30-day trend, the day before a
# period) overflows, and no book of ours holds such dates.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def date_param(request, name: str = "as_of", *, default: date | None = None) -> date | None:
    """The query parameter as a date: `default` when absent or blank, None when malformed or
    outside 1900–2999."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        parsed = date.fromisoformat(raw)
    except ValueError:
        return None
    return parsed if EARLIEST_DATE <= parsed <= LATEST_DATE else None


# Filter values a person typed or a stale link carried: the page still renders with the
# default, and says in the user's language which filter (by its label, never the parameter's
# name) was not understood.


def warn_bad_param(request, label, raw: str) -> None:
    request.bad_params = True
    messages.warning(
        request,
        _("%(field)s: “%(value)s” was not understood; the default is shown.")
        % {"field": label, "value": Truncator(raw).chars(40)},
    )


def query_text(request, name: str = "q") -> str:
    """A free-text query parameter (a search), stripped; NUL characters, which PostgreSQL
    text cannot hold (a 500 when searched for), are dropped."""
    return request.GET.get(name, "").replace("\x00", "").strip()


def query_date(request, name: str, *, default: date, label) -> date:
    """A YYYY-MM-DD query parameter; `default` (with a message) when malformed."""
    raw = request.GET.get(name, "").strip()
    parsed = date_param(request, name, default=default)
    if parsed is None:
        warn_bad_param(request, label, raw)
        return default
    return parsed


def query_int(
    request,
    name: str,
    *,
    default: int | None,
    label,
    low: int | None = None,
    high: int | None = None,
) -> int | None:
    """An integer query parameter within [low, high]; `default` (with a message) otherwise."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or (low is not None and value < low) or (high is not None and value > high):
        warn_bad_param(request, label, raw)
        return default
    return value


def query_choice(request, name: str, choices: Iterable[str], *, default: str, label) -> str:
    """One of `choices`; `default` (with a message) for anything else."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if raw not in set(choices):
        warn_bad_param(request, label, raw)
        return default
    return raw


PAGE_LABEL = gettext_lazy("Page")


def page_number(request) -> int:
    """The `page` query parameter; 1 (with a message) when it is not a page number. For a
    selector that paginates itself; Paginator.get_page then gives the last page for one past
    the end."""
    return query_int(request, "page", default=1, label=PAGE_LABEL, low=1)


def paginate(request, items, per_page: int) -> Page:
    """The requested page; the first (with a message) for a page that is not a number, the
    last for one past the end, as Paginator.get_page does."""
    return Paginator(items, per_page).get_page(page_number(request))


class _KeysFirst:
    """A queryset as Paginator sees it, sliced in two steps: the page's primary keys first (an
    index-only scan when an index covers the ORDER BY, however deep the OFFSET), then those rows
    with their joins. A deep page then costs the keys it skips, not the rows."""

    def __init__(self, qs: QuerySet):
        self.qs = qs
        self.ordered = qs.ordered

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        keys = list(self.qs.values_list("pk", flat=True)[index])
        rows = self.qs.order_by().in_bulk(keys)
        return [rows[key] for key in keys if key in rows]


def paginate_keys(request, qs: QuerySet, per_page: int) -> Page:
    """paginate() for the long lists (customers, deals): the page's keys first (see _KeysFirst),
    one query more than paginate() and flat from page 1 to page 1000."""
    number = query_int(request, "page", default=1, label=PAGE_LABEL, low=1)
    return Paginator(_KeysFirst(qs), per_page).get_page(number)


def export_or_page(request, page_url: str):
    """For an export whose query had bad filters: a redirect to the page with the same query,
    which shows what was wrong, instead of a file built on defaults the user never chose.
    None when the query was fine."""
    if not getattr(request, "bad_params", False):
        return None
    list(messages.get_messages(request))  # the page says it again; not twice
    return redirect(f"{page_url}?{request.GET.urlencode()}")
