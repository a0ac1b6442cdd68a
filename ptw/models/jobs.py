"""Rows a scheduled job keeps failing on (ptw/jobs/quarantine.py)."""

from django.db import models


class JobRowFailure(models.Model):
    """A due row that failed in consecutive runs of a job; quarantined after enough of them.

    Counted once per run; deleted when the row goes through (consecutive) or an admin releases
    it. Once `quarantined_at` is set the job skips the row — its other rows keep flowing — until
    the columns the job reads of it change (`fingerprint`) or the record is deleted.
    """

    job = models.CharField(max_length=60)
    row_id = models.BigIntegerField()
    row = models.CharField(max_length=200, help_text="What the row is, e.g. 'step 12 of permit 7'.")
    fingerprint = models.CharField(max_length=32, help_text="Digest of the columns the job read of the row.")
    failures = models.PositiveIntegerField(default=0, help_text="Consecutive runs that failed on it.")
    error = models.TextField()
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    quarantined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "-last_failed_at"]
        constraints = [models.UniqueConstraint(fields=["job", "row_id"], name="jobrowfailure_one_per_row")]

    def __str__(self) -> str:
        state = "quarantined" if self.quarantined_at else f"failed {self.failures}×"
        return f"{self.job}: {self.row} ({state})"
