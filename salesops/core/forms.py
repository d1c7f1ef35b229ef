"""Form helpers shared by the apps' forms."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NamedBlankChoiceMixin:
    """Selects say "Choose…" (请选择) or "Not specified" (不指定) where Django would show its
    "---------", which reads as a broken page to users who never saw Django."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = _("Choose…") if field.required else _("Not specified")
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label is not None:
                    field.empty_label = label
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField
            ):
                field.choices = [
                    (value, label if value == "" else text) for value, text in field.choices
                ]


class DateInput(forms.DateInput):
    """The browser's date picker, with the value as YYYY-MM-DD (what it expects)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
