"""Reads of the fraud check: an order's signals, the frame the engine reads, the rules an order hits,
the words for a reason, and what the review queue shows (customer history, linked accounts).

Signals are collected with privacy in mind: device id, IP address and shipping address are kept as
keyed hashes (`signal_hash`, HMAC-SHA256 with SECRET_KEY), the card as the gateway's fingerprint.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.db.models import Avg, Count, Q

from orders.models import Order
from risk.models import FailedPaymentAttempt, RiskAssessment, RiskRule, RiskSettings

HISTORY_DAYS = 30  # how far back the checkout looks for orders sharing a device, IP, card or address
HISTORY_ROWS = 2000
FREE_MAIL_DOMAINS = frozenset({"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "mail.ru", "proton.me"})
# The engine's entity columns (risk.ml.features): the assessment field behind each, and its words.
ENTITIES = {
    "customer": ("customer_key", "this account"),
    "device": ("device_hash", "this device"),
    "ip": ("ip_hash", "this IP address"),
    "card": ("card_fingerprint", "this card"),
    "address": ("address_hash", "this shipping address"),
}
TIME, ACCOUNT_TIME = "created_at", "account_created_at"
RULE_ENTITY_FIELDS = {"account": "customer_key", "device": "device_hash", "ip": "ip_hash", "card": "card_fingerprint"}


def signal_hash(kind: str, value: str) -> str:
    """A keyed one-way hash of a raw signal ("" stays ""): links equal values without keeping them."""
    if not value:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def risk_settings_get() -> RiskSettings:
    return RiskSettings.objects.order_by("pk").first() or RiskSettings()


@dataclass(frozen=True)
class OrderSignals:
    """One order's signals: the hashed entities, the times and the order's own numbers (`values`)."""

    created_at: datetime
    account_created_at: datetime
    customer_key: str
    device_hash: str
    ip_hash: str
    card_fingerprint: str
    address_hash: str
    email: str
    email_domain: str
    amount: Decimal
    values: dict[str, float | None]
    ip: str = field(default="", repr=False)  # raw, in memory only (IP-range lists)

    @property
    def entities(self) -> dict[str, str]:
        return {name: getattr(self, attribute) for name, (attribute, _words) in ENTITIES.items()}


def _address_key(address: dict) -> str:
    parts = (address.get(name, "") for name in ("line1", "line2", "postal_code", "city", "country"))
    return "|".join(" ".join(str(part).lower().split()) for part in parts)


def order_signals(
    *, order: Order, card_fingerprint: str, device_id: str, ip: str, now: datetime, configured: RiskSettings
) -> OrderSignals:
    """The signals of an order being placed (before its assessment is written); `configured` names the
    high-resale categories (the caller has read the settings for the thresholds already)."""
    user = order.user
    email = order.email.lower()
    domain = email.rpartition("@")[2]
    customer_key = signal_hash("user", str(user.pk)) if user else signal_hash("email", email)
    device_hash, ip_hash = signal_hash("device", device_id), signal_hash("ip", ip)
    past = Order.objects.filter(Q(user=user) if user else Q(user=None, email__iexact=email)).exclude(pk=order.pk)
    history = past.aggregate(count=Count("pk"), usual=Avg("total"))
    amount = order.total
    shipping, billing = order.shipping_address or {}, order.billing_address or {}
    lines = list(order.lines.select_related("variant__product"))
    resale = set(configured.high_resale_categories.values_list("pk", flat=True)) if configured.pk else set()
    resale_value = sum(
        (line.line_total for line in lines if line.variant and line.variant.product.category_id in resale), Decimal(0)
    )
    hour_ago = now - timedelta(hours=1)
    failed = FailedPaymentAttempt.objects.filter(created_at__gte=hour_ago).filter(
        _any_of({"customer_key": customer_key, "device_hash": device_hash, "ip_hash": ip_hash})
    )
    values = {
        "amount": float(amount),
        "amount_vs_usual": float(amount / history["usual"]) if history["usual"] else None,
        "previous_orders": float(history["count"]),
        "guest": float(user is None),
        "billing_differs": float(_address_key(shipping) != _address_key(billing)),
        "billing_country_differs": float(shipping.get("country") != billing.get("country")),
        "email_digits": float(sum(char.isdigit() for char in email.partition("@")[0])),
        "email_free_domain": float(domain in FREE_MAIL_DOMAINS),
        "email_domain_orders": float(RiskAssessment.objects.filter(email_domain=domain).count()),
        "failed_payments_1h": float(failed.count()),
        "high_resale_share": float(resale_value / order.subtotal) if order.subtotal else 0.0,
        "items": float(sum(line.quantity for line in lines)),
    }
    return OrderSignals(
        created_at=now,
        account_created_at=user.date_joined if user else now,
        customer_key=customer_key,
        device_hash=device_hash,
        ip_hash=ip_hash,
        card_fingerprint=card_fingerprint,
        address_hash=signal_hash("address", _address_key(shipping)) if shipping else "",
        email=email,
        email_domain=domain,
        amount=amount,
        values=values,
        ip=ip,
    )


def _any_of(fields: dict[str, str]) -> Q:
    """Rows sharing any of the non-empty values (an empty hash links nothing)."""
    query = Q(pk__in=[])
    for name, value in fields.items():
        if value:
            query |= Q(**{name: value})
    return query


def assessments_frame(assessments) -> pd.DataFrame:
    """The engine's input (risk.ml.features): one row per assessment with its times, entities and values."""
    return _typed(pd.DataFrame([_frame_row(assessment) for assessment in assessments]))


