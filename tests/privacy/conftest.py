"""Fixtures of the privacy tests: a customer who used every feature of the store."""

import pytest
from django.utils import timezone

from accounts.services import address_create
from checkout.services import cart_get_or_create, cart_line_add
from events.models import Interaction
from recommendations.models import RecommendationEvent
from support.models import Message, TicketReply, TicketReplyEmail
from tests.factories import (
    OrderFactory,
    OrderLineFactory,
    ReviewFactory,
    UserFactory,
    VariantFactory,
    WishlistItemFactory,
)
from tests.support.factories import TicketFactory

EMAIL, FIRST, LAST, PHONE = "jane.roe@example.org", "Jane", "Roe", "+44 7700 900123"
ADDRESS = {"full_name": "Jane Roe", "line1": "7 Quayside Lane", "city": "Whitby", "postal_code": "YO21 3PU"}


@pytest.fixture
def export_root(settings, tmp_path):
    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"
    return settings.PRIVACY_EXPORT_ROOT


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """`with worker(execute=True):` runs the tasks sent after commit (the export build) when the block ends."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def jane(export_root):
    """A customer with an address, an order, a review, a wishlist item, a cart, a chat with a ticket
    and a staff reply, shop events and recommendation clicks."""
    user = UserFactory(username=EMAIL, email=EMAIL, first_name=FIRST, last_name=LAST)
    address = address_create(user=user, country="GB", phone=PHONE, **ADDRESS)
    snapshot = {**ADDRESS, "line2": "", "region": "", "country": "GB", "country_name": "United Kingdom", "phone": PHONE}
    variant = VariantFactory()
    order = OrderFactory(user=user, email=EMAIL, shipping_address=snapshot, billing_address=snapshot)
    OrderLineFactory(order=order, variant=variant)
    ReviewFactory(user=user, product=variant.product, author_name=f"{FIRST} R.", body="Lovely mug, arrived fast.")
    WishlistItemFactory(user=user, product=variant.product)
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=1)
    ticket = TicketFactory(conversation__user=user, transcript=f"Customer: I am {FIRST} {LAST}, call {PHONE}")
    ticket.conversation.state = {"email": EMAIL}
    ticket.conversation.save()
    Message.objects.create(conversation=ticket.conversation, role="customer", text=f"Hi, {FIRST} {LAST} here")
    reply = TicketReply.objects.create(ticket=ticket, author=None, text=f"Dear {FIRST}, your parcel is on its way")
    TicketReplyEmail.objects.create(reply=reply, to=EMAIL)
    now = timezone.now()
    Interaction.objects.create(
        kind="view", user=user, session_key="jane-session", product=variant.product, created_at=now
    )
    Interaction.objects.create(kind="search", user=user, query="whitby mugs", created_at=now)
    RecommendationEvent.objects.create(
        kind="click",
        block="home",
        position=1,
        product_id=variant.product_id,
        user=user,
        session_key="jane-session",
        created_at=now,
    )
    user.address = address
    return user
