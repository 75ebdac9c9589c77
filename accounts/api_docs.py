"""OpenAPI documentation of the accounts API: summaries, descriptions, parameters, responses and
examples, as decorators that `accounts.api` puts on its views (`@api_docs.<view>_<method>`).
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from accounts.lockout import LOCKOUT_CODE, lockout_message
from accounts.serializers import (
    AccountDeleteSerializer,
    AddressSerializer,
    LoginSerializer,
    ProfileUpdateSerializer,
    RegisterSerializer,
    TokenResponseSerializer,
    UserSerializer,
)
from core.api import INVALID_PAGE_EXAMPLE, THROTTLED_RESPONSE, error_example, error_response

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

# --- RegisterView -----------------------------------------------------------------------------------

register_post = extend_schema(
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

# --- LoginView --------------------------------------------------------------------------------------

login_post = extend_schema(
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

# --- LogoutView -------------------------------------------------------------------------------------

logout_post = extend_schema(
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

# --- MeView -----------------------------------------------------------------------------------------

me_get = extend_schema(
    summary="Get your profile",
    responses={200: UserSerializer, 401: UNAUTHENTICATED_RESPONSE, 429: THROTTLED_RESPONSE},
    examples=[OpenApiExample("Profile", response_only=True, value=_USER)],
)

me_patch = extend_schema(
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

me_delete = extend_schema(
    summary="Delete your account",
    description=(
        "Closes the account for good: your personal data is erased in every part of the store (addresses, "
        "cart, wishlist, chats and tickets; your events are kept under an anonymous id; your reviews stay "
        'under "Former customer"); orders are kept for the accounts with only their country. Your token '
        "stops working. Download your data first if you want it (`POST /api/v1/privacy/exports/`)."
    ),
    request=AccountDeleteSerializer,
    responses={
        204: OpenApiResponse(description="Deleted."),
        400: error_response(
            "Wrong password, or a staff account (closed in the back office).",
            error_example(
                "Wrong password", code="invalid", message=_INVALID, details={"password": ["That is not your password."]}
            ),
        ),
        401: UNAUTHENTICATED_RESPONSE,
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Password", request_only=True, value={"password": "harbour-lantern-42"})],
)

# --- AddressViewSet ---------------------------------------------------------------------------------

address_list = extend_schema(
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
    examples=[OpenApiExample("Address", description="One address of the page.", response_only=True, value=_ADDRESS)],
)

address_create = extend_schema(
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

address_retrieve = extend_schema(
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

address_update = extend_schema(
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

address_partial_update = extend_schema(
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

address_destroy = extend_schema(
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
