"""The bot's replies: deterministic templates filled from the store's data, never generated text.

`respond(turn)` decides what to say to one customer message, given the conversation's memory
(`conversation.state`, mutated in place and saved by support.services.message_handle):

- a pending question is answered first: a yes/no confirmation before any change, or the missing
  order number / email of a lookup (slot filling); anything else drops it;
- a question about the money of an order (charged twice, a hold, a refund that has not arrived) is
  answered from that order's real payments and status, or handed to staff with the order named;
- otherwise the intent model's answer picks a handler; when it declines the message, the FAQ
  answer whose question is close enough, else the out-of-scope reply with the options, and a
  hand-off after repeated misunderstanding.

Every action goes through the same services as the website (orders.services.order_cancel,
shop.selectors.product_search...), with the same object-level checks: a signed-in customer only
reaches their own orders; a guest must prove an order's number with its email, and wrong guesses
are counted per conversation and per client (SUPPORT_GUEST_LOOKUP_ATTEMPTS per window).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from checkout.selectors import shipping_method_list
from core.errors import ApplicationError, NotFoundError
from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import HOLD_NOTE, Order
from payments.models import Payment
from recommendations.inference import bought_together
from shop import selectors as shop_selectors
from shop.filters import ProductFilters
from shop.models import Product
from support import inference, selectors
from support.models import Conversation, FaqEntry, ReturnRequest
from support.pii import pii_mask
from support.returns import return_request_create

ORDER_NUMBER = re.compile(r"\bSF-\d{4}-\d{6}\b|\bSF-\d{5,10}\b", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
YES = re.compile(
    r"^\s*(yes|yeah|yep|y|sure|ok|okay|confirm|do it|please do|go ahead|yes please|yes,? cancel it|"
    r"yes,? start it|correct)\b",
    re.IGNORECASE,
)
NO = re.compile(r"^\s*(no|nope|n|don'?t|do not|stop|keep it|no,? keep it|never ?mind|not now)\b", re.IGNORECASE)
_MONEY = r"(?:€|eur|euros?|\$|£)?\s*(\d+(?:[.,]\d{1,2})?)\s*(?:€|eur|euros?|dollars?)?"
PRICE_BETWEEN = re.compile(r"\bbetween\s+" + _MONEY + r"\s*(?:and|to|-)\s*" + _MONEY, re.IGNORECASE)
PRICE_MAX = re.compile(
    r"\b(?:under|below|less than|cheaper than|max(?:imum)?|up to|no more than|at most)\s+" + _MONEY, re.IGNORECASE
)
PRICE_MIN = re.compile(r"\b(?:over|above|more than|at least|from|min(?:imum)?)\s+" + _MONEY, re.IGNORECASE)
SEARCH_STOPWORDS = frozenset(
    " ".join(
        [
            "a an the any some do does you have has i i'm im am looking look for find show me search sell sold carry",
            "is are there in stock available please want need would like to get buy can could of with and or it this",
            "that something anything cheap cheapest one ones what which your you've got stuff thing things items item",
            "products product euros euro eur price priced costing cost about around hi hello hey we my",
        ]
    ).split()
)

# Questions about where an order's money is, answered from its payments (not by the intent model,
# whose "payment" answer is about cards in general).
PAYMENT_STATE = re.compile(
    r"\b(charged (twice|two times|double|more than once)|double[- ]?charged?|two charges|paid twice|taken twice|"
    r"(on|a) hold|being checked|held|(my|the) refund|refund(ed)? (yet|status)|not (been )?refunded|"
    r"money (was |been )?taken|reserved on my card|pending (charge|payment))\b",
    re.IGNORECASE,
)
PAYMENT_STATE_INTENT = "payment_state"
MAIN_OPTIONS = ["Where is my order?", "Start a return", "Delivery options", "Find a product", "Talk to a person"]
STATUS_TEXT = {
    Order.Status.PENDING_PAYMENT: "is waiting for payment",
    Order.Status.ON_HOLD: "is being checked before we take the payment",
    Order.Status.PAID: "is paid and being prepared for shipping",
    Order.Status.SHIPPED: "has shipped",
    Order.Status.DELIVERED: "has been delivered",
    Order.Status.CANCELLED: "was cancelled",
    Order.Status.REFUNDED: "was refunded",
    Order.Status.PARTIALLY_REFUNDED: "was delivered and partly refunded",
}
ORDER_INTENTS = ("order_status", "order_cancel", "return_refund")
FAQ_CATEGORIES = {
    "payment": "payment",
    "discount_codes": "discounts",
    "account_help": "account",
    "delivery_options": "delivery",
}


@dataclass
class Reply:
    text: str
    intent: str = ""
    confidence: float | None = None
    model_label: str = ""  # the model that understood the message ("" when none was asked)
    model_version_id: int | None = None  # its ml.ModelVersion; None for the baseline
    quick_replies: list[str] = field(default_factory=list)
    cards: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    fallback: bool = False
    handoff_reason: str = ""  # set: the service opens a ticket with the transcript


@dataclass
class Turn:
    conversation: Conversation
    text: str
    user: object  # the signed-in user, or None
    client_key: str  # who is guessing (IP address), for the guest lookup limit
    page_product: str = ""  # slug of the product page the widget was opened on

    @property
    def state(self) -> dict:
        return self.conversation.state

    @property
    def signed_in(self) -> bool:
        return self.user is not None and self.user.is_authenticated


def respond(turn: Turn) -> Reply:
    if turn.page_product:
        turn.state["product"] = turn.page_product
    pending = turn.state.get("pending")
    if pending:
        reply = _pending_answer(turn, pending)
        if reply is not None:
            return reply
    if PAYMENT_STATE.search(turn.text):
        return _order_handler(turn, PAYMENT_STATE_INTENT)
    understanding = inference.understand(turn.text)
    prediction = understanding.prediction
    if prediction.intent is None:
        faq = understanding.faq
        if faq is not None and faq.similarity >= settings.SUPPORT_FAQ_MIN_SIMILARITY:
            reply = _faq_reply(faq.faq_id)
            reply.confidence = faq.similarity
        else:
            reply = _out_of_scope(turn)
        reply.model_label, reply.model_version_id = understanding.model_label, understanding.model_version_id
        return reply
    turn.state["misunderstood"] = 0
    handler = HANDLERS.get(prediction.intent, _out_of_scope)
    reply = handler(turn) if handler is not _out_of_scope else _out_of_scope(turn)
    reply.intent = reply.intent or prediction.intent
    reply.confidence = prediction.confidence
    reply.model_label, reply.model_version_id = understanding.model_label, understanding.model_version_id
    return reply


# --- Pending questions ------------------------------------------------------------------------


def _pending_answer(turn: Turn, pending: dict) -> Reply | None:
    kind = pending.get("kind")
    if kind in ("confirm_cancel", "confirm_return"):
        if YES.match(turn.text):
            turn.state.pop("pending", None)
            return _cancel_confirmed(turn, pending) if kind == "confirm_cancel" else _return_confirmed(turn, pending)
        if NO.match(turn.text):
            turn.state.pop("pending", None)
            return Reply(
                "All right, I have not changed anything.",
                intent=pending.get("intent", ""),
                quick_replies=MAIN_OPTIONS[:3],
            )
        turn.state.pop("pending", None)
        return None
    if kind == "order":
        if ORDER_NUMBER.search(turn.text) or EMAIL.search(turn.text):
            return _order_handler(turn, pending["intent"])
        turn.state.pop("pending", None)
        return None
    if kind == "ticket_email":
        email = EMAIL.search(turn.text)
        if email:
            turn.state.pop("pending", None)
            turn.state["email"] = email.group()
            return _handoff_now(turn, pending.get("reason", "Asked for a person"))
        if NO.match(turn.text) or turn.text.strip().lower() in ("skip", "no email"):
            turn.state.pop("pending", None)
            return _handoff_now(turn, pending.get("reason", "Asked for a person"))
        turn.state.pop("pending", None)
        return None
    turn.state.pop("pending", None)
    return None


# --- Orders -----------------------------------------------------------------------------------


def _order_card(order: Order) -> dict:
    return {
        "type": "order",
        "number": order.number,
        "status": order.status,
        "status_label": order.get_status_display(),
        "total": str(order.total),
        "currency": order.currency,
        "placed": timezone.localtime(order.created_at).date().isoformat(),
        "tracking_number": order.tracking_number,
    }


def _guest_attempts_key(kind: str, value: str) -> str:
    return f"support:guest-lookup:{kind}:{value}"


def _guest_locked(turn: Turn) -> bool:
    limit = settings.SUPPORT_GUEST_LOOKUP_ATTEMPTS
    keys = [
        _guest_attempts_key("conversation", str(turn.conversation.public_id)),
        _guest_attempts_key("client", turn.client_key),
    ]
    return any((cache.get(key) or 0) >= limit for key in keys)


def _guest_failure(turn: Turn) -> None:
    window = settings.SUPPORT_GUEST_LOOKUP_WINDOW_SECONDS
    for key in (
        _guest_attempts_key("conversation", str(turn.conversation.public_id)),
        _guest_attempts_key("client", turn.client_key),
    ):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)


def _order_for_turn(turn: Turn, intent: str) -> Order | Reply:
    """The order this message is about, or the reply that asks for what is missing (or says no)."""
    number_match = ORDER_NUMBER.search(turn.text)
    number = number_match.group().upper() if number_match else turn.state.get("pending", {}).get("number", "")
    if turn.signed_in:
        if number:
            try:
                return order_selectors.order_for_customer(user=turn.user, number=number)
            except NotFoundError:
                return Reply(
                    f"I can't find an order {number} on your account. Please check the number.",
                    intent=intent,
                    quick_replies=["Show my orders"],
                )
        orders = list(order_selectors.orders_for_user(user=turn.user)[:5])
        if not orders:
            return Reply("You have no orders with us yet.", intent=intent, quick_replies=["Find a product"])
        if intent == "order_status" or len(orders) == 1:
            return orders[0] if len(orders) == 1 else _orders_overview(orders)
        turn.state["pending"] = {"kind": "order", "intent": intent}
        return Reply(
            "Which order do you mean?",
            intent=intent,
            quick_replies=[o.number for o in orders[:4]],
            cards=[_order_card(o) for o in orders[:4]],
        )
    verified = turn.state.get("verified_orders", [])
    if number and number in verified:
        order = Order.objects.filter(number=number).first()
        if order is not None:
            return order
    email_match = EMAIL.search(turn.text)
    email = email_match.group() if email_match else ""
    if not number and not email and len(verified) == 1:
        order = Order.objects.filter(number=verified[0]).first()
        if order is not None:
            return order
    if number and email:
        if _guest_locked(turn):
            turn.state.pop("pending", None)
            return Reply(
                "Too many order lookups that did not match. Please try again later, or sign in to see your orders.",
                intent=intent,
                quick_replies=["Talk to a person"],
            )
        try:
            order = order_selectors.order_for_guest(number=number, email=email)
        except NotFoundError:
            _guest_failure(turn)
            turn.state["pending"] = {"kind": "order", "intent": intent}
            return Reply(
                "No order matches that number and email. Please check both and send them again.", intent=intent
            )
        turn.state["verified_orders"] = [*verified, order.number][-5:]
        turn.state["email"] = email
        return order
    turn.state["pending"] = {"kind": "order", "intent": intent, "number": number}
    if number:
        return Reply(
            f"Thanks. To protect your details, please also give the email address used for {number}.", intent=intent
        )
    return Reply(
        "Please give me your order number (it looks like SF-2026-000123) and the email address you "
        "used for the order. Or sign in to see all your orders.",
        intent=intent,
    )


def _orders_overview(orders: list[Order]) -> Reply:
    lines = [f"{o.number}: {o.get_status_display()}" for o in orders[:3]]
    return Reply(
        "Your latest orders:\n" + "\n".join(lines),
        intent="order_status",
        cards=[_order_card(o) for o in orders[:3]],
        quick_replies=["Cancel an order", "Start a return"],
    )


def _order_handler(turn: Turn, intent: str) -> Reply:
    found = _order_for_turn(turn, intent)
    if isinstance(found, Reply):
        return found
    order = found
    turn.state.pop("pending", None)
    turn.state["order"] = order.number
    if intent == "order_cancel":
        return _cancel_ask(turn, order)
    if intent == "return_refund":
        return _return_ask(turn, order)
    if intent == PAYMENT_STATE_INTENT:
        return _payment_state(turn, order)
    text = f"Order {order.number} {STATUS_TEXT.get(order.status, order.get_status_display().lower())}."
    if order.status == Order.Status.SHIPPED and order.tracking_number:
        text += f" Tracking number: {order.tracking_number}."
    quick = ["Cancel this order"] if order_services.order_is_cancellable(order=order) else []
    if order.status == Order.Status.DELIVERED:
        quick.append("Start a return")
    return Reply(text, intent=intent, cards=[_order_card(order)], quick_replies=[*quick, "Talk to a person"])


def _payment_state(turn: Turn, order: Order) -> Reply:
    """Where the order's money is, from its payments: held, charged once, released or refunded; two
    captured payments (a real double charge) or anything unclear goes to staff with the order named."""
    payments = [p for p in order.payments.all() if p.status != Payment.Status.FAILED]
    taken = [p for p in payments if p.status != Payment.Status.AUTHORIZED and p.status != Payment.Status.VOIDED]
    symbol, card = settings.SHOP_CURRENCY_SYMBOL, [_order_card(order)]
    if len(taken) > 1:
        return _handoff_now(turn, f"Order {order.number}: {len(taken)} payments taken; check for a double charge")
    if order.status == Order.Status.ON_HOLD:
        text = (
            f"Order {order.number} is being checked. {HOLD_NOTE} A reserved amount can look like a charge in your "
            "banking app; there is only one, and it is released if we cannot accept the order."
        )
    elif taken and order.refunded_total:
        text = (
            f"For order {order.number} we took one payment of {symbol}{taken[0].amount} and have refunded "
            f"{symbol}{order.refunded_total}. Refunds take 3 to 5 working days to show on your statement."
        )
    elif taken:
        text = (
            f"For order {order.number} we took one payment of {symbol}{taken[0].amount} (card ending "
            f"{taken[0].card_last4}). If your bank shows a second amount, it is a reservation from an attempt "
            "that did not go through; your bank releases it within a few days. Still two charges after that? "
            "Ask for a person and we will check."
        )
    elif payments:
        text = (
            f"Order {order.number} {STATUS_TEXT.get(order.status, order.status)}. Your card was not charged for it: "
            f"the {symbol}{payments[0].amount} reserved on it has been released; your bank may take a few days to "
            "show that."
        )
    else:
        return _handoff_now(turn, f"Order {order.number}: payment question, no payment on record")
    return Reply(text, intent="payment", cards=card, quick_replies=["Talk to a person"])


def _cancel_ask(turn: Turn, order: Order) -> Reply:
    if not order_services.order_is_cancellable(order=order):
        extra = " You can return it once it has been delivered." if order.status == Order.Status.SHIPPED else ""
        return Reply(
            f"Order {order.number} {STATUS_TEXT.get(order.status, order.status)}, so it can no longer "
            f"be cancelled.{extra}",
            intent="order_cancel",
            cards=[_order_card(order)],
            quick_replies=["Start a return", "Talk to a person"],
        )
    turn.state["pending"] = {"kind": "confirm_cancel", "intent": "order_cancel", "order": order.number}
    return Reply(
        f"Do you want me to cancel order {order.number} ({order.currency} {order.total})? The payment "
        "will be refunded.",
        intent="order_cancel",
        cards=[_order_card(order)],
        quick_replies=["Yes, cancel it", "No, keep it"],
    )


def _pending_order(turn: Turn, pending: dict) -> Order | None:
    number = pending.get("order", "")
    if turn.signed_in:
        try:
            return order_selectors.order_for_customer(user=turn.user, number=number)
        except NotFoundError:
            return None
    if number in turn.state.get("verified_orders", []):
        return Order.objects.filter(number=number).first()
    return None


def _cancel_confirmed(turn: Turn, pending: dict) -> Reply:
    order = _pending_order(turn, pending)
    if order is None:
        return Reply("I can't find that order any more.", intent="order_cancel")
    try:
        order = order_services.order_cancel(
            order=order,
            by=turn.user if turn.signed_in else None,
            reason="Cancelled by the customer in the support chat",
        )
    except ApplicationError as exc:
        return Reply(
            f"I could not cancel order {order.number}: {exc.message}",
            intent="order_cancel",
            quick_replies=["Talk to a person"],
        )
    return Reply(
        f"Done: order {order.number} is cancelled. A refund of {order.currency} {order.refunded_total} "
        "is on its way to your payment method; you will get an email too.",
        intent="order_cancel",
        cards=[_order_card(order)],
        actions=[{"type": "order_cancelled", "order": order.number}],
    )


RETURNABLE = (Order.Status.DELIVERED, Order.Status.PARTIALLY_REFUNDED)


def _return_ask(turn: Turn, order: Order) -> Reply:
    if order.status not in RETURNABLE:
        if order_services.order_is_cancellable(order=order):
            return Reply(
                f"Order {order.number} has not shipped yet, so you can simply cancel it instead.",
                intent="return_refund",
                cards=[_order_card(order)],
                quick_replies=["Cancel this order"],
            )
        return Reply(
            f"Order {order.number} {STATUS_TEXT.get(order.status, order.status)}. A return can be started "
            "once an order has been delivered.",
            intent="return_refund",
            cards=[_order_card(order)],
        )
    if ReturnRequest.objects.filter(order=order, status=ReturnRequest.Status.REQUESTED).exists():
        return Reply(
            f"A return for order {order.number} is already open; our team will email you the next steps.",
            intent="return_refund",
            cards=[_order_card(order)],
        )
    turn.state["pending"] = {
        "kind": "confirm_return",
        "intent": "return_refund",
        "order": order.number,
        "reason": turn.state.get("return_reason", ""),
    }
    return Reply(
        f"Shall I start a return for order {order.number}? You can return unused items within 30 days of "
        "delivery; the refund goes to your original payment method.",
        intent="return_refund",
        cards=[_order_card(order)],
        quick_replies=["Yes, start it", "No, keep it"],
    )


def _return_confirmed(turn: Turn, pending: dict) -> Reply:
    order = _pending_order(turn, pending)
    if order is None:
        return Reply("I can't find that order any more.", intent="return_refund")
    try:
        request = return_request_create(order=order, conversation=turn.conversation, reason=pending.get("reason", ""))
    except ApplicationError as exc:
        return Reply(exc.message, intent="return_refund")
    return Reply(
        f"Your return for order {order.number} is registered (return #{request.pk}). We will email you the "
        "return label and instructions.",
        intent="return_refund",
        cards=[_order_card(order)],
        actions=[{"type": "return_requested", "order": order.number, "return_id": request.pk}],
    )


def _order_status(turn: Turn) -> Reply:
    return _order_handler(turn, "order_status")


def _order_cancel(turn: Turn) -> Reply:
    return _order_handler(turn, "order_cancel")


def _return_refund(turn: Turn) -> Reply:
    turn.state["return_reason"] = pii_mask(turn.text)[:200]
    return _order_handler(turn, "return_refund")


# --- Information --------------------------------------------------------------------------------


def _faq_reply(faq_id: int, *, intent: str = "faq") -> Reply:
    entry = FaqEntry.objects.filter(pk=faq_id).first()
    if entry is None:
        return Reply("Sorry, I lost that answer. Please ask again.", intent=intent)
    return Reply(
        entry.answer, intent=intent, quick_replies=MAIN_OPTIONS[:3], actions=[{"type": "faq", "faq_id": entry.pk}]
    )


def _category_faq(turn: Turn, intent: str) -> Reply | None:
    entries = selectors.faq_for_category(category=FAQ_CATEGORIES[intent])
    if not entries:
        return None
    match = inference.faq_best_in(turn.text, faq_ids={entry.pk for entry in entries})
    return _faq_reply(match.faq_id if match else entries[0].pk, intent=intent)


def _delivery_options(turn: Turn) -> Reply:
    lines = []
    for method in shipping_method_list():
        price = "free" if method.price == 0 else f"{settings.SHOP_CURRENCY} {method.price}"
        free = f", free over {settings.SHOP_CURRENCY} {method.free_over}" if method.free_over else ""
        when = f": {method.delivery_estimate}" if method.delivery_estimate else ""
        lines.append(f"- {method.name} ({price}{free}){when}")
    if not lines:
        return Reply("Delivery options are shown at checkout.", intent="delivery_options")
    return Reply(
        "We deliver with:\n" + "\n".join(lines),
        intent="delivery_options",
        quick_replies=["Where is my order?", "Find a product"],
    )


def _address_change(turn: Turn) -> Reply:
    return Reply(
        "An order's delivery address can't be changed once it is placed. If it has not shipped yet, I can "
        "cancel it so you can order again with the right address, or pass you to our team. Your saved "
        "addresses for future orders are under Account > Addresses.",
        intent="address_change",
        quick_replies=["Cancel an order", "Talk to a person"],
    )


def _info(intent: str, fallback: str):
    def handler(turn: Turn) -> Reply:
        return _category_faq(turn, intent) or Reply(fallback, intent=intent, quick_replies=MAIN_OPTIONS[:3])

    return handler


# --- Catalog ------------------------------------------------------------------------------------


def _price(value: str) -> Decimal | None:
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None


def search_request(text: str) -> tuple[str, Decimal | None, Decimal | None]:
    """(query words, lowest price, highest price) read from a shopper's message."""
    low = high = None
    rest = text
    between = PRICE_BETWEEN.search(rest)
    if between:
        low, high = _price(between.group(1)), _price(between.group(2))
        rest = rest.replace(between.group(), " ")
    found = PRICE_MAX.search(rest)
    if found:
        high = _price(found.group(1))
        rest = rest.replace(found.group(), " ")
    found = PRICE_MIN.search(rest)
    if found:
        low = _price(found.group(1))
        rest = rest.replace(found.group(), " ")
    words = [w for w in re.findall(r"[\w'-]+", rest.lower()) if w not in SEARCH_STOPWORDS and not w.isdigit()]
    return " ".join(words), low, high


