"""Amounts in yuan, read and written one way everywhere: as people type them and spreadsheets
hold them (the pages, the services and every Excel import parse money here), and in Chinese
capitals (大写金额) as contracts, letters and statements print them."""

from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
# Money columns hold 14 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal("1e12")


def read_yuan(value: Any) -> Decimal:
    """The number in `value`, not rounded: thousands separators and spaces are dropped, so
    "1,200.50", " 1 200.5 " and 1200.5 all read. InvalidOperation for anything that is not a
    finite number: True, a date (a cell typed as a date), "12 元", "inf", "". The caller decides
    what range and precision it accepts, so it can say which rule was broken."""
    if isinstance(value, (bool, date, time)):  # a datetime is a date
        raise InvalidOperation
    number = Decimal("".join(str(value).replace(",", "").split()))
    if not number.is_finite():
        raise InvalidOperation
    return number


def is_in_fen(amount: Decimal) -> bool:
    """Whether `amount` has at most two decimals (fen); more is refused, never rounded.
    InvalidOperation for a value too long to quantize (more than 28 digits, e.g. 1e30)."""
    return amount == amount.quantize(CENT)


def parse_yuan(value: Any, *, round_to_cent: bool = False) -> Decimal:
    """An amount a money column can hold: read_yuan, then 0 <= amount < 10^12 with at most two
    decimals (or rounded half-even to the fen when `round_to_cent`); InvalidOperation otherwise."""
    number = read_yuan(value)
    if not round_to_cent and not is_in_fen(number):
        raise InvalidOperation
    # Rounded before the range check: 999999999999.995 rounds to 10^12, which no column holds.
    number = number.quantize(CENT)
    if number < 0 or number >= AMOUNT_LIMIT:
        raise InvalidOperation
    return number


def from_fen(fen: int | None) -> Decimal:
    """An amount in fen (a bigint column or a SUM over one) as yuan with two decimals; None (the
    SUM of no rows) is zero."""
    return Decimal(int(fen or 0)).scaleb(-2)


# 大写金额 as the People's Bank's payment-settlement rules (《支付结算办法》附一《正确填写票据和结算
# 凭证的基本规定》) write it. Where the rules allow two forms we write one, always the same:
# - 整 after 元 (required) and after 角 (allowed; it closes the amount against an added 分);
# - 零 where digits are skipped inside the yuan (壹仟零伍元, 壹仟零壹万零壹元) and after 元 when
#   the 角 is 0 and the 分 is not (壹拾万元零壹分, required);
# - a whole empty 万 group between 亿 and the thousands is one 零 (肆拾肆亿零捌仟…元), but a 0 in
#   the 万 digit or the 元 digit alone is not (壹拾万柒仟元, 壹仟陆佰捌拾元叁角贰分): both allowed;
# - 壹拾 is written with its 壹 (壹拾元整), as the rules ask on cheques.
# tests/core/test_money_capitals.py compares with cn2an and lists where the two differ.
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


def yuan_in_capitals(amount: Decimal) -> str:
    """大写金额 as used on contracts and letters: 123456.78 → 壹拾贰万叁仟肆佰伍拾陆元柒角捌分;
    whole amounts end with 整 (100 → 壹佰元整); rounded half-up to the fen first. ValueError
    from 10^16 yuan (no unit above 万亿)."""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        return "负" + yuan_in_capitals(-amount)
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
