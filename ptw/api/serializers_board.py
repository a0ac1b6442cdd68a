"""Bodies of the board endpoints: the figures the board page shows, for other clients."""

from rest_framework import serializers

from backend.fields import IdField

from .serializers import UserSummarySerializer


class BoardQuerySerializer(serializers.Serializer):
    project = IdField(help_text="One of my projects (see /api/v1/ptw/projects/).")


class BoardCountsSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    generated_at = serializers.DateTimeField(source="now")
    active = serializers.IntegerField(source="counts.active")
    ending_soon = serializers.IntegerField(
        source="counts.ending_soon", help_text="Approved, active or suspended, planned end within 1 h (or past)."
    )
    suspended = serializers.IntegerField(source="counts.suspended")
    awaiting_verification = serializers.IntegerField(source="counts.awaiting_verification")
    awaiting_approval = serializers.IntegerField(source="counts.awaiting_approval")
    steps_overdue = serializers.IntegerField(
        source="counts.steps_overdue", help_text="Pending steps waiting past their time limit."
    )
    escalated_today = serializers.IntegerField(
        source="counts.escalated_today", help_text="Steps escalated today (the project's local day)."
    )


class PermitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    permit_number = serializers.CharField()
    title = serializers.CharField()
    permit_type = serializers.CharField(source="permit_type.name")
    location = serializers.CharField()
    link = serializers.CharField(source="get_absolute_url")


class ActivePermitSerializer(serializers.Serializer):
    permit = PermitRefSerializer()
    risk_level = serializers.CharField(source="permit.permit_type.risk_level")
    planned_end_time = serializers.DateTimeField(source="permit.planned_end_time")
    seconds_left = serializers.SerializerMethodField(help_text="Negative once the planned end has passed.")
    isolation_state = serializers.CharField(
        source="isolation.key", help_text="none, missing, partial, verified or deisolated"
    )
    isolation_label = serializers.CharField(source="isolation.label")

    def get_seconds_left(self, item) -> int:
        return int(item.remaining.total_seconds())


class WaitingStepSerializer(serializers.Serializer):
    step = serializers.CharField(source="step.step_id")
    step_name = serializers.CharField(source="step.name")
    permit = PermitRefSerializer(source="step.instance.permit")
    pending_since = serializers.DateTimeField(source="step.pending_since")
    waited_hours = serializers.SerializerMethodField()
    limit_hours = serializers.FloatField()
    overdue = serializers.BooleanField(source="is_overdue")

    def get_waited_hours(self, item) -> float:
        return round(item.waited.total_seconds() / 3600, 2)


class BlockerSerializer(serializers.Serializer):
    assignee = UserSummarySerializer(allow_null=True, help_text="Null: nobody assigned (the creator must assign).")
    steps = WaitingStepSerializer(many=True)


class StepTimesSerializer(serializers.Serializer):
    permit_type_id = serializers.IntegerField()
    permit_type = serializers.CharField()
    step = serializers.CharField(source="step_id")
    decided = serializers.IntegerField(help_text="Steps approved or rejected in the window.")
    median_hours = serializers.SerializerMethodField()
    p90_hours = serializers.SerializerMethodField()
    limit_hours = serializers.FloatField()
    within_limit = serializers.IntegerField()
    within_limit_share = serializers.SerializerMethodField()

    def get_median_hours(self, stat) -> float:
        return round(stat.median_hours, 3)

    def get_p90_hours(self, stat) -> float:
        return round(stat.p90_hours, 3)

    def get_within_limit_share(self, stat) -> float:
        return round(stat.within_share, 4)


class TrendDaySerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    overdue = serializers.IntegerField(help_text="Steps past their limit at some moment of the day.")
    escalated = serializers.IntegerField(help_text="Steps escalated that day.")


class WindowSerializer(serializers.Serializer):
    time_zone = serializers.CharField(source="tz.key")
    first_day = serializers.DateField()
    last_day = serializers.DateField(source="today")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
