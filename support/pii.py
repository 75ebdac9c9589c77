"""Masking of personal data in stored chat text: payment card numbers, email addresses, phone numbers."""

import re

_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d ().-]{6,}\d(?![\w-])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    if 13 <= len(digits) <= 19 and _luhn_ok(digits):
        return f"[card ending {digits[-4:]}]"
    return match.group()


def pii_mask(text: str) -> str:
    """`text` with card numbers (Luhn-valid, 13-19 digits), emails and phone numbers replaced.

    Order numbers such as SF-2026-000123 are left alone: the bot needs them in the transcript.
    """
    text = _CARD.sub(_card, text)
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub(lambda m: m.group() if _is_order_part(m) else "[phone]", text)


def _is_order_part(match: re.Match) -> bool:
    before = match.string[max(0, match.start() - 3) : match.start()]
    return before.upper().endswith("SF-") or len(re.sub(r"\D", "", match.group())) < 7
