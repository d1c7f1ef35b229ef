"""Named filters on users."""

from django.contrib.auth.models import UserManager as AuthUserManager

from salesops.accounts.access import VisibleToQuerySet
from salesops.accounts.roles import Role


class UserQuerySet(VisibleToQuerySet):
    # A user's "owner" is the user: reps see themselves, managers themselves and their teams.
    owner_path = ""

    def with_role(self, role: Role):
        return self.filter(groups__name=role.value)

    def active(self):
        return self.filter(is_active=True)


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):
    pass
