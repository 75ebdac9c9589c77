"""Planted fraud in the demo store, so that the risk model has something to learn and staff a queue to review.

`risk_plan` turns the simulated orders into fraud-check history (pure, seeded):
- every order gets the assessment checkout would have written: its customer's device, IP, card and
  address (hashed like risk.selectors does), and its signals (value against the customer's usual,
  earlier orders, e-mail pattern, share of easily resold goods...);
- about `fraud_share` of the orders become fraud rings: runs of consecutive orders placed by fresh
  accounts created minutes to a day before, behind one device and one reshipping address, paying with
  a different card each, half of them after a card-testing burst (failed payments, kept as rows);
- fraud older than `SETTLED_DAYS` is labelled (chargebacks, or declined by staff: cancelled), a few
  genuine orders were approved by staff, and the rings of the last `HOLD_DAYS` days are on hold with
  their authorisation, waiting in the review queue with the reasons the signals give.
Genuine orders are noisy too (new customers, different billing addresses, the odd failed payment),
so the rules alone catch only part of the fraud.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from demo.catalog import CustomerPlan
from demo.simulation import OrderPlan
from orders.models import Order
from payments.gateways import gateway_get
from payments.models import Payment
from risk.models import FailedPaymentAttempt, RiskAssessment, RiskLabel, RiskRule, RiskSettings
from risk.selectors import FREE_MAIL_DOMAINS, reason_words, signal_hash

FRAUD_SHARE = 0.03
RING_SIZES = (3, 8)
SETTLED_DAYS = 30
HOLD_DAYS = 7
STAFF_APPROVED_SHARE = 0.02
HIGH_RESALE_LEAVES = frozenset({"headphones", "speakers", "smartwatches", "phone-accessories"})
# The demo's rules, written by the loader; their hits are what the rules alone would have said.
CARD_TESTING_RULE = "Card testing: more than 3 failed payments from one device in an hour"
NEW_ACCOUNT_RULE = "New accounts: orders above 250.00 in their first week"
RING_NAMES = ("alex.morgan", "sam.lee", "chris.taylor", "jo.brown", "kim.walker", "max.jones")
CARD_TESTING_LIMIT, NEW_ACCOUNT_AMOUNT, NEW_ACCOUNT_DAYS = 3, Decimal("250.00"), 7


@dataclass
class AssessmentPlan:
    order: int  # index into the simulated orders
    created_at: datetime
    account_created_at: datetime
    customer_key: str
    device_hash: str
    ip_hash: str
    card_fingerprint: str
    address_hash: str
    email_domain: str
    amount: Decimal
    values: dict
    fraud: bool = False
    ring_size: int = 0
    decision: str = "approve"
    reasons: list[str] = field(default_factory=list)
    rule_hits: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class FraudAccount:
    username: str
    email: str
    date_joined: datetime


@dataclass
class RiskPlan:
    assessments: list[AssessmentPlan]
    accounts: list[FraudAccount]
    account_orders: dict[int, list[int]]  # fraud account index -> order indices it placed
    labels: list[tuple[int, bool, str, datetime]]  # (order index, is fraud, source, when)
    failed: list[tuple[datetime, str, str, str, str]]  # (when, customer key, device, ip, card)
    statuses: dict[int, str]  # order index -> new status (cancelled, on_hold)


def risk_plan(
    *,
    orders: list[OrderPlan],
    customers: list[CustomerPlan],
    user_ids: list[int],
    joined: list[datetime],
    leaves: list[str],
    reviewed: set[tuple[int, int]],
    now: datetime,
    rng: random.Random,
    fraud_share: float = FRAUD_SHARE,
) -> RiskPlan:
    """The fraud-check history of the simulated orders (see the module docstring): customer i is user
    `user_ids[i]`, who joined at `joined[i]`; `leaves[p]` is product p's leaf category slug. The fraud
    accounts' customer keys are placeholders (`signal_hash("user", username)`) until their users exist.
    Orders behind a review (`reviewed`: (customer, product) pairs) stay their customer's."""
    hashed = cache(signal_hash)  # customers repeat: each value is hashed once (the load stays quick)
    assessments = [
        _genuine(index, order, customers[order.customer], user_ids[order.customer], leaves, hashed, rng)
        for index, order in enumerate(orders)
    ]
    for assessment, order in zip(assessments, orders, strict=True):
        assessment.account_created_at = min(joined[order.customer], order.created_at)
    _history_values(assessments)
    plan = RiskPlan(assessments, [], {}, [], [], {})
    free = [
        index
        for index, order in enumerate(orders)
        if not any((order.customer, line.product) in reviewed for line in order.lines)
    ]
    position = rng.randrange(50, 200)
    while position < len(free) - RING_SIZES[1]:
        size = rng.randint(*RING_SIZES)
        _ring(plan, orders, free[position : position + size], len(plan.accounts), hashed, rng)
        position += size + int(rng.expovariate(fraud_share * len(orders) / len(free) / (sum(RING_SIZES) / 2)))
    for assessment in plan.assessments:
        _rules(assessment)
        _outcome(plan, assessment, now, rng)
    return plan


