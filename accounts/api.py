"""Accounts API: register, log in and out with a token, the profile, and the address book.

Views parse the body with a serializer, call one service or selector and serialize the result.
Logging in counts failures like the website (django-axes): after AXES_FAILURE_LIMIT failures the
same username and client get a 429 `locked_out` for AXES_COOLOFF_TIME.
"""

from django.contrib.auth import logout
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import api_docs, selectors, services
from accounts.serializers import (
    AccountDeleteSerializer,
    AddressSerializer,
    LoginSerializer,
    ProfileUpdateSerializer,
    RegisterSerializer,
    TokenResponseSerializer,
    UserSerializer,
)
from core.api import StorefrontPagination


class RegisterView(APIView):
    authentication_classes = []  # a stale token header must not stop anyone from registering
    permission_classes = [AllowAny]

    @api_docs.register_post
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

    @api_docs.login_post
    def post(self, request):
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: django-axes marks a lockout on it for its middleware.
        user = services.user_authenticate(request=request._request, **body.validated_data)
        token = services.user_token_login(request=request._request, user=user)
        return Response(TokenResponseSerializer({"token": token.key, "user": user}).data)


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @api_docs.logout_post
    def post(self, request):
        services.user_token_revoke(user=request.user)
        if request.auth is None:  # signed in with the session cookie
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @api_docs.me_get
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @api_docs.me_patch
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

    @api_docs.me_delete
    def delete(self, request):
        AccountDeleteSerializer(data=request.data, context={"user": request.user}).is_valid(raise_exception=True)
        services.user_delete(user=request.user)
        if request.auth is None:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressViewSet(viewsets.ViewSet):
    """The signed-in customer's address book. Another customer's address id answers 404."""

    permission_classes = [IsAuthenticated]
    pagination_class = StorefrontPagination
    lookup_value_regex = r"\d{1,18}"  # beyond a bigint is no id, and must not reach the database

    def _address(self, request, pk):
        return selectors.address_get(user=request.user, address_id=int(pk))

    @api_docs.address_list
    def list(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.address_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(AddressSerializer(page, many=True).data)

    @api_docs.address_create
    def create(self, request):
        body = AddressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        address = services.address_create(user=request.user, **body.validated_data)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)

    @api_docs.address_retrieve
    def retrieve(self, request, pk):
        return Response(AddressSerializer(self._address(request, pk)).data)

    def _update(self, request, pk, *, partial: bool):
        address = self._address(request, pk)
        body = AddressSerializer(address, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        address = services.address_update(address=address, **body.validated_data)
        return Response(AddressSerializer(address).data)

    @api_docs.address_update
    def update(self, request, pk):
        return self._update(request, pk, partial=False)

    @api_docs.address_partial_update
    def partial_update(self, request, pk):
        return self._update(request, pk, partial=True)

    @api_docs.address_destroy
    def destroy(self, request, pk):
        services.address_delete(address=self._address(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
