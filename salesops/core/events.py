"""How a lower app tells higher apps that something happened, without knowing them.

The lower app declares a Django `Signal` in its `signals.py` and sends it with `announce()` from
its service; a higher app connects a receiver in its `receivers.py` (imported by its AppConfig's
`ready()`), and the receiver calls that app's own service. The signal goes out after the
announcing transaction commits, so a receiver never sees (or acts on) a change that was rolled
back, and its own service runs in its own transaction.

The announcing change is committed by then, so a receiver that fails cannot undo it and must not
turn it into an error page or stop the other announcements of the same transaction (a customer
import reassigns many customers in one): its exception is logged with the signal and the
payload, and the other receivers and callbacks still run. A reaction is written so that the next
announcement of the same kind repairs a missed one (deals follow the customer's current owner).
"""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


def announce(signal: Signal, *, sender, **payload) -> None:
    """Send `signal` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(_send, signal, sender, payload))


def _send(signal: Signal, sender, payload: dict) -> None:
    for receiver, result in signal.send_robust(sender=sender, **payload):
        if isinstance(result, Exception):
            logger.error(
                "%s failed to react to %s (%s)",
                getattr(receiver, "__qualname__", receiver),
                sender.__name__ if isinstance(sender, type) else sender,
                payload,
                exc_info=result,
            )
