"""Delivery failures, sorted into those worth retrying and those that are not."""

import smtplib


class SendFailed(Exception):
    """A channel could not deliver. `permanent`: retrying will not help (bad address, refused)."""

    def __init__(self, message: str, *, permanent: bool, connection_lost: bool = False):
        super().__init__(message)
        self.permanent = permanent
        # The channel's connection is gone: the rest of the batch waits for the retry.
        self.connection_lost = connection_lost


def from_smtp(error: Exception) -> SendFailed:
    """SMTP 5xx replies are permanent; 4xx, a refused or dropped connection and timeouts are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = "; ".join(f"{address}: {code} {reply!r}" for address, (code, reply) in error.recipients.items())
        return SendFailed(f"Recipient refused: {detail}", permanent=all(code >= 500 for code in codes))
    if isinstance(error, smtplib.SMTPResponseException):
        message = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        return SendFailed(message, permanent=error.smtp_code >= 500)
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
        return SendFailed(f"SMTP server unreachable: {error}", permanent=False, connection_lost=True)
    if isinstance(error, smtplib.SMTPException):
        return SendFailed(f"SMTP error: {error}", permanent=False, connection_lost=True)
    return SendFailed(f"{type(error).__name__}: {error}", permanent=True)
