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

from ..models import JobRun

logger = logging.getLogger("ptw.jobs")

MAX_ERRORS_KEPT = 20


@dataclass
class JobReport:
    """Counts and per-row errors of one job run; `ok` when nothing failed."""

    job: str
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

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

    An exception escaping the job is recorded as the run's error and re-raised.
    """
    run = JobRun.objects.create(job=job, started_at=now)
    report = JobReport(job)
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
    failed: set[int] = set()
    after = None
    while True:
        rows: list = []
        try:
            with transaction.atomic():
                rows = claim(size=size, exclude=failed, after=after)
                counts = process(rows) if rows else {}
            report.add(counts)
        except Exception:
            if not rows:
                raise
            logger.warning("%s: a batch of %d failed; redoing it row by row", report.job, len(rows))
            _redo_one_by_one(report, rows, claim=claim, process=process, describe=describe, failed=failed)
        if len(rows) < size:
            return
        after = rows[-1]


def _redo_one_by_one(report: JobReport, rows: Sequence, *, claim: Claim, process, describe, failed: set[int]) -> None:
    for row in rows:
        try:
            with transaction.atomic():
                again = claim(size=1, exclude=failed, after=None, only=row.pk)
                counts = process(again) if again else {}
            report.add(counts)
        except Exception as error:
            logger.exception("%s: %s failed and was skipped", report.job, describe(row))
            failed.add(row.pk)
            report.fail(describe(row), error)
