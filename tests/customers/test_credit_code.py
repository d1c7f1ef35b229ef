"""GB 32100-2015 unified social credit codes: pure checks on real and corrupted codes."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from customers.credit_code import ALPHABET, CreditCodeError, normalize, validate
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
        ("O1440300708461136T", 1, "O"),
        ("9144030070846113ST", 17, "S"),
        ("914403007084V1136T", 13, "V"),
        ("91440300Z08461136T", 9, "Z"),
        ("91440300-08461136T", 9, "-"),
    ],
)
def test_characters_outside_the_alphabet_are_named_with_their_position(code, position, char):
    assert validate(code) == CreditCodeError("character", position=position, found=char)


@pytest.mark.parametrize("code", ["", "9144030070846113", "91440300708461136TX"])
def test_wrong_length(code):
    assert validate(code) == CreditCodeError("length", found=str(len(code)), expected="18")


def test_normalize_uppercases_and_drops_spaces():
    assert normalize(" 9111 0108 5513 8508 2q ") == "91110108551385082Q"


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
