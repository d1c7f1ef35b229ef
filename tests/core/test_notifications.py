"""Notifications: the service jobs call, the bell, the list and marking read."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from salesops.core.i18n import lazy_text
from salesops.core.jobs import notification_prune
from salesops.core.models import Notification
from salesops.core.services import notification_send
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_send_writes_once_per_dedupe_key_and_emails_after_commit(
    org, django_capture_on_commit_callbacks
):
    rep = org["rep1"]
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(
            recipient=rep, title="跟进提醒", body="今天需要跟进 3 个客户", dedupe_key="k1"
        )
        again = notification_send(recipient=rep, title="跟进提醒", dedupe_key="k1")
    assert first is not None
    assert again is None
    assert Notification.objects.filter(recipient=rep).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[SalesOps] 跟进提醒"
    assert mail.outbox[0].to == ["rep1@example.com"]


def test_send_without_dedupe_key_always_writes(org):
    notification_send(recipient=org["rep1"], title="a", email=False)
    notification_send(recipient=org["rep1"], title="a", email=False)
    assert Notification.objects.filter(recipient=org["rep1"]).count() == 2


def test_user_without_email_gets_only_the_in_app_notification(
    org, django_capture_on_commit_callbacks
):
    rep = org["rep1"]
    rep.email = ""
    rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=rep, title="x")
    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_bell_shows_the_unread_count(client, org):
    NotificationFactory.create_batch(3, recipient=org["rep1"])
    NotificationFactory(recipient=org["rep1"], read_at=timezone.now())
    NotificationFactory(recipient=org["rep2"])
    client.force_login(org["rep1"])
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">3</span>' in html


def test_mark_one_and_all_read(client, org):
    mine = NotificationFactory.create_batch(3, recipient=org["rep1"])
    client.force_login(org["rep1"])
    response = client.post(
        reverse("notification_read", args=[mine[0].pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="notification-{mine[0].pk}"' in response.content.decode()
    assert Notification.objects.unread().filter(recipient=org["rep1"]).count() == 2
    client.post(reverse("notification_read_all"))
    assert Notification.objects.unread().filter(recipient=org["rep1"]).count() == 0


def test_open_marks_read_and_follows_the_link(client, org):
    note = NotificationFactory(recipient=org["rep1"], url="/customers/")
    client.force_login(org["rep1"])
    response = client.post(reverse("notification_read", args=[note.pk]), {"follow": "1"})
    assert response.status_code == 302
    assert response.url == "/customers/"
    note.refresh_from_db()
    assert note.is_read


def test_list_is_paginated_and_its_query_count_does_not_grow(
    client, org, django_assert_max_num_queries
):
    client.force_login(org["rep1"])
    NotificationFactory.create_batch(5, recipient=org["rep1"])
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("notification_list"))
    NotificationFactory.create_batch(40, recipient=org["rep1"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("notification_list"))
    assert len(response.context["page_obj"].object_list) == 20
    assert response.context["page_obj"].paginator.num_pages == 3


def test_empty_list_says_so(client, org):
    client.force_login(org["rep1"])
    response = client.get(reverse("notification_list"))
    assert 'data-testid="empty"' in response.content.decode()


def test_prune_keeps_unread_and_recent(org):
    old = timezone.now() - timezone.timedelta(days=200)
    read_old = NotificationFactory(recipient=org["rep1"], read_at=old)
    unread_old = NotificationFactory(recipient=org["rep1"])
    read_recent = NotificationFactory(recipient=org["rep1"], read_at=timezone.now())
    Notification.objects.filter(pk__in=[read_old.pk, unread_old.pk]).update(created_at=old)
    assert notification_prune(as_of=timezone.localdate()) == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {unread_old.pk, read_recent.pk}


def test_lazy_text_is_written_in_each_recipients_language(org, django_capture_on_commit_callbacks):
    # given one user who chose English and one who kept the default
    english, chinese = org["rep1"], org["rep2"]
    english.language = "en"
    english.save()
    title = lazy_text(gettext_lazy("%(days)s days overdue"), days=3)
    # when the same text goes to both, whatever language the sender runs in
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        for user in (english, chinese):
            notification_send(
                recipient=user, title=title, body=gettext_lazy("Your password was changed.")
            )
    # then each reads it in their own, in the app and by email
    assert sorted(Notification.objects.values_list("recipient__username", "title", "body")) == [
        ("rep1", "3 days overdue", "Your password was changed."),
        ("rep2", "逾期 3 天", "您的密码已修改。"),
    ]
    assert sorted((m.to[0], m.subject, m.body) for m in mail.outbox) == [
        ("rep1@example.com", "[SalesOps] 3 days overdue", "Your password was changed."),
        ("rep2@example.com", "[SalesOps] 逾期 3 天", "您的密码已修改。"),
    ]


def test_a_function_composes_the_text_in_the_recipients_language(org):
    org["rep1"].language = "en"
    org["rep1"].save()
    note = notification_send(
        recipient=org["rep1"], title=lambda: translation.get_language(), email=False
    )
    assert note.title == "en"
    note = notification_send(
        recipient=org["rep2"], title=lambda: translation.get_language(), email=False
    )
    assert note.title == "zh-hans"


def test_an_overlong_title_is_shortened_not_refused(org):
    note = notification_send(recipient=org["rep1"], title="长" * 250, email=False)
    note.refresh_from_db()
    assert note.title == "长" * 199 + "…"