def _product_card(product: Product) -> dict:
    image = getattr(product, "card_image", None)
    return {
        "type": "product",
        "name": product.name,
        "url": product.get_absolute_url(),
        "price": str(product.min_price),
        "currency": settings.SHOP_CURRENCY_SYMBOL,
        "in_stock": product.in_stock,
        "image": f"{settings.MEDIA_URL}{image}" if image else "",
    }


def _product_search(turn: Turn) -> Reply:
    query, low, high = search_request(turn.text)
    limit = (
        f" between {low} and {high}"
        if low is not None and high is not None
        else (f" under {high}" if high is not None else f" over {low}" if low is not None else "")
    )
    products: list[Product] = []
    attempts = [query, " or ".join(query.split())] if len(query.split()) > 1 else [query]
    for attempt in attempts:
        if not attempt and low is None and high is None:
            break
        result = shop_selectors.product_search(
            filters=ProductFilters(query=attempt, price_min=low, price_max=high, sort="" if attempt else "popularity"),
            page_size=4,
        )
        products = list(result.products)
        if products:
            break
    if not query and low is None and high is None:
        return Reply(
            "What are you looking for? Tell me the product and, if you like, a price limit, e.g. "
            "'a waterproof jacket under 80'.",
            intent="product_search",
        )
    if not products:
        return Reply(
            f"I couldn't find {query or 'anything'}{limit} in the shop right now. Try other words, or "
            "browse the categories.",
            intent="product_search",
            quick_replies=["Talk to a person"],
        )
    turn.state["product"] = products[0].slug
    return Reply(
        f"Here is what I found for {query or 'you'}{limit}:",
        intent="product_search",
        cards=[_product_card(p) for p in products],
        quick_replies=["What goes with this?"],
    )


