"""Return requests the support bot opens for a customer (the writes to ReturnRequest).

Apart from support.services because the dialogue calls it, and the services call the dialogue.
"""

from django.db import transaction

from core.errors import ApplicationError
from orders.models import Order
from support.models import Conversation, ReturnRequest
from support.pii import pii_mask


def return_request_create(*, order: Order, conversation: Conversation | None, reason: str = "") -> ReturnRequest:
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in (Order.Status.DELIVERED, Order.Status.PARTIALLY_REFUNDED):
            raise ApplicationError(
                f"Order {locked.number} has not been delivered, so it cannot be returned yet.", code="not_returnable"
            )
        if ReturnRequest.objects.filter(order=locked, status=ReturnRequest.Status.REQUESTED).exists():
            raise ApplicationError(f"A return for order {locked.number} is already open.", code="return_exists")
        return ReturnRequest.objects.create(order=locked, conversation=conversation, reason=pii_mask(reason)[:500])


def return_request_status_set(*, return_request_id: int, status: str) -> ReturnRequest:
    """Staff's decision on a return request (approved or rejected; the refund itself is made in the orders admin)."""
    if status not in ReturnRequest.Status.values:
        raise ApplicationError(f"Unknown return status {status!r}.", code="invalid", details={"status": [status]})
    ReturnRequest.objects.filter(pk=return_request_id).update(status=status)
    return ReturnRequest.objects.get(pk=return_request_id)
