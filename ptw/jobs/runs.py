"""What every scheduled job shares: its run record, batched claiming of due rows, bulk writes."""

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import JobRun
from .quarantine import RowFailures

logger = logging.getLogger("ptw.jobs")

MAX_ERRORS_KEPT = 20


@dataclass
class JobReport:
    """Counts and per-row errors of one job run; `ok` when nothing failed."""

    job: str
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    now: datetime | None = None  # the run's `now` (row failures are stamped with it)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, counts: dict[str, int]) -> None:
        self.counts.update(counts)

    def fail(self, what: str, error: BaseException) -> None:
        self.errors.append(f"{what}: {type(error).__name__}: {error}")
        self.counts["failed"] += 1


@contextmanager
def record_job_run(job: str, *, now: datetime) -> Iterator[JobReport]:
    """Write a JobRun row now (running), and its outcome, counts and errors at the end.

    Runs of this job left unfinished longer ago than PTW_JOB_RUN_ABANDONED_AFTER_MINUTES are
    first marked abandoned. An exception escaping the job is recorded as the run's error and
    re-raised.
    """
    mark_abandoned_runs(now=now, job=job)
    run = JobRun.objects.create(job=job, started_at=now)
    report = JobReport(job, now=now)
    started = time.monotonic()
    try:
        yield report
    except BaseException as error:
        report.errors.append(f"{type(error).__name__}: {error}")
        raise
    finally:
        kept = report.errors[:MAX_ERRORS_KEPT]
        if len(report.errors) > MAX_ERRORS_KEPT:
            kept.append(f"… and {len(report.errors) - MAX_ERRORS_KEPT} more")
        JobRun.objects.filter(pk=run.pk).update(
            finished_at=now + timedelta(seconds=time.monotonic() - started),
            ok=report.ok,
            counts=dict(report.counts),
            error="\n".join(kept),
        )


def mark_abandoned_runs(*, now: datetime, job: str | None = None) -> int:
    """Mark failed, with the reason, the runs (of `job`, or of all) unfinished for too long; how many.

    A run whose process was killed (SIGKILL, a lost worker, a database crash) never writes its
    end: without this it would stay "running" forever. Runs finish in seconds, so a run
    unfinished after PTW_JOB_RUN_ABANDONED_AFTER_MINUTES has no process left to finish it.
    Called by the next run of the job and by the health check.
    """
    limit = timedelta(minutes=settings.PTW_JOB_RUN_ABANDONED_AFTER_MINUTES)
    runs = JobRun.objects.filter(finished_at__isnull=True, started_at__lt=now - limit)
    if job is not None:
        runs = runs.filter(job=job)
    return runs.update(
        ok=False,
        finished_at=now,
        error=f"Abandoned: unfinished after {settings.PTW_JOB_RUN_ABANDONED_AFTER_MINUTES} min "
        "(its process was killed or lost, or the database went away).",
    )


Claim = Callable[..., list]


def sweep_in_batches(
    report: JobReport,
    *,
    claim: Claim,
    process: Callable[[list], dict[str, int]],
    describe: Callable[[Any], str],
    batch_size: int | None = None,
) -> None:
    """Process due rows batch by batch, each batch claimed and written in one transaction.

    1. `claim(size=, exclude=, after=)` returns up to `size` locked due rows, leaving out the
       ids in `exclude` (rows that failed this run) and, for sweeps whose rows stay due after
       processing, those up to the last row `after` of the previous batch.
    2. `process(rows)` writes everything for them and returns counts, added once committed.
    3. If a batch fails, it is redone one row per transaction: a bad row is logged with its id
       and skipped (and left due for the next run); the others are processed.
    4. A batch shorter than `size` ends the sweep.
    """
    size = batch_size or settings.PTW_SWEEP_BATCH_SIZE
    failures = RowFailures(report.job)
    failed: set[int] = set()  # failed this run, or quarantined: not claimed again this run
    after = None
    while True:
        rows: list = []
        todo: list = []
        try:
            with transaction.atomic():
                rows = todo = claim(size=size, exclude=failed, after=after)
                todo = _not_held(report, rows, failures=failures, failed=failed)
                counts = process(todo) if todo else {}
            report.add(counts)
            failures.went_through(todo)
        except Exception:
            if not rows:
                raise
            logger.warning("%s: a batch of %d failed; redoing it row by row", report.job, len(rows))
            _redo_one_by_one(
                report, todo, claim=claim, process=process, describe=describe, failed=failed, failures=failures
            )
        if len(rows) < size:
            return
        after = rows[-1]


def _not_held(report: JobReport, rows: list, *, failures: RowFailures, failed: set[int]) -> list:
    """The claimed rows that are not quarantined (those are counted and left out of this run)."""
    held = [row.pk for row in rows if failures.held(row)]
    if not held:
        return rows
    report.add({"quarantined": len(held)})
    failed.update(held)
    return [row for row in rows if row.pk not in failed]


def _redo_one_by_one(
    report: JobReport, rows: Sequence, *, claim: Claim, process, describe, failed: set[int], failures: RowFailures
) -> None:
    for row in rows:
        try:
            with transaction.atomic():
                again = claim(size=1, exclude=failed, after=None, only=row.pk)
                counts = process(again) if again else {}
            report.add(counts)
            failures.went_through(again)
        except Exception as error:
            logger.exception("%s: %s failed and was skipped", report.job, describe(row))
            failed.add(row.pk)
            report.fail(describe(row), error)
            now = report.now or timezone.now()
            if failures.failed(row, what=describe(row), error=f"{type(error).__name__}: {error}", now=now):
                logger.error("%s: %s is quarantined", report.job, describe(row))