def _frame_row(signals: RiskAssessment | OrderSignals) -> dict:
    """One row of the engine's input: an assessment, or the signals of the order being placed."""
    return {
        TIME: signals.created_at,
        ACCOUNT_TIME: signals.account_created_at,
        **{name: getattr(signals, attribute) or None for name, (attribute, _words) in ENTITIES.items()},
        **(signals.signals if isinstance(signals, RiskAssessment) else signals.values),
    }


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for name in (TIME, ACCOUNT_TIME):
        if name in frame:
            frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


def checkout_frame(*, signals: OrderSignals) -> pd.DataFrame:
    """The order with the recent orders sharing its account, device, IP, card or address, oldest
    first and the order last: what the engine needs to count velocities at checkout."""
    since = signals.created_at - timedelta(days=HISTORY_DAYS)
    linked = {attribute: signals.entities[name] for name, (attribute, _words) in ENTITIES.items()}
    recent = RiskAssessment.objects.filter(created_at__gte=since).filter(_any_of(linked)).order_by("-created_at")
    history = list(recent[:HISTORY_ROWS])[::-1]
    return _typed(pd.DataFrame([*(_frame_row(assessment) for assessment in history), _frame_row(signals)]))


# --- Rules --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleHit:
    rule: RiskRule
    words: str


def rules_active() -> list[RiskRule]:
    return list(RiskRule.objects.filter(is_active=True))


def rule_hits(*, signals: OrderSignals, rules: list[RiskRule]) -> list[RuleHit]:
    """The rules the order matches, with why in words."""
    hits = []
    for rule in rules:
        words = _RULE_TESTS[rule.kind](rule, signals)
        if words:
            hits.append(RuleHit(rule=rule, words=words))
    return hits


def _velocity(rule: RiskRule, signals: OrderSignals) -> str:
    attribute = RULE_ENTITY_FIELDS[rule.entity]
    value = getattr(signals, attribute)
    if not value:
        return ""
    since = signals.created_at - timedelta(seconds=rule.window)
    if rule.counted == RiskRule.Counted.FAILED_PAYMENTS:
        count = FailedPaymentAttempt.objects.filter(created_at__gte=since, **{attribute: value}).count()
    else:
        recent = RiskAssessment.objects.filter(created_at__gte=since, **{attribute: value})
        if rule.counted == RiskRule.Counted.ORDERS:
            count = recent.count() + 1
        else:
            column = "card_fingerprint" if rule.counted == RiskRule.Counted.CARDS else "address_hash"
            seen = set(recent.exclude(**{column: ""}).values_list(column, flat=True))
            count = len(seen | {getattr(signals, column)} - {""})
    if count <= rule.limit:
        return ""
    window = RiskRule.Window(rule.window).label
    counted = RiskRule.Counted(rule.counted).label
    return f"{count} {counted} from this {RiskRule.Entity(rule.entity).label} in the last {window} (limit {rule.limit})"


def _new_account_amount(rule: RiskRule, signals: OrderSignals) -> str:
    age = signals.created_at - signals.account_created_at
    if age >= timedelta(days=rule.new_account_days) or signals.amount <= rule.amount:
        return ""
    symbol = settings.SHOP_CURRENCY_SYMBOL
    who = "a guest" if signals.values["guest"] else f"an account {age.days} days old"
    return f"{symbol}{signals.amount} from {who} (limit {symbol}{rule.amount} under {rule.new_account_days} days)"


def _listed(rule: RiskRule, signals: OrderSignals) -> str:
    values = rule.value_list
    if rule.list_field == RiskRule.ListField.IP_RANGE:
        matched = signals.ip and any(_in_range(signals.ip, value) for value in values)
    else:
        own = {"email": signals.email, "domain": signals.email_domain, "card": signals.card_fingerprint}
        matched = own[rule.list_field] in values
    if not matched:
        return ""
    which = "allow" if rule.kind == RiskRule.Kind.ALLOW_LIST else "deny"
    return f"{RiskRule.ListField(rule.list_field).label} on the {which} list '{rule.name}'"


