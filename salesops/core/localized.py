"""Reference data named in Chinese and, optionally, in English (shown in English mode)."""

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def english_active() -> bool:
    return (get_language() or "").lower().startswith("en")


def localized(path: str) -> models.Expression:
    """The SQL twin of `display_name` for `.values()` reads: `<path>_en` when English is active
    and it is filled in, else `<path>` (e.g. localized("customer__region__name"))."""
    if english_active():
        return Coalesce(NullIf(F(f"{path}_en"), Value("")), F(path))
    return F(path)


class LocalizedNameMixin(models.Model):
    """`name` is the Chinese name every user knows; `name_en` may be left empty, and then English
    mode shows the Chinese name rather than nothing."""

    name_en = models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        help_text=_("Shown when the interface is in English; empty: the Chinese name is shown."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and english_active():
            return self.name_en
        return self.name
