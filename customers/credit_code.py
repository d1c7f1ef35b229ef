"""Unified social credit code (统一社会信用代码) validation per GB 32100-2015. Pure, no ORM.

18 characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z); the last
is a check character over the first 17 with weights 3^i mod 31.
"""

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


@dataclass(frozen=True)
class CreditCodeError:
    """Why a code is invalid; `position` is 1-based (None when the length is wrong)."""

    code: str  # "length", "character" or "check_digit"
    position: int | None = None
    found: str = ""
    expected: str = ""


def check_character(first17: str) -> str:
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(raw: str) -> str:
    """Upper-case and strip spaces, so '9111 0108 5513 8508 2q' is checked as typed intent."""
    return "".join(raw.split()).upper()


def validate(code: str) -> CreditCodeError | None:
    """None when `code` (already normalized) is a valid credit code, else what is wrong."""
    if len(code) != LENGTH:
        return CreditCodeError("length", found=str(len(code)), expected=str(LENGTH))
    for position, char in enumerate(code, start=1):
        if char not in VALUES:
            return CreditCodeError("character", position=position, found=char)
    expected = check_character(code[:17])
    if code[17] != expected:
        return CreditCodeError("check_digit", position=18, found=code[17], expected=expected)
    return None
