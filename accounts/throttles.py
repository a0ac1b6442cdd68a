"""Rate limits on password guessing, and the client address that they and the lockout count by."""

from typing import cast

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost of them saw (DRF's rule, so the throttles and django-axes agree on who is who)."""
    return BaseThrottle().get_ident(cast(Request, request))  # get_ident reads only request.META


class LoginRateThrottle(SimpleRateThrottle):
    """LOGIN_RATE log-in attempts per client address, over the token endpoint and the login pages together."""

    scope = "login"

    def get_rate(self) -> str:
        return settings.LOGIN_RATE  # read per request, so a changed setting applies at once

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class PasswordChangeRateThrottle(SimpleRateThrottle):
    """PASSWORD_CHANGE_RATE attempts per user: a password change checks the old password."""

    scope = "password_change"

    def get_rate(self) -> str:
        return settings.PASSWORD_CHANGE_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
