"""Output serializers of a permit's extension and handover requests."""

from rest_framework import serializers

from ptw.models import HandoverConfirmation, PermitExtension, PermitHandover

from .serializers import UserSummarySerializer


class PermitExtensionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = UserSummarySerializer()
    decided_by = UserSummarySerializer(allow_null=True)

    class Meta:
        model = PermitExtension
        fields = [
            "id",
            "status",
            "status_label",
            "reason",
            "previous_end",
            "requested_end",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "escalation_level",
        ]
        read_only_fields = fields


class HandoverConfirmationSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoverConfirmation
        fields = ["assignment", "point_code", "isolation_status", "confirmed_at"]
        read_only_fields = fields


class PermitHandoverSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = UserSummarySerializer()
    to_user = UserSummarySerializer()
    decided_by = UserSummarySerializer(allow_null=True)
    confirmations = HandoverConfirmationSerializer(many=True)

    class Meta:
        model = PermitHandover
        fields = [
            "id",
            "status",
            "status_label",
            "requested_by",
            "to_user",
            "note",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "confirmations",
            "escalation_level",
        ]
        read_only_fields = fields
