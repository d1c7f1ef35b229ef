"""Reference names: name_en on English pages when filled in, the Chinese name otherwise."""

import pytest
from django.utils import translation

from customers.models import TierRule
from opportunities.models import FunnelStage, LostReason
from receivables.models import EscalationLevel
from salesops.core.localized import localized
from salesops.core.models import Region

pytestmark = pytest.mark.django_db


def test_display_name_is_english_only_on_english_pages_and_only_when_set():
    named = Region.objects.get(name="华东")
    unnamed = Region.objects.create(name="海外", sort_order=99)

    with translation.override("en"):
        english = (named.display_name, str(named), unnamed.display_name)
    with translation.override("zh-hans"):
        chinese = (named.display_name, str(named), unnamed.display_name)

    assert english == ("East China", "East China", "海外")
    assert chinese == ("华东", "华东", "海外")


def test_the_seeded_reference_rows_have_english_names():
    assert list(Region.objects.values_list("name", "name_en")) == [
        ("华东", "East China"),
        ("华北", "North China"),
        ("华中", "Central China"),
        ("华南", "South China"),
        ("西南", "Southwest"),
        ("西北", "Northwest"),
        ("东北", "Northeast"),
    ]
    assert list(FunnelStage.objects.values_list("level", "name_en")) == [
        (1, "Identified"),
        (2, "Engaged"),
        (3, "Qualified"),
        (4, "Developed"),
        (5, "Committed"),
        (6, "Won & collected"),
    ]
    assert list(EscalationLevel.objects.values_list("from_days", "name_en")) == [
        (1, "Friendly reminder"),
        (31, "Phone and visit"),
        (61, "Lawyer's letter"),
        (91, "Stop supply and legal action"),
    ]
    assert LostReason.objects.exclude(name_en="").count() == LostReason.objects.count() == 7
    assert TierRule.objects.exclude(name_en="").count() == 4


def test_str_of_stage_level_and_tier_use_the_localized_name():
    stage = FunnelStage.objects.get(level=6)
    step = EscalationLevel.objects.get(from_days=61)
    rule = TierRule.objects.get(tier="D")
    with translation.override("en"):
        assert (str(stage), str(step), str(rule)) == (
            "6 · Won & collected (100%)",
            "61+ · Lawyer's letter",
            "D · Long-term care",
        )
    with translation.override("zh-hans"):
        assert (str(stage), str(step), str(rule)) == (
            "6 · 安全收回全款 (100%)",
            "61+ · 律师函",
            "D · 长期维护",
        )


def test_localized_expression_reads_the_same_names_in_sql():
    Region.objects.create(name="海外", sort_order=99)
    with translation.override("en"):
        english = list(Region.objects.values_list(localized("name"), flat=True))
    with translation.override("zh-hans"):
        chinese = list(Region.objects.values_list(localized("name"), flat=True))

    assert english[-2:] == ["Northeast", "海外"]
    assert chinese[-2:] == ["东北", "海外"]
