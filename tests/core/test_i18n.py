"""Simplified Chinese by default (whatever the browser asks), English on request."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_chinese_by_default_even_when_the_browser_asks_for_english(client, org):
    client.force_login(org["rep1"])
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作台" in html
    assert response["Content-Language"] == "zh-hans"


def test_switching_to_english_sticks_for_later_pages(client, org):
    client.force_login(org["rep1"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Workbench" in html
    assert "工作台" not in html


def test_unknown_language_cookie_falls_back_to_chinese(client, org):
    client.force_login(org["rep1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="zh-hans">' in client.get(reverse("home")).content.decode()


def test_chinese_catalogue_translates_every_message():
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.percent_translated() == 100
    # And it is compiled: Django reads .mo files only.
    assert Path(po.fpath).with_suffix(".mo").is_file()


def test_the_switch_remembers_the_language_on_the_signed_in_user(client, org):
    client.force_login(org["rep1"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    org["rep1"].refresh_from_db()
    assert org["rep1"].language == "en"
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    org["rep1"].refresh_from_db()
    assert org["rep1"].language == "zh-hans"


def test_an_unknown_language_changes_nothing_on_the_user(client, org):
    client.force_login(org["rep1"])
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    org["rep1"].refresh_from_db()
    assert org["rep1"].language == ""


def test_switching_before_logging_in_sets_only_the_cookie(client, org):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not type(org["rep1"]).objects.exclude(language="").exists()


# --- Words with two Chinese senses -------------------------------------------------------------


def _catalogue() -> polib.POFile:
    return polib.pofile(str(Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"))


def test_open_without_a_context_is_never_translated_as_the_verb():
    # "Open" on a balance means 未收, on a deal 进行中; 打开 is only right for a button, and a
    # bare msgid cannot say which one it is.
    bare_open = [e for e in _catalogue() if e.msgctxt is None and e.msgid.lower() == "open"]
    assert [e.msgstr for e in bare_open if e.msgstr == "打开"] == []


def test_each_sense_of_an_ambiguous_word_has_its_own_translation():
    entries = {(e.msgctxt, e.msgid): e.msgstr for e in _catalogue() if e.msgctxt}
    assert {
        key: entries.get(key)
        for key in [
            ("money", "Open"),
            ("receivable state", "Open"),
            ("deal", "Open"),
            ("verb", "Open"),
            ("deal", "Lost"),
            ("customer status", "Lost"),
            ("date", "Due"),
            ("money", "Due"),
            ("follow-up", "Due"),
            ("funnel", "Level"),
            ("escalation", "Level"),
        ]
    } == {
        ("money", "Open"): "未收",
        ("receivable state", "Open"): "未结清",
        ("deal", "Open"): "进行中",
        ("verb", "Open"): "打开",
        ("deal", "Lost"): "输单",
        ("customer status", "Lost"): "流失",
        ("date", "Due"): "到期日",
        ("money", "Due"): "应收",
        ("follow-up", "Due"): "应跟进",
        ("funnel", "Level"): "阶段",
        ("escalation", "Level"): "处理级别",
    }


def test_a_lost_deal_and_a_lost_customer_read_differently():
    from customers.models import Customer
    from opportunities.models import Opportunity, StageChange

    with translation.override("zh-hans"):
        assert (
            str(Opportunity.Status.LOST.label),
            str(StageChange.Kind.LOST.label),
            str(Customer.Status.LOST.label),
            str(Opportunity.Status.OPEN.label),
        ) == ("输单", "输单", "流失", "进行中")


def test_allocating_a_payment_and_writing_off_a_debt_read_differently():
    with translation.override("zh-hans"):
        assert (translation.gettext("Allocated."), translation.gettext("Written off.")) == (
            "已核销。",
            "已核销为坏账。",
        )
