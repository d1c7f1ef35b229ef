"""How a lower app tells higher apps that something happened, without knowing them.

The lower app declares a Django `Signal` in its `signals.py` and sends it with `announce()` from
its service; a higher app connects a receiver in its `receivers.py` (imported by its AppConfig's
`ready()`), and the receiver calls that app's own service. The signal goes out after the
announcing transaction commits, so a receiver never sees (or acts on) a change that was rolled
back, and its own service runs in its own transaction.
"""

from functools import partial

from django.db import transaction
from django.dispatch import Signal


def announce(signal: Signal, *, sender, **payload) -> None:
    """Send `signal` once the current transaction commits (at once outside a transaction).
    Receivers' errors propagate (send, not send_robust): a reaction that fails is a failure."""
    transaction.on_commit(partial(signal.send, sender=sender, **payload), robust=False)
