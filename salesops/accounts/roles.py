"""The four roles, each a Django group created by migration, and how a user's role is decided."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    FINANCE = "finance"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.REP: _("Sales rep"),
    Role.MANAGER: _("Sales manager"),
    Role.FINANCE: _("Finance"),
    Role.ADMIN: _("Administrator"),
}

# When a user is in several groups the widest role wins.
ROLE_PRECEDENCE = (Role.ADMIN, Role.FINANCE, Role.MANAGER, Role.REP)


def role_from_groups(group_names: set[str], *, is_superuser: bool) -> Role | None:
    """Pure rule: superusers are admins; otherwise the widest role among the user's groups."""
    if is_superuser:
        return Role.ADMIN
    for role in ROLE_PRECEDENCE:
        if role.value in group_names:
            return role
    return None


# The role groups the rules name, once. Views guard with role_required(*MANAGERS); services ask
# accounts.access (can_manage, can_write).
EVERYONE = frozenset(Role)
SALES = frozenset({Role.REP, Role.MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
MONEY = frozenset({Role.FINANCE, Role.ADMIN})
