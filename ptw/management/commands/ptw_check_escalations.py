"""python manage.py ptw_check_escalations [--all | --job NAME ...] [--loop [SECONDS]]

Runs the overdue check (or every job with --all, or the jobs named by --job) once, printing each job's
counts, and exits non-zero if a job failed, so cron notices. With --loop it runs them again every SECONDS
(60 by default) until SIGTERM or SIGINT (deployments without Celery, and `make run`); between rounds it
sends the outbox's e-mails and SMS every OUTBOX_POLL_SECONDS.
"""

import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from delivery import loop as outbox_loop
from ptw.escalation import JOBS, run_job

DEFAULT_JOB = "check_overdue_workflow_tasks"
# As often as Celery beat runs the overdue and expiry checks (backend/celery_app.py).
DEFAULT_LOOP_SECONDS = 60.0


class Command(BaseCommand):
    help = "Run the PTW escalation check (or, with --all, every scheduled PTW job), once or in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Run every job: " + ", ".join(JOBS) + ".")
        parser.add_argument(
            "--job", action="append", choices=list(JOBS), metavar="NAME", help="Run this job (repeatable)."
        )
        parser.add_argument(
            "--loop",
            type=float,
            nargs="?",
            const=DEFAULT_LOOP_SECONDS,
            metavar="SECONDS",
            help=f"Keep running, a round every SECONDS (default {DEFAULT_LOOP_SECONDS:g}), until SIGTERM/SIGINT.",
        )

    def handle(self, *args, **options):
        names = list(JOBS) if options["all"] else options["job"] or [DEFAULT_JOB]
        if options["loop"] is None:
            if not self.run_round(names):
                raise CommandError("a job failed (see its errors above and its JobRun)")
            return
        self.loop(names, max(options["loop"], 1.0))

    def loop(self, names: list[str], interval: float) -> None:
        """Run rounds until a signal; a round in progress finishes first (its jobs commit per batch)."""
        stop = threading.Event()
        previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"Running {', '.join(names)} every {interval:g} s; SIGTERM or Ctrl-C stops.")
        try:
            while not stop.is_set():
                next_round = time.monotonic() + interval
                self.run_round(names)
                close_old_connections()  # a long-lived process must not keep a dropped connection
                outbox_loop.dispatch_until(stop, deadline=next_round)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Stopped.")

    def run_round(self, names: list[str]) -> bool:
        """Run each job once; True when all succeeded. A job that raises doesn't stop the others."""
        ok = True
        for name in names:
            try:
                report = run_job(name, now=timezone.now())
            except Exception as error:  # recorded in its JobRun; the loop carries on
                self.stderr.write(f"{name}: FAILED {type(error).__name__}: {error}")
                ok = False
                continue
            counts = " ".join(f"{key}={value}" for key, value in sorted(report.counts.items())) or "nothing due"
            if report.ok:
                self.stdout.write(f"{name}: ok {counts}")
            else:
                ok = False
                self.stderr.write(f"{name}: FAILED {counts}")
                for message in report.errors:
                    self.stderr.write(f"  {message}")
        return ok
