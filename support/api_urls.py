"""Support API routes, mounted under /api/v1/."""

from django.urls import path

from support import api

urlpatterns = [
    path("support/messages/", api.MessageView.as_view(), name="support-messages"),
    path("support/messages/<int:message_id>/feedback/", api.FeedbackView.as_view(), name="support-feedback"),
    path("support/conversations/<uuid:public_id>/", api.ConversationView.as_view(), name="support-conversation"),
    path("support/tickets/", api.TicketListView.as_view(), name="support-tickets"),
    path("support/tickets/<int:ticket_id>/", api.TicketDetailView.as_view(), name="support-ticket"),
    path("support/tickets/<int:ticket_id>/replies/", api.TicketReplyView.as_view(), name="support-ticket-reply"),
]
