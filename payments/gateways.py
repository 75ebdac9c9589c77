"""Payment gateways: one interface, chosen by `settings.PAYMENT_GATEWAY` (a dotted class path).

A gateway moves money and nothing else: it knows no orders, carts or database. Every method returns
a small result object or raises `PaymentDeclined` (the bank said no; retrying will not help) or
`PaymentNetworkError` (the provider could not be reached; nobody was charged, retrying may help).
`payments.services` records what happened; checkout never talks to a gateway directly, so a real
provider is a new `PaymentGateway` subclass plus one setting.

Card numbers reach a gateway in memory only. Nothing here or in the database keeps more than the
brand, the last four digits and a keyed one-way fingerprint.
"""

import hashlib
import hmac
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from core.errors import ApplicationError

# --- Cards -----------------------------------------------------------------------------------------


def _luhn_valid(digits: str) -> bool:
    """The Luhn checksum every card number carries. Hand-written: it is five lines, not worth a dependency."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


@dataclass(frozen=True)
class CardDetails:
    """A card as typed at checkout. `number` never leaves memory: only `brand` and `last4` are stored."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def brand(self) -> str:
        """The card network, from the number's leading digits (its IIN range)."""
        if self.number[:2] in ("34", "37"):
            return "amex"
        if 51 <= int(self.number[:2]) <= 55 or 2221 <= int(self.number[:4]) <= 2720:
            return "mastercard"
        if self.number.startswith("4"):
            return "visa"
        return "card"

    @classmethod
    def parse(cls, *, number: str, expiry: str, cvc: str, today: date) -> "CardDetails":
        """Check typed card fields and return the card, or raise ApplicationError(code="card_invalid")
        whose details name each bad field (`card_number`, `card_expiry`, `card_cvc`).

        Accepts numbers with spaces or dashes and expiry as MM/YY or MM/YYYY; the card is valid
        through the last day of its expiry month.
        """
        errors: dict[str, list[str]] = {}
        digits = "".join(str(number or "").split()).replace("-", "")
        if not (digits.isdigit() and 12 <= len(digits) <= 19 and _luhn_valid(digits)):
            errors["card_number"] = ["Enter a valid card number."]
        month = year = 0
        month_text, _slash, year_text = str(expiry or "").strip().partition("/")
        month_text, year_text = month_text.strip(), year_text.strip()
        if month_text.isdigit() and year_text.isdigit() and len(year_text) in (2, 4) and 1 <= int(month_text) <= 12:
            month, year = int(month_text), int(year_text) + (2000 if len(year_text) == 2 else 0)
            if (year, month) < (today.year, today.month):
                errors["card_expiry"] = ["This card has expired."]
        else:
            errors["card_expiry"] = ["Enter the expiry date as MM/YY."]
        cvc_text = str(cvc or "").strip()
        if not (cvc_text.isdigit() and 3 <= len(cvc_text) <= 4):
            errors["card_cvc"] = ["Enter the 3 or 4 digit security code."]
        if errors:
            raise ApplicationError("Please check your card details.", code="card_invalid", details=errors)
        return cls(number=digits, exp_month=month, exp_year=year, cvc=cvc_text)


# --- Results and failures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationResult:
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class CaptureResult:
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class VoidResult:
    reference: str


@dataclass(frozen=True)
class RefundResult:
    reference: str
    amount: Decimal


class PaymentError(Exception):
    """A gateway operation failed. `code` is stable; `message` can be shown to the shopper."""

    code = "payment_failed"
    message = "The payment failed."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class PaymentDeclined(PaymentError):
    code = "payment_declined"
    message = "Your card was declined."


class PaymentNetworkError(PaymentError):
    code = "payment_network_error"
    message = "We could not reach the payment provider; you were not charged."


# --- The interface -----------------------------------------------------------------------------------


class PaymentGateway(ABC):
    """What checkout and the back office need from a payment provider. Amounts are in `currency`."""

    code = ""  # stored on each Payment row: which gateway holds the transaction

    def card_fingerprint(self, card: CardDetails) -> str:
        """A stable token of the card number that cannot be turned back into it (fraud checks link
        attempts with the same card). This default keys a hash with SECRET_KEY; a provider that
        returns its own card fingerprint overrides it."""
        return hmac.new(settings.SECRET_KEY.encode(), card.number.encode(), hashlib.sha256).hexdigest()[:32]

    @abstractmethod
    def authorize(self, *, amount: Decimal, currency: str, card: CardDetails, description: str) -> AuthorizationResult:
        """Implemented by each gateway."""

    @abstractmethod
    def capture(self, *, reference: str, amount: Decimal, currency: str) -> CaptureResult:
        """Implemented by each gateway."""

    @abstractmethod
    def void(self, *, reference: str) -> VoidResult:
        """Implemented by each gateway."""

    @abstractmethod
    def refund(self, *, reference: str, amount: Decimal, currency: str) -> RefundResult:
        """Implemented by each gateway."""


class TestGateway(PaymentGateway):
    """Behaves like real providers' test modes, with their well-known test card numbers.

    - 4242 4242 4242 4242 (and any other Luhn-valid number): approved.
    - 4000 0000 0000 0002: declined, "Your card was declined."
    - 4000 0000 0000 0119: the provider cannot be reached (a network error); nobody is charged.

    Stateless: captures and refunds of any reference succeed; `payments.services` keeps the amounts
    within what was authorised and captured.
    """

    __test__ = False  # not a pytest test class, despite its name
    code = "test"
    DECLINED_CARD = "4000000000000002"
    NETWORK_ERROR_CARD = "4000000000000119"

    def authorize(self, *, amount: Decimal, currency: str, card: CardDetails, description: str) -> AuthorizationResult:
        if card.number == self.DECLINED_CARD:
            raise PaymentDeclined()
        if card.number == self.NETWORK_ERROR_CARD:
            raise PaymentNetworkError()
        return AuthorizationResult(reference=f"test_ch_{uuid.uuid4().hex}", amount=amount)

    def capture(self, *, reference: str, amount: Decimal, currency: str) -> CaptureResult:
        return CaptureResult(reference=reference, amount=amount)

    def void(self, *, reference: str) -> VoidResult:
        return VoidResult(reference=reference)

    def refund(self, *, reference: str, amount: Decimal, currency: str) -> RefundResult:
        return RefundResult(reference=f"test_re_{uuid.uuid4().hex}", amount=amount)


@cache
def _gateway_class(path: str) -> type[PaymentGateway]:
    return import_string(path)


def gateway_get() -> PaymentGateway:
    """The configured gateway (`settings.PAYMENT_GATEWAY`), a fresh instance per call."""
    return _gateway_class(settings.PAYMENT_GATEWAY)()