def _context_product(turn: Turn) -> Product | None:
    slug = turn.state.get("product", "")
    if not slug:
        return None
    return shop_selectors.product_cards(Product.objects.filter(slug=slug, is_active=True)).first()


def _recommendations(turn: Turn) -> Reply:
    """What goes with the product in context: the recommendations app's "bought together", else the best
    sellers of its category, else the store's best sellers."""
    product = _context_product(turn)
    picks: list[Product] = []
    if product is not None:
        block = bought_together(product_ids=[product.pk], user=turn.user if turn.signed_in else None, limit=4)
        picks = [item.product for item in block.items]
    if picks:
        text = f"To go with {product.name}:"
    elif product is not None and (
        picks := [p for p in shop_selectors.product_best_sellers(category=product.category, limit=5) if p != product]
    ):
        text = f"Popular in {product.category.name} to go with {product.name}:"
    else:
        picks = [p for p in shop_selectors.product_best_sellers(limit=5) if p != product]
        text = "Our best sellers right now:"
    if not picks:
        return Reply("I have no suggestions right now.", intent="recommendations")
    return Reply(text, intent="recommendations", cards=[_product_card(p) for p in picks[:4]])


def _product_info(turn: Turn) -> Reply:
    product = _context_product(turn)
    if product is None:
        return Reply(
            "Which product do you mean? Open its page and ask me there, or tell me what you are looking for.",
            intent="product_info",
            quick_replies=["Find a product"],
        )
    variants = list(product.variants.filter(is_active=True).order_by("position", "id"))
    options = [f"{v.name or v.sku}: {'in stock' if v.stock_quantity > 0 else 'out of stock'}" for v in variants[:12]]
    summary = (product.description or "").strip().split("\n")[0][:300]
    text = f"{product.name} by {product.brand.name}, from {settings.SHOP_CURRENCY} {product.min_price}."
    if summary:
        text += f" {summary}"
    if options:
        text += "\nOptions:\n" + "\n".join(f"- {option}" for option in options)
    return Reply(text, intent="product_info", cards=[_product_card(product)], quick_replies=["What goes with this?"])


