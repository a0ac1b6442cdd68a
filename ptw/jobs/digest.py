"""The hourly digest job: a thin, recorded wrapper over delivery.digest (DESIGN: every job run is recorded)."""

from datetime import datetime

from delivery.digest import gather_hourly_digests

from .runs import JobReport, record_job_run

JOB = "gather_hourly_digests"


def send_hourly_digests(*, now: datetime) -> JobReport:
    """Gather each digest user's held e-mails of past hours into one queued e-mail; return the report."""
    with record_job_run(JOB, now=now) as report:
        report.add(gather_hourly_digests(now=now))
    return report
