"""Workers of the privacy app: building data exports and the nightly retention run."""

import logging

from celery import shared_task

from privacy import services

logger = logging.getLogger(__name__)


@shared_task(name="privacy.tasks.export_job_build", acks_late=True, time_limit=30 * 60)
def export_job_build(job_id: int) -> str:
    try:
        return services.export_job_build(job_id=job_id).status
    except Exception as exc:
        services.export_job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="privacy.tasks.retention_apply")
def retention_apply() -> dict[str, int]:
    counts = services.retention_apply()
    logger.info("retention applied: %s", counts)
    return counts
