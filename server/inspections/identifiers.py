"""The identifiers of an inspection object: a business's unified social credit code
(统一社会信用代码, GB 32100-2015) or, for a sole trader registered under his own name, his
resident identity card number (公民身份号码, GB 11643-1999). Both end in a check character,
so a mistyped code is caught at import instead of becoming a second object."""

from __future__ import annotations

import re

# GB 32100-2015 §4: the 31 characters in use (no I, O, Z, S, V) and the weights of the
# first 17 positions; check = 31 - (Σ value × weight mod 31), 31 written as 0.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECKS = "10X98765432"
_CREDIT = re.compile(f"[{CREDIT_ALPHABET}]{{18}}")
_ID = re.compile(r"[0-9]{17}[0-9X]")


def credit_code_valid(code: str) -> bool:
    if not _CREDIT.fullmatch(code):
        return False
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(code, CREDIT_WEIGHTS, strict=False))
    return CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


def id_number_valid(number: str) -> bool:
    if not _ID.fullmatch(number):
        return False
    total = sum(int(c) * w for c, w in zip(number, ID_WEIGHTS, strict=False))
    return ID_CHECKS[total % 11] == number[17]


def identifier_problem(value: str) -> str | None:
    """Why ``value`` (upper case, trimmed) is neither kind of code; None when it is one.
    A 身份证号 is all digits but its last, so it is tried when the credit code fails."""
    if len(value) != 18:
        return "must be 18 characters (统一社会信用代码 or 身份证号)"
    if credit_code_valid(value) or id_number_valid(value):
        return None
    return "check character does not match (统一社会信用代码 GB 32100 / 身份证号 GB 11643)"


def is_person(value: str) -> bool:
    """A person's id number: never published (a business's credit code is public)."""
    return id_number_valid(value) and not credit_code_valid(value)
