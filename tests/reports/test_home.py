"""The home page of each role ("/"): what each one sees, with exact figures on hand-made data,
and only what their scope holds."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "marker"),
    [
        ("rep1", "home-rep"),
        ("manager1", "home-manager"),
        ("finance1", "home-finance"),
        ("admin", "home-admin"),
    ],
)
def test_each_role_gets_its_own_home_page(client, org, customers, who, marker):
    client.force_login(org[who])
    html = client.get(reverse("home")).content.decode()
    assert f'data-testid="{marker}"' in html
    assert html.count('role="img"') >= 1  # leads with a chart
    others = {"home-rep", "home-manager", "home-finance", "home-admin"} - {marker}
    assert not [other for other in others if f'data-testid="{other}"' in html]
