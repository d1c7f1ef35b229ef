"""GB 32100-2015 unified social credit codes: real codes, corrupted codes, and agreement with
python-stdnum's stdnum.cn.uscc over thousands of generated ones."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from customers.rules.credit_code import (
    ALPHABET,
    CreditCodeError,
    check_character,
    is_valid,
    normalize,
    validate,
)
from customers.services.customers import clean_credit_code

# Codes published on the companies' own licences (and the standard's own example).
REAL_CODES = [
    "91350100M000100Y43",  # GB 32100-2015's worked example
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_are_valid(code):
    assert validate(code) is None
    assert uscc.is_valid(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_substitution_is_caught(code):
    # The check character detects any one mistyped character: try every replacement.
    for position in range(18):
        for replacement in ALPHABET:
            if replacement == code[position]:
                continue
            corrupted = code[:position] + replacement + code[position + 1 :]
            assert validate(corrupted) is not None, corrupted


def test_wrong_check_digit_names_the_expected_one():
    assert validate("914403001922038217") == CreditCodeError(
        "check_digit", position=18, found="7", expected="6"
    )


@pytest.mark.parametrize(
    ("code", "position", "char"),
    [
        ("91440300708461136I", 18, "I"),
        ("9144030070846113ST", 17, "S"),
        ("914403007084V1136T", 13, "V"),
        ("91440300Z08461136T", 9, "Z"),
        ("91440300*08461136T", 9, "*"),
    ],
)
def test_characters_outside_the_alphabet_are_named_with_their_position(code, position, char):
    assert validate(code) == CreditCodeError("character", position=position, found=char)


@pytest.mark.parametrize(
    ("code", "position", "char"),
    [
        ("O1440300708461136T", 1, "O"),
        ("9A440300708461136T", 2, "A"),
        ("91AB0108551385082Q", 3, "A"),
        ("91440M00708461136T", 6, "M"),
        ("9144030X708461136T", 8, "X"),
    ],
)
def test_letters_in_the_first_eight_positions_are_refused(code, position, char):
    assert validate(code) == CreditCodeError("digit", position=position, found=char)


def test_a_letter_in_the_division_code_is_refused_even_when_the_checksum_passes():
    # The case: positions 3–8 (administrative division code) with letters, and a check
    # character recomputed so the checksum alone would accept it.
    first17 = "91" + "A1B2C3" + "551385082"
    code = first17 + check_character(first17)
    assert uscc.calc_check_digit(first17) == code[17]
    assert validate(code) == CreditCodeError("digit", position=3, found="A")
    assert uscc.is_valid(code) is False
    with override("en"), pytest.raises(ValidationError) as exc:
        clean_credit_code(code)
    assert exc.value.message_dict["credit_code"] == [
        "Character 3, 'A', must be a digit: characters 3 to 8 are the administrative division code."
    ]


@pytest.mark.parametrize("code", ["", "9144030070846113", "91440300708461136TX"])
def test_wrong_length(code):
    assert validate(code) == CreditCodeError("length", found=str(len(code)), expected="18")


def test_normalize_uppercases_and_drops_spaces_and_hyphens_as_stdnum_compacts():
    assert normalize(" 9111 0108 5513 8508 2q ") == "91110108551385082Q"
    assert normalize("9111-0108-5513-8508-2Q") == "91110108551385082Q"
    # Chinese input methods: full-width digits and the ideographic space.
    assert normalize("９１１１\u30000108551385082q") == "91110108551385082Q"


# --- Agreement with python-stdnum ---------------------------------------------------------------

EXTRA_CHARS = "IOSVZ" + "abcdqxyz" + "-*#. \t" + "０９　Ｑ"


def _valid_code(rng: random.Random) -> str:
    first17 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 += "".join(rng.choice(ALPHABET) for _ in range(9))
    return first17 + uscc.calc_check_digit(first17)


def _corruptions(code: str, rng: random.Random) -> list[str]:
    letters = [c for c in ALPHABET if c.isalpha()]
    position = rng.randrange(18)
    swap = rng.randrange(17)
    division = rng.randrange(2, 8)
    lettered = code[:division] + rng.choice(letters) + code[division + 1 : 17]
    return [
        # single-character substitutions anywhere, from the alphabet and outside it
        code[:position] + rng.choice(ALPHABET) + code[position + 1 :],
        code[:position] + rng.choice(EXTRA_CHARS) + code[position + 1 :],
        # a letter in the division code, check character wrong and recomputed to "pass"
        lettered + code[17],
        lettered + uscc.calc_check_digit(lettered),
        # a transposition of neighbours
        code[:swap] + code[swap + 1] + code[swap] + code[swap + 2 :],
        # wrong lengths
        code[:position] + code[position + 1 :],
        code[:position] + rng.choice(ALPHABET) + code[position:],
        code + code[:3],
        # lowercase, spaces, hyphens, full-width digits, surrounding whitespace
        code.lower(),
        f"{code[:2]} {code[2:8]} {code[8:17]} {code[17]}",
        f"{code[:6]}-{code[6:12]}-{code[12:]}",
        f"  {code}\n",
        code[:position] + "\t" + code[position:],
        code.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ]


def _stdnum_kind(raw: str) -> str | None:
    try:
        uscc.validate(raw)
    except stdnum_errors.InvalidLength:
        return "length"
    except stdnum_errors.InvalidChecksum:
        return "check_digit"
    except stdnum_errors.InvalidFormat:
        return "format"
    return None


def test_validity_agrees_with_stdnum_on_thousands_of_generated_codes():
    rng = random.Random(32100)  # deterministic on purpose
    valid = [_valid_code(rng) for _ in range(1000)]
    corpus = valid + [bad for code in valid for bad in _corruptions(code, rng)]
    ours = {raw: is_valid(raw) for raw in corpus}
    theirs = {raw: uscc.is_valid(raw) for raw in corpus}
    disagreements = [raw for raw in corpus if ours[raw] != theirs[raw]]
    assert disagreements == []
    # The corpus really exercises both sides: all generated codes valid, most corruptions not.
    assert all(ours[code] for code in valid)
    assert len(corpus) == 15_000
    assert sum(not ok for ok in ours.values()) > 8_000
    assert sum(ours.values()) > 5_000  # the codes, their lowercase/spaced/full-width forms...


def test_every_refusal_names_the_same_fault_as_stdnum():
    rng = random.Random(20151001)
    kinds = {"length": 0, "format": 0, "check_digit": 0}
    for _ in range(500):
        for raw in _corruptions(_valid_code(rng), rng):
            error, stdnum_kind = validate(raw), _stdnum_kind(raw)
            if stdnum_kind is None:
                assert error is None, raw
                continue
            kinds[stdnum_kind] += 1
            ours = {"digit": "format", "character": "format"}.get(error.code, error.code)
            assert ours == stdnum_kind, (raw, error)
            code = uscc.compact(raw)
            if error.code == "check_digit":
                assert error.expected == uscc.calc_check_digit(code[:17]) != code[17]
            elif error.code in ("digit", "character"):
                assert code[error.position - 1] == error.found
    assert min(kinds.values()) > 400, kinds


def test_clean_credit_code_stores_the_stdnum_compact_form():
    assert clean_credit_code("９１１１-0108 5513 8508 2q") == uscc.compact(
        "９１１１-0108 5513 8508 2q"
    )
    assert clean_credit_code("９１１１-0108 5513 8508 2q") == "91110108551385082Q"


def test_clean_credit_code_messages_say_what_is_wrong():
    assert clean_credit_code(" 91110108551385082q ") == "91110108551385082Q"
    assert clean_credit_code("   ") is None
    with override("en"), pytest.raises(ValidationError) as bad_digit:
        clean_credit_code("914403001922038217")
    assert bad_digit.value.message_dict["credit_code"] == [
        "The check digit (18th character) should be '6' but is '7': "
        "a character was probably mistyped."
    ]
    with override("en"), pytest.raises(ValidationError) as bad_char:
        clean_credit_code("91440300Z08461136T")
    assert "Character 9, 'Z'" in bad_char.value.message_dict["credit_code"][0]
    with override("zh-hans"), pytest.raises(ValidationError) as chinese:
        clean_credit_code("9144")
    assert "18" in chinese.value.message_dict["credit_code"][0]
