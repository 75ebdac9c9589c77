"""Personal data of the fraud check for privacy.registry.

Risk keeps no raw signal: device, IP, card, address and account are keyed one-way hashes (see
risk.models). Hashes still link a person's orders, so they are declared here and removed when the
account closes (`services.customer_signals_erase`); the decisions stay with the anonymised order.
"""

from risk.models import RiskAssessment
from risk.services import customer_signals_erase

FIELDS = [
    ("risk.RiskAssessment", "customer_key", "behaviour", "orders"),
    ("risk.RiskAssessment", "device_hash", "network", "orders"),
    ("risk.RiskAssessment", "ip_hash", "network", "orders"),
    ("risk.RiskAssessment", "card_fingerprint", "network", "orders"),
    ("risk.RiskAssessment", "address_hash", "address", "orders"),
    ("risk.RiskAssessment", "email_domain", "contact", "orders"),
    ("risk.FailedPaymentAttempt", "customer_key", "behaviour", "account"),
    ("risk.FailedPaymentAttempt", "device_hash", "network", "account"),
    ("risk.FailedPaymentAttempt", "ip_hash", "network", "account"),
    ("risk.FailedPaymentAttempt", "card_fingerprint", "network", "account"),
]


def export(*, user) -> dict:
    """The outcome of the fraud check of each of their orders (the hashes mean nothing outside)."""
    checks = RiskAssessment.objects.filter(user=user).order_by("created_at")
    return {"fraud_checks": list(checks.values("order__number", "created_at", "decision", "reasons"))}


def erase(*, user, pseudonym) -> dict[str, int]:
    return customer_signals_erase(user=user, pseudonym=pseudonym(user.pk))
