"""Chinese company codes: the unified social credit code (GB 32100-2015) and the older
15-digit business registration number.

A code of the wrong length or with a character outside the alphabet cannot exist: no
registry is paid to look it up. A check character that does not match is only a warning:
codes issued by the 2015 pilot regions before the standard was final fail the check and are
real, so they are still looked up.
"""

import re

# GB 32100-2015: digits and capital letters without I, O, S, V and Z, valued 0-30 in this order
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# weight of position i is 3^i mod 31
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
REGISTRATION_PATTERN = re.compile(r"\d{15}")

# verdicts of check_company_code
USCC_VALID = "uscc"
USCC_CHECK_MISMATCH = "uscc_check_mismatch"
REGISTRATION_VALID = "registration"
REGISTRATION_CHECK_MISMATCH = "registration_check_mismatch"
INVALID = "invalid"
# codes that may exist, so worth a call
PLAUSIBLE = frozenset({USCC_VALID, USCC_CHECK_MISMATCH, REGISTRATION_VALID, REGISTRATION_CHECK_MISMATCH})
CHECK_MISMATCHES = frozenset({USCC_CHECK_MISMATCH, REGISTRATION_CHECK_MISMATCH})


def compact_code(value):
    """' 9111 0108-mA01 ' -> '91110108MA01': what people type, as registries want it."""
    return re.sub(r"[\s.\-/]", "", str(value or "")).upper()


def uscc_check_character(first17):
    """The 18th character of a unified social credit code from its first 17."""
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def registration_check_digit(first14):
    """The 15th digit of a business registration number (ISO 7064 MOD 11,10)."""
    product = 10
    for digit in first14:
        total = (product + int(digit)) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def check_company_code(value):
    """(compact code, verdict): a valid or check-mismatching USCC, a valid or check-mismatching
    15-digit registration number, or INVALID for a code that cannot exist."""
    code = compact_code(value)
    if USCC_PATTERN.fullmatch(code):
        return code, USCC_VALID if uscc_check_character(code[:17]) == code[17] else USCC_CHECK_MISMATCH
    if REGISTRATION_PATTERN.fullmatch(code):
        valid = registration_check_digit(code[:14]) == code[14]
        return code, REGISTRATION_VALID if valid else REGISTRATION_CHECK_MISMATCH
    return code, INVALID


def is_uscc(value):
    """Whether the value has the form of a unified social credit code (check character aside)."""
    return check_company_code(value)[1] in (USCC_VALID, USCC_CHECK_MISMATCH)
