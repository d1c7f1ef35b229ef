"""The deal a follow-up is about moves from customers (FollowUp.opportunity, a link up the
layers) to opportunities (DealFollowUp).

Databases that applied the first version of customers.0003 still have the column
customers_followup.opportunity_id (and customers_historicalfollowup.opportunity_id): their links
are copied into the new table and both columns are dropped. A fresh database never had them, so
the columns are looked up by introspection, on PostgreSQL as on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD_COLUMN = "opportunity_id"


def _has_old_column(schema_editor, table: str) -> bool:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
    return any(column.name == OLD_COLUMN for column in columns)


def _drop_old_column(schema_editor, model) -> None:
    if schema_editor.connection.vendor == "sqlite":
        # SQLite refuses to drop a column that carries an index or a foreign key; rebuilding
        # the table from the model (which no longer has the field) leaves it out.
        schema_editor._remake_table(model)
    else:
        # PostgreSQL drops the column's index and foreign key constraint with it.
        table = schema_editor.quote_name(model._meta.db_table)
        schema_editor.execute(
            f"ALTER TABLE {table} DROP COLUMN {schema_editor.quote_name(OLD_COLUMN)}"
        )


def move_links_off_followups(apps, schema_editor) -> None:
    followup = apps.get_model("customers", "FollowUp")
    historical = apps.get_model("customers", "HistoricalFollowUp")
    link = apps.get_model("opportunities", "DealFollowUp")
    quote = schema_editor.quote_name
    if _has_old_column(schema_editor, followup._meta.db_table):
        # Identifiers only, quoted, from the models: nothing here comes from outside.
        link_table, link_followup, link_deal, followup_table, followup_pk, old = (
            quote(link._meta.db_table),
            quote(link._meta.get_field("followup").column),
            quote(link._meta.get_field("opportunity").column),
            quote(followup._meta.db_table),
            quote(followup._meta.pk.column),
            quote(OLD_COLUMN),
        )
        schema_editor.execute(
            f"INSERT INTO {link_table} ({link_followup}, {link_deal}) "  # noqa: S608
            f"SELECT {followup_pk}, {old} FROM {followup_table} WHERE {old} IS NOT NULL"
        )
        _drop_old_column(schema_editor, followup)
    # The history's copies of the link are not kept: the link itself is written once, with the
    # follow-up, and stays as it is.
    if _has_old_column(schema_editor, historical._meta.db_table):
        _drop_old_column(schema_editor, historical)


class Migration(migrations.Migration):
    dependencies = [
        # Right after the step that once added the column: a later customers migration that
        # rebuilt the follow-up table on SQLite would drop it before its links were copied.
        ("customers", "0003_followup_opportunity"),
        ("opportunities", "0003_english_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="DealFollowUp",
            fields=[
                (
                    "followup",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="deal_link",
                        serialize=False,
                        to="customers.followup",
                        verbose_name="follow-up",
                    ),
                ),
                (
                    "opportunity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="followup_links",
                        to="opportunities.opportunity",
                        verbose_name="opportunity",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up about a deal",
                "verbose_name_plural": "follow-ups about deals",
            },
        ),
        migrations.AddField(
            model_name="opportunity",
            name="followups",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="opportunities.DealFollowUp",
                to="customers.followup",
            ),
        ),
        migrations.RunPython(move_links_off_followups, migrations.RunPython.noop),
    ]
