"""API token authentication: django-rest-knox's, hardened, and described in the OpenAPI schema."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from rest_framework import exceptions


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <token>`: an expiring, revocable token stored as a SHA-512 digest."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:  # knox lets it through (a 500); DRF's own token auth says 401
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)


class TokenScheme(KnoxTokenScheme):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"
