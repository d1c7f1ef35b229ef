"""Each deal's stage history summed on the deal (highest level reached, finished stays and
their seconds per level), filled from the existing stage changes in one UPDATE."""

from django.db import migrations, models

LEVELS = range(1, 7)
# A frozen copy of opportunities.services.stays._REFRESH_SQL over every deal (a migration must
# not follow later changes of the service).
SQL = """
WITH moves AS (
    SELECT sc.opportunity_id, sc.to_level, {stay} AS seconds
    FROM opportunities_stagechange sc
    WHERE sc.kind NOT IN ('lost', 'reopened')
    WINDOW w AS (PARTITION BY sc.opportunity_id ORDER BY sc.changed_at, sc.id)
), per_deal AS (
    SELECT opportunity_id, MAX(to_level) AS highest, {sums}
    FROM moves GROUP BY opportunity_id
)
UPDATE opportunities_opportunity SET highest_level = per_deal.highest, {sets}
FROM per_deal WHERE opportunities_opportunity.id = per_deal.opportunity_id
"""
STAY = {
    "postgresql": "FLOOR(EXTRACT(EPOCH FROM (LEAD(sc.changed_at) OVER w - sc.changed_at)))",
    "sqlite": "CAST((julianday(LEAD(sc.changed_at) OVER w) - julianday(sc.changed_at))"
    " * 86400 AS INTEGER)",
}


def fill(apps, schema_editor):
    sums = ", ".join(
        f"COUNT(seconds) FILTER (WHERE to_level = {n}) AS stays_{n}, "
        f"COALESCE(SUM(seconds) FILTER (WHERE to_level = {n}), 0) AS stay_seconds_{n}"
        for n in LEVELS
    )
    sets = ", ".join(
        f"stays_{n} = per_deal.stays_{n}, stay_seconds_{n} = per_deal.stay_seconds_{n}"
        for n in LEVELS
    )
    vendor = schema_editor.connection.vendor
    schema_editor.execute(SQL.format(stay=STAY[vendor], sums=sums, sets=sets))


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0004_deal_followup"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="highest_level",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stay_seconds_1",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stay_seconds_2",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stay_seconds_3",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stay_seconds_4",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stay_seconds_5",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stay_seconds_6",
            field=models.BigIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stays_1",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stays_2",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stays_3",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stays_4",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stays_5",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="stays_6",
            field=models.PositiveIntegerField(default=0, db_default=0, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
