"""GET /api/v1/ptw/health/ — is each scheduled PTW job running? (DESIGN.md, "Every job run is recorded")

Public on purpose, like a load balancer's or uptime monitor's probe: it shows job names and
times only, never errors or data. 200 when every job succeeded within twice its schedule,
503 when one is older or has never succeeded, and 503 (`database_unavailable`) within
HEALTH_TIMEOUT_SECONDS when the database is down or does not answer (backend/deadline.py).
"""

import logging
from functools import partial

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.deadline import Unanswered, read_within
from delivery.health import outbox_health

from ..escalation import JOBS
from ..jobs.runs import mark_abandoned_runs
from ..models import JobRowFailure, JobRun

logger = logging.getLogger(__name__)
DB_DOWN = "The database did not answer in time: job states are unknown."


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


class QuarantinedRowSerializer(serializers.Serializer):
    job = serializers.CharField()
    row = serializers.CharField(help_text="What the row is, e.g. 'step 12 of permit 7' (its error is in the admin).")
    failures = serializers.IntegerField(help_text="Consecutive runs that failed on it.")
    quarantined_at = serializers.DateTimeField()


class OutboxHealthSerializer(serializers.Serializer):
    pending = serializers.IntegerField(help_text="E-mails and SMS waiting to be sent (or retried).")
    oldest_pending_age_seconds = serializers.IntegerField(help_text="How long the oldest of them has waited.")
    dead = serializers.IntegerField(help_text="Deliveries given up (permanent error or out of attempts).")
    max_age_seconds = serializers.IntegerField(help_text="OUTBOX_HEALTH_MAX_AGE_SECONDS: older is stale.")
    stale = serializers.BooleanField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "stale", "database_unavailable"])
    checked_at = serializers.DateTimeField()
    detail = serializers.CharField(required=False, help_text="Why the database could not be read.")
    jobs = JobHealthSerializer(many=True, help_text="Empty when the database could not be read.")
    outbox = OutboxHealthSerializer(required=False, help_text="Absent when the database could not be read.")
    quarantined = QuarantinedRowSerializer(
        many=True,
        required=False,
        help_text=(
            "Rows a job skips after failing on them in consecutive runs (at most 50 listed): the job "
            "is healthy for every other row, so they do not make the answer 503."
        ),
    )


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
        responses={
            200: HealthSerializer,
            503: OpenApiResponse(HealthSerializer, description="A job is stale, or the database is unavailable."),
        },
        tags=["health"],
    )
    def get(self, request):
        now = timezone.now()
        try:
            jobs, quarantined, outbox = read_within(partial(self._read, now), timeout=settings.HEALTH_TIMEOUT_SECONDS)
        except (Unanswered, DatabaseError) as error:
            logger.warning("Health: the database is unavailable: %s", error)
            body = {"status": "database_unavailable", "checked_at": now, "detail": DB_DOWN, "jobs": []}
            return Response(HealthSerializer(body).data, status=503)
        stale = any(job["stale"] for job in jobs) or outbox["stale"]
        body = {
            "status": "stale" if stale else "ok",
            "checked_at": now,
            "jobs": jobs,
            "outbox": outbox,
            "quarantined": quarantined,
        }
        return Response(HealthSerializer(body).data, status=503 if stale else 200)

    @classmethod
    def _read(cls, now) -> tuple[list[dict], list[dict], dict]:
        """Each job's health, the quarantined rows, the outbox's health (one probe, in its thread)."""
        mark_abandoned_runs(now=now)  # a killed run's "running" row must not hide that it failed
        quarantined = JobRowFailure.objects.filter(quarantined_at__isnull=False).order_by("-quarantined_at")
        fields = ("job", "row", "failures", "quarantined_at")
        jobs = [cls._job_health(job, now) for job in JOBS.values()]
        return jobs, list(quarantined.values(*fields)[:50]), outbox_health(now=now)

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
