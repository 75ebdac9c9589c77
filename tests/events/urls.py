"""A tiny page that records one view, so flush-after-response tests do not depend on shop pages."""

from django.http import HttpResponse
from django.urls import path

from events.models import Interaction
from events.services import interaction_record_from_request


def record_view(request, product_id: int) -> HttpResponse:
    interaction_record_from_request(request=request, kind=Interaction.Kind.VIEW, product=product_id)
    return HttpResponse("recorded")


urlpatterns = [path("record/<int:product_id>/", record_view)]
