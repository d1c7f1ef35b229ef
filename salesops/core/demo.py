"""Demo users and teams for seed_demo; each app adds its own demo data (customers/demo.py...)."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from salesops.accounts.models import Team, User
from salesops.accounts.roles import Role
from salesops.core.models import Region
from salesops.core.services import notification_send

DEMO_PASSWORD = "demo1234"  # noqa: S105 - printed by the command; demo data only


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    team: str | None = None


DEMO_TEAMS = {
    # team name: (manager username, region)
    "华东销售一部": ("manager1", "华东"),
    "华北销售部": ("manager2", "华北"),
}

DEMO_USERS = [
    DemoUser("admin", "系统管理员", Role.ADMIN),
    DemoUser("finance1", "赵敏", Role.FINANCE),
    DemoUser("manager1", "张伟", Role.MANAGER),
    DemoUser("rep1", "李娜", Role.REP, "华东销售一部"),
    DemoUser("rep2", "王强", Role.REP, "华东销售一部"),
    DemoUser("manager2", "刘洋", Role.MANAGER),
    DemoUser("rep3", "陈静", Role.REP, "华北销售部"),
]


def _upsert(model, lookup: dict, defaults: dict):
    """get_or_create that saves an existing row only when a value differs, so a rerun writes
    no history rows."""
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    changed = [field for field, value in defaults.items() if getattr(obj, field) != value]
    if not created and changed:
        for field in changed:
            setattr(obj, field, defaults[field])
        obj.save(update_fields=changed)
    return obj


@transaction.atomic
def seed_users() -> dict[str, int]:
    """Create or refresh the demo data; running it twice changes nothing the second time."""
    groups = {role: Group.objects.get(name=role.value) for role in Role}
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = _upsert(
            User,
            {"username": spec.username},
            {
                "display_name": spec.display_name,
                "email": f"{spec.username}@demo.salesops.local",
                "is_staff": spec.role is Role.ADMIN,
                "is_superuser": spec.role is Role.ADMIN,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.set([groups[spec.role]])
        users[spec.username] = user

    for name, (manager, region) in DEMO_TEAMS.items():
        _upsert(
            Team,
            {"name": name},
            {"manager": users[manager], "region": Region.objects.get(name=region)},
        )
    teams = {team.name: team for team in Team.objects.filter(name__in=DEMO_TEAMS)}
    for spec in DEMO_USERS:
        wanted = teams[spec.team] if spec.team else None
        if users[spec.username].team != wanted:
            users[spec.username].team = wanted
            users[spec.username].save(update_fields=["team"])

    for user in users.values():
        notification_send(
            recipient=user,
            title="欢迎使用 SalesOps 演示系统",
            body="这是演示数据。所有演示账号的密码都是 demo1234。",
            dedupe_key="demo-welcome",
            email=False,
        )
    return {"users": len(users), "teams": len(teams)}
