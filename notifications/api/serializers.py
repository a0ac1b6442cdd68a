from rest_framework import serializers

from backend.fields import IdField

from ..models import Notification


class SenderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class DeliverySerializer(serializers.Serializer):
    channel = serializers.CharField(help_text="email or sms")
    status = serializers.CharField(help_text="queued, sending, sent, dead, held or digested")
    summary = serializers.CharField(help_text='As people read it: "E-mail sent", "SMS failed".')
    sent_at = serializers.DateTimeField(allow_null=True)


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(read_only=True)
    sender = SenderSerializer(read_only=True, allow_null=True)
    deliveries = DeliverySerializer(many=True, read_only=True, help_text="The e-mails and SMS that carried it.")

    class Meta:
        model = Notification
        fields = [
            "id",
            "notification_type",
            "title",
            "message",
            "data",
            "link",
            "read",
            "read_at",
            "created_at",
            "sender",
            "deliveries",
        ]
        read_only_fields = fields


class InboxFilterSerializer(serializers.Serializer):
    """Query parameters of the inbox list."""

    unread = serializers.BooleanField(
        allow_null=True, default=None, help_text="true: only unread; false: only read; absent: all."
    )
    type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="A notification type, e.g. ptw_approval (empty: every type).",
    )
    permit = IdField(required=False, help_text="Only notifications about this permit (its id).")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
