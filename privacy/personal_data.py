"""Privacy's own rows about a person for the registry: their consent history and data exports."""

from pathlib import Path

from django.conf import settings

from privacy.models import ConsentEvent, ExportJob


def export(*, user) -> dict:
    return {"consents": list(ConsentEvent.objects.filter(user=user).values("purpose", "given", "source", "at"))}


def erase(*, user, pseudonym) -> dict[str, int]:
    jobs = ExportJob.objects.filter(user=user)
    for name in jobs.exclude(file_name="").values_list("file_name", flat=True):
        (Path(settings.PRIVACY_EXPORT_ROOT) / name).unlink(missing_ok=True)
    return {"exports": jobs.delete()[0], "consents": ConsentEvent.objects.filter(user=user).delete()[0]}
