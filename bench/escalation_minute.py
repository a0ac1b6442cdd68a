"""Benchmark: checks every minute (issue 12) — threshold → notification committed, and the idle sweep.

1. Latency under the loop: S steps whose 4 h limit falls at random instants over the next
   `--window` seconds; `manage.py ptw_check_escalations --loop 60` runs as a separate process.
   For each step: the end of the run that committed its `ptw_overdue` (JobRun.finished_at, after
   the commit) minus the instant its limit passed. Goal: p99 ≤ 60 s.
2. Idle sweep: N pending steps (default 1,000,000), none due: the sweep's time and queries,
   median of `--idle-runs` runs (what a sweep costs every minute when nothing is due).

    .venv/bin/python bench/escalation_minute.py [--steps 300] [--window 120] [--idle-sizes 10000,1000000]
        [--beat] [--no-loop] [--port 5441]

--idle-sizes 0 skips the idle sweep; --no-loop the latency under the loop.

With --beat, the same under Celery beat + one worker (broker CELERY_BROKER_URL).

Runs on a private, throw-away PostgreSQL cluster (bench/pg_private.py, --port 5441).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pg_private import private_cluster  # noqa: E402

DB = "ptw_bench_minute"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_loop() -> list[subprocess.Popen]:
    """`ptw_check_escalations --loop` (60 s by default), as `make run` and cron-less deployments run it."""
    command = [sys.executable, "manage.py", "ptw_check_escalations", "--loop"]
    return [subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]


def start_beat(tmp: str) -> list[subprocess.Popen]:
    """A Celery worker and Celery beat (backend/celery_app.py's schedule: the overdue check each minute)."""
    celery = str(Path(sys.executable).parent / "celery")
    commands = [
        [celery, "-A", "backend", "worker", "-l", "WARNING", "-c", "1"],
        [celery, "-A", "backend", "beat", "-l", "WARNING", "-s", f"{tmp}/beat-schedule"],
    ]
    return [
        subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command in commands
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "ESCALATIONS_ENABLED": "True", "LOG_LEVEL": "WARNING"}


def latency(sweep_bench, steps: int, window: float, start) -> dict:
    """Seed `steps` steps crossing their limit within `window` s from now; let the scheduler notify them."""
    from django.db import connection
    from django.utils import timezone

    from notifications.models import Notification
    from ptw.models import JobRun, WorkflowStep

    sweep_bench.seed(steps * 10)  # (its own due rows are made not due below)
    began = timezone.now()
    crossings = {}
    ids = list(WorkflowStep.objects.order_by("pk").values_list("pk", flat=True)[:steps])
    step_gap = window / steps
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ptw_workflowstep SET next_check_at = %s", [began + timedelta(days=1)])
        for i, pk in enumerate(ids):
            crossing = began + timedelta(seconds=5 + i * step_gap)
            since = crossing - timedelta(hours=4)
            cursor.execute(
                "UPDATE ptw_workflowstep SET pending_since = %s, next_check_at = %s WHERE id = %s",
                [since, crossing, pk],
            )
            crossings[pk] = crossing
    JobRun.objects.all().delete()
    Notification.objects.all().delete()
    processes = start()
    try:
        deadline = time.monotonic() + window + 90
        while time.monotonic() < deadline:
            if Notification.objects.filter(notification_type="ptw_overdue").count() >= steps:
                break
            time.sleep(2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    runs = dict(
        JobRun.objects.filter(job="check_overdue_workflow_tasks", finished_at__isnull=False).values_list(
            "started_at", "finished_at"
        )
    )
    latencies = []
    for step_pk, created in Notification.objects.filter(notification_type="ptw_overdue").values_list(
        "data__step_pk", "created_at"
    ):
        committed = runs[created]  # the run that wrote it, finished after its commit
        assert committed is not None
        latencies.append((committed - crossings[step_pk]).total_seconds())
    return {
        "steps": steps,
        "notified": len(latencies),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "runs": len(runs),
    }


def idle_sweep(sweep_bench, n: int, runs: int) -> dict:
    """N pending steps, none due: the sweep's median time and its queries, and the claim's own time in the server."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sweep_bench.seed(n)
    sweep_bench.sweep()  # the 1,000 due rows the seed leaves are sent and move on: nothing is due after
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ptw_workflowstep")
    times, queries = [], 0
    for _ in range(runs):
        seconds, queries, report = sweep_bench.sweep()
        assert report.counts["steps"] == 0
        times.append(seconds)
    with CaptureQueriesContext(connection) as captured:
        sweep_bench.sweep()
    claim = next(query["sql"] for query in captured.captured_queries if "SKIP LOCKED" in query["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + claim)
        plan = cursor.fetchone()[0][0]
    return {
        "n": n,
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "queries": queries,
        "claim_ms": plan["Execution Time"],
        "claim_index": "workflowstep_due" in json.dumps(plan),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--window", type=float, default=120.0)
    parser.add_argument("--idle-sizes", default="10000,1000000", help="0: skip the idle sweep")
    parser.add_argument("--port", type=int, default=5441)
    parser.add_argument("--idle-runs", type=int, default=20)
    parser.add_argument("--beat", action="store_true", help="also measure under Celery beat + worker (REDIS_URL)")
    parser.add_argument("--no-loop", dest="loop", action="store_false", help="skip the latency under the loop")
    args = parser.parse_args()
    with private_cluster(name=f"minutebench{args.port}", port=args.port) as dsn:
        os.environ["DATABASE_URL"] = f"{dsn}/{DB}"
        import escalation_sweep as sweep_bench  # django.setup() on the private cluster

        sweep_bench.recreate_database()
        print("command:", " ".join(["python", *sys.argv]))
        print("machine:", sweep_bench.machine())
        with tempfile.TemporaryDirectory() as tmp:
            schedulers = [("loop (--loop, 60 s)", start_loop)] if args.loop else []
            if args.beat:
                schedulers.append(("Celery beat + worker", partial(start_beat, tmp)))
            for name, start in schedulers:
                found = latency(sweep_bench, args.steps, args.window, start)
                print(
                    f"{name}: {found['notified']}/{found['steps']} steps notified, {found['runs']} runs; "
                    f"threshold → notification committed p50 {found['p50']:.1f} s, p99 {found['p99']:.1f} s, "
                    f"max {found['max']:.1f} s (goal p99 ≤ 60 s)",
                    flush=True,
                )
        for size in [int(size) for size in args.idle_sizes.split(",") if int(size)]:
            idle = idle_sweep(sweep_bench, size, args.idle_runs)
            print(
                f"idle sweep, {idle['n']:,} pending steps, none due: median {idle['median_ms']:.1f} ms, "
                f"max {idle['max_ms']:.1f} ms, {idle['queries']} queries (median of {args.idle_runs}); "
                f"the claim in the server {idle['claim_ms']:.2f} ms (index workflowstep_due: {idle['claim_index']})",
                flush=True,
            )


if __name__ == "__main__":
    main()
