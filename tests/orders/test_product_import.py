"""The product import: a good file creates and updates by SKU; bad rows are listed and nothing
is written; a hostile file is refused cleanly."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from orders.imports import product_import_apply, product_import_plan
from orders.models import Product
from salesops.core.excel import open_worksheet
from tests.customers.xlsx_helpers import bytes_upload, xlsx_bytes, xlsx_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal
HEADERS = ["型号", "名称", "产品线", "单位", "含税单价", "成本", "税率"]


def plan_for(actor, rows):
    return product_import_plan(actor=actor, worksheet=open_worksheet(BytesIO(xlsx_bytes(rows))))


def test_a_good_file_creates_and_updates_by_sku(org, product):
    plan = plan_for(
        org["manager1"],
        [
            HEADERS,
            ["PUMP-100", "离心泵（新款）", "泵", "台", "1200", "800", "13%"],
            ["VALVE-2", "闸阀", "阀门", "个", "88.50", None, 0.09],
        ],
    )
    assert plan.ok, plan.problems
    assert (plan.creates, plan.updates) == (1, 1)
    assert product_import_apply(actor=org["manager1"], plan=plan) == (1, 1)
    product.refresh_from_db()
    assert (product.name, product.list_price, product.tax_rate) == (
        "离心泵（新款）",
        D("1200.00"),
        D("0.1300"),
    )
    valve = Product.objects.get(sku="VALVE-2")
    assert (valve.list_price, valve.tax_rate, valve.cost, valve.unit) == (
        D("88.50"),
        D("0.0900"),
        D("0.00"),
        "个",
    )


def test_bad_rows_are_each_listed_and_nothing_is_written(org):
    plan = plan_for(
        org["manager1"],
        [
            HEADERS,
            ["A-1", "好的", "", "", "10", "", "13%"],
            ["B-1", "", "", "", "abc", "", "130%"],
            ["A-1", "重复", "", "", "=1+1", "", ""],
        ],
    )
    assert [str(p) for p in plan.problems] == [
        "row 3, 名称: required",
        "row 3, 含税单价: must be an amount in yuan with at most two decimals",
        "row 3, 税率: must be a rate such as 13% or 0.13",
        "row 4, 含税单价: formulas are not accepted; type the value",
        "row 4, 型号: same SKU as row 2",
    ]
    assert plan.rows == []
    assert Product.objects.count() == 0


def test_reps_do_not_import_products(org):
    with pytest.raises(PermissionDenied):
        plan_for(org["rep1"], [HEADERS, ["A", "B", "", "", "1", "", ""]])


def test_the_page_previews_then_imports(client, org):
    client.force_login(org["manager1"])
    url = reverse("product_import")
    upload = xlsx_upload([HEADERS, ["A-1", "泵", "", "", "10", "", "0.13"]], name="p.xlsx")
    response = client.post(url, {"file": upload})
    assert response.context["plan"].ok
    assert Product.objects.count() == 0
    client.post(url, {"confirm": "1"})
    assert Product.objects.get().sku == "A-1"


def test_a_hostile_file_is_refused_cleanly(client, org):
    client.force_login(org["manager1"])
    response = client.post(
        reverse("product_import"), {"file": bytes_upload(b"PK\x03\x04" + b"junk" * 100, "p.xlsx")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert Product.objects.count() == 0
