"""Pure rule: which role a user plays from their groups."""

import pytest

from salesops.accounts.roles import Role, role_from_groups


@pytest.mark.parametrize(
    ("groups", "superuser", "expected"),
    [
        (set(), False, None),
        ({"rep"}, False, Role.REP),
        ({"manager"}, False, Role.MANAGER),
        ({"finance"}, False, Role.FINANCE),
        ({"admin"}, False, Role.ADMIN),
        ({"rep", "manager"}, False, Role.MANAGER),
        ({"manager", "finance"}, False, Role.FINANCE),
        ({"unrelated"}, False, None),
        (set(), True, Role.ADMIN),
    ],
)
def test_role_from_groups_picks_the_widest_role(groups, superuser, expected):
    assert role_from_groups(groups, is_superuser=superuser) is expected
