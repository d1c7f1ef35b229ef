"""Customer list and detail: search, pagination, constant query count."""

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_search_filters_by_name_within_scope(client, org, customers):
    CustomerFactory(name="上海润华精密机械有限公司", owner=org["rep1"])
    CustomerFactory(name="上海另一家公司", owner=org["rep3"])  # outside rep1's scope
    client.force_login(org["rep1"])
    response = client.get(reverse("customer_list"), {"q": "上海"})
    assert [c.name for c in response.context["page_obj"]] == ["上海润华精密机械有限公司"]


def test_search_without_match_shows_the_empty_state(client, org, customers):
    client.force_login(org["rep1"])
    response = client.get(reverse("customer_list"), {"q": "不存在"})
    assert "没有符合条件的客户" in response.content.decode()


def test_list_query_count_does_not_grow_with_rows(client, org, django_assert_max_num_queries):
    client.force_login(org["manager1"])
    CustomerFactory.create_batch(3, owner=org["rep1"])
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("customer_list"))
    CustomerFactory.create_batch(30, owner=org["rep2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("customer_list"))
    assert len(response.context["page_obj"].object_list) == 25


def test_home_query_count_is_bounded(client, org, customers, django_assert_max_num_queries):
    client.force_login(org["manager1"])
    with django_assert_max_num_queries(8):
        client.get(reverse("home"))