# --- People, small talk, fallback ------------------------------------------------------------------


def _handoff(turn: Turn) -> Reply:
    return _handoff_now(turn, "Asked for a person")


def _handoff_now(turn: Turn, reason: str) -> Reply:
    if not turn.signed_in and not turn.state.get("email") and not turn.state.get("email_declined"):
        turn.state["pending"] = {"kind": "ticket_email", "reason": reason}
        turn.state["email_declined"] = True  # asked once; a 'skip' keeps the answer in the chat only
        return Reply(
            "I'll pass you to our team. Which email address should they answer to? (Or say 'skip' to get "
            "the answer here in the chat.)",
            intent="human_handoff",
            quick_replies=["skip"],
        )
    return Reply(
        "I've passed this conversation to our team. They will answer here in the chat and by email, "
        "usually within one working day.",
        intent="human_handoff",
        handoff_reason=reason,
    )


def _greeting(turn: Turn) -> Reply:
    return Reply(
        "Hello! I can track or cancel an order, start a return, explain delivery and payment, and find "
        "products. What can I do for you?",
        intent="greeting",
        quick_replies=MAIN_OPTIONS,
    )


def _thanks(turn: Turn) -> Reply:
    return Reply("You're welcome! Anything else I can do?", intent="thanks", quick_replies=MAIN_OPTIONS[:3])


