"""Request types for views that only a logged-in user reaches (login_required, IsAuthenticated)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request behind login_required: its user is a User, never anonymous."""

    user: User


class AuthenticatedRequest(Request):
    """An API request behind IsAuthenticated (the default permission): its user is a User."""

    user: User


def user_of(request: HttpRequest | Request) -> User:
    """The request's logged-in user, for views that only one reaches (403 if none, never expected)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Log in first.")
    return user
