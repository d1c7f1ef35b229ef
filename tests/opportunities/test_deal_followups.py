"""Follow-ups about a deal: the link lives in opportunities (DealFollowUp), written by the page
through opportunities' service; and the migration that moved it off customers' follow-up table,
on PostgreSQL and on SQLite."""

from datetime import datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection, connections
from django.db.utils import ConnectionHandler
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, FollowUp
from opportunities.models import DealFollowUp, FunnelStage, LostReason, Opportunity
from salesops.accounts.models import User
from tests.factories import FollowUpFactory
from tests.opportunities.funnel_helpers import make_customer, new_deal

HistoricalFollowUp = FollowUp.history.model

pytestmark = pytest.mark.django_db
MIGRATION = import_module("opportunities.migrations.0004_deal_followup")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


def columns(conn, table: str) -> set[str]:
    with conn.cursor() as cursor:
        return {c.name for c in conn.introspection.get_table_description(cursor, table)}


def test_a_fresh_database_keeps_no_deal_column_on_follow_ups(org):
    # given a database migrated from scratch
    # then follow-ups (and their history) have no column naming a deal; the link table has both
    assert "opportunity_id" not in columns(connection, FollowUp._meta.db_table)
    assert "opportunity_id" not in columns(connection, HistoricalFollowUp._meta.db_table)
    assert columns(connection, DealFollowUp._meta.db_table) == {"followup_id", "opportunity_id"}


def test_the_quick_log_form_links_the_follow_up_to_the_chosen_deal(client, org):
    # given a customer with an open deal
    customer = make_customer(org["rep1"], "甲公司")
    deal = new_deal(org["rep1"], customer)
    when = timezone.localtime() - timedelta(hours=1)
    client.force_login(org["rep1"])
    # when the rep logs a visit about it
    response = client.post(
        reverse("followup_create", args=[customer.pk]),
        {
            "channel": "visit",
            "content": "方案交流",
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "opportunity": deal.pk,
        },
    )
    # then the follow-up is written, linked, and shows on the deal's timeline
    assert response.status_code == 302
    followup = FollowUp.objects.get()
    assert DealFollowUp.objects.get().opportunity == deal
    assert list(deal.followups.all()) == [followup]
    page = client.get(deal.get_absolute_url())
    assert [kind for _when, kind, _item in page.context["timeline"]] == ["followup", "stage"]


def test_the_quick_log_form_offers_only_the_customers_open_deals(client, org):
    customer = make_customer(org["rep1"], "甲公司")
    other = make_customer(org["rep1"], "乙公司")
    open_deal = new_deal(org["rep1"], customer, name="进行中")
    lost = new_deal(org["rep1"], customer, name="已输")
    Opportunity.objects.filter(pk=lost.pk).update(
        status="lost", lost_reason=LostReason.objects.first()
    )
    new_deal(org["rep1"], other, name="别家的")
    client.force_login(org["rep1"])
    form = client.get(reverse("followup_create", args=[customer.pk])).context["form"]
    assert list(form.fields["opportunity"].queryset) == [open_deal]


def test_a_follow_up_without_a_deal_writes_no_link(client, org):
    customer = make_customer(org["rep1"], "甲公司")
    new_deal(org["rep1"], customer)
    when = timezone.localtime() - timedelta(hours=1)
    client.force_login(org["rep1"])
    client.post(
        reverse("followup_create", args=[customer.pk]),
        {"channel": "phone", "content": "电话", "occurred_at": when.strftime("%Y-%m-%dT%H:%M")},
    )
    assert FollowUp.objects.count() == 1
    assert not DealFollowUp.objects.exists()


# --- The migration on a database that still has the old columns ---------------------------------


