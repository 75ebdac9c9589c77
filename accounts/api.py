"""Accounts API: register, log in and out with a token, the profile, and the address book.

Views parse the body with a serializer, call one service or selector and serialize the result.
Logging in counts failures like the website (django-axes): after AXES_FAILURE_LIMIT failures the
same username and client get a 429 `locked_out` for AXES_COOLOFF_TIME.
"""

from django.conf import settings
from django.contrib.auth import logout
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.lockout import LOCKOUT_CODE, lockout_message
from accounts.serializers import (
    AddressSerializer,
    LoginSerializer,
    ProfileUpdateSerializer,
    RegisterSerializer,
    TokenResponseSerializer,
    UserSerializer,
)
from core.api import INVALID_PAGE_EXAMPLE, THROTTLED_RESPONSE, StorefrontPagination, error_example, error_response

_USER = {
    "id": 17,
    "username": "ana@example.com",
    "email": "ana@example.com",
    "first_name": "Ana",
    "last_name": "Silva",
    "date_joined": "2026-05-01T09:30:00+01:00",
}
_TOKEN = {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "user": _USER}
_ADDRESS = {
    "id": 5,
    "full_name": "Ana Silva",
    "line1": "12 Harbour Street",
    "line2": "Flat 3",
    "city": "Bristol",
    "region": "",
    "postal_code": "BS1 4RN",
    "country": "GB",
    "phone": "+44 117 496 0000",
    "is_default_shipping": True,
    "is_default_billing": True,
    "created_at": "2026-05-01T09:30:00+01:00",
    "updated_at": "2026-05-01T09:30:00+01:00",
}
_INVALID = "The request has invalid fields."
UNAUTHENTICATED_RESPONSE = error_response(
    "No valid token or session.",
    error_example("Not signed in", code="not_authenticated", message="Authentication credentials were not provided."),
    error_example("Bad token", code="authentication_failed", message="Invalid token."),
)
ADDRESS_NOT_FOUND_RESPONSE = error_response(
    "No address of yours has that id (another customer's address is not found either).",
    error_example("Unknown address", code="address_not_found", message="No such address."),
)
ADDRESS_INVALID_RESPONSE = error_response(
    "Missing, too long or invalid fields, such as a postal code that does not fit the country.",
    error_example(
        "Bad address",
        code="invalid",
        message=_INVALID,
        details={
            "full_name": ["This field is required."],
            "country": ['"XX" is not a valid choice.'],
            "line1": ["Ensure this field has no more than 100 characters."],
        },
    ),
    error_example(
        "Postal code",
        code="invalid",
        message=_INVALID,
        details={"postal_code": ["Enter a valid postal code for this country."]},
    ),
)
ADDRESS_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The address's id.")


