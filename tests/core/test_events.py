"""announce(): after commit, once; a failing receiver is logged and stops nothing."""

import logging

import pytest
from django.db import transaction
from django.dispatch import Signal

from salesops.core.events import announce

pytestmark = pytest.mark.django_db


class Sender:
    pass


class RolledBackError(Exception):
    pass


def test_receivers_hear_only_after_commit_and_a_failing_one_stops_nothing(
    django_capture_on_commit_callbacks, caplog
):
    signal = Signal()
    heard = []

    def broken(sender, **payload):
        raise RuntimeError("boom")

    def working(sender, **payload):
        heard.append(payload["n"])

    signal.connect(broken, weak=False)
    signal.connect(working, weak=False)

    with (
        caplog.at_level(logging.ERROR, logger="salesops.core.events"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        announce(signal, sender=Sender, n=1)
        announce(signal, sender=Sender, n=2)
        assert heard == []  # nothing before the commit

    assert len(callbacks) == 2
    assert heard == [1, 2]  # the broken receiver stopped neither the other nor the next
    assert [r.getMessage() for r in caplog.records if r.name == "salesops.core.events"] == [
        "test_receivers_hear_only_after_commit_and_a_failing_one_stops_nothing.<locals>.broken"
        " failed to react to Sender ({'n': 1})",
        "test_receivers_hear_only_after_commit_and_a_failing_one_stops_nothing.<locals>.broken"
        " failed to react to Sender ({'n': 2})",
    ]


def test_a_rolled_back_change_is_never_announced(django_capture_on_commit_callbacks):
    signal = Signal()
    heard = []
    signal.connect(lambda sender, **payload: heard.append(payload), weak=False)

    def change_then_fail():
        with transaction.atomic():
            announce(signal, sender=Sender, n=1)
            raise RolledBackError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RolledBackError),
    ):
        change_then_fail()

    assert callbacks == []
    assert heard == []
