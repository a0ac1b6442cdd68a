"""The delivery log (every e-mail and SMS: status, tries, errors, the message as sent) and the
contact details. The log is written by the dispatchers only: read-only here."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from . import messages
from .models import Channel, ContactDetails, Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "status",
        "channel",
        "notification_type",
        "recipient",
        "address",
        "attempts",
        "sent_at",
        "fallback_from",
    ]
    list_filter = [
        "status",
        "channel",
        "notification_type",
        "fallback_from",
        ("recipient", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "address", "notification_type"]
    readonly_fields = [
        "notification",
        "recipient",
        "notification_type",
        "channel",
        "address",
        "fallback_from",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "message_identifier",
        "last_error",
        "errors",
        "rendered",
    ]
    exclude = ["claim", "provider_id", "digest"]
    ordering = ["-created_at", "-id"]
    show_full_result_count = False  # a large table; skip the extra COUNT(*)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Message-ID / provider id")
    def message_identifier(self, obj: Delivery) -> str:
        return obj.provider_id or (obj.message_id if obj.channel == Channel.EMAIL else "")

    @admin.display(description="The message (as rendered for this delivery)")
    def rendered(self, obj: Delivery) -> str:
        """What the recipient got, rendered again from the notification: the demo's "sent mail" view."""
        if obj.notification is None:
            return "—"
        at = obj.sent_at or timezone.now()
        if obj.channel == Channel.SMS:
            return format_html("<pre>{}</pre>", messages.sms_text(obj.notification, now=at))
        mail = messages.email_message(obj.notification, recipient_name=obj.recipient.display_name, now=at)
        return format_html("<p><strong>Subject:</strong> {}</p><pre>{}</pre>", mail.subject, mail.text)


@admin.register(ContactDetails)
class ContactDetailsAdmin(admin.ModelAdmin):
    list_display = ["user", "mobile_number", "hourly_digest"]
    search_fields = ["user__username", "mobile_number"]
    autocomplete_fields = ["user"]
