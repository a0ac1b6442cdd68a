"""Benchmark: the overdue sweep costs what is due, not what is pending (DESIGN.md, "Sweeps cost what is due").

For N = 10,000 / 100,000 / 1,000,000 pending workflow steps of which 1,000 are due, it seeds
the rows with INSERT … SELECT generate_series, then times the sweep (first run, and an
immediate rerun that finds nothing due), counting queries and notifications. It also times
one hand-written SQL INSERT … SELECT writing the same 1,000 notification rows (checked
identical) on the same data. Goals: time(1M) / time(10k) ≤ 1.5; sweep ≤ 3 × the SQL.

    .venv/bin/python bench/escalation_sweep.py [--sizes 10000,100000,1000000] [--repeat 3]

Runs on its own PostgreSQL database (DATABASE_URL, default ptw_bench_sweep on 127.0.0.1),
dropped, created and migrated at each run, emptied for each N. Prints the machine and a Markdown table.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ptw_bench_sweep")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ["ESCALATIONS_ENABLED"] = "True"
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import CompanyType, Grade, Membership, Project, User  # noqa: E402
from notifications.models import Notification  # noqa: E402
from ptw.escalation import JobReport, check_overdue_workflow_tasks  # noqa: E402
from ptw.models import (  # noqa: E402
    EscalationRecord,
    JobRun,
    Permit,
    PermitType,
    StepStatus,
    WorkflowInstance,
    WorkflowStep,
)

DUE = 1000
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def recreate_database() -> None:
    """A fresh database, migrated: a run never inherits an older schema or older rows."""
    db = settings.DATABASES["default"]
    connection.close()
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", verbosity=0)


def table(model) -> str:
    return model._meta.db_table


def seed(n: int) -> dict:
    """Empty the PTW tables and insert n submitted permits, each with a pending verification step.

    Every (n / 1,000)-th step is due (pending 5 h, next check 1 h ago); the others were
    assigned within the last 3 h and are next checked at their 4-hour mark.
    """

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE "
            + ", ".join(
                table(m) for m in (Notification, EscalationRecord, WorkflowStep, WorkflowInstance, Permit, JobRun)
            )
            + " RESTART IDENTITY CASCADE"
        )
    project, _ = Project.objects.get_or_create(code="BENCH", defaults={"name": "Bench site", "time_zone": "UTC"})
    users = {}
    for username, company_type, grade in [
        ("bench_creator", CompanyType.CONTRACTOR, Grade.C),
        ("bench_verifier", CompanyType.EPC, Grade.C),
        ("bench_admin_a", CompanyType.CLIENT, Grade.A),
        ("bench_admin_b", CompanyType.EPC, Grade.B),
    ]:
        users[username], created = User.objects.get_or_create(username=username)
        if created:
            Membership.objects.create(user=users[username], project=project, company_type=company_type, grade=grade)
    permit_type, _ = PermitType.objects.get_or_create(name="Bench cold work", defaults={"category": "cold_work"})

    every = n // DUE
    params: dict[str, Any] = {
        "n": n,
        "every": every,
        "now": NOW,
        "project": project.pk,
        "type": permit_type.pk,
        "creator": users["bench_creator"].pk,
        "verifier": users["bench_verifier"].pk,
        "pending": StepStatus.PENDING,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table(Permit)} (id, permit_number, permit_type_id, project_id, title, description, location,
                planned_start_time, planned_end_time, status, created_by_id, verifier_id, created_at, updated_at,
                submitted_at, rejection_reason)
            SELECT g, 'PTW-2026-' || lpad(g::text, 7, '0'), %(type)s, %(project)s, 'Bench job ' || g, '', 'Unit 1',
                   %(now)s + interval '1 day', %(now)s + interval '2 days', 'submitted', %(creator)s, %(verifier)s,
                   %(now)s - interval '6 hours', %(now)s - interval '6 hours', %(now)s - interval '6 hours', ''
            FROM generate_series(1, %(n)s) AS g""",
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {table(WorkflowInstance)} (id, permit_id, status, started_at)
            SELECT g, g, 'active', %(now)s - interval '6 hours' FROM generate_series(1, %(n)s) AS g""",
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {table(WorkflowStep)} (id, instance_id, step_id, name, assignee_id, role, status, "order",
                pending_since, comments, next_check_at)
            SELECT g, g, 'verification', 'Verification', %(verifier)s, 'verifier', %(pending)s, 1, since, '',
                   CASE WHEN due THEN %(now)s - interval '1 hour' ELSE since + interval '4 hours' END
            FROM generate_series(1, %(n)s) AS g,
                 LATERAL (SELECT g %% %(every)s = 0 AS due) AS d,
                 LATERAL (SELECT CASE WHEN due THEN %(now)s - interval '5 hours'
                                      ELSE %(now)s - (g %% 180) * interval '1 minute' END AS since) AS s""",
            params,
        )
        for model in (Permit, WorkflowInstance, WorkflowStep):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table(model)}', 'id'), %s)", [n])
        # A steady state, not the minute after a bulk load: hint bits set, statistics fresh,
        # and no checkpoint of the load's WAL running during the timings.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    return users


