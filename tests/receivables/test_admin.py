"""Admin: collection classes, their rules and the settings are edited there with their
validation; money and event rows are only read there, scoped for non-admin staff."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from receivables.models import (
    AgingSnapshot,
    Allocation,
    CollectionClass,
    CollectionClassRule,
    CreditHoldEvent,
    EscalationEvent,
    EscalationLevel,
    ReceivableSettings,
    WriteOff,
)
from receivables.services import (
    credit_hold_put,
    payment_record,
    receivable_create,
    receivable_write_off,
)

pytestmark = pytest.mark.django_db


def test_seeded_classes_and_rules(org):
    assert list(
        CollectionClass.objects.values_list("code", "name", "min_rate", "max_rate", "is_default")
    ) == [
        ("A", "核心客户", Decimal("0.9000"), None, False),
        ("B", "潜力客户", Decimal("0.7000"), Decimal("0.8000"), False),
        ("C", "风险客户", None, None, True),
    ]
    assert [
        str(rule) for rule in CollectionClassRule.objects.select_related("collection_class")
    ] == [
        "10: A ≤ 60 → A",
        "20: AB ≤ 90 → B",
    ]


def test_admin_edits_a_class_threshold(client, org):
    client.force_login(org["admin"])
    klass = CollectionClass.objects.get(code="A")
    assert client.get(reverse("admin:receivables_collectionclass_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:receivables_collectionclassrule_changelist")).status_code == 200
    )
    response = client.post(
        reverse("admin:receivables_collectionclass_change", args=[klass.pk]),
        {
            "code": "A",
            "name": "核心客户",
            "name_en": "Core customers",
            "min_rate": "0.95",
            "max_rate": "",
            "description": "",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    klass.refresh_from_db()
    assert klass.min_rate == Decimal("0.9500")


def test_a_rule_with_an_unknown_rating_is_refused(client, org):
    client.force_login(org["admin"])
    before = CollectionClassRule.objects.count()
    response = client.post(
        reverse("admin:receivables_collectionclassrule_add"),
        {
            "position": "5",
            "credit_ratings": "AX",
            "collection_class": CollectionClass.objects.get(code="A").pk,
        },
    )
    assert response.status_code == 200
    assert "请使用字母 A、B、C、D，例如 AB。" in response.content.decode()
    assert CollectionClassRule.objects.count() == before


def test_a_second_default_class_is_refused_and_nothing_changes(client, org):
    client.force_login(org["admin"])
    klass = CollectionClass.objects.get(code="B")
    response = client.post(
        reverse("admin:receivables_collectionclass_change", args=[klass.pk]),
        {
            "code": "B",
            "name": "潜力客户",
            "name_en": "Potential customers",
            "min_rate": "0.85",
            "max_rate": "0.80",
            "description": "",
            "is_default": "on",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已有另一个分类是默认分类。" in html
    assert "范围上限不能低于最低回款率。" in html
    klass.refresh_from_db()
    assert (klass.min_rate, klass.is_default) == (Decimal("0.7000"), False)


# --- What admin used to let through: every money and event row is written by its service --------


@pytest.fixture
def book(org, customers):
    """Team A's customer (rep1) and team B's (rep3), each with a receivable, a payment allocated
    to it, a write-off, an escalation step, a credit hold and an aging snapshot."""
    rows = {}
    level = EscalationLevel.objects.get(from_days=1)
    for owner in ("rep1", "rep3"):
        customer = customers[owner]
        receivable = receivable_create(
            actor=org["finance1"],
            customer=customer,
            number=f"AR-{owner}",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 2, 1),
            amount=Decimal("1000"),
        )
        payment = payment_record(
            actor=org["finance1"],
            customer=customer,
            date=date(2026, 3, 1),
            amount=Decimal("400"),
            method="transfer",
        )
        receivable_write_off(
            actor=org["finance1"],
            receivable=receivable,
            amount=Decimal("100"),
            reason="客户破产清算",
            on=date(2026, 3, 2),
        )
        EscalationEvent.objects.create(
            receivable=receivable,
            level=level,
            as_of=date(2026, 2, 2),
            days_overdue=1,
            balance=Decimal("1000"),
        )
        credit_hold_put(customer=customer, reason="逾期超过90天")
        AgingSnapshot.objects.create(
            customer=customer, as_of=date(2026, 3, 2), b1=Decimal("500"), total=Decimal("500")
        )
        rows[owner] = {"customer": customer, "receivable": receivable, "payment": payment}
    return rows


EVENT_TABLES = ["allocation", "writeoff", "escalationevent", "creditholdevent", "agingsnapshot"]


def _counts():
    return {
        "allocation": Allocation.objects.count(),
        "writeoff": WriteOff.objects.count(),
        "escalationevent": EscalationEvent.objects.count(),
        "creditholdevent": CreditHoldEvent.objects.count(),
        "agingsnapshot": AgingSnapshot.objects.count(),
    }


@pytest.mark.parametrize("table", EVENT_TABLES)
def test_admin_adds_no_event_or_money_row(client, org, book, table):
    """Before: a hold event, a snapshot could be added in admin without the hold or the aging
    behind it. Now the add page is refused and nothing is written."""
    client.force_login(org["admin"])
    before = _counts()
    assert before[table] == 2

    response = client.post(reverse(f"admin:receivables_{table}_add"), {"reason": "手工"})

    assert response.status_code == 403
    assert _counts() == before


@pytest.mark.parametrize("table", EVENT_TABLES)
def test_admin_deletes_no_event_or_money_row(client, org, book, table):
    client.force_login(org["admin"])
    before = _counts()
    model = {"allocation": Allocation, "writeoff": WriteOff, "escalationevent": EscalationEvent}
    model |= {"creditholdevent": CreditHoldEvent, "agingsnapshot": AgingSnapshot}
    row = model[table].objects.order_by("pk").first()

    response = client.post(
        reverse(f"admin:receivables_{table}_delete", args=[row.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert _counts() == before


def test_credit_hold_event_reason_cannot_be_changed_in_admin(client, org, book):
    client.force_login(org["admin"])
    event = CreditHoldEvent.objects.get(customer=book["rep1"]["customer"])

    page = client.get(reverse("admin:receivables_creditholdevent_change", args=[event.pk]))
    response = client.post(
        reverse("admin:receivables_creditholdevent_change", args=[event.pk]),
        {"customer": event.customer_id, "kind": "release", "reason": "改了"},
    )

    assert page.status_code == 200  # read, not edited
    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.kind, event.reason) == ("hold", "逾期超过90天")


def test_aging_snapshot_cannot_be_changed_in_admin(client, org, book):
    client.force_login(org["admin"])
    snapshot = AgingSnapshot.objects.get(customer=book["rep1"]["customer"])

    response = client.post(
        reverse("admin:receivables_agingsnapshot_change", args=[snapshot.pk]),
        {"customer": snapshot.customer_id, "as_of": "2026-03-02", "b1": "0", "total": "0"},
    )

    assert response.status_code == 403
    snapshot.refresh_from_db()
    assert (snapshot.b1, snapshot.total) == (Decimal("500.00"), Decimal("500.00"))


def test_a_payment_is_not_voided_or_changed_in_admin(client, org, book):
    """Voiding goes through payment_void (reason, reversed allocations); admin only reads."""
    client.force_login(org["admin"])
    payment = book["rep1"]["payment"]

    response = client.post(
        reverse("admin:receivables_payment_change", args=[payment.pk]),
        {"amount": "1", "allocated": "0", "voided_at_0": "2026-03-03", "void_reason": "手工"},
    )

    assert response.status_code == 403
    payment.refresh_from_db()
    assert (payment.amount, payment.allocated, payment.voided_at, payment.void_reason) == (
        Decimal("400.00"),
        Decimal("400.00"),
        None,
        "",
    )
    assert Allocation.objects.active().filter(payment=payment).count() == 1


def test_a_receivable_is_not_changed_or_written_off_in_admin(client, org, book):
    client.force_login(org["admin"])
    receivable = book["rep1"]["receivable"]

    response = client.post(
        reverse("admin:receivables_receivable_change", args=[receivable.pk]),
        {"amount": "1", "written_off": "1000"},
    )

    assert response.status_code == 403
    receivable.refresh_from_db()
    assert (receivable.amount, receivable.allocated, receivable.written_off) == (
        Decimal("1000.00"),
        Decimal("400.00"),
        Decimal("100.00"),
    )


@pytest.fixture
def staff_manager(org):
    """manager1 (leads team A) as non-admin staff allowed to view the event and money tables."""
    manager = org["manager1"]
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="receivables",
            codename__in=[f"view_{table}" for table in [*EVENT_TABLES, "payment", "receivable"]],
        )
    )
    return manager


@pytest.mark.parametrize("table", [*EVENT_TABLES, "payment", "receivable"])
def test_non_admin_staff_see_only_their_scope_in_admin(client, org, book, staff_manager, table):
    """Before: hold events and snapshots of every team were listed to any staff member."""
    client.force_login(staff_manager)

    response = client.get(reverse(f"admin:receivables_{table}_changelist"))

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    customer_of = {
        "allocation": lambda row: row.receivable.customer,
        "writeoff": lambda row: row.receivable.customer,
        "escalationevent": lambda row: row.receivable.customer,
    }.get(table, lambda row: row.customer)
    assert [customer_of(row).name for row in rows] == ["rep1的客户"]


def test_non_admin_staff_cannot_open_an_event_outside_their_scope(client, org, book, staff_manager):
    client.force_login(staff_manager)
    other = CreditHoldEvent.objects.get(customer=book["rep3"]["customer"])

    response = client.get(reverse("admin:receivables_creditholdevent_change", args=[other.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_rule_list_editing_keeps_the_rating_validation(client, org):
    """The changelist's inline editing runs the same validators as the rule's own page."""
    client.force_login(org["admin"])
    rules = list(CollectionClassRule.objects.order_by("position"))
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "_save": "保存"}
    for index, rule in enumerate(rules):
        data |= {
            f"form-{index}-id": rule.pk,
            f"form-{index}-credit_ratings": "AX" if index == 0 else rule.credit_ratings,
            f"form-{index}-max_payment_terms_days": rule.max_payment_terms_days,
            f"form-{index}-collection_class": rule.collection_class_id,
        }

    response = client.post(reverse("admin:receivables_collectionclassrule_changelist"), data)

    assert response.status_code == 200
    assert response.context["cl"].formset.errors[0] == {
        "credit_ratings": ["请使用字母 A、B、C、D，例如 AB。"]
    }
    assert list(CollectionClassRule.objects.values_list("position", "credit_ratings")) == [
        (10, "A"),
        (20, "AB"),
    ]


def test_settings_keep_their_bucket_order_in_admin(client, org):
    client.force_login(org["admin"])
    settings = ReceivableSettings.load()

    response = client.post(
        reverse("admin:receivables_receivablesettings_change", args=[settings.pk]),
        {
            "bucket_1": "60",
            "bucket_2": "30",
            "bucket_3": "90",
            "basis": "due",
            "healthy_first_bucket_share": "0.6",
            "alarm_last_bucket_share": "0.2",
            "credit_warning_share": "0.5",
            "penalty_daily_rate": "0.0005",
            "collection_rate_normal": "0.85",
            "industry_dso_days": "60",
            "group_flag_level": "",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "__all__": ["约束 “receivablesettings_buckets_increase” 是无效的"]
    }
    settings.refresh_from_db()
    assert settings.boundaries == (30, 60, 90)


def test_a_credit_hold_is_neither_put_nor_released_in_the_customer_admin(client, org, book):
    """Before: the hold flag was a plain checkbox on the customer's admin page, so a hold could
    be lifted with no reason and no CreditHoldEvent. Now it is shown, not submitted."""
    client.force_login(org["admin"])
    customer = book["rep1"]["customer"]

    page = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))

    form = page.context["adminform"].form
    assert {"credit_hold", "credit_hold_since", "credit_hold_reason"} & set(form.fields) == set()
    customer.refresh_from_db()
    assert (customer.credit_hold, customer.credit_hold_reason) == (True, "逾期超过90天")
    assert list(CreditHoldEvent.objects.filter(customer=customer).values_list("kind")) == [
        ("hold",)
    ]
