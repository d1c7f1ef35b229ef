"""Writes on users that are not admin work: the language a user chose for themselves."""

from django.conf import settings
from django.db import transaction

from salesops.accounts.models import User


@transaction.atomic
def user_language_set(*, user: User, language: str) -> bool:
    """Remember `language` (a code of settings.LANGUAGES) as the user's own; returns whether
    it changed. Anything else is ignored: the switch posts only known codes."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True
