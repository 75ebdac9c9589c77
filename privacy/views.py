"""The customer's privacy page: marketing consent, and downloads of all their data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.errors import ApplicationError
from privacy import selectors, services
from privacy.models import ConsentEvent


@login_required
@require_safe
def data(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "marketing_consent": selectors.marketing_consent(user=user),
        "consent_history": selectors.consent_history(user=user)[:10],
        "exports": selectors.export_jobs_of(user=user)[:5],
    }
    return render(request, "privacy/data.html", context)


@login_required
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    given = request.POST.get("marketing_email") == "on"
    services.marketing_consent_set(user=request.user, given=given, source=ConsentEvent.Source.ACCOUNT_PAGE)
    messages.success(request, "You will get our offers by e-mail." if given else "You will get no marketing e-mails.")
    return redirect("privacy:data")


@login_required
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    services.export_job_create(user=request.user, requested_by=request.user)
    messages.success(request, "We are preparing your data. Refresh this page in a minute to download it.")
    return redirect("privacy:data")


@login_required
@require_safe
def export_download(request: HttpRequest, public_id) -> HttpResponse:
    job = selectors.export_job_visible(public_id=public_id, user=request.user)
    try:
        if job is None:
            raise Http404("No such export.")
        handle = services.export_file_open(job=job, user=request.user)
    except ApplicationError as error:
        raise Http404(error.message) from error
    return FileResponse(handle, as_attachment=True, filename=f"my-data-{job.created_at:%Y-%m-%d}.zip")
