"""The settings row and the escalation ladder (docs/receivables.md, "Settings" and "Escalation
ladder")."""

from django.db import migrations

LADDER = [
    # from days, name, action, letter, task, manager, hold
    (1, "温馨提醒", "发送温馨提醒函", "reminder", False, False, False),
    (31, "电话催收+上门拜访", "电话催收并安排上门拜访", "", True, False, False),
    (61, "律师函", "起草律师函并通知经理", "lawyer", True, True, False),
    (91, "停止供货", "停止供货并启动法律程序", "", True, True, True),
]


def create_defaults(apps, schema_editor):
    apps.get_model("receivables", "ReceivableSettings").objects.get_or_create(pk=1)
    EscalationLevel = apps.get_model("receivables", "EscalationLevel")
    for from_days, name, action, letter, task, manager, hold in LADDER:
        EscalationLevel.objects.get_or_create(
            from_days=from_days,
            defaults={
                "name": name,
                "action": action,
                "letter": letter,
                "creates_task": task,
                "notifies_manager": manager,
                "puts_on_hold": hold,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("receivables", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
