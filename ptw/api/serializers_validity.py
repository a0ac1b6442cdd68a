"""Output serializers of a permit's extension and handover requests."""

from rest_framework import serializers

from ptw.models import PermitExtension

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
