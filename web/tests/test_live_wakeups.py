"""Live delivery across processes and at scale: a notification committed by the cron command or
a Celery worker wakes the open stream; the listener's reconnection loses nothing; 150 open
streams hold neither connections nor threads, and leave pages, the API and the jobs working.

On PostgreSQL the web process's safety poll is set to an hour: what arrives was woken by NOTIFY.
"""

import asyncio
import os
import threading
import time
import urllib.request
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import CompanyType, Grade
from notifications.services import NewNotification, notify_many
from ptw import tasks
from ptw.escalation import run_job
from ptw.models import JobRun, WorkflowStep
from ptw.tests.factories import member
from ptw.tests.workers import celery_worker
from ptw.workflow import initiate_workflow

from .servers import (
    ThreadedUvicorn,
    in_thread,
    run_escalation_command,
    session_cookie,
    wait_for_listener,
)
from .sse_client import SseStream

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/dashboard/notifications/stream/"
ARRIVES = 5.0


@pytest.fixture
def server(settings):
    settings.LIVE_POLL_SECONDS = 3600 if connection.vendor == "postgresql" else 0.2
    with ThreadedUvicorn() as running:
        yield running


@pytest.fixture
def overdue_for_verifier(creator, verifier, make_permit, escalation_levels, settings):
    """The verifier's verification step has waited 5 h against the 4 h default: overdue now."""
    settings.ESCALATIONS_ENABLED = True
    permit = make_permit(title="Hot work on flare line")
    initiate_workflow(permit=permit, by=creator, now=timezone.now() - timedelta(hours=5))
    assert WorkflowStep.objects.get(instance__permit=permit, step_id="verification").assignee == verifier
    return permit


def is_overdue(event) -> bool:
    return event.name == "notification" and event.data["type"] == "ptw_overdue"


async def open_and_settle(server, cookie: str) -> SseStream:
    stream = await SseStream.open("127.0.0.1", server.port, PATH, cookie=cookie)
    assert stream.status == 200
    await stream.events_until(lambda e: e.name == "count", timeout=ARRIVES)
    return stream


def test_a_notification_from_the_cron_command_wakes_the_stream(server, verifier, overdue_for_verifier):
    cookie = session_cookie(verifier)

    async def scenario():
        stream = await open_and_settle(server, cookie)
        await in_thread(wait_for_listener)
        await asyncio.to_thread(run_escalation_command)
        events = await stream.events_until(is_overdue, timeout=ARRIVES)
        await stream.close()
        return events

    assert run_(scenario())[-1].data["title"].startswith("Task overdue")


@pytest.mark.postgres  # the worker reaches the test database from another process
@pytest.mark.celery_worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL and CELERY_BROKER_URL")
def test_a_notification_from_a_celery_worker_wakes_the_stream(server, verifier, overdue_for_verifier):
    cookie = session_cookie(verifier)

    async def scenario(worker):
        stream = await open_and_settle(server, cookie)
        await in_thread(wait_for_listener)
        await asyncio.to_thread(tasks.check_overdue_workflow_tasks.delay)
        try:
            events = await stream.events_until(is_overdue, timeout=90)  # the worker starts first
        except TimeoutError:
            worker.terminate()
            raise AssertionError(f"no event; worker said: {worker.communicate(timeout=30)[0]}") from None
        await stream.close()
        return events

    with celery_worker(ESCALATIONS_ENABLED="True", CELERY_TASK_ALWAYS_EAGER="False") as worker:
        events = run_(scenario(worker))
    assert events[-1].data["title"].startswith("Task overdue")


@pytest.mark.postgres
def test_the_listener_reconnects_and_what_was_committed_meanwhile_arrives(server, verifier):
    cookie = session_cookie(verifier)

    def note(key: str) -> None:
        notify_many([NewNotification(verifier.pk, "ptw_test", key, key, key)], now=timezone.now())

    def kill_listener_then_commit(pid: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        note("while the listener was away")

    async def scenario():
        stream = await open_and_settle(server, cookie)
        first_pid = await in_thread(wait_for_listener)
        await in_thread(kill_listener_then_commit, first_pid)
        during = await stream.events_until(lambda e: e.name == "notification", timeout=ARRIVES)
        second_pid = await in_thread(wait_for_listener)
        await in_thread(note, "after it came back")
        after = await stream.events_until(lambda e: e.name == "notification", timeout=ARRIVES)
        await stream.close()
        return first_pid, second_pid, during[-1], after[-1]

    first_pid, second_pid, during, after = run_(scenario())
    assert second_pid != first_pid
    assert (during.data["title"], after.data["title"]) == ("while the listener was away", "after it came back")
    assert int(after.id) > int(during.id)


@pytest.mark.postgres
def test_150_open_streams_hold_no_connections_or_threads_and_leave_the_service_working(
    server, project, verifier, overdue_for_verifier
):
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
    users = [verifier] + [
        member(project, username=f"watcher{i}", company_type=CompanyType.EPC, grade=Grade.C) for i in range(149)
    ]
    cookies = [session_cookie(user) for user in users]
    threads_before = threading.active_count()

    def get(path: str) -> int:
        request = urllib.request.Request(server.url + path, headers={"Cookie": cookies[1]})  # noqa: S310 (http only)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status

    async def scenario():
        streams = await asyncio.gather(*(open_and_settle(server, cookie) for cookie in cookies))
        held = await in_thread(connections_held_when_idle)
        threads = threading.active_count() - threads_before
        pages = [await asyncio.to_thread(get, path) for path in ("/dashboard/ptw/", "/api/v1/ptw/permits/")]
        report = await in_thread(run_job, "check_overdue_workflow_tasks", now=timezone.now())
        events = await streams[0].events_until(is_overdue, timeout=ARRIVES)
        for stream in streams:
            await stream.close()
        return held, threads, pages, report, events

    held, threads, pages, report, events = run_(scenario())
    assert held <= 2, f"{held} connections held by 150 idle streams (max_connections = {max_connections})"
    assert threads <= settings.LIVE_DATABASE_THREADS + 2, f"{threads} more threads with 150 streams open"
    assert pages == [200, 200]
    assert report.ok and JobRun.objects.get(job="check_overdue_workflow_tasks").ok
    assert events[-1].data["title"].startswith("Task overdue")


def test_open_streams_hold_no_thread_each_on_either_database(server, project, settings):
    users = [member(project, username=f"watcher{i}", company_type=CompanyType.EPC) for i in range(60)]
    cookies = [session_cookie(user) for user in users]
    threads_before = threading.active_count()

    async def scenario():
        streams = await asyncio.gather(*(open_and_settle(server, cookie) for cookie in cookies))
        threads = threading.active_count() - threads_before
        for stream in streams:
            await stream.close()
        return threads

    assert run_(scenario()) <= settings.LIVE_DATABASE_THREADS + 2


def connections_held_when_idle(timeout: float = 5.0) -> int:
    """Connections to the test database other than this one, once the streams' reads are done."""
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            held = cursor.fetchone()[0]
        if held <= 1 or time.monotonic() > deadline:
            return held
        time.sleep(0.1)


def run_(scenario):
    return asyncio.run(scenario)
