"""Template context for the page shell: the user's role and the bell's unread count."""

from salesops.accounts.access import role_of
from salesops.accounts.roles import Role
from salesops.core.menu import menu_for
from salesops.core.models import Notification


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    role = role_of(user)
    if role is None:
        return {"nav_role": None}
    return {
        "nav_role": role,
        "nav_role_label": role.label,
        "nav_is_manager": role in (Role.MANAGER, Role.ADMIN),
        "nav_is_finance": role in (Role.FINANCE, Role.ADMIN),
        "nav_is_admin": role is Role.ADMIN,
        "nav_menu": menu_for(role),
        # Lazy: evaluated only where the template shows the bell (one COUNT query).
        "nav_unread_count": lambda: Notification.objects.for_user(user).unread().count(),
    }
