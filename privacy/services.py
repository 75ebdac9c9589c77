"""Writes of the privacy app: the access audit, data exports, complete erasure, retention, consent,
pseudonyms and the staff roles.

Every app's personal data is reached through privacy.registry (each app's `personal_data` module):
this module runs those hooks, in one transaction per request, and records who did it and why.
"""

import csv
import fnmatch
import hashlib
import hmac
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from core.task_queue import task_send
from privacy import registry
from privacy.models import AccessLog, ConsentEvent, ExportJob
from privacy.selectors import MARKETING, marketing_consent, retention_policy

# --- Pseudonyms ----------------------------------------------------------------------------------


def pseudonym(value, *, kind: str = "user") -> str:
    """A stable pseudonymous id for `value` (a user id, a session key): an HMAC-SHA256 keyed with
    PRIVACY_PSEUDONYM_KEY, so the same person gets the same id in every export and training run,
    and nobody without the key can recompute or reverse it. 32 hex characters."""
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.PRIVACY_PSEUDONYM_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def training_data_export(*, kind: str, out: Path) -> dict[str, int]:
    """Write the training data of `kind` (from the app's TRAINING_DATA) as CSV files under `out`,
    people's ids replaced by `pseudonym`. Returns rows per file."""
    sources = registry.training_data_sources()
    if kind not in sources:
        raise ApplicationError(f"Unknown kind {kind!r}; choose one of {', '.join(sorted(sources))}.", code="invalid")
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in sources[kind](pseudonym=pseudonym).items():
        with (out / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [])
            writer.writeheader()
            writer.writerows(rows)
        counts[name] = len(rows)
    return counts


# --- Access audit --------------------------------------------------------------------------------


def access_log_record(*, actor, action: str, subject_id: int | None, target: str, reason: str) -> AccessLog:
    """Record that `actor` (a user, or None for the system) revealed, exported or erased someone's data."""
    if not reason.strip():
        raise ApplicationError("Say why you need this data.", code="invalid", details={"reason": ["Required."]})
    return AccessLog.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "system",
        action=action,
        subject_id=subject_id,
        target=target[:200],
        reason=reason.strip()[:300],
    )


# --- Export (right of access and portability) ------------------------------------------------


def export_job_create(*, user, requested_by, reason: str = "The customer asked for their data") -> ExportJob:
    """Queue a build of the person's data export (privacy.tasks.export_job_build, after commit). While
    one is being built (queued in the last hour: an older one's task was lost), asking again returns it."""
    if requested_by != user and not requested_by.has_perm("privacy.export_personal_data"):
        raise PermissionDeniedError("You may not export this customer's data.", code="permission_denied")
    recent = timezone.now() - timedelta(hours=1)
    pending = ExportJob.objects.filter(user=user, status=ExportJob.Status.PENDING, created_at__gte=recent).first()
    if pending is not None:
        return pending
    with transaction.atomic():
        job = ExportJob.objects.create(user=user, requested_by=requested_by)
        access_log_record(
            actor=requested_by,
            action=AccessLog.Action.EXPORT,
            subject_id=user.pk,
            target=f"export {job.public_id}",
            reason=reason,
        )
        transaction.on_commit(lambda: task_send("privacy.tasks.export_job_build", args=[job.pk]))
    return job


def export_job_build(*, job_id: int) -> ExportJob:
    """Write the zip (one JSON file per area, from every app's exporter) and mark the job ready.
    Idempotent: a job that is no longer pending is returned as it is."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ExportJob.Status.PENDING:
        return job
    areas: dict[str, object] = {}
    for _label, export in registry.exporters():
        areas.update(export(user=job.user))
    root = Path(settings.PRIVACY_EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{job.public_id}.zip"
    temporary = root / f".{name}.part"
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for area, data in sorted(areas.items()):
            archive.writestr(f"{area}.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
    temporary.rename(root / name)
    now = timezone.now()
    job.status, job.file_name, job.finished_at = ExportJob.Status.READY, name, now
    job.expires_at = now + timedelta(hours=settings.PRIVACY_EXPORT_HOURS)
    job.save(update_fields=["status", "file_name", "finished_at", "expires_at"])
    return job


def export_job_fail(*, job_id: int, error: str) -> None:
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.FAILED, error=error[:300], finished_at=timezone.now()
    )


def export_file_open(*, job: ExportJob, user):
    """The export's zip, opened for reading, for its owner or staff allowed to export (a staff download
    is audited). Raises ApplicationError when it is not ready or has expired."""
    if job.user_id != user.pk and not user.has_perm("privacy.export_personal_data"):
        raise NotFoundError("No such export.", code="export_not_found")
    if job.status != ExportJob.Status.READY or (job.expires_at and job.expires_at <= timezone.now()):
        raise NotFoundError(
            "This export is not available: still building, failed or expired.", code="export_unavailable"
        )
    if job.user_id != user.pk:
        access_log_record(
            actor=user,
            action=AccessLog.Action.DOWNLOAD,
            subject_id=job.user_id,
            target=f"export {job.public_id}",
            reason="Sending a customer their data export",
        )
    return (Path(settings.PRIVACY_EXPORT_ROOT) / job.file_name).open("rb")


def _exports_expire(*, now: datetime) -> int:
    expired = ExportJob.objects.filter(status=ExportJob.Status.READY, expires_at__lte=now)
    for job in expired:
        (Path(settings.PRIVACY_EXPORT_ROOT) / job.file_name).unlink(missing_ok=True)
    return expired.update(status=ExportJob.Status.EXPIRED, file_name="")


# --- Erasure -------------------------------------------------------------------------------------


def person_erase(*, user, actor, reason: str) -> dict[str, int]:
    """Erase or anonymise every registered personal field of this person in every app (each app's
    `erase` hook), record it in the access audit and return counts per app and item. The caller
    (accounts.services.user_delete) anonymises the account itself afterwards, in the same transaction."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for label, erase in registry.erasers():
            for item, count in erase(user=user, pseudonym=pseudonym).items():
                counts[f"{label}.{item}"] = count
        access_log_record(
            actor=actor, action=AccessLog.Action.ERASURE, subject_id=user.pk, target=f"account {user.pk}", reason=reason
        )
    return counts


