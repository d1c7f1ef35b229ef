"""django-axes' app config under a Chinese name in admin (it calls itself "Axes" in every language).

Kept out of core/apps.py: a second AppConfig there would stop Django picking CoreConfig."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login security")
