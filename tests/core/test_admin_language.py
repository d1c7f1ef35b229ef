"""Django admin in Chinese: our models, our apps and django-axes' lockout models."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

OURS = {"accounts", "core", "customers", "opportunities", "orders", "receivables", "reports"}


def _registered(app_labels):
    return [model for model in admin.site._registry if model._meta.app_label in app_labels]


def test_admin_index_names_our_and_axes_models_in_chinese(client, org):
    models = _registered(OURS | {"axes"})
    with translation.override("en"):
        english = {str(m._meta.verbose_name_plural).capitalize() for m in models}
        english |= {str(apps.get_app_config(label).verbose_name) for label in OURS | {"axes"}}
    client.force_login(org["admin"])

    html = client.get(reverse("admin:index")).content.decode()

    links = set(re.findall(r'<th scope="row"[^>]*>\s*<a href="[^"]+"[^>]*>([^<]+)</a>', html))
    captions = set(re.findall(r"<caption>\s*<a [^>]+>([^<]+)</a>", html))
    assert len(links) >= len(models) > 20
    assert {"登录尝试", "登录日志", "登录失败记录", "分级规则", "停止供货记录"} <= links
    assert {"登录安全", "客户", "商机", "应收账款", "基础数据"} <= captions
    assert sorted(name for name in links | captions if name in english) == []
    not_chinese = [name for name in links | captions if not re.search(r"[\u4e00-\u9fff]", name)]
    assert sorted(not_chinese) == []


def test_every_model_of_ours_has_a_translated_name():
    untranslated = []
    for model in apps.get_models():
        if model._meta.app_label not in OURS or model.__name__.startswith("Historical"):
            continue
        with translation.override("zh-hans"):
            names = (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))
        if not all(re.search(r"[\u4e00-\u9fff]", name) for name in names):
            untranslated.append((model.__name__, names))
    assert untranslated == []