def _genuine(index: int, order: OrderPlan, customer: CustomerPlan, user_id: int, leaves: list[str], hashed, rng):
    email = customer.email.lower()
    local, _at, domain = email.partition("@")
    resale = sum((line.line_total for line in order.lines if leaves[line.product] in HIGH_RESALE_LEAVES), Decimal(0))
    # Most customers shop from one or two devices and a home network; some households share a tablet.
    household = order.customer - order.customer % 2 if order.customer % 12 < 2 else order.customer
    device = f"{household}:{rng.random() < 0.15}"
    return AssessmentPlan(
        order=index,
        created_at=order.created_at,
        account_created_at=order.created_at,
        customer_key=hashed("user", str(user_id)),
        device_hash=hashed("device", f"demo-{device}"),
        ip_hash=hashed("ip", f"demo-{order.customer if rng.random() < 0.8 else rng.randrange(10**6)}"),
        card_fingerprint=hashed("card", f"demo-{order.customer}"),
        address_hash=hashed("address", f"demo-{order.customer}"),
        email_domain=domain,
        amount=order.total,
        values={
            "amount": float(order.total),
            "guest": 0.0,
            "billing_differs": float(rng.random() < 0.08),
            "billing_country_differs": float(rng.random() < 0.02),
            "email_digits": float(sum(char.isdigit() for char in local)),
            "email_free_domain": float(domain in FREE_MAIL_DOMAINS),
            "failed_payments_1h": float(rng.random() < 0.03),
            "high_resale_share": float(resale / order.subtotal) if order.subtotal else 0.0,
            "items": float(sum(line.quantity for line in order.lines)),
        },
    )


def _history_values(assessments: list[AssessmentPlan]) -> None:
    """Earlier orders, usual value and e-mail domain counts, as checkout sees them (orders in time order)."""
    seen: dict[str, list[float]] = {}
    domains: dict[str, int] = {}
    for assessment in assessments:
        earlier = seen.setdefault(assessment.customer_key, [])
        assessment.values["previous_orders"] = float(len(earlier))
        usual = sum(earlier) / len(earlier) if earlier else None
        assessment.values["amount_vs_usual"] = assessment.values["amount"] / usual if usual else None
        assessment.values["email_domain_orders"] = float(domains.get(assessment.email_domain, 0))
        earlier.append(assessment.values["amount"])
        domains[assessment.email_domain] = domains.get(assessment.email_domain, 0) + 1


