"""Loose checks of postal codes and phone numbers: they catch typos, not every undeliverable address.

Hand-written on purpose: the libraries that know postal codes either bring one form field per
country (django-localflavor) or a whole address database (libpostal). A short table of patterns for
the countries we ship to most, and a permissive shape for the others, is all a checkout needs.
"""

import re

from django.core.validators import RegexValidator

# Upper-cased codes with single spaces; see `postal_code_normalise`.
POSTAL_CODE_PATTERNS: dict[str, str] = {
    "AT": r"\d{4}",
    "AU": r"\d{4}",
    "BE": r"\d{4}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "CH": r"\d{4}",
    "DE": r"\d{5}",
    "DK": r"\d{4}",
    "ES": r"\d{5}",
    "FI": r"\d{5}",
    "FR": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "IE": r"[A-Z\d]{3} ?[A-Z\d]{4}",
    "IT": r"\d{5}",
    "JP": r"\d{3}-?\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "NO": r"\d{4}",
    "PL": r"\d{2}-\d{3}",
    "PT": r"\d{4}-\d{3}",
    "SE": r"\d{3} ?\d{2}",
    "US": r"\d{5}(-\d{4})?",
}
# Any other country: letters, digits, spaces and dashes, starting with a letter or digit.
POSTAL_CODE_GENERIC = r"[A-Z\d][A-Z\d -]{1,11}"
# Countries without a postal code system in everyday use (Ireland's Eircode is optional on mail).
POSTAL_CODE_OPTIONAL = frozenset({"AE", "AO", "BS", "HK", "IE", "JM", "QA"})

phone_validator = RegexValidator(
    r"^\+?[\d\s().-]{6,30}$",
    "Enter a phone number: digits, spaces and + ( ) - only.",
    code="invalid_phone",
)


def postal_code_normalise(postal_code: str) -> str:
    """Upper case, runs of whitespace squeezed to one space: how codes are stored and compared."""
    return " ".join(postal_code.upper().split())


def postal_code_error(*, country: str, postal_code: str) -> str | None:
    """Why `postal_code` (already normalised) is not a postal code of `country`, or None if it looks fine."""
    if not postal_code:
        return None if country in POSTAL_CODE_OPTIONAL else "Enter a postal code."
    pattern = POSTAL_CODE_PATTERNS.get(country, POSTAL_CODE_GENERIC)
    if re.fullmatch(pattern, postal_code):
        return None
    return "Enter a valid postal code for this country."
