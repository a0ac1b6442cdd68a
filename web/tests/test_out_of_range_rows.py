"""Rows stored before the time bounds existed (year 1, year 9999, ten years long, a step pending since
1900) never make a page, an API read or a job fail: forced into the database, then everything is read."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ptw.escalation import JOBS, run_job
from ptw.models import JobRun, Permit, WorkflowStep

from .conftest import login

YEAR_1 = datetime(1, 1, 1, 0, 0, tzinfo=UTC)
YEAR_9999 = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
YEAR_1900 = datetime(1900, 1, 1, tzinfo=UTC)

TIMES = [(YEAR_1, YEAR_9999), (YEAR_1900, YEAR_1900.replace(year=1910)), (YEAR_9999.replace(hour=0), YEAR_9999)]


@pytest.fixture(params=["draft", "submitted", "active", "suspended"])
def stored(request, project, creator):
    """A permit at that stage whose times (and pending step) are forced out of range in every shape."""
    permit = request.getfixturevalue(request.param)
    project.time_zone = "Pacific/Kiritimati"  # UTC+14: year 9999 local overflows first
    project.save()
    return permit


@pytest.mark.parametrize(("start", "end"), TIMES)
def test_pages_api_and_jobs_survive_out_of_range_rows(client, creator, verifier, stored, start, end):
    Permit.objects.filter(pk=stored.pk).update(planned_start_time=start, planned_end_time=end)
    WorkflowStep.objects.filter(instance__permit=stored).update(pending_since=start, next_check_at=YEAR_1)

    for user in (creator, verifier):
        login(client, user)
        for url in (
            f"/dashboard/ptw/view/{stored.pk}",
            "/dashboard/ptw/",
            "/dashboard/ptw/?sort=planned_end_time",
            "/",
            "/dashboard/board/",
            "/dashboard/notifications/",
        ):
            assert client.get(url).status_code in (200, 302), url
        assert client.get(f"/dashboard/ptw/view/{stored.pk}/edit/").status_code in (200, 302, 403, 404)
    api = APIClient()
    api.force_authenticate(creator)
    for url in (
        f"/api/v1/ptw/permits/{stored.pk}/",
        f"/api/v1/ptw/permits/{stored.pk}/timeline/",
        "/api/v1/ptw/permits/",
        "/api/v1/ptw/workflow/my-tasks/",
        f"/api/v1/ptw/board/counts/?project={stored.project_id}",
        f"/api/v1/ptw/board/active-permits/?project={stored.project_id}",
    ):
        assert api.get(url).status_code == 200, url

    for name in JOBS:
        run_job(name, now=timezone.now())
    failed = JobRun.objects.filter(ok=False).values_list("job", "error")
    assert list(failed) == []
