"""Aging (账龄) and money words as pure functions: no ORM, no dates from the clock."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


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


DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]


def _four_digits(number: int) -> str:
    """0 < number < 10000 → e.g. 1205 → 壹仟贰佰零伍."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def cny_capital(amount: Decimal) -> str:
    """大写金额 as used on contracts and letters: 123456.78 → 壹拾贰万叁仟肆佰伍拾陆元柒角捌分;
    whole amounts end with 整 (100 → 壹佰元整)."""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        return "负" + cny_capital(-amount)
    yuan = int(amount)
    jiao = int(amount * 10) % 10
    fen = int(amount * 100) % 10
    if yuan >= 10**16:
        raise ValueError("amount too large")
    words = ""
    if yuan:
        groups = []
        rest = yuan
        while rest:
            groups.append(rest % 10000)
            rest //= 10000
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                need_zero = bool(words)
                continue
            if words and (need_zero or group < 1000):
                words += "零"
            words += _four_digits(group) + BIG_UNITS[index]
            need_zero = False
        words += "元"
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return words
