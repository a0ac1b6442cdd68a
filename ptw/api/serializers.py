"""Output serializers: how permits and their parts look in API responses."""

from rest_framework import serializers

from accounts.models import Membership, Project, User
from ptw.actions import available_actions
from ptw.models import (
    IsolationPoint,
    Permit,
    PermitCloseout,
    PermitIsolationPoint,
    PermitType,
    WorkflowStep,
)
from ptw.policy import actor_for

from .fields import IsolationStatusField, PermitStatusField, StepStatusField


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class PermitTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PermitType
        fields = [
            "id",
            "name",
            "category",
            "risk_level",
            "requires_structured_isolation",
            "requires_closeout",
            "default_validity_hours",
        ]


class ProjectSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "code", "name", "time_zone"]


class MyProjectSerializer(serializers.ModelSerializer):
    """A project seen through the requesting user's membership of it."""

    id = serializers.IntegerField(source="project.id")
    code = serializers.CharField(source="project.code")
    name = serializers.CharField(source="project.name")
    time_zone = serializers.CharField(source="project.time_zone")
    is_admin = serializers.BooleanField(source="is_project_admin")
    roles = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Membership
        fields = ["id", "code", "name", "time_zone", "company_type", "grade", "is_admin", "roles"]


class PermitSerializer(serializers.ModelSerializer):
    """A permit as listed: no per-user fields, so a page of them costs one query."""

    status = PermitStatusField(read_only=True)
    permit_type = PermitTypeSerializer()
    project = ProjectSummarySerializer()
    created_by = UserSummarySerializer()
    verifier = UserSummarySerializer(allow_null=True)
    approver = UserSummarySerializer(allow_null=True)

    class Meta:
        model = Permit
        fields = [
            "id",
            "permit_number",
            "status",
            "permit_type",
            "project",
            "title",
            "description",
            "location",
            "planned_start_time",
            "planned_end_time",
            "actual_start_time",
            "actual_end_time",
            "created_by",
            "verifier",
            "approver",
            "created_at",
            "updated_at",
            "submitted_at",
            "verified_at",
            "approved_at",
            "rejected_at",
            "suspended_at",
            "completed_at",
            "cancelled_at",
            "expired_at",
            "rejection_reason",
        ]
        read_only_fields = fields


class PermitDetailSerializer(PermitSerializer):
    """A permit with the actions the requesting user may take on it now."""

    available_actions = serializers.SerializerMethodField()

    class Meta(PermitSerializer.Meta):
        fields = [*PermitSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields

    def get_available_actions(self, permit: Permit) -> list[str]:
        return available_actions(actor_for(self.context["request"].user, permit), permit)


class WorkflowStepSerializer(serializers.ModelSerializer):
    assignee = UserSummarySerializer(allow_null=True)
    status = StepStatusField()

    class Meta:
        model = WorkflowStep
        fields = ["step_id", "name", "assignee", "role", "status", "order", "pending_since", "completed_at", "comments"]


class WorkflowStatusSerializer(serializers.Serializer):
    status = PermitStatusField()
    steps = WorkflowStepSerializer(many=True)
    available_actions = serializers.ListField(child=serializers.CharField())


class PermitSummarySerializer(serializers.ModelSerializer):
    status = PermitStatusField(read_only=True)
    permit_type = serializers.CharField(source="permit_type.name")
    project = serializers.CharField(source="project.code")
    created_by = UserSummarySerializer()

    class Meta:
        model = Permit
        fields = [
            "id",
            "permit_number",
            "title",
            "status",
            "permit_type",
            "project",
            "location",
            "planned_start_time",
            "planned_end_time",
            "created_by",
        ]


class MyTaskSerializer(WorkflowStepSerializer):
    permit = PermitSummarySerializer(source="instance.permit")

    class Meta(WorkflowStepSerializer.Meta):
        fields = ["id", *WorkflowStepSerializer.Meta.fields, "permit"]


class IsolationPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = IsolationPoint
        fields = ["id", "project", "code", "point_type", "energy_type", "location", "description"]


class PermitIsolationPointSerializer(serializers.ModelSerializer):
    point = IsolationPointSerializer()
    status = IsolationStatusField()
    isolated_by = UserSummarySerializer(allow_null=True)
    verified_by = UserSummarySerializer(allow_null=True)
    deisolated_by = UserSummarySerializer(allow_null=True)

    class Meta:
        model = PermitIsolationPoint
        fields = [
            "id",
            "point",
            "required",
            "status",
            "lock_count",
            "lock_ids",
            "notes",
            "assigned_at",
            "isolated_by",
            "isolated_at",
            "verified_by",
            "verified_at",
            "deisolated_by",
            "deisolated_at",
        ]


class CloseoutItemSerializer(serializers.Serializer):
    # (fields named like Field attributes: DRF's metaclass moves declared fields off the class)
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]
    done = serializers.BooleanField()
    remarks = serializers.CharField(allow_blank=True)


class CloseoutSerializer(serializers.ModelSerializer):
    items = CloseoutItemSerializer(many=True)
    completed_by = UserSummarySerializer(allow_null=True)
    is_complete = serializers.BooleanField()
    missing_required_items = serializers.ListField(child=serializers.CharField())
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="When the checklist last changed; null until it first does."
    )

    class Meta:
        model = PermitCloseout
        fields = [
            "items",
            "remarks",
            "is_complete",
            "missing_required_items",
            "completed_by",
            "completed_at",
            "updated_at",
        ]


class TimelineEntrySerializer(serializers.Serializer):
    """An audit event, an escalation level reached, a notification or its e-mail/SMS (ptw.timeline.TimelineEntry)."""

    kind = serializers.ChoiceField(choices=["event", "escalation", "notification", "delivery"])
    time = serializers.DateTimeField(source="at")
    title = serializers.CharField()
    actor = serializers.CharField(help_text='Display name of who acted, or "system".')
    action = serializers.CharField(help_text="Audit action, or the notification/escalation type.")
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(source="detail", allow_blank=True, help_text="Comment or message.")
    level = serializers.IntegerField(allow_null=True)
    event_type = serializers.CharField(allow_null=True)
    recipient_ids = serializers.ListField(child=serializers.IntegerField())
