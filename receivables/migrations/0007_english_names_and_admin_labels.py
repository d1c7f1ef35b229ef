"""English names for the escalation ladder (docs/receivables.md); Chinese labels in admin."""

import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

LADDER_NAMES = {
    1: "Friendly reminder",
    31: "Phone and visit",
    61: "Lawyer's letter",
    91: "Stop supply and legal action",
}


def name_in_english(apps, schema_editor):
    """Fill only what is empty, so names an admin has edited stay (also rerun by tests)."""
    EscalationLevel = apps.get_model("receivables", "EscalationLevel")
    for from_days, name_en in LADDER_NAMES.items():
        EscalationLevel.objects.filter(from_days=from_days, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_tier_names"),
        ("receivables", "0006_escalation_skipped_steps_group_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="agingsnapshot",
            options={"verbose_name": "aging snapshot", "verbose_name_plural": "aging snapshots"},
        ),
        migrations.AlterModelOptions(
            name="creditholdevent",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "credit hold event",
                "verbose_name_plural": "credit hold events",
            },
        ),
        migrations.AddField(
            model_name="escalationlevel",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; empty: the Chinese name is shown.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="as_of",
            field=models.DateField(db_index=True, verbose_name="as of"),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="b1",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                max_digits=14,
                verbose_name="first bucket",
            ),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="b2",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                max_digits=14,
                verbose_name="second bucket",
            ),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="b3",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                max_digits=14,
                verbose_name="third bucket",
            ),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="b4",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                max_digits=14,
                verbose_name="fourth bucket",
            ),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="customer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="aging_snapshots",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="not_due",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), max_digits=14, verbose_name="not due"
            ),
        ),
        migrations.AlterField(
            model_name="agingsnapshot",
            name="total",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), max_digits=14, verbose_name="total"
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="created_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="payment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="allocations",
                to="receivables.payment",
                verbose_name="payment",
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="receivable",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="allocations",
                to="receivables.receivable",
                verbose_name="receivable",
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="reversed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reversed at"),
        ),
        migrations.AlterField(
            model_name="creditholdevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="creditholdevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
        ),
        migrations.AlterField(
            model_name="creditholdevent",
            name="customer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="credit_hold_events",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
        migrations.AlterField(
            model_name="creditholdevent",
            name="kind",
            field=models.CharField(
                choices=[("hold", "Put on hold"), ("release", "Released")],
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="escalationevent",
            name="as_of",
            field=models.DateField(verbose_name="as of"),
        ),
        migrations.AlterField(
            model_name="escalationevent",
            name="balance",
            field=models.DecimalField(
                decimal_places=2, max_digits=14, verbose_name="balance (CNY)"
            ),
        ),
        migrations.AlterField(
            model_name="escalationevent",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="escalationevent",
            name="days_overdue",
            field=models.PositiveIntegerField(verbose_name="days overdue"),
        ),
        migrations.AlterField(
            model_name="escalationevent",
            name="level",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="receivables.escalationlevel",
                verbose_name="escalation level",
            ),
        ),
        migrations.AlterField(
            model_name="escalationevent",
            name="receivable",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="escalations",
                to="receivables.receivable",
                verbose_name="receivable",
            ),
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
