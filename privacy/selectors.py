"""Reads of the privacy app: the retention policy in force, consent, exports, and who may see what."""

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, QuerySet, Subquery

from privacy.masking import mask
from privacy.models import ConsentEvent, ExportJob, RetentionPolicy
from privacy.registry import Category, fields_all

MARKETING = "marketing_email"

# The permission that lets a staff member see a category of personal data unmasked.
VISIBLE_WITH = {Category.CONTACT: "privacy.view_contact", Category.ADDRESS: "privacy.view_address"}


def retention_policy() -> RetentionPolicy:
    """The store's retention policy (an unsaved one with every period from settings if none was saved)."""
    return RetentionPolicy.objects.filter(pk=1).first() or RetentionPolicy(pk=1)


def personal_data_visible(*, user, category: str) -> bool:
    """Whether this staff member sees `category` (contact, address, network) unmasked everywhere.
    Categories without a permission (free text, behaviour) are shown to whoever may see the row."""
    if category == Category.NETWORK:
        return user.is_superuser
    permission = VISIBLE_WITH.get(category)
    return permission is None or user.has_perm(permission)


def personal_data_masked(*, data: dict, model: str, user, unmasked_with: dict[str, str] | None = None) -> dict:
    """`data` (a serialized row of `model`, e.g. "orders.Order") with the registered contact, address and
    network values that this staff member may not see masked, for the staff API; `user` (the customer,
    shown by their e-mail) counts as contact. `unmasked_with` names a permission that shows a field anyway."""
    categories = {item.field: item.category for item in fields_all() if item.model == model}
    categories["user"] = Category.CONTACT
    masked = dict(data)
    for name, category in categories.items():
        if name not in data or category not in Category.IDENTIFYING or data[name] in (None, "", {}):
            continue
        permission = (unmasked_with or {}).get(name)
        if personal_data_visible(user=user, category=category) or (permission and user.has_perm(permission)):
            continue
        value = data[name]
        masked[name] = (
            {key: mask(v) if key not in ("country", "country_name") else v for key, v in value.items()}
            if isinstance(value, dict)
            else mask(value, field_name=name if name != "user" else "email")
        )
    return masked


def marketing_consent(*, user) -> bool:
    """The customer's current choice: their latest consent event, or no consent when they never chose."""
    latest = ConsentEvent.objects.filter(user=user, purpose=MARKETING).order_by("-at", "-id").first()
    return bool(latest and latest.given)


def consent_history(*, user) -> QuerySet[ConsentEvent]:
    return ConsentEvent.objects.filter(user=user).order_by("-at", "-id")


def customers_with_marketing_consent() -> QuerySet:
    """Active customers whose latest marketing consent event says yes: the only ones campaign e-mails go to."""
    latest = ConsentEvent.objects.filter(user=OuterRef("pk"), purpose=MARKETING).order_by("-at", "-id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(marketing_consent=Subquery(latest.values("given")[:1]))
        .filter(marketing_consent=True)
    )


def export_jobs_of(*, user) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(user=user).order_by("-created_at", "-id")


def export_job_visible(*, public_id, user) -> ExportJob | None:
    """The job if `user` may see it: its owner, or staff allowed to export customers' data."""
    jobs = ExportJob.objects.filter(public_id=public_id)
    if not user.has_perm("privacy.export_personal_data"):
        jobs = jobs.filter(user=user)
    return jobs.first()