def test_the_migration_moves_old_links_and_drops_the_columns_on_postgresql(org):
    # given follow-ups whose table still has the old column (as after the first customers.0003)
    customer = make_customer(org["rep1"], "甲公司")
    deal = new_deal(org["rep1"], customer)
    about_deal, unrelated = FollowUpFactory(customer=customer), FollowUpFactory(customer=customer)
    followups = FollowUp._meta.db_table
    with connection.cursor() as cursor:
        # Rows written above leave deferred checks pending; PostgreSQL alters no such table.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"ALTER TABLE {followups} ADD COLUMN opportunity_id bigint NULL "
            f"REFERENCES {Opportunity._meta.db_table} (id)"
        )
        cursor.execute(f"CREATE INDEX old_followup_deal ON {followups} (opportunity_id)")
        cursor.execute(
            f"ALTER TABLE {HistoricalFollowUp._meta.db_table} ADD COLUMN opportunity_id bigint NULL"
        )
        cursor.execute(
            f"UPDATE {followups} SET opportunity_id = %s WHERE id = %s",  # noqa: S608
            [deal.pk, about_deal.pk],
        )
    # when the migration's data step runs
    with connection.schema_editor() as editor:
        MIGRATION.move_links_off_followups(apps, editor)
    # then the link moved and both old columns are gone
    assert list(DealFollowUp.objects.values_list("followup_id", "opportunity_id")) == [
        (about_deal.pk, deal.pk)
    ]
    assert list(deal.followups.all()) == [about_deal]
    assert unrelated.pk in FollowUp.objects.values_list("pk", flat=True)
    assert "opportunity_id" not in columns(connection, followups)
    assert "opportunity_id" not in columns(connection, HistoricalFollowUp._meta.db_table)


@pytest.fixture
def sqlite():
    """An in-memory SQLite database with the project's tables (what a development install without
    DATABASE_URL runs on), reachable by the ORM as "sqlite_probe" while the test runs."""
    # A handler of its own: its "default" is this database; the test database stays untouched.
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )
    conn = handler["default"]
    with conn.schema_editor() as editor:
        for model in apps.get_models():
            editor.create_model(model)
    connections["sqlite_probe"] = conn
    yield conn
    del connections["sqlite_probe"]
    conn.close()


def test_the_migration_moves_old_links_and_drops_the_columns_on_sqlite(sqlite):
    # given the old columns, with an index and a foreign key SQLite cannot drop in place
    followups, history = FollowUp._meta.db_table, HistoricalFollowUp._meta.db_table
    with sqlite.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {followups} ADD COLUMN opportunity_id integer NULL "
            f"REFERENCES {Opportunity._meta.db_table} (id) DEFERRABLE INITIALLY DEFERRED"
        )
        cursor.execute(f"CREATE INDEX old_followup_deal ON {followups} (opportunity_id)")
        cursor.execute(f"ALTER TABLE {history} ADD COLUMN opportunity_id integer NULL")
        cursor.execute(f"CREATE INDEX old_history_deal ON {history} (opportunity_id)")
    db = "sqlite_probe"
    rep = User.objects.using(db).create(username="rep1")
    customer = Customer.objects.using(db).create(name="甲公司", owner=rep)
    stage = FunnelStage.objects.using(db).create(level=1, name="线索", win_probability=10)
    deal = Opportunity.objects.using(db).create(
        customer=customer,
        owner=rep,
        stage=stage,
        name="产线改造",
        amount=1,
        expected_close=NOW.date(),
    )
    about_deal, unrelated = (
        FollowUp.objects.using(db).create(
            customer=customer, author=rep, occurred_at=NOW, logged_at=NOW, channel=channel
        )
        for channel in ("visit", "phone")
    )
    with sqlite.cursor() as cursor:
        cursor.execute(
            f"UPDATE {followups} SET opportunity_id = %s WHERE id = %s",  # noqa: S608
            [deal.pk, about_deal.pk],
        )
    # when the migration's data step runs
    with sqlite.schema_editor() as editor:
        MIGRATION.move_links_off_followups(apps, editor)
    # then the link moved, the follow-ups are kept, and both old columns are gone
    assert list(DealFollowUp.objects.using(db).values_list("followup_id", "opportunity_id")) == [
        (about_deal.pk, deal.pk)
    ]
    assert list(FollowUp.objects.using(db).order_by("pk").values_list("pk", flat=True)) == [
        about_deal.pk,
        unrelated.pk,
    ]
    assert "opportunity_id" not in columns(sqlite, followups)
    assert "opportunity_id" not in columns(sqlite, history)


def test_the_migration_leaves_a_fresh_database_as_it_is(sqlite):
    with sqlite.schema_editor() as editor:
        MIGRATION.move_links_off_followups(apps, editor)
    assert "opportunity_id" not in columns(sqlite, FollowUp._meta.db_table)
    assert not DealFollowUp.objects.using("sqlite_probe").exists()
