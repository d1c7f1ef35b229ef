"""Amounts in Chinese capitals (大写金额): salesops.core.money.yuan_in_capitals.

cn2an (`an2cn(x, "rmb")`, an independent implementation) is the oracle everywhere except in the
two places where it writes the other of two forms the payment-settlement rules (《支付结算办法》
附一《正确填写票据和结算凭证的基本规定》) allow, and we keep ours:
- an amount ending in 角: cn2an writes 伍角, we write 伍角整 (整 after 角 is allowed and closes
  the amount against an added 分);
- a whole empty 万 group between 亿 and the thousands: cn2an writes 壹亿壹仟元整, we write
  壹亿零壹仟元整 (the 零 shows that the 万 were skipped, as 壹亿零壹佰元整 does in both).
`cn2an_our_way` applies exactly those two and nothing else; every other amount must agree.
"""

import random
from decimal import Decimal as D  # noqa: N817

import cn2an
import pytest

from salesops.core.money import yuan_in_capitals


def cn2an_our_way(amount: D) -> str:
    words = cn2an.an2cn(str(amount), "rmb")
    if words.endswith("角"):
        words += "整"
    yuan = int(amount)
    if yuan >= 10**8 and yuan // 10**4 % 10**4 == 0 and yuan % 10**4 >= 1000:
        words = words.replace("亿", "亿零", 1)
    return words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        # zeros inside
        ("1005.05", "壹仟零伍元零伍分"),
        ("100000.01", "壹拾万元零壹分"),
        ("10010001", "壹仟零壹万零壹元整"),
        ("1000100", "壹佰万零壹佰元整"),
        ("6007.14", "陆仟零柒元壹角肆分"),  # several zeros: one 零
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # 角 is 0, 分 is not: 零 after 元
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),  # 元 digit 0, 角 not: 零 may be left out
        ("107000.53", "壹拾万柒仟元伍角叁分"),  # 万 digit 0, 千 not: 零 may be left out
        # jiao without fen, fen without jiao
        ("0.5", "伍角整"),
        ("1409.50", "壹仟肆佰零玖元伍角整"),
        ("0.05", "伍分"),
        ("20000000.01", "贰仟万元零壹分"),
        # exact yuan with 整
        ("100", "壹佰元整"),
        ("10", "壹拾元整"),
        ("100200300.40", "壹亿零贰拾万零叁佰元肆角整"),
        # over 亿
        ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
        ("4400008958.85", "肆拾肆亿零捌仟玖佰伍拾捌元捌角伍分"),
        ("1000000001.01", "壹拾亿零壹元零壹分"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("1000000000000", "壹万亿元整"),
        # zero, a negative balance, a third decimal rounded half-up
        ("0", "零元整"),
        ("-12.30", "负壹拾贰元叁角整"),
        ("0.005", "壹分"),
    ],
)
def test_amount_in_capitals(amount, words):
    assert yuan_in_capitals(D(amount)) == words


@pytest.mark.parametrize(
    ("amount", "cn2an_writes", "we_write"),
    [
        ("0.5", "伍角", "伍角整"),
        ("20000000.2", "贰仟万元贰角", "贰仟万元贰角整"),
        ("100001000", "壹亿壹仟元整", "壹亿零壹仟元整"),
        ("4400008958.85", "肆拾肆亿捌仟玖佰伍拾捌元捌角伍分", "肆拾肆亿零捌仟玖佰伍拾捌元捌角伍分"),
    ],
)
def test_where_we_keep_the_other_allowed_form_than_cn2an(amount, cn2an_writes, we_write):
    assert cn2an.an2cn(amount, "rmb") == cn2an_writes
    assert yuan_in_capitals(D(amount)) == cn2an_our_way(D(amount)) == we_write


def test_twenty_thousand_generated_amounts_agree_with_cn2an():
    """Up to the largest amount a money column holds (under 10^12 yuan), weighted toward the
    zeros inside that go wrong first: every fourth amount has runs of zero digits."""
    rng = random.Random(20261201)
    amounts = []
    for index in range(20_000):
        digits = rng.randint(1, 14)
        fen = rng.randrange(1, 10**digits)
        if index % 4 == 0:
            text = "".join(d if rng.random() < 0.5 else "0" for d in str(fen))
            fen = int(text) or 1
        amounts.append(D(fen) / 100)
    amounts += [D("0.01"), D("0.10"), D("10.05"), D("100000"), D("10000001.01"), D("99999999.99")]
    differ = [
        (amount, yuan_in_capitals(amount), cn2an_our_way(amount))
        for amount in amounts
        if yuan_in_capitals(amount) != cn2an_our_way(amount)
    ]
    assert differ == []


def test_no_unit_above_wan_yi_is_refused():
    with pytest.raises(ValueError, match="too large"):
        yuan_in_capitals(D(10**16))
