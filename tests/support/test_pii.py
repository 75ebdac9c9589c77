"""Masking of personal data in stored chat text."""

import pytest

from support.pii import pii_mask


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("my card is 4242 4242 4242 4242 ok", "my card is [card ending 4242] ok"),
        ("card 4000-0000-0000-0002", "card [card ending 0002]"),
        ("mail me at Sam.Smith+shop@example.co.uk", "mail me at [email]"),
        ("call +49 30 1234 5678 please", "call [phone] please"),
        ("order SF-2026-000123 please", "order SF-2026-000123 please"),
        ("I want 2 jackets under 80", "I want 2 jackets under 80"),
        ("number 1234567890123 is not a card", "number [phone] is not a card"),
    ],
)
def test_pii_mask(text, masked):
    assert pii_mask(text) == masked
