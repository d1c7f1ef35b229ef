"""Access matrix: for every endpoint, what each role gets. Later issues add their endpoints here.

Each row names an endpoint (a callable building the URL from the fixtures) and the status each
viewer must get. "anon" is a visitor who is not logged in. Objects outside a user's scope are
404, never 403, so their existence does not leak.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from opportunities.models import TargetAdjustment
from orders.models import Product
from orders.services.orders import LineInput, order_create
from receivables.services import payment_record, receivable_create
from salesops.core.models import ImportRun
from tests.conftest import make_customers, make_org
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    NotificationFactory,
    OpportunityFactory,
    SalesTargetFactory,
)

pytestmark = pytest.mark.django_db

VIEWERS = ["anon", "rep1", "rep2", "rep3", "manager1", "manager2", "finance1", "admin"]
LOGIN = 302  # anonymous visitors are sent to the login page


def everyone(status=200, anon=LOGIN):
    return {viewer: (anon if viewer == "anon" else status) for viewer in VIEWERS}


def only(allowed: set[str], *, denied=404, anon=LOGIN, ok=200, forbidden: set[str] = frozenset()):
    """`allowed` get `ok`; `forbidden` see the object but their role may not act (403); the
    rest are outside the scope (`denied`, 404 by default)."""
    return {
        viewer: anon
        if viewer == "anon"
        else ok
        if viewer in allowed
        else 403
        if viewer in forbidden
        else denied
        for viewer in VIEWERS
    }


SELLERS_OF_REP1 = {"rep1", "manager1", "admin"}  # may change rep1's customer


# (id, method, url builder, expected status per viewer)
MATRIX = [
    ("home", "get", lambda f: reverse("home"), everyone()),
    ("healthz", "get", lambda f: reverse("healthz"), everyone(anon=200)),
    ("password-change", "get", lambda f: reverse("password_change"), everyone()),
    ("notifications", "get", lambda f: reverse("notification_list"), everyone()),
    (
        "notification-of-rep1-mark-read",
        "post",
        lambda f: reverse("notification_read", args=[f["notification_rep1"].pk]),
        # Only its recipient may touch it; the success is a redirect back to the list.
        {**only({"rep1"}), "rep1": 302},
    ),
    # A background import run: its creator and admins only.
    (
        "import-run-of-manager1",
        "get",
        lambda f: f["import_run_manager1"].get_absolute_url(),
        only({"manager1", "admin"}),
    ),
    (
        "import-run-of-manager1-status",
        "get",
        lambda f: reverse("import_run_status", args=[f["import_run_manager1"].pk]),
        only({"manager1", "admin"}),
    ),
    ("customer-list", "get", lambda f: reverse("customer_list"), everyone()),
    (
        "customer-of-rep1",
        "get",
        lambda f: f["customers"]["rep1"].get_absolute_url(),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "customer-of-rep3",
        "get",
        lambda f: f["customers"]["rep3"].get_absolute_url(),
        only({"rep3", "manager2", "finance1", "admin"}),
    ),
    (
        "customer-of-manager1",
        "get",
        lambda f: f["customers"]["manager1"].get_absolute_url(),
        only({"manager1", "finance1", "admin"}),
    ),
    # Customers (issue 3): finance reads everything but changes nothing.
    (
        "customer-edit",
        "get",
        lambda f: reverse("customer_edit", args=[f["customers"]["rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "customer-history",
        "get",
        lambda f: reverse("customer_history", args=[f["customers"]["rep1"].pk]),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "followup-form",
        "get",
        lambda f: reverse("followup_create", args=[f["customers"]["rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "followup-log",
        "post",
        lambda f: reverse("followup_create", args=[f["customers"]["rep1"].pk]),
        # Posting an empty form: in scope the form comes back with its errors, nothing written.
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "followup-next-step-done",
        "post",
        lambda f: reverse("followup_done", args=[f["followup_rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}, ok=302),
    ),
    (
        "contact-create",
        "get",
        lambda f: reverse("contact_create", args=[f["customers"]["rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "contact-edit",
        "get",
        lambda f: reverse("contact_edit", args=[f["customers"]["rep1"].pk, f["contact_rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "customer-create",
        "get",
        lambda f: reverse("customer_create"),
        {**everyone(), "finance1": 403},
    ),
    ("customer-export", "get", lambda f: reverse("customer_export"), everyone()),
    ("customer-pool", "get", lambda f: reverse("customer_pool"), everyone()),
    (
        "customer-claim-team-a-pool",
        "post",
        lambda f: reverse("customer_claim", args=[f["pool_a"].pk]),
        # Reps of team A claim; those who see the pool but are not reps may not claim.
        only({"rep1", "rep2"}, ok=302, forbidden={"manager1", "finance1", "admin"}),
    ),
    (
        "customer-reassign",
        "get",
        lambda f: reverse("customer_reassign", args=[f["customers"]["rep1"].pk]),
        {**only({"manager1", "admin"}), "rep1": 403, "rep2": 403, "rep3": 403, "finance1": 403},
    ),
    (
        "customer-import",
        "get",
        lambda f: reverse("customer_import"),
        only({"manager1", "manager2", "admin"}, denied=403),
    ),
    ("followup-due", "get", lambda f: reverse("followup_due"), everyone()),
    (
        "followup-compliance",
        "get",
        lambda f: reverse("followup_compliance"),
        only({"manager1", "manager2", "admin"}, denied=403),
    ),
    # Opportunities (issue 4).
    ("opportunity-list", "get", lambda f: reverse("opportunity_list"), everyone()),
    ("opportunity-board", "get", lambda f: reverse("opportunity_board"), everyone()),
    ("funnel-dashboard", "get", lambda f: reverse("funnel_dashboard"), everyone()),
    (
        "opportunity-of-rep1",
        "get",
        lambda f: f["deal_rep1"].get_absolute_url(),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "opportunity-edit",
        "get",
        lambda f: reverse("opportunity_edit", args=[f["deal_rep1"].pk]),
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    (
        "opportunity-create-for-rep1-customer",
        "get",
        lambda f: reverse("opportunity_create") + f"?customer={f['customers']['rep1'].pk}",
        only(SELLERS_OF_REP1, forbidden={"finance1"}),
    ),
    *[
        (
            f"opportunity-{action}",
            "post",
            (lambda name: lambda f: reverse(name, args=[f["deal_rep1"].pk]))(url_name),
            # In scope: the refused or empty action redirects back with a message.
            only(SELLERS_OF_REP1, forbidden={"finance1"}, ok=302),
        )
        for action, url_name in [
            ("move", "opportunity_move"),
            ("checklist", "opportunity_checklist"),
            ("lose", "opportunity_lose"),
            ("reopen", "opportunity_reopen"),
            ("deal-contact-add", "deal_contact_add"),
        ]
    ],
    (
        "business-review-of-rep1",
        "get",
        lambda f: reverse("business_review", args=["rep1"]),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    ("targets", "get", lambda f: reverse("target_list"), everyone()),
    (
        "target-create",
        "get",
        lambda f: reverse("target_create"),
        only({"manager1", "manager2", "admin"}, denied=403),
    ),
    (
        "target-adjust-rep1",
        "post",
        lambda f: reverse("target_adjust", args=[f["target_rep1"].pk]),
        only({"rep1", "manager1", "finance1", "admin"}, ok=302),
    ),
    (
        "target-decide-rep1",
        "post",
        lambda f: reverse("target_decide", args=[f["adjustment_rep1"].pk]),
        {
            **only({"manager1", "admin"}, ok=302),
            "rep1": 403,
            "rep2": 403,
            "rep3": 403,
            "finance1": 403,
        },
    ),
    # Receivables (issue 5): finance writes money, everyone reads within their scope.
    *[
        (name, "get", (lambda n: lambda f: reverse(n))(name), everyone())
        for name in (
            "receivable_list",
            "payment_list",
            "aging",
            "aging_export",
            "collections",
            "collections_export",
            "receivable_kpis",
        )
    ],
    *[
        (
            name,
            "get",
            (lambda n: lambda f: reverse(n))(name),
            only({"finance1", "admin"}, denied=403),
        )
        for name in ("receivable_create", "payment_create", "opening_balance_import")
    ],
    *[
        (
            name,
            "get",
            (lambda n: lambda f: reverse(n, args=[f["receivable_rep1"].pk]))(name),
            only({"rep1", "manager1", "finance1", "admin"}),
        )
        for name in ("receivable_detail", "receivable_reminder_pdf", "receivable_lawyer_pdf")
    ],
    (
        "customer-statement",
        "get",
        lambda f: reverse("customer_statement", args=[f["customers"]["rep1"].pk]),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "customer-statement-pdf",
        "get",
        lambda f: reverse("customer_statement_pdf", args=[f["customers"]["rep1"].pk]),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "payment-detail",
        "get",
        lambda f: reverse("payment_detail", args=[f["payment_rep1"].pk]),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    *[
        (
            name,
            "post",
            (lambda n, k: lambda f: reverse(n, args=[f[k].pk]))(name, key),
            # In scope: refused or empty input redirects back with a message; nothing written.
            only({"finance1", "admin"}, ok=302, forbidden={"rep1", "manager1"}),
        )
        for name, key in (
            ("payment_void", "payment_rep1"),
            ("receivable_write_off", "receivable_rep1"),
        )
    ],
    (
        "payment_allocate",
        "post",
        lambda f: reverse("payment_allocate", args=[f["payment_rep1"].pk]),
        # In scope: empty input shows the payment page again with the message; nothing written.
        only({"finance1", "admin"}, forbidden={"rep1", "manager1"}),
    ),
    (
        "credit-hold-release",
        "get",
        lambda f: reverse("credit_hold_release", args=[f["customers"]["rep1"].pk]),
        {**only({"manager1", "admin"}), "rep1": 403, "rep2": 403, "rep3": 403, "finance1": 403},
    ),
    # Orders (issue 11, the orders engineer's block).
    ("order-list", "get", lambda f: reverse("order_list"), everyone()),
    ("order-export", "get", lambda f: reverse("order_export"), everyone()),
    ("order-create", "get", lambda f: reverse("order_create"), {**everyone(), "finance1": 403}),
    (
        "order-of-rep1",
        "get",
        lambda f: f["order_rep1"].get_absolute_url(),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    (
        "order-confirmation-pdf",
        "get",
        lambda f: reverse("order_confirmation_pdf", args=[f["order_rep1"].pk]),
        only({"rep1", "manager1", "finance1", "admin"}),
    ),
    *[
        (
            f"{name}-of-rep1",
            "get",
            (lambda n: lambda f: reverse(n, args=[f["order_rep1"].pk]))(name),
            only(SELLERS_OF_REP1, forbidden={"finance1"}),
        )
        for name in ("order_edit", "order_change")
    ],
    *[
        (
            f"{name}-of-rep1",
            "post",
            (lambda n, a: lambda f: reverse(n, args=[f["order_rep1"].pk, *a]))(name, extra),
            # In scope: refused or empty input redirects back with a message.
            only(SELLERS_OF_REP1, ok=302, forbidden={"finance1"}),
        )
        for name, extra in (
            ("order_confirm", ()),
            ("order_step", ("production",)),
            ("order_cancel", ()),
            ("order_alert", ()),
        )
    ],
    (
        "credit-exception-approve",
        "post",
        lambda f: reverse("credit_exception_approve", args=[f["order_rep1"].pk]),
        only({"manager1", "admin"}, ok=302, forbidden={"rep1", "finance1"}),
    ),
    (
        "order-from-opportunity",
        "post",
        lambda f: reverse("order_from_opportunity", args=[f["deal_rep1"].pk]),
        only(SELLERS_OF_REP1, ok=302, forbidden={"finance1"}),
    ),
    (
        "product-import",
        "get",
        lambda f: reverse("product_import"),
        only({"manager1", "manager2", "admin"}, denied=403),
    ),
    # Contracts (issue 11): everyone reads within scope; reps, managers and admins write, finance
    # reads only (403 on the pages that change a contract).
    ("contract_list", "get", lambda f: reverse("contract_list"), everyone()),
    (
        "contract_create",
        "get",
        lambda f: reverse("contract_create"),
        {**everyone(), "finance1": 403},
    ),
    (
        "contract_create_from_order",
        "get",
        lambda f: reverse("contract_create_from_order", args=[f["contract_order_rep1"].pk]),
        only({"rep1", "manager1", "admin"}, forbidden={"finance1"}),
    ),
    *[
        (
            name,
            "get",
            (lambda n: lambda f: reverse(n, args=[f["contract_rep1"].pk]))(name),
            only({"rep1", "manager1", "finance1", "admin"}),
        )
        for name in ("contract_detail", "contract_pdf")
    ],
    *[
        (
            name,
            "get",
            (lambda n: lambda f: reverse(n, args=[f["contract_rep1"].pk]))(name),
            only({"rep1", "manager1", "admin"}, forbidden={"finance1"}),
        )
        for name in ("contract_edit", "contract_milestones", "contract_supplement")
    ],
    *[
        (
            name,
            "post",
            (lambda n: lambda f: reverse(n, args=[f["contract_rep1"].pk]))(name),
            # In scope: empty input redirects back with a message; nothing written.
            only({"rep1", "manager1", "admin"}, ok=302, forbidden={"finance1"}),
        )
        for name in ("contract_sign", "contract_deliver", "contract_accept", "contract_terminate")
    ],
    (
        "admin-contract-change",
        "get",
        lambda f: reverse("admin:orders_contract_change", args=[f["contract_rep1"].pk]),
        only({"admin"}, denied=302, anon=302),
    ),
    # Rep's plans and reports (issue 12, per): lists for everyone in scope; each author writes
    # their own (finance writes none: 403; a manager reads the team's but edits only their own).
    *[
        (name, "get", (lambda n: lambda f: reverse(n))(name), everyone())
        for name in ("work_plan_list", "visit_report_list", "competitor_report_list")
    ],
    *[
        (name, "get", (lambda n: lambda f: reverse(n))(name), {**everyone(), "finance1": 403})
        for name in ("work_plan_create", "visit_report_create", "competitor_report_create")
    ],
    *[
        (
            f"{name}-of-rep1",
            "get",
            (lambda n, k: lambda f: reverse(n, args=[f[k].pk]))(name, key),
            only({"rep1"}, forbidden={"manager1", "admin", "finance1"}),
        )
        for name, key in (
            ("work_plan_edit", "plan_rep1"),
            ("visit_report_edit", "visit_rep1"),
            ("competitor_report_edit", "competitor_rep1"),
        )
    ],
    (
        "weekly-subscription",
        "get",
        lambda f: reverse("weekly_subscription"),
        only({"manager1", "manager2", "admin"}, denied=403),
    ),
    (
        "weekly-subscription-toggle",
        "post",
        lambda f: reverse("weekly_subscription"),
        only({"manager1", "manager2", "admin"}, denied=403, ok=302),
    ),
    # Reports (issue 12, the framework engineer's block): every role opens the index and the
    # aging report; its rows are the viewer's scope (tests/reports/test_report_pages.py).
    ("report-index", "get", lambda f: reverse("report_index"), everyone()),
    ("report-aging", "get", lambda f: reverse("report_page", args=["aging"]), everyone()),
    ("report-aging-pdf", "get", lambda f: reverse("report_pdf", args=["aging"]), everyone()),
    ("report-unknown", "get", lambda f: reverse("report_page", args=["nope"]), everyone(404)),
    # The commission statement (com's block): every role; a rep's lines are their own, a
    # manager's the team's (tests/reports/test_commission_statement.py). Its admin: staff only.
    ("report-commission", "get", lambda f: reverse("report_page", args=["commission"]), everyone()),
    (
        "report-commission-pdf",
        "get",
        lambda f: reverse("report_pdf", args=["commission"]),
        everyone(),
    ),
    *[
        (
            f"admin-{model}-list",
            "get",
            (lambda m: lambda f: reverse(f"admin:reports_{m}_changelist"))(model),
            only({"admin"}, denied=302, anon=302),
        )
        for model in ("commissionsettings", "commissionperiod", "commissionline")
    ],
    *[
        (
            name,
            "get",
            (lambda n: lambda f: reverse(n, args=[f["report_build_rep1"].pk]))(name),
            only({"rep1"}),  # a build is its owner's alone, admins included
        )
        for name in ("report_build", "report_build_status", "report_build_download")
    ],
    # The weekly and monthly reports (issue 12, per): the weekly for every role, the monthly for
    # managers, finance and admins (403 for reps); rows are the viewer's scope.
    *[
        (
            f"report-{slug}{suffix}",
            "get",
            (lambda n, a: lambda f: reverse(n, args=[a]))(name, slug),
            expected,
        )
        for slug, expected in (
            ("weekly", everyone()),
            ("monthly", {**everyone(), "rep1": 403, "rep2": 403, "rep3": 403}),
        )
        for suffix, name in (("", "report_page"), ("-pdf", "report_pdf"))
    ],
    # Stats reports (issue 12): key accounts and compliance open for every role, their rows the
    # viewer's scope (tests/reports/test_stats_pages.py); the collection plan for managers,
    # finance and admins, 403 for reps. Each page and its PDF.
    *[
        (
            f"report-{slug}{suffix}",
            "get",
            (lambda n, s: lambda f: reverse(n, args=[s]))(name, slug),
            expected,
        )
        for slug, expected in (
            ("key_accounts", everyone()),
            ("compliance", everyone()),
            (
                "collection_plan",
                only(
                    {"manager1", "manager2", "finance1", "admin"},
                    forbidden={"rep1", "rep2", "rep3"},
                ),
            ),
        )
        for name, suffix in (("report_page", ""), ("report_pdf", "-pdf"))
    ],
    (
        "admin-collection-plan-split",
        "get",
        lambda f: reverse("admin:reports_collectionplansettings_changelist"),
        only({"admin"}, denied=302, anon=302),
    ),
    # Django admin: staff only; others are sent to the admin login page.
    ("admin-index", "get", lambda f: reverse("admin:index"), only({"admin"}, denied=302, anon=302)),
    (
        "admin-customer-change",
        "get",
        lambda f: reverse("admin:customers_customer_change", args=[f["customers"]["rep1"].pk]),
        only({"admin"}, denied=302, anon=302),
    ),
]


def report_build_fixtures(org) -> dict:
    """A finished background report PDF of rep1's (issue 12): its owner's alone."""
    from django.core.files.base import ContentFile

    from reports.models import ReportBuild

    build = ReportBuild(
        owner=org["rep1"],
        slug="aging",
        params={"period": "month", "date": "2026-11-15"},
        requested_on=date(2026, 12, 2),
        state=ReportBuild.State.DONE,
        progress=100,
        page_count=1,
    )
    build.file.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    return {"report_build_rep1": build}


def contract_fixtures(org, customer) -> dict:
    """A draft contract and an order without one, of rep1's customer (issue 11)."""
    from tests.orders.contract_helpers import draft, order_for

    return {
        "contract_rep1": draft(org, customer=customer),
        "contract_order_rep1": order_for(customer, number="SO-MATRIX"),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The matrix's rows, built once per worker inside a transaction rolled back at the end:
    each test runs in its own savepoint (the function-level `db`), so what a POST changes is
    undone before the next test, and 700 tests do not each build the same world again."""
    with django_db_blocker.unblock(), transaction.atomic():
        org = make_org()
        yield build_world(org, make_customers(org))
        transaction.set_rollback(True)


@pytest.fixture
def fixtures(world, db):
    return world


def build_world(org, customers) -> dict:
    rep1_customer = customers["rep1"]
    return {
        **org,
        "customers": customers,
        "notification_rep1": NotificationFactory(recipient=org["rep1"], title="给rep1的提醒"),
        # The pages read only the row; no file is needed.
        "import_run_manager1": ImportRun.objects.create(
            kind=ImportRun.Kind.CUSTOMERS, created_by=org["manager1"], file="import_runs/x.xlsx"
        ),
        "contact_rep1": ContactFactory(customer=rep1_customer),
        "followup_rep1": FollowUpFactory(
            customer=rep1_customer,
            author=org["rep1"],
            next_step="寄样品",
            next_step_due=date(2026, 11, 30),
        ),
        "deal_rep1": (deal := OpportunityFactory(customer=rep1_customer, owner=org["rep1"])),
        "target_rep1": (target := SalesTargetFactory(owner=org["rep1"])),
        "adjustment_rep1": TargetAdjustment.objects.create(
            target=target,
            field="sales_target",
            old_value=target.sales_target,
            new_value=Decimal("1"),
            reason="测试",
            requested_by=org["rep1"],
        ),
        "deal": deal,
        "receivable_rep1": receivable_create(
            actor=org["finance1"],
            customer=rep1_customer,
            number="AR-RULES",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 2, 1),
            amount=Decimal("1000"),
        ),
        "payment_rep1": payment_record(
            actor=org["finance1"],
            customer=rep1_customer,
            date=date(2026, 3, 1),
            amount=Decimal("100"),
            method="transfer",
            allocate=False,
        ),
        "order_rep1": order_create(
            actor=org["rep1"],
            customer=rep1_customer,
            delivery_date=date(2026, 4, 1),
            order_date=date(2026, 3, 2),
            lines=[
                LineInput(
                    product=Product.objects.create(sku="AM-1", name="泵", list_price=Decimal(10)),
                    quantity=Decimal(1),
                )
            ],
        ),
        "pool_a": CustomerFactory(
            name="公海客户A", owner=None, pool_since=timezone.now(), pool_team=org["team_a"]
        ),
        **contract_fixtures(org, rep1_customer),
        **plan_fixtures(org, rep1_customer),
        **report_build_fixtures(org),
    }


def plan_fixtures(org, customer) -> dict:
    """A work plan, a visit report and a competitor report of rep1 (issue 12)."""
    from reports.services.plans import (
        competitor_report_save,
        visit_report_save,
        work_plan_save,
    )

    rep1, today = org["rep1"], timezone.localdate()
    return {
        "plan_rep1": work_plan_save(actor=rep1, kind="week", period_start=today, goals="计划"),
        "visit_rep1": visit_report_save(actor=rep1, day=today, customer=customer, summary="拜访"),
        "competitor_rep1": competitor_report_save(
            actor=rep1, month=today, customer=customer, competitor="对手", observation="观察"
        ),
    }


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("endpoint", "method", "url", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_access_matrix(client, fixtures, viewer, endpoint, method, url, expected):
    if viewer != "anon":
        client.force_login(fixtures[viewer])
    response = getattr(client, method)(url(fixtures))
    assert response.status_code == expected[viewer], (
        f"{viewer} on {endpoint}: {response.status_code}"
    )


def test_customer_list_shows_exactly_the_viewers_scope(client, fixtures):
    expected = {
        "rep1": ["rep1的客户"],
        "manager1": ["manager1的客户", "rep1的客户", "rep2的客户"],
        "manager2": ["manager2的客户", "rep3的客户"],
        # Finance reads everything, the pool included.
        "finance1": sorted([*(c.name for c in fixtures["customers"].values()), "公海客户A"]),
    }
    for viewer, names in expected.items():
        client.force_login(fixtures[viewer])
        response = client.get(reverse("customer_list"))
        shown = sorted(c.name for c in response.context["page_obj"].object_list)
        assert shown == names, viewer


def test_other_users_notification_is_not_marked_read(client, fixtures):
    client.force_login(fixtures["rep2"])
    client.post(reverse("notification_read", args=[fixtures["notification_rep1"].pk]))
    fixtures["notification_rep1"].refresh_from_db()
    assert fixtures["notification_rep1"].read_at is None


def test_export_rows_are_exactly_the_viewers_scope(client, fixtures):
    from io import BytesIO

    from openpyxl import load_workbook

    for viewer, names in {
        "rep1": ["rep1的客户"],
        "manager2": ["manager2的客户", "rep3的客户"],
    }.items():
        client.force_login(fixtures[viewer])
        response = client.get(reverse("customer_export"))
        sheet = load_workbook(BytesIO(response.getvalue())).active
        assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == names


def test_a_rep_never_sees_another_reps_deals(client, fixtures):
    """Lists, board, dashboard and reviews all go through visible_to."""
    OpportunityFactory(
        customer=fixtures["customers"]["rep2"], owner=fixtures["rep2"], name="rep2的商机"
    )
    OpportunityFactory(
        customer=fixtures["customers"]["rep3"], owner=fixtures["rep3"], name="rep3的商机"
    )
    client.force_login(fixtures["rep1"])
    listed = client.get(reverse("opportunity_list")).context["page_obj"].object_list
    assert [d.name for d in listed] == [fixtures["deal_rep1"].name]
    board = client.get(reverse("opportunity_board")).context["columns"]
    assert {d.name for column in board for d in column.deals} == {fixtures["deal_rep1"].name}
    # Asking for rep2 inside rep1's scope names nobody rep1 may choose: the filter is dropped
    # (with a message) and rep1's own deal is all there is.
    asked = client.get(reverse("funnel_dashboard"), {"owner": "rep2"}).context
    assert (asked["chosen"]["owner"], asked["funnel"].open_count) == ("", 1)
    assert client.get(reverse("funnel_dashboard")).context["funnel"].open_count == 1
    assert client.get(reverse("business_review", args=["rep2"])).status_code == 404
    # The manager of the other team neither.
    client.force_login(fixtures["manager2"])
    listed = client.get(reverse("opportunity_list")).context["page_obj"].object_list
    assert [d.name for d in listed] == ["rep3的商机"]
