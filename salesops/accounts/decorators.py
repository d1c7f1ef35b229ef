"""View guards by role. Scope (which objects) is visible_to's job; this is about what a role may
do at all: a wrong role gets 403, an object outside the scope 404."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from salesops.accounts.access import role_of
from salesops.accounts.roles import Role


def role_required(*roles: Role):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
