"""Checkout's extension points: how a higher app screens orders (fraud checks) without checkout importing it.

    order_screen_register(screen)          # from the higher app's AppConfig.ready (risk does)
    payment_failure_listener_register(fn)  # told of every failed card attempt (card testing)

`order_place` authorises the payment, then asks the registered screen for a `ScreenResult`:
approve (capture now), review (keep the authorisation, put the order on hold) or decline (release
the authorisation, return the stock, cancel the order). The screen runs inside the order's
transaction (in a savepoint), so what it records commits or rolls back with the order; it must be
quick (the stock rows are locked meanwhile). With no screen registered every order is approved,
as before. A screen that raises is logged and its order held for review: a broken check never
lets an order through unchecked, and never loses one.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction

from orders.models import Order
from payments.models import Payment

logger = logging.getLogger(__name__)


class Decision(StrEnum):
    APPROVE = "approve"
    REVIEW = "review"
    DECLINE = "decline"


@dataclass(frozen=True)
class ClientSignals:
    """What the shopper's request says about where it came from. Raw values, in memory only: a screen
    keeps them hashed. `device_id` is the checkout's device cookie (or the API's X-Device-Id header)."""

    device_id: str = ""
    ip: str = ""


@dataclass(frozen=True)
class ScreenRequest:
    """An order whose payment is authorised and not yet captured."""

    order: Order
    payment: Payment
    client: ClientSignals
    source: str


@dataclass(frozen=True)
class ScreenResult:
    decision: Decision
    reason: str  # for staff: recorded in the order's history


@dataclass(frozen=True)
class FailedAttempt:
    """A card payment the gateway refused at checkout (no order: that transaction was rolled back)."""

    payment: Payment
    user: object  # the customer, or None for a guest
    email: str
    client: ClientSignals


Screen = Callable[[ScreenRequest], ScreenResult]
FailureListener = Callable[[FailedAttempt], None]

_screens: list[Screen] = []
_failure_listeners: list[FailureListener] = []

APPROVED = ScreenResult(decision=Decision.APPROVE, reason="")


def order_screen_register(screen: Screen) -> None:
    """Install the order screen (one at most: a second registration replaces the first)."""
    _screens[:] = [screen]


def payment_failure_listener_register(listener: FailureListener) -> None:
    if listener not in _failure_listeners:
        _failure_listeners.append(listener)


def order_screen(request: ScreenRequest) -> ScreenResult:
    """The registered screen's decision on an authorised order; approve when none is registered."""
    if not _screens:
        return APPROVED
    try:
        with transaction.atomic():
            return _screens[0](request)
    except Exception:
        logger.exception("The order screen failed on order %s; holding it for review", request.order.number)
        return ScreenResult(decision=Decision.REVIEW, reason="The automatic check failed; please check by hand.")


def payment_failure_notify(attempt: FailedAttempt) -> None:
    """Tell the listeners of a failed attempt (after the order's rollback); a failing listener is logged."""
    for listener in _failure_listeners:
        try:
            with transaction.atomic():
                listener(attempt)
        except Exception:
            logger.exception("A payment failure listener failed")
