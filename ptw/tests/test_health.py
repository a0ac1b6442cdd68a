"""GET /api/v1/ptw/health/: each job's last success; 503 when one is stale or never ran."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ptw.escalation import JOBS
from ptw.models import JobRun

URL = "/api/v1/ptw/health/"


def run(job, *, ago, ok=True):
    started = timezone.now() - ago
    return JobRun.objects.create(job=job, started_at=started, finished_at=started, ok=ok)


@pytest.fixture
def all_fresh(transactional_db):
    for name in JOBS:
        run(name, ago=timedelta(seconds=30))


def test_it_answers_503_before_any_job_has_run(transactional_db, api_client):
    response = api_client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "stale"
    assert [job["job"] for job in body["jobs"]] == list(JOBS)
    assert all(job["last_run_state"] == "never" and job["stale"] for job in body["jobs"])


def test_it_answers_200_without_authentication_when_every_job_succeeded_recently(all_fresh, api_client):
    response = api_client.get(URL)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("job", "fresh", "stale"),
    [
        ("check_overdue_workflow_tasks", timedelta(minutes=1, seconds=59), timedelta(minutes=2, seconds=1)),
        ("check_pending_closeout_and_isolation", timedelta(hours=7, minutes=59), timedelta(hours=8, minutes=1)),
        ("cleanup_old_notifications", timedelta(days=13, hours=23), timedelta(days=14, minutes=1)),
    ],
)
def test_a_job_is_stale_after_twice_its_schedule(all_fresh, api_client, job, fresh, stale):
    JobRun.objects.filter(job=job).delete()
    run(job, ago=fresh)
    assert api_client.get(URL).status_code == 200
    JobRun.objects.filter(job=job).delete()
    run(job, ago=stale)
    response = api_client.get(URL)
    assert response.status_code == 503
    [entry] = [entry for entry in response.json()["jobs"] if entry["job"] == job]
    assert entry["stale"] and entry["max_age_seconds"] == 2 * entry["schedule_seconds"]


def test_failed_runs_since_the_last_success_show_but_do_not_count_as_success(all_fresh, api_client):
    JobRun.objects.filter(job="auto_expire_permits").update(started_at=timezone.now() - timedelta(hours=3))
    run("auto_expire_permits", ago=timedelta(minutes=1), ok=False)
    response = api_client.get(URL)
    assert response.status_code == 503
    [entry] = [entry for entry in response.json()["jobs"] if entry["job"] == "auto_expire_permits"]
    assert entry["last_run_state"] == "failed" and entry["stale"]
    assert "error" not in entry  # a public probe shows no error text


def test_a_real_run_of_every_job_makes_it_healthy(transactional_db, api_client):

    call_command("ptw_check_escalations", "--all")
    assert api_client.get(URL).status_code == 200


def test_it_is_described_in_the_openapi_schema(transactional_db, api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/ptw/health/"]["get"]
    assert operation["operationId"] == "ptw_health"
    assert {"200", "503"} <= set(operation["responses"])