HAND_WRITTEN_SQL = """
    INSERT INTO notifications_notification (recipient_id, notification_type, title, message, data, link,
        sender_id, dedupe_key, subject_type, subject_id, created_at)
    SELECT s.assignee_id, 'ptw_overdue', 'Task overdue: ' || p.permit_number,
           'The ' || lower(s.name) || ' of permit ' || p.permit_number || ' (' || p.title
               || ') has been pending with you for ' || (m.minutes / 60) || ' h '
               || lpad((m.minutes %% 60)::text, 2, '0') || ' min (limit 4 h).',
           jsonb_build_object('permit_id', p.id, 'permit_number', p.permit_number, 'permit_type', t.name,
                              'step', s.step_id, 'step_pk', s.id, 'level', 1, 'assignee_id', s.assignee_id,
                              'pending_hours', round(m.minutes / 60.0, 2), 'time_limit_hours', 4.0),
           '/dashboard/ptw/view/' || p.id, NULL,
           md5(s.assignee_id || ':ptw_overdue:' || p.id || ':'
               || to_char(%(now)s AT TIME ZONE pr.time_zone, 'YYYY-MM-DD') || ':step:' || s.id || ':level:1'),
           'ptw.permit', p.id, %(now)s
    FROM ptw_workflowstep s
    JOIN ptw_workflowinstance i ON i.id = s.instance_id
    JOIN ptw_permit p ON p.id = i.permit_id
    JOIN ptw_permittype t ON t.id = p.permit_type_id
    JOIN accounts_project pr ON pr.id = p.project_id,
    LATERAL (SELECT floor(extract(epoch FROM %(now)s - s.pending_since) / 60)::int AS minutes) AS m
    WHERE s.status = 'pending' AND s.next_check_at <= %(now)s
    ON CONFLICT (recipient_id, dedupe_key) DO NOTHING
    RETURNING recipient_id, notification_type, title, message, link, dedupe_key
"""


def hand_written_sql() -> tuple[float, set]:
    """Time the single INSERT … SELECT (then roll it back, leaving the data to the sweep)."""

    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(HAND_WRITTEN_SQL, {"now": NOW})
            rows = set(cursor.fetchall())
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, rows


def sweep() -> tuple[float, int, JobReport]:

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = check_overdue_workflow_tasks(now=NOW)
        seconds = time.perf_counter() - started
    assert report.ok, report.errors
    return seconds, len(queries), report


def make_due_again() -> None:
    """Undo a sweep (notifications, records, next checks) so the next run is a first run again."""

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_notification, ptw_escalationrecord")
        cursor.execute(
            "UPDATE ptw_workflowstep SET next_check_at = %s WHERE pending_since = %s",
            [NOW - timedelta(hours=1), NOW - timedelta(hours=5)],
        )


def swept_rows() -> set:

    return set(
        Notification.objects.filter(notification_type="ptw_overdue").values_list(
            "recipient_id", "notification_type", "title", "message", "link", "dedupe_key"
        )
    )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    ram = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {ram} GB RAM, PostgreSQL {pg} (shared_buffers {buffers}), "
        f"Python {platform.python_version()}, {datetime.now():%Y-%m-%d}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3, help="first runs per size (reset between); median reported")
    args = parser.parse_args()
    recreate_database()
    print("command:", " ".join(["python", *sys.argv]))
    print("machine:", machine())
    results = []
    for n in [int(size) for size in args.sizes.split(",")]:
        started = time.perf_counter()
        seed(n)
        seeded = time.perf_counter() - started
        sql_times, sweep_times = [], []
        for attempt in range(args.repeat):
            sql_seconds, sql_rows = hand_written_sql()
            seconds, queries, report = sweep()
            if attempt == 0:
                assert swept_rows() == sql_rows, "the SQL and the sweep wrote different notification rows"
                first = (seconds, queries, report.counts["notifications"])
                rerun_seconds, rerun_queries, rerun = sweep()
                assert rerun.counts["steps"] == 0
            sql_times.append(sql_seconds)
            sweep_times.append(seconds)
            make_due_again()
        row = {
            "n": n,
            "seed": seeded,
            "first": first[0],
            "queries": first[1],
            "notifications": first[2],
            "median": statistics.median(sweep_times),
            "rerun": rerun_seconds,
            "rerun_queries": rerun_queries,
            "sql": statistics.median(sql_times),
        }
        results.append(row)
        print(
            f"N={n:>9,}: seeded in {seeded:.1f} s; sweep first run {row['first']:.3f} s "
            f"(median of {args.repeat}: {row['median']:.3f} s), {row['queries']} queries, "
            f"{row['notifications']} notifications; rerun {row['rerun']:.3f} s, {row['rerun_queries']} queries, "
            f"0 notifications; hand-written INSERT … SELECT {row['sql']:.3f} s "
            f"(sweep/SQL {row['median'] / row['sql']:.2f}×)",
            flush=True,
        )

    print()
    print(
        "| pending steps (1,000 due) | sweep, first run | median of first runs | queries | notifications "
        "| rerun | rerun queries | hand-written SQL | sweep / SQL |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['n']:,} | {row['first']:.3f} s | {row['median']:.3f} s | {row['queries']} | "
            f"{row['notifications']:,} | {row['rerun']:.3f} s | {row['rerun_queries']} | {row['sql']:.3f} s | "
            f"{row['median'] / row['sql']:.2f}× |"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(
            f"\ntime({large['n']:,}) / time({small['n']:,}) = {large['median'] / small['median']:.2f} "
            f"(goal ≤ 1.5; first runs only: {large['first'] / small['first']:.2f})"
        )


if __name__ == "__main__":
    main()
