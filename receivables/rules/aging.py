"""Aging (账龄) as pure functions: no ORM, no dates from the clock."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bucket:
    key: str  # "not_due", "b1", "b2", "b3", "b4"
    low: int | None  # days overdue, inclusive; None for not yet due
    high: int | None  # inclusive; None for the open-ended last bucket

    def label(self) -> str:
        if self.low is None:
            return "not due"
        if self.high is None:
            return f"{self.low - 1}+"
        return f"{self.low}-{self.high}"


def buckets(boundaries: Sequence[int] = (30, 60, 90)) -> list[Bucket]:
    """Not yet due, then 1..b1, b1+1..b2, ..., over the last boundary."""
    result = [Bucket("not_due", None, None)]
    low = 1
    for index, high in enumerate(boundaries, start=1):
        result.append(Bucket(f"b{index}", low, high))
        low = high + 1
    result.append(Bucket(f"b{len(boundaries) + 1}", low, None))
    return result


def days_overdue(*, due: date, as_of: date) -> int:
    """Days past `due` on `as_of`; 0 on the due date itself and before it."""
    return max((as_of - due).days, 0)


def bucket_for(days: int, boundaries: Sequence[int] = (30, 60, 90)) -> Bucket:
    """The bucket of an item `days` past due (0 = not yet due, including due today)."""
    all_buckets = buckets(boundaries)
    if days <= 0:
        return all_buckets[0]
    for bucket in all_buckets[1:]:
        if bucket.high is None or days <= bucket.high:
            return bucket
    raise AssertionError("unreachable: the last bucket is open-ended")
