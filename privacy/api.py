"""The privacy API for the signed-in customer: their data export and their marketing consent."""

from django.http import FileResponse
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFoundError
from privacy import api_docs, selectors, services
from privacy.models import ConsentEvent
from privacy.serializers import ConsentSerializer, ExportJobSerializer


class ExportCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @api_docs.export_create_post
    def post(self, request):
        job = services.export_job_create(user=request.user, requested_by=request.user)
        job.refresh_from_db()  # a worker in eager mode may have finished it already
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def _job(request, public_id):
    job = selectors.export_job_visible(public_id=public_id, user=request.user)
    if job is None:
        raise NotFoundError("No such export.", code="export_not_found")
    return job


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @api_docs.export_get
    def get(self, request, public_id):
        return Response(ExportJobSerializer(_job(request, public_id)).data)


class ExportDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @api_docs.export_download_get
    def get(self, request, public_id):
        job = _job(request, public_id)
        handle = services.export_file_open(job=job, user=request.user)
        return FileResponse(handle, as_attachment=True, filename=f"my-data-{job.created_at:%Y-%m-%d}.zip")


class ConsentView(APIView):
    permission_classes = [IsAuthenticated]

    def _body(self, user) -> dict:
        history = selectors.consent_history(user=user)
        return ConsentSerializer({"marketing_email": selectors.marketing_consent(user=user), "history": history}).data

    @api_docs.consent_get
    def get(self, request):
        return Response(self._body(request.user))

    @api_docs.consent_put
    def put(self, request):
        body = ConsentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.marketing_consent_set(
            user=request.user, given=body.validated_data["marketing_email"], source=ConsentEvent.Source.API
        )
        return Response(self._body(request.user))
