"""Changing a password, which ends every other way in that the old one opened."""

from django.db import transaction

from .models import User
from .tokens import revoke_all_tokens


@transaction.atomic
def change_password(*, user: User, new_password: str | None) -> int:
    """Set the user's password (None: no usable password) and revoke all their API tokens.

    Their other sessions end too: a session is tied to the password hash it was opened with
    (the caller keeps its own alive with `update_session_auth_hash`). Returns the tokens revoked.
    """
    if new_password is None:
        user.set_unusable_password()
    else:
        user.set_password(new_password)
    user.save(update_fields=["password"])
    return revoke_all_tokens(user=user)