def _ring(plan: RiskPlan, orders: list[OrderPlan], members: list[int], first_account: int, hashed, rng) -> None:
    """One fraud ring: fresh accounts behind one device and one reshipping address."""
    ring = first_account
    device = hashed("device", f"demo-ring-{ring}")
    address = hashed("address", f"demo-ring-{ring}")
    ip = hashed("ip", f"demo-ring-{ring}")
    card_testing = rng.random() < 0.5
    for position, index in enumerate(members):
        order = orders[index]
        account = len(plan.accounts)
        # Half the rings use webmail, half the store's usual domains; half the addresses carry digits.
        domain = rng.choice(sorted(FREE_MAIL_DOMAINS)) if ring % 2 else plan.assessments[index].email_domain
        # Unique (a letter code per account), with digits half the time.
        local = f"{rng.choice(RING_NAMES)}.{_letters(account)}" + (
            str(rng.randrange(10, 9999)) if rng.random() < 0.5 else ""
        )
        joined = order.created_at - timedelta(minutes=rng.uniform(3, 60 * 24))
        plan.accounts.append(FraudAccount(f"ring{ring}-{position}", f"{local}@{domain}", joined))
        plan.account_orders[account] = [index]
        card = hashed("card", f"demo-ring-{ring}-{position}")
        customer_key = hashed("user", f"ring{ring}-{position}")
        failed = rng.randint(4, 12) if card_testing else int(rng.random() < 0.3)
        for attempt in range(failed):
            when = order.created_at - timedelta(minutes=rng.uniform(1, 50))
            plan.failed.append((when, customer_key, device, ip, hashed("card", f"demo-test-{ring}-{attempt}")))
        assessment = plan.assessments[index]
        assessment.account_created_at = joined
        own_device = rng.random() < 0.25  # not every member uses the ring's phone
        assessment.customer_key, assessment.ip_hash = customer_key, ip
        assessment.device_hash = hashed("device", f"demo-ring-{ring}-{position}") if own_device else device
        assessment.card_fingerprint, assessment.address_hash, assessment.email_domain = card, address, domain
        assessment.fraud, assessment.ring_size = True, len(members)
        assessment.values.update(
            previous_orders=0.0,
            amount_vs_usual=None,
            billing_differs=float(rng.random() < 0.7),
            billing_country_differs=float(rng.random() < 0.4),
            email_digits=float(sum(char.isdigit() for char in local)),
            email_free_domain=float(domain in FREE_MAIL_DOMAINS),
            failed_payments_1h=float(failed),
        )


