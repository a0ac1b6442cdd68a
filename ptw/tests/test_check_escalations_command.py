"""python manage.py ptw_check_escalations [--all] [--loop [SECONDS]]."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ptw.escalation import JOBS
from ptw.jobs import expiry
from ptw.management.commands import ptw_check_escalations as command
from ptw.models import JobRun

ROOT = Path(settings.BASE_DIR)


def test_by_default_it_runs_the_overdue_check_and_prints_its_counts(escalations_on, seed_due_steps, capsys):
    now = timezone.now()
    seed_due_steps(3, pending_since=now - timedelta(hours=5), now=now)

    call_command("ptw_check_escalations")

    assert capsys.readouterr().out == "check_overdue_workflow_tasks: ok notifications=3 records=3 steps=3\n"
    assert list(JobRun.objects.values_list("job", "ok")) == [("check_overdue_workflow_tasks", True)]


def test_all_runs_every_job(db, capsys):
    call_command("ptw_check_escalations", "--all")

    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == list(JOBS)
    assert sorted(JobRun.objects.values_list("job", flat=True)) == sorted(JOBS)


def test_job_runs_the_named_jobs_only(db, capsys):
    call_command("ptw_check_escalations", "--job", "auto_expire_permits", "--job", "check_expiring_permits")

    out = capsys.readouterr().out
    assert "auto_expire_permits: ok" in out and "check_expiring_permits: ok" in out
    assert "check_overdue_workflow_tasks" not in out


def test_a_job_that_raises_does_not_stop_the_others_but_fails_the_command(db, monkeypatch, capsys):

    def database_down(*args, **kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(expiry, "sweep_in_batches", database_down)  # both expiry jobs
    with pytest.raises(CommandError, match="a job failed"):
        call_command("ptw_check_escalations", "--all")

    captured = capsys.readouterr()
    assert "auto_expire_permits: FAILED RuntimeError: db down" in captured.err
    assert "check_pending_closeout_and_isolation: ok" in captured.out
    assert "cleanup_old_notifications: ok" in captured.out
    failed = JobRun.objects.get(job="auto_expire_permits")
    assert (failed.ok, failed.error) == (False, "RuntimeError: db down")


def test_loop_runs_rounds_until_sigterm_in_process(db, monkeypatch, capsys):

    rounds = []

    def run_job(name, *, now):
        rounds.append(name)
        if len(rounds) >= 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return JOBS[name].run(now=now)

    monkeypatch.setattr(command, "run_job", run_job)
    # The pause between rounds (at least 1 s) is not what is tested here: skip it.
    monkeypatch.setattr(command.threading.Event, "wait", lambda event, timeout=None: event.is_set())
    before = signal.getsignal(signal.SIGTERM)

    call_command("ptw_check_escalations", "--loop", "0.01")

    assert rounds == ["check_overdue_workflow_tasks"] * 3
    assert capsys.readouterr().out.rstrip().endswith("Stopped.")
    assert signal.getsignal(signal.SIGTERM) is before


def test_loop_without_seconds_runs_every_minute(db, monkeypatch, capsys):
    rounds_left = []

    def dispatch_until(stop, *, deadline):
        rounds_left.append(deadline - time.monotonic())
        stop.set()  # one round is enough to see the interval

    monkeypatch.setattr(command.outbox_loop, "dispatch_until", dispatch_until)

    call_command("ptw_check_escalations", "--loop")

    assert capsys.readouterr().out.startswith("Running check_overdue_workflow_tasks every 60 s;")
    assert 59 < rounds_left[0] <= 60


def test_loop_as_a_process_stops_cleanly_on_sigterm(tmp_path):
    """What `make run` starts beside the web server."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'loop.sqlite3'}",
        "ESCALATIONS_ENABLED": "True",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=120)
    process = subprocess.Popen(
        [*manage, "ptw_check_escalations", "--all", "--loop", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while sum("cleanup_old_notifications: ok" in line for line in lines) < 2:  # two full rounds
            assert time.monotonic() < deadline, lines
            line = process.stdout.readline()
            assert line, f"the loop exited early: {lines}"
            lines.append(line)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stdout.read().rstrip().endswith("Stopped.")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
