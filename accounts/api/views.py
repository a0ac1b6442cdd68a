"""Log in for an API token, log out, list and revoke one's own tokens, change one's password.

A token is sent as `Authorization: Token <token>`; it expires after API_TOKEN_TTL_HOURS and dies at
logout, on revocation, and when its user's password changes. Log-ins are rate-limited per client
address (LOGIN_RATE) and locked per username and address after LOGIN_FAILURE_LIMIT wrong passwords.
"""

from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ptw.api.serializers_errors import FIELD_ERRORS, ErrorSerializer

from ..lockout import lockout_seconds_left
from ..passwords import change_password
from ..requests import user_of
from ..throttles import LoginRateThrottle, PasswordChangeRateThrottle
from ..tokens import issue_token, live_tokens_of, revoke_all_tokens, revoke_token
from .serializers import (
    IssuedTokenSerializer,
    LoginSerializer,
    PasswordChangedSerializer,
    PasswordChangeSerializer,
    TokenSerializer,
)

TAGS = ["auth"]
TOO_MANY = OpenApiResponse(
    ErrorSerializer, description="Too many attempts: the `Retry-After` header says in how many seconds to try again."
)
NOT_LOGGED_IN = OpenApiResponse(ErrorSerializer, description="No valid token or session.")
TOKEN_KEY = OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description="One of my tokens' key.")


class TooManyAttempts(exceptions.Throttled):
    """429 with a Retry-After header (DRF's exception handler sets it from `wait`)."""

    extra_detail_singular = "Try again in {wait} second."
    extra_detail_plural = "Try again in {wait} seconds."


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Log in: exchange a username and password for an expiring API token",
        request=LoginSerializer,
        responses={200: IssuedTokenSerializer, 400: FIELD_ERRORS, 429: TOO_MANY},
        auth=[],
        tags=TAGS,
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        # The DRF request, not the Django one: django-axes marks it when it refuses a locked-out
        # login, and its middleware (which would answer with the web page) never sees the mark.
        user = authenticate(request, username=username, password=serializer.validated_data["password"])
        if getattr(request, "axes_locked_out", False):
            raise TooManyAttempts(
                lockout_seconds_left(request, {"username": username}),
                detail="Too many failed log-ins for this username from your address: it is locked.",
            )
        if user is None:
            raise exceptions.ValidationError({"non_field_errors": ["The username or password is wrong."]})
        user_logged_in.send(sender=user.__class__, request=request, user=user)  # last_login; clears failures
        token, secret = issue_token(user=user)
        return Response(IssuedTokenSerializer({"token": secret, "expiry": token.expiry}).data)

    def throttled(self, request, wait):
        raise TooManyAttempts(wait, detail="Too many log-in attempts from your address.")


def _log_out_session(request) -> None:
    """A session-authenticated call ends its session too (a token-authenticated one has none)."""
    if not isinstance(request.auth, AuthToken):
        logout(request._request)


class LogoutView(APIView):
    @extend_schema(
        summary="Log out: revoke the token of this request (or end this session)",
        request=None,
        responses={204: None, 401: NOT_LOGGED_IN},
        tags=TAGS,
    )
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            revoke_token(user=request.user, key=request.auth.token_key)
        _log_out_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    @extend_schema(
        summary="Log out everywhere: revoke all my tokens (and end this session)",
        request=None,
        responses={204: None, 401: NOT_LOGGED_IN},
        tags=TAGS,
    )
    def post(self, request):
        revoke_all_tokens(user=request.user)
        _log_out_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    summary="My API tokens that still work, newest first",
    responses={200: TokenSerializer(many=True), 401: NOT_LOGGED_IN},
    tags=TAGS,
)
class TokenListView(generics.ListAPIView):
    serializer_class = TokenSerializer

    def get_queryset(self):
        return live_tokens_of(user_of(self.request))


class TokenDetailView(APIView):
    @extend_schema(
        summary="Revoke one of my tokens",
        parameters=[TOKEN_KEY],
        responses={
            204: None,
            401: NOT_LOGGED_IN,
            404: OpenApiResponse(ErrorSerializer, description="No token of mine has this key."),
        },
        tags=TAGS,
    )
    def delete(self, request, key: str):
        if not revoke_token(user=request.user, key=key):
            raise exceptions.NotFound("You have no token with this key.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    throttle_classes = [PasswordChangeRateThrottle]

    @extend_schema(
        summary="Change my password: revokes all my API tokens and ends my other sessions",
        request=PasswordChangeSerializer,
        responses={200: PasswordChangedSerializer, 400: FIELD_ERRORS, 401: NOT_LOGGED_IN, 429: TOO_MANY},
        tags=TAGS,
    )
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        revoked = change_password(user=request.user, new_password=serializer.validated_data["new_password"])
        if not isinstance(request.auth, AuthToken):
            update_session_auth_hash(request._request, request.user)  # this session stays logged in
        detail = "Your password was changed. Your API tokens were revoked: log in again for a new one."
        return Response(PasswordChangedSerializer({"detail": detail, "revoked_tokens": revoked}).data)

    def throttled(self, request, wait):
        raise TooManyAttempts(wait, detail="Too many password changes.")
