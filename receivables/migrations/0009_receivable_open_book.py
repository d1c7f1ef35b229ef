"""The open book's indexes, the balance in fen and the CHECK tying settled_on to a zero balance:
a migration of their own, so that on PostgreSQL the backfill of 0008 has committed (its pending
trigger events fired) before these indexes are built."""

import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.functions.math
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("receivables", "0008_receivable_settled_on")]

    operations = [
        migrations.AddField(
            model_name="receivable",
            name="balance_fen",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.comparison.Cast(
                    django.db.models.functions.math.Round(
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("amount"), "-", models.F("allocated")
                                ),
                                "-",
                                models.F("written_off"),
                            ),
                            "*",
                            models.Value(100),
                        )
                    ),
                    models.BigIntegerField(),
                ),
                output_field=models.BigIntegerField(),
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["date"], name="payment_date"),
        ),
        migrations.AddIndex(
            model_name="receivable",
            index=models.Index(
                condition=models.Q(("settled_on__isnull", True)),
                fields=["customer", "due_date"],
                include=("balance_fen", "issue_date"),
                name="receivable_open",
            ),
        ),
        migrations.AddIndex(
            model_name="receivable",
            index=models.Index(
                condition=models.Q(("settled_on__isnull", True)),
                fields=["due_date", "id"],
                name="receivable_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="receivable",
            index=models.Index(fields=["settled_on"], name="receivable_settled_on"),
        ),
        migrations.AddConstraint(
            model_name="receivable",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        (
                            "amount__gt",
                            django.db.models.expressions.CombinedExpression(
                                models.F("allocated"), "+", models.F("written_off")
                            ),
                        ),
                        ("settled_on__isnull", True),
                    ),
                    models.Q(
                        (
                            "amount",
                            django.db.models.expressions.CombinedExpression(
                                models.F("allocated"), "+", models.F("written_off")
                            ),
                        ),
                        ("settled_on__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="receivable_settled_exactly_when_nothing_owed",
            ),
        ),
    ]