class RegisterView(APIView):
    authentication_classes = []  # a stale token header must not stop anyone from registering
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Register",
        description=(
            "Create a customer account and return its API token. The email is the login and must not be in use "
            "(compared case-insensitively); the password must pass the store's password rules. A guest cart of "
            "the session cookie sent along, if any, becomes the customer's."
        ),
        request=RegisterSerializer,
        responses={
            201: TokenResponseSerializer,
            400: error_response(
                "Invalid fields, an email already in use, or a weak password.",
                error_example(
                    "Email in use",
                    code="invalid",
                    message=_INVALID,
                    details={"email": ["An account with this email address already exists."]},
                ),
                error_example(
                    "Weak password",
                    code="invalid",
                    message=_INVALID,
                    details={
                        "password": [
                            "This password is too short. It must contain at least 10 characters.",
                            "This password is too common.",
                        ]
                    },
                ),
            ),
            429: THROTTLED_RESPONSE,
        },
        examples=[
            OpenApiExample(
                "New customer",
                request_only=True,
                value={"email": "ana@example.com", "password": "harbour-lantern-42", "first_name": "Ana"},
            ),
            OpenApiExample("Registered", response_only=True, status_codes=["201"], value=_TOKEN),
        ],
    )
    def post(self, request):
        body = RegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = services.user_register(**body.validated_data)
        token = services.user_token_login(request=request._request, user=user)
        return Response(
            TokenResponseSerializer({"token": token.key, "user": user}).data, status=status.HTTP_201_CREATED
        )


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Log in",
        description=(
            "Exchange an email (or username) and password for the account's API token; send it as "
            "`Authorization: Token <token>`. The token stays valid until `POST /api/v1/auth/logout/`. A guest "
            "cart of the session cookie sent along, if any, is merged into the customer's. After "
            f"{settings.AXES_FAILURE_LIMIT} failed attempts for one username from one client, further attempts "
            f"get a 429 `locked_out` for {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes."
        ),
        request=LoginSerializer,
        responses={
            200: TokenResponseSerializer,
            400: error_response(
                "Missing fields, or the credentials do not match an active account.",
                error_example(
                    "Wrong password",
                    code="invalid_credentials",
                    message="That email or username and password do not match.",
                ),
                error_example(
                    "Missing field", code="invalid", message=_INVALID, details={"password": ["This field is required."]}
                ),
            ),
            429: error_response(
                "Too many failed attempts (see `Retry-After`), or too many requests.",
                error_example("Locked out", code=LOCKOUT_CODE, message=lockout_message(), details={"retry_after": 900}),
                *THROTTLED_RESPONSE.examples,
            ),
        },
        examples=[
            OpenApiExample(
                "Credentials",
                request_only=True,
                value={"username": "ana@example.com", "password": "harbour-lantern-42"},
            ),
            OpenApiExample("Logged in", response_only=True, value=_TOKEN),
        ],
    )
    def post(self, request):
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: django-axes marks a lockout on it for its middleware.
        user = services.user_authenticate(request=request._request, **body.validated_data)
        token = services.user_token_login(request=request._request, user=user)
        return Response(TokenResponseSerializer({"token": token.key, "user": user}).data)


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Log out",
        description=(
            "Delete the account's API token, which logs out every client that uses it. Called with the "
            "session cookie instead, it also ends the session."
        ),
        request=None,
        responses={
            204: OpenApiResponse(description="Logged out."),
            401: UNAUTHENTICATED_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
    )
    def post(self, request):
        services.user_token_revoke(user=request.user)
        if request.auth is None:  # signed in with the session cookie
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Get your profile",
        responses={200: UserSerializer, 401: UNAUTHENTICATED_RESPONSE, 429: THROTTLED_RESPONSE},
        examples=[OpenApiExample("Profile", response_only=True, value=_USER)],
    )
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        summary="Change your name or email",
        description=(
            "Change any of `first_name`, `last_name` and `email`. The new email must not be in use by another "
            "account; when your username is your email, it changes with it."
        ),
        request=ProfileUpdateSerializer,
        responses={
            200: UserSerializer,
            400: error_response(
                "Invalid fields, or an email already in use.",
                error_example(
                    "Email in use",
                    code="invalid",
                    message=_INVALID,
                    details={"email": ["An account with this email address already exists."]},
                ),
                error_example(
                    "Bad email", code="invalid", message=_INVALID, details={"email": ["Enter a valid email address."]}
                ),
            ),
            401: UNAUTHENTICATED_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
        examples=[
            OpenApiExample("New email", request_only=True, value={"email": "ana.silva@example.com"}),
            OpenApiExample("Profile", response_only=True, value={**_USER, "email": "ana.silva@example.com"}),
        ],
    )
    def patch(self, request):
        body = ProfileUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        changes = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            **body.validated_data,
        }
        services.user_profile_update(user=user, **changes)
        return Response(UserSerializer(user).data)


