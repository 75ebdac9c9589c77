"""The API schema generator (drf-spectacular), with the conventions every endpoint shares."""

from drf_spectacular.openapi import AutoSchema

from core.api import NOT_AUTHENTICATED_RESPONSE


class StorefrontAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the 401 that every authenticating view can answer.

    Any request may carry a wrong or expired token, and the view then answers 401 before its own
    logic runs, even where anonymous access is allowed; documenting that per operation by hand
    would be repeated on every endpoint, so it is added here where the view does not document it.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.view.get_authenticators() and "401" not in responses:
            responses["401"] = self._get_response_for_code(NOT_AUTHENTICATED_RESPONSE, "401", direction=direction)
        return responses