def _out_of_scope(turn: Turn) -> Reply:
    turn.state["misunderstood"] = turn.state.get("misunderstood", 0) + 1
    if turn.state["misunderstood"] >= settings.SUPPORT_HANDOFF_AFTER_MISUNDERSTOOD:
        turn.state["misunderstood"] = 0
        reply = _handoff_now(turn, "The bot did not understand repeatedly")
        reply.text = "Sorry, I'm not getting this. " + reply.text
        reply.fallback = True
        reply.intent = "human_handoff"
        return reply
    return Reply(
        "Sorry, I can't help with that yet. I can track or cancel an order, start a return, explain delivery "
        "and payment, or find products.",
        intent="",
        quick_replies=MAIN_OPTIONS,
        fallback=True,
    )


HANDLERS = {
    "order_status": _order_status,
    "order_cancel": _order_cancel,
    "return_refund": _return_refund,
    "delivery_options": _delivery_options,
    "address_change": _address_change,
    "payment": _info("payment", "We accept the major credit and debit cards."),
    "discount_codes": _info("discount_codes", "We have no discount codes at the moment."),
    "account_help": _info(
        "account_help",
        "You can manage your account under Account; use 'Forgot your password?' on the sign-in page to reset it.",
    ),
    "product_search": _product_search,
    "recommendations": _recommendations,
    "product_info": _product_info,
    "human_handoff": _handoff,
    "greeting": _greeting,
    "thanks": _thanks,
}
