"""Text translated when it is rendered, not when it is written: notifications are composed by
jobs that run in no particular language and rendered in each recipient's own."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class LazyText:
    """`template % params`, evaluated in the language active at str() time.

    Django's lazy strings evaluate as soon as `%` is applied; this keeps the interpolation lazy
    too. Params may themselves be lazy (translated then as well)."""

    template: str | Promise
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.template) % {key: _render(value) for key, value in self.params.items()}


# What a notification's title or body may be: a plain string (kept as it is), a lazy
# translation, a LazyText, or a function composing the text in the language active when called.
Text = str | Promise | LazyText | Callable[[], str]


def lazy_text(template: str | Promise, /, **params) -> LazyText:
    return LazyText(template, params)


def _render(value):
    return str(value) if isinstance(value, Promise | LazyText) else value


def render_text(text: Text) -> str:
    """The text in the active language (call under translation.override)."""
    if callable(text) and not isinstance(text, Promise | LazyText):
        return text()
    return str(text)
