"""Django admin obeys the pages' rules: each test is a way admin used to write around a service."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from customers.models import Contact, Customer, FollowUp, OwnershipEvent
from customers.services.customers import customer_create, customer_reassign, customer_update
from customers.services.followups import followup_log

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOV_1 = datetime(2026, 11, 1, 9, 0, tzinfo=SH)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=SH)


def customer_form(customer: Customer, **changes) -> dict:
    """What the admin change form posts for `customer` untouched, with `changes` applied."""
    data = {
        "name": customer.name,
        "credit_code": customer.credit_code or "",
        "legal_rep": customer.legal_rep,
        "address": customer.address,
        "phone": customer.phone,
        "industry": customer.industry,
        "region": customer.region_id or "",
        "source": customer.source,
        "status": customer.status,
        "initial_need": customer.initial_need,
        "deal_potential": customer.deal_potential or "",
        "tier": customer.tier,
        "tier_lock_reason": customer.tier_lock_reason,
        "buying_power": customer.buying_power or "",
        "credit_rating": customer.credit_rating,
        "credit_limit": customer.credit_limit,
        "payment_terms_days": customer.payment_terms_days,
        "group": customer.group_id or "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    if customer.tier_locked:
        data["tier_locked"] = "on"
    if customer.is_key_account:
        data["is_key_account"] = "on"
    data.update(changes)
    return data


def followup_form(followup: FollowUp, *, occurred_at: datetime | None = None, **changes) -> dict:
    when = (occurred_at or followup.occurred_at).astimezone(SH)
    data = {
        "occurred_at_0": when.strftime("%Y-%m-%d"),
        "occurred_at_1": when.strftime("%H:%M:%S"),
        "channel": followup.channel,
        "contact": followup.contact_id or "",
        "content": followup.content,
        "feedback": followup.feedback,
        "next_step": followup.next_step,
        "next_step_due": followup.next_step_due or "",
        "risk_note": followup.risk_note,
    }
    data.update(changes)
    return data


def change_url(obj) -> str:
    return reverse(f"admin:customers_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def admin_client(client, org):
    client.force_login(org["admin"])
    return client


@pytest.fixture
def tier_a(org):
    """A tier-A customer of rep1 (follow-up and visit every 7 days) owned since 11-01, visited
    on 11-10 and phoned on 11-12: visit due 11-17, follow-up due 11-19."""
    customer = customer_create(actor=org["rep1"], now=NOV_1, name="甲公司", tier="A")
    visit = followup_log(
        actor=org["rep1"],
        customer=customer,
        occurred_at=at(10),
        channel="visit",
        content="上门拜访",
        now=at(10, 11),
    )
    call = followup_log(
        actor=org["rep1"],
        customer=customer,
        occurred_at=at(12),
        channel="phone",
        content="电话回访",
        now=at(12, 11),
    )
    customer.refresh_from_db()
    assert (customer.next_visit_due, customer.next_followup_due) == (
        date(2026, 11, 17),
        date(2026, 11, 19),
    )
    return {"customer": customer, "visit": visit, "call": call}


def cadence(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return (
        customer.last_followup_at,
        customer.next_followup_due,
        customer.last_visit_at,
        customer.next_visit_due,
    )


# --- Follow-ups: a corrected time moves the cadence, as logging does ----------------------------


def test_a_visit_moved_later_in_admin_moves_the_visit_and_follow_up_cadence(admin_client, tier_a):
    # Given the visit of 11-10; when the admin corrects it to 11-14
    response = admin_client.post(
        change_url(tier_a["visit"]), followup_form(tier_a["visit"], occurred_at=at(14))
    )
    # Then both cadences count from 11-14, as if it had been logged so
    assert response.status_code == 302
    assert cadence(tier_a["customer"]) == (at(14), date(2026, 11, 21), at(14), date(2026, 11, 21))


def test_a_visit_moved_earlier_in_admin_moves_the_visit_cadence_back(admin_client, tier_a):
    # When the admin corrects the visit of 11-10 to 11-05
    admin_client.post(
        change_url(tier_a["visit"]), followup_form(tier_a["visit"], occurred_at=at(5))
    )
    # Then the visit is due 11-12 and the last contact is still the call of 11-12
    assert cadence(tier_a["customer"]) == (at(12), date(2026, 11, 19), at(5), date(2026, 11, 12))


def test_a_call_corrected_to_a_visit_in_admin_counts_as_the_last_visit(admin_client, tier_a):
    admin_client.post(change_url(tier_a["call"]), followup_form(tier_a["call"], channel="visit"))
    assert cadence(tier_a["customer"]) == (at(12), date(2026, 11, 19), at(12), date(2026, 11, 19))


def test_a_corrected_time_is_judged_late_again(admin_client, tier_a):
    # Given the call of 11-12 10:00 logged at 11:00 (on time); when moved to 11-10 10:00
    admin_client.post(change_url(tier_a["call"]), followup_form(tier_a["call"], occurred_at=at(10)))
    # Then it was logged 49 hours after it happened: late
    tier_a["call"].refresh_from_db()
    assert (tier_a["call"].occurred_at, tier_a["call"].is_late) == (at(10), True)


def test_a_follow_up_in_the_future_is_refused_in_admin_and_nothing_changes(admin_client, tier_a):
    # When the admin moves the call to 2999
    response = admin_client.post(
        change_url(tier_a["call"]),
        followup_form(tier_a["call"], occurred_at=datetime(2999, 1, 1, 9, 0, tzinfo=SH)),
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    # Then the form comes back with the service's message; entry and cadence are unchanged
    assert (response.status_code, response["Location"]) == (302, change_url(tier_a["call"]))
    assert shown == ["跟进时间不能晚于现在。"]
    tier_a["call"].refresh_from_db()
    assert tier_a["call"].occurred_at == at(12)
    assert cadence(tier_a["customer"]) == (at(12), date(2026, 11, 19), at(10), date(2026, 11, 17))


def test_the_customer_and_author_of_a_follow_up_cannot_be_changed_in_admin(
    admin_client, org, tier_a
):
    other = customer_create(actor=org["rep2"], name="乙公司")
    admin_client.post(
        change_url(tier_a["call"]),
        followup_form(tier_a["call"], customer=other.pk, author=org["rep2"].pk),
    )
    tier_a["call"].refresh_from_db()
    assert (tier_a["call"].customer, tier_a["call"].author) == (tier_a["customer"], org["rep1"])


def test_deleting_the_last_visit_in_admin_takes_the_cadence_back(admin_client, tier_a):
    # When the admin deletes the visit of 11-10 (the customer's only visit)
    url = reverse("admin:customers_followup_delete", args=[tier_a["visit"].pk])
    response = admin_client.post(url, {"post": "yes"})
    # Then no visit is left: the visit is due one interval after ownership (11-08)
    assert response.status_code == 302
    assert not FollowUp.objects.filter(pk=tier_a["visit"].pk).exists()
    assert cadence(tier_a["customer"]) == (at(12), date(2026, 11, 19), None, date(2026, 11, 8))


def test_follow_ups_are_not_added_in_admin(admin_client):
    assert admin_client.get(reverse("admin:customers_followup_add")).status_code == 403


# --- Customers: owner and credit hold are not admin's to change ---------------------------------


def test_the_owner_cannot_be_changed_in_the_customer_admin(admin_client, org, tier_a):
    customer = tier_a["customer"]
    # When the admin posts another owner with the form
    response = admin_client.post(
        change_url(customer), customer_form(customer, owner=org["rep2"].pk)
    )
    # Then the owner (read-only there) stays, and no ownership event is written
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == org["rep1"]
    assert OwnershipEvent.objects.filter(customer=customer).count() == 1


def test_credit_hold_fields_are_read_only_in_the_customer_admin(admin_client, tier_a):
    customer = tier_a["customer"]
    response = admin_client.post(
        change_url(customer),
        customer_form(customer, credit_hold="on", credit_hold_reason="逾期90天"),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.credit_hold, customer.credit_hold_since, customer.credit_hold_reason) == (
        False,
        None,
        "",
    )


def test_a_locked_tier_is_refused_in_admin_as_on_the_page(admin_client, org, tier_a):
    # Given tier A locked by manager1
    customer = customer_update(
        actor=org["manager1"],
        customer=tier_a["customer"],
        tier_locked=True,
        tier_lock_reason="战略客户",
    )
    versions = customer.history.count()
    # When the admin changes the tier alone (lock untouched)
    response = admin_client.post(change_url(customer), customer_form(customer, tier="C"))
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    # Then the service's refusal is shown and nothing is written
    assert (response.status_code, response["Location"]) == (302, change_url(customer))
    assert shown == ["客户等级已锁定：战略客户"]
    customer.refresh_from_db()
    assert (customer.tier, customer.history.count()) == ("A", versions)


def test_an_old_version_of_a_customer_cannot_be_restored_in_admin(admin_client, org, tier_a):
    # Given rep1's customer reassigned to rep2; when the admin posts the first version back
    customer = tier_a["customer"]
    first = customer.history.earliest("history_date")
    customer_reassign(
        actor=org["manager1"], customer=customer, new_owner=org["rep2"], reason="调岗"
    )
    url = reverse("admin:customers_customer_simple_history", args=[customer.pk, first.history_id])
    response = admin_client.post(url, customer_form(customer))
    # Then it is refused; the owner stays rep2
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.owner == org["rep2"]


def test_contacts_added_in_the_customer_admin_get_the_services_checks(admin_client, tier_a):
    customer = tier_a["customer"]
    data = customer_form(
        customer,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-name": "  ",
            "contacts-0-title": "采购经理",
            "contacts-0-email": "li@example.com",
        },
    )
    # A blank name is refused by the form; a real one is saved with the contact's history
    assert admin_client.post(change_url(customer), data).status_code == 200
    assert not Contact.objects.exists()
    data["contacts-0-name"] = "李工"
    assert admin_client.post(change_url(customer), data).status_code == 302
    contact = Contact.objects.get()
    assert (contact.customer, contact.name, contact.title, contact.history.count()) == (
        customer,
        "李工",
        "采购经理",
        1,
    )


# --- Ownership events: read-only, scoped for non-admin staff ------------------------------------


def test_ownership_events_cannot_be_added_changed_or_deleted_in_admin(admin_client, tier_a):
    event = OwnershipEvent.objects.get(customer=tier_a["customer"])
    before = (event.kind, event.reason, event.to_owner_id)
    add = admin_client.get(reverse("admin:customers_ownershipevent_add"))
    change = admin_client.post(change_url(event), {"kind": "claimed", "reason": "改"})
    delete = admin_client.post(
        reverse("admin:customers_ownershipevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    event.refresh_from_db()
    assert (event.kind, event.reason, event.to_owner_id) == before


def test_staff_managers_see_only_their_teams_ownership_events_in_admin(client, org):
    # Given customers of rep1 (manager1's team) and rep3 (manager2's team)
    mine = customer_create(actor=org["rep1"], name="甲公司")
    customer_create(actor=org["rep3"], name="丙公司")
    manager = org["manager1"]
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.add(Permission.objects.get(codename="view_ownershipevent"))
    client.force_login(manager)
    # When manager1 opens the ownership events in admin
    response = client.get(reverse("admin:customers_ownershipevent_changelist"))
    # Then only the event of their team's customer is listed
    assert response.status_code == 200
    assert [e.customer for e in response.context["cl"].result_list] == [mine]


def test_a_staff_manager_cannot_read_the_history_of_a_customer_outside_their_scope(client, org):
    # Given a customer of rep1 (manager1's team) and one of rep3 (manager2's team)
    mine = customer_create(actor=org["rep1"], name="甲公司")
    theirs = customer_create(actor=org["rep3"], name="丙公司")
    manager = org["manager1"]
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(manager)
    version = theirs.history.earliest()

    # When manager1 opens the history pages of both by URL
    statuses = [
        client.get(reverse("admin:customers_customer_history", args=[mine.pk])).status_code,
        client.get(reverse("admin:customers_customer_history", args=[theirs.pk])).status_code,
        client.get(
            reverse("admin:customers_customer_simple_history", args=[theirs.pk, version.pk])
        ).status_code,
    ]

    # Then their own team's is shown and the other team's is not found, as on the pages
    assert statuses == [200, 404, 404]
