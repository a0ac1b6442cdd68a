"""E-mail through Django's e-mail framework (SMTP in production), one connection per batch."""

import contextlib
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from . import messages
from .errors import from_smtp
from .models import Delivery


class EmailChannel:
    """Sends a dispatcher's batch of e-mails over one connection, opened at the first message."""

    def __init__(self) -> None:
        self.connection = get_connection(fail_silently=False)
        self._open = False

    def send(self, delivery: Delivery, *, now: datetime) -> str:
        """Send one e-mail; return "" (its id is `delivery.message_id`). Raises SendFailed."""
        name = delivery.recipient.display_name
        if delivery.notification is None:  # an hourly digest: the notifications it gathered
            gathered = [row.notification for row in delivery.gathered.select_related("notification").order_by("pk")]
            message = messages.digest_message([n for n in gathered if n], recipient_name=name, now=now)
        else:
            message = messages.email_message(delivery.notification, recipient_name=name, now=now)
        return self.send_message(delivery, message)

    def send_message(self, delivery: Delivery, message: messages.Message) -> str:
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
            # Stable across retries: a receiver (or a deduplicating relay) may drop a second copy.
            headers={"Message-ID": delivery.message_id},
            connection=self.connection,
        )
        mail.attach_alternative(message.html, "text/html")
        try:
            if not self._open:
                self.connection.open()
                self._open = True
            mail.send()
        except Exception as error:
            failure = from_smtp(error)
            if failure.connection_lost:
                self.close()
            raise failure from error
        return ""

    def close(self) -> None:
        if self._open:
            # Closing a broken connection can only fail; it is dropped either way.
            with contextlib.suppress(Exception):
                self.connection.close()
            self._open = False