class AddressViewSet(viewsets.ViewSet):
    """The signed-in customer's address book. Another customer's address id answers 404."""

    permission_classes = [IsAuthenticated]
    pagination_class = StorefrontPagination
    lookup_value_regex = r"\d{1,18}"  # beyond a bigint is no id, and must not reach the database

    def _address(self, request, pk):
        return selectors.address_get(user=request.user, address_id=int(pk))

    @extend_schema(
        summary="List your addresses",
        description="Default addresses first, then the newest.",
        responses={
            200: AddressSerializer(many=True),
            400: error_response("Invalid `page` or `page_size`.", INVALID_PAGE_EXAMPLE),
            401: UNAUTHENTICATED_RESPONSE,
            404: error_response(
                "A page past the end.", error_example("Page past the end", code="not_found", message="Invalid page.")
            ),
            429: THROTTLED_RESPONSE,
        },
        examples=[
            OpenApiExample("Address", description="One address of the page.", response_only=True, value=_ADDRESS)
        ],
    )
    def list(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.address_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(AddressSerializer(page, many=True).data)

    @extend_schema(
        summary="Add an address",
        description=(
            "`country` is an ISO 3166-1 alpha-2 code. The postal code is checked loosely against the country and "
            "stored upper-cased; it may be empty only where the country has no postal codes."
        ),
        request=AddressSerializer,
        responses={
            201: AddressSerializer,
            400: ADDRESS_INVALID_RESPONSE,
            401: UNAUTHENTICATED_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
        examples=[
            OpenApiExample(
                "New address",
                request_only=True,
                value={k: v for k, v in _ADDRESS.items() if k not in ("id", "created_at", "updated_at")},
            ),
            OpenApiExample("Created", response_only=True, status_codes=["201"], value=_ADDRESS),
        ],
    )
    def create(self, request):
        body = AddressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        address = services.address_create(user=request.user, **body.validated_data)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get an address",
        parameters=[ADDRESS_ID],
        responses={
            200: AddressSerializer,
            401: UNAUTHENTICATED_RESPONSE,
            404: ADDRESS_NOT_FOUND_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
        examples=[OpenApiExample("Address", response_only=True, value=_ADDRESS)],
    )
    def retrieve(self, request, pk):
        return Response(AddressSerializer(self._address(request, pk)).data)

    def _update(self, request, pk, *, partial: bool):
        address = self._address(request, pk)
        body = AddressSerializer(address, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        address = services.address_update(address=address, **body.validated_data)
        return Response(AddressSerializer(address).data)

    @extend_schema(
        summary="Replace an address",
        parameters=[ADDRESS_ID],
        request=AddressSerializer,
        responses={
            200: AddressSerializer,
            400: ADDRESS_INVALID_RESPONSE,
            401: UNAUTHENTICATED_RESPONSE,
            404: ADDRESS_NOT_FOUND_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
        examples=[OpenApiExample("Address", response_only=True, value=_ADDRESS)],
    )
    def update(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(
        summary="Change an address or make it a default",
        description=(
            'Send only the fields to change; `{"is_default_billing": true}` makes it the default billing address.'
        ),
        parameters=[ADDRESS_ID],
        request=AddressSerializer,
        responses={
            200: AddressSerializer,
            400: ADDRESS_INVALID_RESPONSE,
            401: UNAUTHENTICATED_RESPONSE,
            404: ADDRESS_NOT_FOUND_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
        examples=[
            OpenApiExample("Make default", request_only=True, value={"is_default_billing": True}),
            OpenApiExample("Address", response_only=True, value=_ADDRESS),
        ],
    )
    def partial_update(self, request, pk):
        return self._update(request, pk, partial=True)

    @extend_schema(
        summary="Delete an address",
        description="Orders already placed keep their own copy of the address.",
        parameters=[ADDRESS_ID],
        responses={
            204: OpenApiResponse(description="Deleted."),
            401: UNAUTHENTICATED_RESPONSE,
            404: ADDRESS_NOT_FOUND_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
    )
    def destroy(self, request, pk):
        services.address_delete(address=self._address(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
