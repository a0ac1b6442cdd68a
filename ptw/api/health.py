"""GET /api/v1/ptw/health/ — is each scheduled PTW job running? (DESIGN.md, "Every job run is recorded")

Public on purpose, like a load balancer's or uptime monitor's probe: it shows job names and
times only, never errors or data. 200 when every job succeeded within twice its schedule,
503 when one is older or has never succeeded.
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from delivery.health import outbox_health

from ..escalation import JOBS
from ..models import JobRun


class JobHealthSerializer(serializers.Serializer):
    job = serializers.CharField(help_text="Job (and Celery task) name, e.g. check_overdue_workflow_tasks.")
    schedule_seconds = serializers.IntegerField(help_text="How often the job is scheduled.")
    max_age_seconds = serializers.IntegerField(help_text="Twice the schedule: older than this is stale.")
    last_success_at = serializers.DateTimeField(allow_null=True, help_text="Start of the last successful run.")
    last_failure_at = serializers.DateTimeField(allow_null=True, help_text="Start of the last failed run.")
    last_run_state = serializers.ChoiceField(
        choices=["ok", "failed", "never"], help_text="Outcome of the latest finished run."
    )
    stale = serializers.BooleanField()


class OutboxHealthSerializer(serializers.Serializer):
    pending = serializers.IntegerField(help_text="E-mails and SMS waiting to be sent (or retried).")
    oldest_pending_age_seconds = serializers.IntegerField(help_text="How long the oldest of them has waited.")
    dead = serializers.IntegerField(help_text="Deliveries given up (permanent error or out of attempts).")
    max_age_seconds = serializers.IntegerField(help_text="OUTBOX_HEALTH_MAX_AGE_SECONDS: older is stale.")
    stale = serializers.BooleanField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "stale"])
    checked_at = serializers.DateTimeField()
    jobs = JobHealthSerializer(many=True)
    outbox = OutboxHealthSerializer()


class HealthView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="ptw_health",
        summary="Scheduled job freshness",
        description=(
            "Each PTW job's last success. 503 when a job's last success is older than twice its "
            "schedule (hourly jobs: 2 h, the 4-hourly closeout/isolation check: 8 h, the weekly "
            "cleanup: 14 days) or it never succeeded, and when the oldest e-mail or SMS waiting "
            "to be sent is older than OUTBOX_HEALTH_MAX_AGE_SECONDS. No authentication."
        ),
        responses={200: HealthSerializer, 503: OpenApiResponse(HealthSerializer, description="A job is stale.")},
        tags=["health"],
    )
    def get(self, request):
        now = timezone.now()
        jobs = [self._job_health(job, now) for job in JOBS.values()]
        outbox = outbox_health(now=now)
        stale = any(job["stale"] for job in jobs) or outbox["stale"]
        body = {"status": "stale" if stale else "ok", "checked_at": now, "jobs": jobs, "outbox": outbox}
        return Response(HealthSerializer(body).data, status=503 if stale else 200)

    @staticmethod
    def _job_health(job, now) -> dict:
        # Two seeks on the (job, ok, -started_at) index, however many runs are kept.
        runs = JobRun.objects.filter(job=job.name).order_by("-started_at").values_list("started_at", flat=True)
        last_success = runs.filter(ok=True).first()
        last_failure = runs.filter(ok=False).first()
        max_age = 2 * job.every
        if last_success is None and last_failure is None:
            state = "never"
        else:
            state = "failed" if last_failure and (last_success is None or last_failure > last_success) else "ok"
        return {
            "job": job.name,
            "schedule_seconds": int(job.every.total_seconds()),
            "max_age_seconds": int(max_age.total_seconds()),
            "last_success_at": last_success,
            "last_failure_at": last_failure,
            "last_run_state": state,
            "stale": last_success is None or now - last_success > max_age,
        }
