"""A generic in-app notification. Knows nothing about permits (ptw/notification_utils.py does)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    notification_type = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Same key for the same recipient = the same notification; the constraint makes it once.
    dedupe_key = models.CharField(max_length=64)
    # What the notification is about, generically (e.g. "ptw.permit", 42), so "my notifications
    # about X" is an indexed lookup rather than a scan of the JSON `data`.
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_key"),
        ]
        indexes = [
            # Inbox first page and cursor pages: "my notifications, newest first".
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # Bell badge "count of my unread notifications" and the inbox's `unread=true` pages.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                name="notification_unread_inbox",
                condition=Q(read_at__isnull=True),
            ),
            # "Notifications about permit 42" (the permit's timeline; the inbox's `permit=` filter,
            # then narrowed to the recipient): a permit has tens of notifications, not thousands.
            models.Index(
                fields=["subject_type", "subject_id", "-created_at"],
                name="notification_subject",
                condition=Q(subject_id__isnull=False),
            ),
            # Live streams: "my notifications after id N" (each read) and "my newest id" (the
            # safety poll over every open stream's user): one index seek per user.
            models.Index(fields=["recipient", "id"], name="notification_recipient_id"),
            # Cleanup: "notifications of type ptw_* older than T".
            models.Index(fields=["created_at"], name="notification_created"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_type} → {self.recipient_id}: {self.title}"

    @property
    def read(self) -> bool:
        return self.read_at is not None