def _in_range(ip: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


_RULE_TESTS = {
    RiskRule.Kind.VELOCITY: _velocity,
    RiskRule.Kind.NEW_ACCOUNT_AMOUNT: _new_account_amount,
    RiskRule.Kind.ALLOW_LIST: _listed,
    RiskRule.Kind.DENY_LIST: _listed,
}


# --- Words for the model's reasons -------------------------------------------------------------------


def _duration(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{int(seconds)} seconds"


_VALUE_WORDS = {
    "amount": lambda v: f"order value {settings.SHOP_CURRENCY_SYMBOL}{v:.2f}",
    "amount_vs_usual": lambda v: f"{v:.1f} times this customer's usual order value",
    "previous_orders": lambda v: f"{int(v)} earlier orders from this customer",
    "guest": lambda v: "guest checkout" if v else "signed-in customer",
    "billing_differs": lambda v: "billing address differs from the shipping address" if v else "same billing address",
    "billing_country_differs": lambda v: "shipping country differs from the billing country" if v else "same country",
    "email_digits": lambda v: f"{int(v)} digits in the e-mail address",
    "email_free_domain": lambda v: "free webmail address" if v else "company e-mail domain",
    "email_domain_orders": lambda v: f"e-mail domain seen on {int(v)} earlier orders",
    "failed_payments_1h": lambda v: f"{int(v)} failed card payments in the hour before",
    "high_resale_share": lambda v: f"{v:.0%} of the value in easily resold goods",
    "items": lambda v: f"{int(v)} items",
    "account_age_seconds": lambda v: f"account created {_duration(v)} before the order",
    "account__events": lambda v: f"order number {int(v)} of this account",
    "account__first_event": lambda v: "first order of this account" if v else "returning customer",
}
_PLURALS = {"customer": "accounts", "device": "devices", "ip": "IP addresses", "card": "cards", "address": "addresses"}


def reason_words(feature: str, value) -> str:
    """A model feature and its value as a sentence for staff ("7 orders from this device in 1 hour")."""
    if value is None or (isinstance(value, float) and value != value):
        return f"{feature.replace('_', ' ')} unknown"
    if feature in _VALUE_WORDS:
        return _VALUE_WORDS[feature](float(value))
    entity, _sep, derived = feature.partition("__")
    if entity in ENTITIES:
        whose = ENTITIES[entity][1]
        number = int(float(value))
        if derived == "count":
            return f"{number} orders from {whose} in all"
        if derived in ("count_1h", "count_24h"):
            return f"{number + 1} orders from {whose} in {'1 hour' if derived == 'count_1h' else '1 day'}"
        if derived == "seconds_since_previous":
            return f"{_duration(float(value))} since the previous order from {whose}"
        if derived == "accounts":
            return f"{number} accounts behind {whose}"
        other = derived[:-1]
        if other in _PLURALS:
            return f"{number} {_PLURALS[other]} seen with {whose}"
    return f"{feature.replace('_', ' ')}: {value}"


# --- The review queue ---------------------------------------------------------------------------------


def customer_history(*, assessment: RiskAssessment) -> dict:
    """The customer's orders before this one: how many, their value, and how they ended."""
    orders = Order.objects.filter(
        Q(user=assessment.user) if assessment.user_id else Q(user=None, email__iexact=assessment.order.email)
    ).exclude(pk=assessment.order_id)
    by_status = dict(orders.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {"orders": sum(by_status.values()), "by_status": by_status, "account_since": assessment.account_created_at}


def linked_assessments(*, assessment: RiskAssessment, limit: int = 20) -> list[tuple[str, RiskAssessment]]:
    """Other customers' orders sharing this order's device, card or shipping address (newest first)."""
    linked = []
    for attribute, words in (("device_hash", "device"), ("card_fingerprint", "card"), ("address_hash", "address")):
        value = getattr(assessment, attribute)
        if not value:
            continue
        others = (
            RiskAssessment.objects.filter(**{attribute: value})
            .exclude(customer_key=assessment.customer_key)
            .select_related("order")[:limit]
        )
        linked.extend((words, other) for other in others)
    return linked


# --- Training ------------------------------------------------------------------------------------------


def labelled_assessments(
    *, start: datetime, end: datetime, settled_before: datetime
) -> list[tuple[RiskAssessment, bool]]:
    """Assessments with what they turned out to be, oldest first: fraud if any label says so, genuine
    if staff approved it, or if it was approved and paid before `settled_before` with no chargeback since."""
    rows = []
    assessments = RiskAssessment.objects.filter(created_at__gte=start, created_at__lt=end).prefetch_related("labels")
    for assessment in assessments.order_by("created_at", "pk"):
        labels = list(assessment.labels.all())
        if labels:
            rows.append((assessment, any(label.is_fraud for label in labels)))
        elif assessment.decision == "approve" and assessment.created_at < settled_before:
            rows.append((assessment, False))
    return rows


def rules_score(assessment: RiskAssessment) -> float:
    """What the rules alone said of an order, as a score (decline 1, review 0.5, else 0): the baseline."""
    actions = {hit.get("action") for hit in assessment.rule_hits}
    return 1.0 if "decline" in actions else 0.5 if "review" in actions else 0.0