def _letters(number: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "ba": a short code of letters only."""
    code = ""
    while True:
        number, digit = divmod(number, 26)
        code = "abcdefghijklmnopqrstuvwxyz"[digit] + code
        if not number:
            return code


def _rules(assessment: AssessmentPlan) -> None:
    age = assessment.created_at - assessment.account_created_at
    if assessment.values["failed_payments_1h"] > CARD_TESTING_LIMIT:
        assessment.rule_hits.append({"name": CARD_TESTING_RULE, "action": "decline"})
    if age < timedelta(days=NEW_ACCOUNT_DAYS) and assessment.amount > NEW_ACCOUNT_AMOUNT:
        assessment.rule_hits.append({"name": NEW_ACCOUNT_RULE, "action": "review"})


def _outcome(plan: RiskPlan, assessment: AssessmentPlan, now: datetime, rng) -> None:
    age = now - assessment.created_at
    actions = {hit["action"] for hit in assessment.rule_hits}
    assessment.decision = "decline" if "decline" in actions else "review" if "review" in actions else "approve"
    if assessment.fraud and age < timedelta(days=HOLD_DAYS):
        assessment.decision = "review"
        plan.statuses[assessment.order] = "on_hold"
        account_age = (assessment.created_at - assessment.account_created_at).total_seconds()
        assessment.reasons = [f"Rule '{hit['name']}'" for hit in assessment.rule_hits] + [
            reason_words("device__accounts", assessment.ring_size),
            reason_words("address__accounts", assessment.ring_size),
            reason_words("account_age_seconds", account_age),
        ]
        if assessment.values["failed_payments_1h"]:
            assessment.reasons.append(reason_words("failed_payments_1h", assessment.values["failed_payments_1h"]))
    elif assessment.fraud and age >= timedelta(days=SETTLED_DAYS):
        declined = assessment.decision != "approve" or rng.random() < 0.3
        source = "staff_declined" if declined else "chargeback"
        if declined:
            plan.statuses[assessment.order] = "cancelled"
            assessment.decision = "review"
        plan.labels.append((assessment.order, True, source, assessment.created_at + timedelta(days=rng.uniform(1, 25))))
    elif not assessment.fraud and assessment.decision != "approve" and age < timedelta(days=HOLD_DAYS):
        plan.statuses[assessment.order] = "on_hold"  # held by a rule, not fraud: staff will clear it
        assessment.reasons = [f"Rule '{hit['name']}'" for hit in assessment.rule_hits]
    elif not assessment.fraud and assessment.decision != "approve":
        assessment.decision = "review"  # held by a rule, cleared by staff
        plan.labels.append((assessment.order, False, "staff_approved", assessment.created_at + timedelta(hours=5)))
    elif not assessment.fraud and rng.random() < STAFF_APPROVED_SHARE:
        plan.labels.append((assessment.order, False, "staff_approved", assessment.created_at + timedelta(hours=5)))


def risk_plan_write(*, plan: RiskPlan, orders: list[OrderPlan], order_ids: list[int], category_ids: dict, copy) -> None:
    """Write the plan: fraud accounts (their orders move to them), statuses, assessments, labels,
    failed attempts, authorisations of the held orders, the demo's rules and settings. `copy` is the
    loader's COPY writer."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=account.username,
            email=account.email,
            password=make_password(None),
            date_joined=account.date_joined,
        )
        for account in plan.accounts
    )
    keys = {
        signal_hash("user", account.username): signal_hash("user", str(user.pk))
        for account, user in zip(plan.accounts, users, strict=True)
    }
    order_user = {index: user.pk for account, user in enumerate(users) for index in plan.account_orders[account]}
    emails = {user.pk: user.email for user in users}
    changed = [
        Order(
            pk=order_ids[index],
            user_id=order_user.get(index),
            email=emails.get(order_user.get(index), ""),
            status=plan.statuses.get(index, ""),
        )
        for index in sorted(order_user.keys() | plan.statuses.keys())
    ]
    Order.objects.bulk_update([o for o in changed if o.user_id], ["user_id", "email"], batch_size=1000)
    Order.objects.bulk_update([o for o in changed if o.status], ["status"], batch_size=1000)
    rules = {
        CARD_TESTING_RULE: RiskRule.objects.create(
            name=CARD_TESTING_RULE, kind="velocity", action="decline", entity="device", counted="failed_payments",
            window=3600, limit=CARD_TESTING_LIMIT,
        ),
        NEW_ACCOUNT_RULE: RiskRule.objects.create(
            name=NEW_ACCOUNT_RULE, kind="new_account_amount", action="review", amount=NEW_ACCOUNT_AMOUNT,
            new_account_days=NEW_ACCOUNT_DAYS,
        ),
    }  # fmt: skip
    for name, rule in rules.items():
        rule.hit_count = sum(1 for a in plan.assessments for hit in a.rule_hits if hit["name"] == name)
        rule.save(update_fields=["hit_count"])
    settings_row = RiskSettings.objects.create()
    settings_row.high_resale_categories.set([category_ids[slug] for slug in HIGH_RESALE_LEAVES if slug in category_ids])
    copy(
        RiskAssessment,
        ("order_id", "created_at", "decision", "reasons", "rule_hits", "model_label", "rules_only", "user_id",
         "account_created_at", "customer_key", "device_hash", "ip_hash", "card_fingerprint", "address_hash",
         "email_domain", "amount", "signals"),
        (
            (order_ids[a.order], a.created_at, a.decision, json.dumps(a.reasons),
             json.dumps([{"rule": rules[hit["name"]].pk, **hit} for hit in a.rule_hits]), "rules only", True,
             order_user.get(a.order), a.account_created_at, keys.get(a.customer_key, a.customer_key), a.device_hash,
             a.ip_hash, a.card_fingerprint, a.address_hash, a.email_domain, a.amount, json.dumps(a.values))
            for a in plan.assessments
        ),
        total=len(plan.assessments),
        name="risk assessments",
    )  # fmt: skip
    assessment_ids = dict(RiskAssessment.objects.values_list("order_id", "pk"))
    RiskLabel.objects.bulk_create(
        RiskLabel(assessment_id=assessment_ids[order_ids[index]], is_fraud=is_fraud, source=source, created_at=when)
        for index, is_fraud, source, when in plan.labels
    )
    FailedPaymentAttempt.objects.bulk_create(
        FailedPaymentAttempt(
            created_at=when, customer_key=keys.get(key, key), device_hash=device, ip_hash=ip, card_fingerprint=card
        )
        for when, key, device, ip, card in plan.failed
    )
    Payment.objects.bulk_create(
        Payment(
            order_id=order_ids[index],
            gateway=gateway_get().code,
            reference=f"demo_auth_{order_ids[index]}",
            amount=orders[index].total,
            status=Payment.Status.AUTHORIZED,
            card_brand="visa",
            card_last4="4242",
            card_fingerprint=plan.assessments[index].card_fingerprint,
        )
        for index, status in plan.statuses.items()
        if status == "on_hold"
    )
