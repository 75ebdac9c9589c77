"""Shapes of the privacy API: data export jobs and marketing consent."""

from django.urls import reverse
from rest_framework import serializers

from privacy.models import ConsentEvent, ExportJob


class ExportJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    download_url = serializers.SerializerMethodField(help_text="Set once the export is ready, until it expires.")

    class Meta:
        model = ExportJob
        fields = ["id", "status", "created_at", "finished_at", "expires_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.READY:
            return None
        return reverse("privacy-export-download", kwargs={"public_id": job.public_id})


class ConsentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentEvent
        fields = ["purpose", "given", "source", "at"]


class ConsentSerializer(serializers.Serializer):
    marketing_email = serializers.BooleanField(help_text="Whether you want marketing e-mails.")
    history = ConsentEventSerializer(many=True, read_only=True)
