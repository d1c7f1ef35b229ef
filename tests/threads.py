"""Running one piece of work in several threads at once, each with its own database connection
(PostgreSQL tests with transaction=True): they meet at a barrier, then race."""

import threading

from django.db import connections


def run_together(count, work):
    """Start `count` threads at the same instant; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def target(index):
        try:
            barrier.wait(timeout=30)
            outcome = work(index)
            with lock:
                results.append(outcome)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors
