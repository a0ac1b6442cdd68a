"""SMS: a small backend interface chosen by SMS_BACKEND, a console default and Twilio.

A backend sends one text and returns the provider's message id, or raises SendFailed
(`permanent` when retrying cannot help).
"""

import logging
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from . import messages
from .errors import SendFailed
from .models import Delivery

logger = logging.getLogger("delivery.sms")


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, key: str) -> str:
        """Send `body` to the E.164 number `to`; return the provider's id. `key` names the delivery."""
        ...


class ConsoleSmsBackend:
    """Writes each SMS to the log (the default: the demo and development send nothing)."""

    def send(self, *, to: str, body: str, key: str) -> str:
        logger.info("SMS %s to %s: %s", key, to, body)
        return f"console-{key}"


class TwilioSmsBackend:
    """Twilio's Messages API through its official client; credentials from the environment."""

    def __init__(self) -> None:
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=settings.SMS_TIMEOUT_SECONDS),
        )
        if settings.TWILIO_API_BASE_URL:  # a regional endpoint, a proxy, or the tests' local server
            self.client.api.base_url = settings.TWILIO_API_BASE_URL

    def send(self, *, to: str, body: str, key: str) -> str:
        sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        try:
            message = self.client.messages.create(to=to, body=body, **sender)
        except TwilioRestException as error:
            # 429 (rate limit) and 5xx pass; any other 4xx (bad number, unsubscribed…) will not.
            temporary = error.status == 429 or error.status >= 500
            message = f"Twilio {error.status} (code {error.code}): {error.msg}"
            raise SendFailed(message, permanent=not temporary) from error
        except (TwilioException, OSError) as error:  # connection refused, timeout, bad response
            raise SendFailed(f"Twilio unreachable: {error}", permanent=False) from error
        return str(message.sid)


class SmsChannel:
    def __init__(self) -> None:
        self.backend: SmsBackend = import_string(settings.SMS_BACKEND)()

    def send(self, delivery: Delivery, *, now: datetime) -> str:
        assert delivery.notification is not None
        body = messages.sms_text(delivery.notification, now=now)
        return self.backend.send(to=delivery.address, body=body, key=f"delivery-{delivery.pk}")

    def close(self) -> None:
        pass
