"""Unified social credit code (统一社会信用代码, GB 32100-2015) validation. Pure, no ORM.

Validity is python-stdnum's `stdnum.cn.uscc`, so we accept exactly what it accepts: 18
characters; the first 8 digits only (registering authority, entity type, then the six-digit
administrative division code in positions 3–8); positions 9–17 digits or capitals without
I, O, S, V, Z; the 18th a check character over the first 17. This module only adds *why* a code
is wrong (which position, which check character was expected), for messages a user can act on.
"""

from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
DIGITS_ONLY = 8  # positions 1–8: authority, entity type, administrative division code


@dataclass(frozen=True)
class CreditCodeError:
    """Why a code is invalid; `position` is 1-based (None when the length is wrong).

    code: "length", "digit" (a non-digit in positions 1–8), "character" (outside the alphabet
    in positions 9–18), "check_digit", or "format" (refused by stdnum for another reason).
    """

    code: str
    position: int | None = None
    found: str = ""
    expected: str = ""


def check_character(first17: str) -> str:
    return uscc.calc_check_digit(first17)


def normalize(raw: str) -> str:
    """The code as stdnum compacts it: spaces and hyphens dropped (also full-width ones),
    full-width digits made ASCII, upper-cased, so '９１１１ 0108-5513 8508 2q' is checked as
    the typist meant it. Validity is judged on this form, and it is what we store."""
    try:
        return uscc.compact(raw)
    except stdnum_errors.InvalidFormat:  # not a string at all
        return str(raw)


def _first_bad_position(code: str) -> CreditCodeError:
    for position, char in enumerate(code, start=1):
        if position <= DIGITS_ONLY and char not in "0123456789":
            return CreditCodeError("digit", position=position, found=char)
        if char not in ALPHABET:
            return CreditCodeError("character", position=position, found=char)
    # Unreachable while stdnum's format rule is the one above; should it ever widen, still refuse.
    return CreditCodeError("format")


def validate(code: str) -> CreditCodeError | None:
    """None when `code` is a valid credit code, else what is wrong. Positions count in the
    normalized code (normalizing again is harmless), the form the user sees stored."""
    code = normalize(code)
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidLength:
        return CreditCodeError("length", found=str(len(code)), expected=str(LENGTH))
    except stdnum_errors.InvalidChecksum:
        return CreditCodeError(
            "check_digit", position=LENGTH, found=code[-1], expected=check_character(code[:17])
        )
    except stdnum_errors.ValidationError:
        return _first_bad_position(code)
    return None


def is_valid(raw: str) -> bool:
    return validate(normalize(raw)) is None
