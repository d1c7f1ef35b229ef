"""The benchmark book's people: one admin, a few finance users, the team managers and the reps
(`generate_dataset`). Usernames are fixed by position; every password is PASSWORD."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from salesops.accounts.roles import Role
from salesops.core.dataset import PASSWORD, Load, Plan, fetch

FINANCE_USERS = 3
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓"
    "曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超霞平刚桂英华丽秀兰玉萍红鹏飞宇浩然"
TEAM_NAMES = "一二三四五六七八九十"


@dataclass(frozen=True)
class People:
    """Who the later loaders hand their rows to: ids by role, each rep's team manager."""

    admin: int
    finance: list[int]
    managers: list[int]  # one per team, in team order
    reps: list[int]
    team_of_rep: dict[int, int]  # rep id → team index
    sellers: list[int]  # who owns customers: the reps, then the managers


def counts(plan: Plan) -> dict[str, int]:
    teams = plan.count(10, minimum=2)
    reps = max(2 * teams, plan.count(50))
    return {"teams": teams, "reps": reps, "users": 1 + FINANCE_USERS + teams + reps}


def load(plan: Plan) -> People:
    """Write users, their role groups and the teams; return who is who."""
    n = counts(plan)
    rng = plan.rng("accounts")
    groups = dict(fetch("SELECT name, id FROM auth_group"))
    regions = [row[0] for row in fetch("SELECT id FROM core_region ORDER BY sort_order, id")]
    # A fixed salt: the same book hashes the password the same way (one hash for everyone).
    password = make_password(PASSWORD, salt="salesopsbench")
    joined = plan.at(plan.go_live)

    load = Load(plan)
    users = load.table(
        "accounts_user",
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "display_name",
            "phone",
            "language",
            "team_id",
        ],
    )
    memberships = load.table("accounts_user_groups", ["id", "user_id", "group_id"])
    teams = load.table("accounts_team", ["id", "name", "manager_id", "region_id"])

    specs: list[tuple[str, Role, int | None]] = [("admin", Role.ADMIN, None)]
    specs += [(f"finance{i}", Role.FINANCE, None) for i in range(1, FINANCE_USERS + 1)]
    specs += [(f"manager{i:02d}", Role.MANAGER, None) for i in range(1, n["teams"] + 1)]
    specs += [(f"rep{i:03d}", Role.REP, (i - 1) % n["teams"]) for i in range(1, n["reps"] + 1)]
    ids: dict[Role, list[int]] = {role: [] for role in Role}
    team_of_rep: dict[int, int] = {}
    for user_id, (username, role, team) in enumerate(specs, start=1):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
        admin = role is Role.ADMIN
        users.add(
            user_id,
            password,
            admin,
            username,
            "",
            "",
            f"{username}@bench.salesops.local",
            admin,
            True,
            joined,
            name,
            f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            "",
            None if team is None else team + 1,
        )
        memberships.add(user_id, user_id, groups[role.value])
        ids[role].append(user_id)
        if team is not None:
            team_of_rep[user_id] = team
    for index, manager in enumerate(ids[Role.MANAGER]):
        label = TEAM_NAMES[index] if index < len(TEAM_NAMES) else str(index + 1)
        teams.add(index + 1, f"销售{label}部", manager, regions[index % len(regions)])
    load.finish()
    return People(
        admin=ids[Role.ADMIN][0],
        finance=ids[Role.FINANCE],
        managers=ids[Role.MANAGER],
        reps=ids[Role.REP],
        team_of_rep=team_of_rep,
        sellers=[*ids[Role.REP], *ids[Role.MANAGER]],
    )
