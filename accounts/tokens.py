"""API tokens (django-rest-knox): issue one at log-in, list and revoke one's own."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from .models import User


def live_tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's tokens that still open the API, newest first."""
    return AuthToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user).order_by(
        "-created", "-token_key"
    )


@transaction.atomic
def issue_token(*, user: User) -> tuple[AuthToken, str]:
    """A new token for `user` (expiring after API_TOKEN_TTL_HOURS); returns it and its secret.

    The secret is shown once: only its SHA-512 digest is stored. The user's expired tokens are
    deleted, and beyond API_TOKENS_PER_USER live ones the oldest are revoked.
    """
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    token, secret = AuthToken.objects.create(user=user)
    surplus = list(live_tokens_of(user).values_list("digest", flat=True)[settings.API_TOKENS_PER_USER :])
    if surplus:
        AuthToken.objects.filter(digest__in=surplus).delete()
    return token, secret


def revoke_token(*, user: User, key: str) -> int:
    """Revoke the user's token whose key (its first characters) is `key`; returns how many (0: not theirs)."""
    if not key.isascii() or not key.isalnum():  # knox keys are letters and digits; a NUL byte never reaches SQL
        return 0
    deleted, _ = AuthToken.objects.filter(user=user, token_key=key).delete()
    return deleted


def revoke_all_tokens(*, user: User) -> int:
    """Revoke every token of the user; returns how many."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