# --- Retention -----------------------------------------------------------------------------------


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Apply the retention periods in force (every app's `retain` hook, then the audit and expired
    exports) and return the counts per app and item: the nightly privacy.tasks.retention_apply."""
    now = now or timezone.now()
    policy = retention_policy()
    counts: dict[str, int] = {}
    for label, retain in registry.retainers():
        for item, count in retain(policy=policy, now=now, pseudonym=pseudonym).items():
            counts[f"{label}.{item}"] = count
    cutoff = now - timedelta(days=policy.days("audit"))
    counts["privacy.audit_entries_deleted"] = AccessLog.objects.filter(at__lt=cutoff).delete()[0]
    counts["privacy.exports_expired"] = _exports_expire(now=now)
    return counts


# --- Consent -------------------------------------------------------------------------------------


def marketing_consent_set(*, user, given: bool, source: str) -> ConsentEvent | None:
    """Record a change of the customer's marketing consent (nothing when it does not change)."""
    if source not in ConsentEvent.Source.values:
        raise ApplicationError("Unknown consent source.", code="invalid", details={"source": ["Unknown."]})
    if marketing_consent(user=user) == given and ConsentEvent.objects.filter(user=user, purpose=MARKETING).exists():
        return None
    return ConsentEvent.objects.create(user=user, purpose=MARKETING, given=given, source=source)


# --- Staff roles ---------------------------------------------------------------------------------

# Each role's permissions as "app_label.codename" patterns (fnmatch). Contact and address data are
# masked for every role without privacy.view_contact / view_address (privacy.selectors.VISIBLE_WITH).
ROLES: dict[str, list[str]] = {
    "Support agent": [
        "support.view_*",
        "support.change_ticket",
        "support.add_ticketreply",
        "support.change_returnrequest",
        "orders.view_order",
        "orders.view_orderline",
        "shop.view_product",
        "privacy.reveal_contact",
    ],
    "Fulfilment": [
        "orders.view_*",
        "orders.change_order",
        "shop.view_product",
        "shop.view_variant",
        "privacy.view_shipping_address",
    ],
    "Marketing": [
        "shop.view_*",
        "shop.change_review",
        "sentiment.view_*",
        "recommendations.view_*",
        "pricing.view_*",
        "privacy.view_consentevent",
    ],
    "Store manager": [
        "shop.*",
        "orders.*",
        "checkout.*",
        "support.*",
        "pricing.*",
        "recommendations.*",
        "sentiment.*",
        "accounts.view_address",
        "auth.view_user",
        "privacy.view_contact",
        "privacy.view_address",
        "privacy.view_shipping_address",
        "privacy.reveal_contact",
        "privacy.export_personal_data",
        "privacy.view_exportjob",
        "privacy.view_consentevent",
    ],
    "Administrator": ["*"],
}


def roles_ensure() -> None:
    """Create the staff roles as Django groups and set their permissions (after every migrate)."""
    permissions = [
        (f"{p.content_type.app_label}.{p.codename}", p) for p in Permission.objects.select_related("content_type")
    ]
    for name, patterns in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [p for label, p in permissions if any(fnmatch.fnmatchcase(label, pattern) for pattern in patterns)]
        )


def roles_ensure_after_migrate(sender, **kwargs) -> None:
    """post_migrate runs per app with models and each app's permissions are created in its own run,
    so the roles are set in the last such app's run, when every permission exists."""
    if sender is [config for config in apps.get_app_configs() if config.models_module][-1]:
        roles_ensure()
