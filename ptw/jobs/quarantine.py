"""Rows a job keeps failing on: counted per run, quarantined after PTW_JOB_QUARANTINE_AFTER_FAILURES.

A row that always fails (a project time zone no longer in tzdata, a time so old its hours
overflow) would otherwise fail every run of its job and make it redo its batch row by row
forever. After N consecutive failing runs the row is quarantined: skipped, recorded with its
error, listed in the admin and the health check, so the job stays healthy for every other
row. It is tried again when what the job reads of it changes (its fingerprint) or when an
admin releases it (deletes the record).
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import models

from ..models import JobRowFailure


def fingerprint(row: object) -> str:
    """A digest of every column the job read of `row` (a model with the related rows it loaded, or plain data)."""
    if isinstance(row, models.Model):
        # The row's own columns and those of the related rows the claim selected (its project's time zone…).
        loaded = [row, *(related for related in row._state.fields_cache.values() if related is not None)]
        parts = [sorted((k, repr(v)) for k, v in vars(model).items() if not k.startswith("_")) for model in loaded]
        text = repr(parts)
    else:
        text = repr(row)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class RowFailures:
    """The failure records of one job, read once per run (there are few)."""

    def __init__(self, job: str):
        self.job = job
        self.records = {record.row_id: record for record in JobRowFailure.objects.filter(job=job)}

    def held(self, row) -> bool:
        """Whether `row` is quarantined and unchanged since (so this run skips it)."""
        record = self.records.get(row.pk)
        return record is not None and record.quarantined_at is not None and record.fingerprint == fingerprint(row)

    def went_through(self, rows: Iterable) -> None:
        """Forget the failures of rows that were processed: failures count only when consecutive."""
        done = [row.pk for row in rows if row.pk in self.records]
        if done:
            JobRowFailure.objects.filter(job=self.job, row_id__in=done).delete()
            for pk in done:
                del self.records[pk]

    def failed(self, row, *, what: str, error: str, now: datetime) -> bool:
        """Count this run's failure of `row`; True when it is now quarantined."""
        print_ = fingerprint(row)
        record = self.records.get(row.pk)
        if record is None or record.fingerprint != print_:  # new, or changed since: count afresh
            record = record or JobRowFailure(job=self.job, row_id=row.pk, first_failed_at=now)
            record.failures, record.quarantined_at, record.first_failed_at = 0, None, now
        record.failures += 1
        record.row, record.error, record.fingerprint, record.last_failed_at = what[:200], error, print_, now
        if record.failures >= settings.PTW_JOB_QUARANTINE_AFTER_FAILURES and record.quarantined_at is None:
            record.quarantined_at = now
        record.save()
        self.records[row.pk] = record
        return record.quarantined_at is not None
