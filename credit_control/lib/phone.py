"""Phone numbers in E.164 form (+33123456789) with the phonenumbers library."""

from dataclasses import dataclass

import phonenumbers


@dataclass(frozen=True)
class PhoneCheck:
    """A number as typed, its E.164 form when it is a valid number, and whether it is."""

    raw: str
    e164: str | None
    valid: bool


def normalise_phone(number, country_code=None):
    """Parse ``number`` (national numbers read in ``country_code``, e.g. 'FR').

    Returns None without a number; otherwise a PhoneCheck whose ``e164`` is set only for a
    valid number (a parsable but impossible number is flagged invalid).
    """
    raw = (number or "").strip()
    if not raw:
        return None
    region = (country_code or "").upper() or None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return PhoneCheck(raw, None, False)
    if not phonenumbers.is_valid_number(parsed):
        return PhoneCheck(raw, None, False)
    return PhoneCheck(raw, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), True)
