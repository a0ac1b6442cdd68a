"""Off-screen delivery of notifications: contact details, preferences and the outbox.

Generic like `notifications`: it knows notification types only as strings; which channels a
type goes to is the routing table its owner registers (`delivery/routing.py`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .phones import normalize_e164, validate_e164


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"  # waiting for its first try or a retry (next_attempt_at)
    SENDING = "sending", "Sending"  # claimed by a dispatcher until next_attempt_at (its lease)
    SENT = "sent", "Sent"
    DEAD = "dead", "Failed"  # permanent error, no address, or out of attempts
    HELD = "held", "Held for the hourly digest"
    DIGESTED = "digested", "Sent in the hourly digest"


# The statuses a dispatcher may claim (when next_attempt_at has come).
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


class ContactDetails(models.Model):
    """What the user added beyond their account: a mobile number, the hourly digest choice.

    The e-mail address is the account's own (`User.email`).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_details")
    mobile_number = models.CharField(
        max_length=20, blank=True, validators=[validate_e164], help_text="E.164, e.g. +919876543210."
    )
    hourly_digest = models.BooleanField(
        default=False, help_text="Gather e-mails of non-critical notifications into one e-mail an hour."
    )

    class Meta:
        verbose_name_plural = "contact details"

    def __str__(self) -> str:
        return f"Contact details of {self.user}"

    def clean(self) -> None:
        # The admin's form: "+91 98765 43210" is stored as +919876543210.
        if self.mobile_number:
            self.mobile_number = normalize_e164(self.mobile_number)


class ChannelPreference(models.Model):
    """A user's choice for one notification type on one channel, overriding the route's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences")
    notification_type = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "notification_type", "channel"], name="channelpreference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.notification_type} by {self.channel} {'on' if self.enabled else 'off'}"


class Delivery(models.Model):
    """One notification on one off-screen channel: the outbox row and its delivery log.

    Written in the notification's transaction; sent after commit by a dispatcher.
    """

    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    # Copied from the notification, for the log's filters without a join.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    notification_type = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Where it goes, taken when the notification was written (e-mail address or E.164 number).
    address = models.CharField(max_length=254, blank=True)
    # Set when this delivery replaces another channel (e.g. "sms": no mobile number, so e-mail).
    fallback_from = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Queued: when it may be tried (again). Sending: when the claim lapses and another may take it.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The claim of the dispatcher sending it: a late dispatcher whose lease lapsed records nothing.
    claim = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's id (an SMS's message SID); e-mails carry `message_id` (from the pk).
    provider_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    # Every failed attempt: [{"at": iso, "error": str, "permanent": bool}]
    errors = models.JSONField(default=list, blank=True)
    # A digest e-mail gathers the held deliveries that point at it.
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="gathered")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            # Each notification once per channel, however many writers raise it.
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
        ]
        indexes = [
            # Dispatchers: "pending rows whose time has come, oldest first" (claim_due).
            models.Index(fields=["next_attempt_at"], name="delivery_due", condition=Q(status__in=PENDING)),
            # Health: "the oldest pending delivery" (outbox_health).
            models.Index(fields=["created_at"], name="delivery_pending_age", condition=Q(status__in=PENDING)),
            # Health and the admin: "dead deliveries" (their count, newest first).
            models.Index(fields=["created_at"], name="delivery_dead", condition=Q(status=DeliveryStatus.DEAD)),
            # The digest job: "held e-mails of user U".
            models.Index(fields=["recipient", "created_at"], name="delivery_held", condition=Q(status="held")),
            # The log's list: newest first.
            models.Index(fields=["-created_at", "-id"], name="delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.address or self.recipient_id}: {self.get_status_display()}"

    @property
    def summary(self) -> str:
        """ "E-mail sent", "SMS failed": the inbox and the permit's timeline show it."""
        return f"{self.get_channel_display()} {self.get_status_display().lower()}"

    @property
    def message_id(self) -> str:
        """The e-mail Message-ID, the same on every attempt (receivers may drop a duplicate)."""
        return f"<ptw-delivery-{self.pk}@{settings.DELIVERY_MESSAGE_ID_DOMAIN}>"
