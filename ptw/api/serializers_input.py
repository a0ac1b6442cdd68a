"""Input serializers: what each endpoint accepts. They check shape; services check the rules."""

from rest_framework import serializers

from accounts.models import Project, User
from backend.fields import IdField, ModelIdField
from backend.serializers import StrictSerializer
from ptw.models import IsolationPoint, PermitType

from .fields import PermitStatusField


class PermitCreateSerializer(StrictSerializer):
    project = ModelIdField(queryset=Project.objects.all())
    permit_type = ModelIdField(queryset=PermitType.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    location = serializers.CharField(max_length=200)
    planned_start_time = serializers.DateTimeField()
    planned_end_time = serializers.DateTimeField()


class PermitUpdateSerializer(StrictSerializer):
    """Every field optional (PATCH); the project of a permit never changes."""

    permit_type = ModelIdField(queryset=PermitType.objects.all(), required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    location = serializers.CharField(max_length=200, required=False)
    planned_start_time = serializers.DateTimeField(required=False)
    planned_end_time = serializers.DateTimeField(required=False)


class PermitFilterSerializer(serializers.Serializer):
    """Filters of the permit list. A filter given empty (`?status=`) is a 400, as the schema says,
    not silently dropped (DRF treats a blank query value of an optional field as absent)."""

    status = PermitStatusField(required=False)
    permit_type = IdField(required=False)
    project = IdField(required=False)
    mine = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only permits I created or am the verifier or approver of.",
    )

    def validate(self, attrs):
        blank = [name for name in ("status", "permit_type", "project") if self.initial_data.get(name) == ""]
        if blank:
            raise serializers.ValidationError({name: ["This filter may not be empty."] for name in blank})
        return attrs


class ProjectFilterSerializer(serializers.Serializer):
    project = IdField(required=False)


def _active_user_field(help_text: str, **kwargs) -> ModelIdField:
    return ModelIdField(queryset=User.objects.filter(is_active=True), help_text=help_text, **kwargs)


class AssignVerifierSerializer(StrictSerializer):
    verifier_id = _active_user_field("An eligible verifier (see verifier-candidates).", source="verifier")


class AssignApproverSerializer(StrictSerializer):
    approver_id = _active_user_field("An eligible approver (see approver-candidates).", source="approver")


class DecisionSerializer(StrictSerializer):
    """Validates to the service's arguments: {"approve": bool, "comments": str}."""

    action = serializers.ChoiceField(choices=["approve", "reject"])
    comments = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default="", help_text="Required when rejecting."
    )

    def validate(self, attrs):
        attrs["approve"] = attrs.pop("action") == "approve"
        return attrs


class VerifySerializer(DecisionSerializer):
    approver_id = _active_user_field(
        "Approve only: the approver to assign (see approver-candidates).",
        source="approver",
        required=False,
        allow_null=True,
    )

    def validate(self, attrs):
        if attrs["action"] == "reject" and attrs.get("approver") is not None:
            raise serializers.ValidationError({"approver_id": ["Choose an approver only when approving."]})
        return super().validate(attrs)


class CommentSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class RequiredCommentSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=5000, help_text="Why (required).")


class ExtensionRequestSerializer(StrictSerializer):
    new_end = serializers.DateTimeField(help_text="The end asked for: later than now's end, within the type's maximum.")
    reason = serializers.CharField(max_length=2000, help_text="Why more time is needed.")


class HandoverRequestSerializer(StrictSerializer):
    to_user_id = _active_user_field("The project member who takes the permit over.", source="to_user")
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class HandoverAcceptSerializer(StrictSerializer):
    confirmed_points = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=200,
        help_text="Ids of the permit's isolation points (see /isolation/) confirmed still in place: all of them.",
    )


class EmptySerializer(StrictSerializer):
    pass


class AcknowledgeSerializer(StrictSerializer):
    note = serializers.CharField(max_length=1000, help_text="What you are doing about it, shown on the timeline.")


class ReassignSerializer(StrictSerializer):
    assignee_id = _active_user_field("An eligible reviewer (see the candidates of the step).", source="assignee")


class IsolationAssignSerializer(StrictSerializer):
    point_id = ModelIdField(queryset=IsolationPoint.objects.all())
    # (a field named like a Field attribute: DRF's metaclass moves declared fields off the class)
    required = serializers.BooleanField(required=False, default=True)  # type: ignore[assignment]


class IsolationNotesSerializer(StrictSerializer):
    notes = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class IsolateSerializer(IsolationNotesSerializer):
    lock_ids = serializers.ListField(
        child=serializers.CharField(max_length=50),
        max_length=100,
        required=False,
        default=list,
        help_text="The ids of the locks applied (at least one).",
    )


class CloseoutItemChangeSerializer(StrictSerializer):
    done = serializers.BooleanField(required=False)
    remarks = serializers.CharField(max_length=1000, allow_blank=True, required=False)


class CloseoutUpdateSerializer(StrictSerializer):
    items = serializers.DictField(
        child=CloseoutItemChangeSerializer(), required=False, default=dict, help_text="Checklist changes by item key."
    )
    remarks = serializers.CharField(max_length=5000, allow_blank=True, required=False)
