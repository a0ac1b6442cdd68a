"""Board and permit-list benchmark: do they cost the same with 100,000 permits as with 1,000?

Seeds two PostgreSQL databases server-side (INSERT … SELECT generate_series):
  small: the measured project with 1,000 permits (the live ones and a month of history);
  large: the same project with 100,000 permits (99,000 more, older than the month) and 20 other
         projects' history, 500,000 permits and 1,000,000 workflow steps in all.
What the pages show is the same in both (live permits, waiting steps, the last 30 days), so only
what is stored differs. Requests go through the real views (Django test client: middleware,
session, templates, context processors), rounds alternating the databases (and which goes first),
a warm-up round discarded. Prints p50/p90 per request and dataset, the large/small ratio (goal
≤ 1.5), queries per request, EXPLAIN ANALYZE of the list's page query, the machine and the command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ptw_board_bench .venv/bin/python bench/board.py [--drop]

Both databases (`<name>` and `<name>_small`) are (re)created; --drop removes them at the end.
"""

import argparse
import os
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ptw_board_bench")

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from inbox import machine, percentile, recreate_database, use_database  # noqa: E402  (sets Django up)

from accounts.models import User  # noqa: E402

OTHER_PROJECTS = 20
OTHER_PERMITS = 400_000
REQUESTS = {
    "board page": "/dashboard/board/?project={p}",
    "board live part": "/dashboard/board/?project={p}&part=live",
    "list, first page": "/dashboard/ptw/?project={p}",
    "list, by planned end": "/dashboard/ptw/?project={p}&sort=-end",
    "list, active": "/dashboard/ptw/?project={p}&status=active",
    "list, search": "/dashboard/ptw/?project={p}&q=Tank+T-7",
    "list, step overdue": "/dashboard/ptw/?project={p}&attention=overdue",
    "list, page 3": "/dashboard/ptw/?project={p}&page=3",
    "API counts": "/api/v1/ptw/board/counts/?project={p}",
    "API step times": "/api/v1/ptw/board/step-times/?project={p}",
}

# One segment of permits: (count, status, created_at, planned end, location, steps).
# Times are SQL in terms of g (1..count) and now(). Steps: "decided" (verification and approval
# done), "verifying" (verification pending), "approving" (verification done, approval pending), "none".
LIVE_AND_RECENT = [
    (40, "'active'", "now() - interval '1 day'", "now() + g * interval '9 minutes'", "'Unit ' || mod(g, 6)", "decided"),
    (5, "'suspended'", "now() - interval '1 day'", "now() + g * interval '1 hour'", "'Unit 2'", "decided"),
    (10, "'approved'", "now() - interval '6 hours'", "now() + g * interval '25 minutes'", "'Unit 4'", "decided"),
    (20, "'submitted'", "now() - g * interval '20 minutes'", "now() + interval '1 day'", "'Unit 1'", "verifying"),
    (15, "'under_review'", "now() - interval '1 day'", "now() + interval '1 day'", "'Unit 5'", "approving"),
    (10, "'draft'", "now() - g * interval '1 hour'", "now() + interval '2 days'", "'Unit 3'", "none"),
    (
        900,
        "'completed'",
        "now() - g * interval '47 minutes'",
        "now() - g * interval '47 minutes' + interval '8 hours'",
        "CASE WHEN mod(g, 60) = 0 THEN 'Tank T-7' ELSE 'Unit ' || mod(g, 6) END",
        "decided",
    ),
]
# Older than the board's 30-day window (older than the list's first pages too).
HISTORY = (
    "(ARRAY['completed','completed','completed','cancelled','expired','rejected'])[1 + mod(g, 6)]",
    "now() - interval '31 days' - g * interval '40 minutes'",
    "now() - interval '31 days' - g * interval '40 minutes' + interval '8 hours'",
    "'Unit ' || mod(g, 6)",
    "decided",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", type=int, default=100_000, help="permits of the measured project, large side")
    parser.add_argument("--rounds", type=int, default=6, help="alternations between the databases")
    parser.add_argument("--per-round", type=int, default=15, help="requests per request kind, dataset and round")
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    parser.add_argument("--drop", action="store_true", help="drop both databases at the end")
    return parser.parse_args()


def seed(*, history: int, other: int) -> dict:
    """Migrate and seed; return the measured project id and admin."""
    call_command("migrate", verbosity=0)
    from accounts.models import CompanyType, Grade, Membership, MembershipRole, Project
    from ptw.models import EscalationRule, IsolationPoint, PermitIsolationPoint, PermitType

    project = Project.objects.create(code="BENCH", name="Bench refinery", time_zone="Asia/Kolkata")
    people = {}
    for username, company, grade in [
        ("bench_admin", CompanyType.CLIENT, Grade.A),
        ("bench_creator", CompanyType.CONTRACTOR, Grade.C),
        *[(f"bench_verifier_{i}", CompanyType.EPC, Grade.C) for i in range(5)],
        ("bench_approver", CompanyType.CLIENT, Grade.C),
    ]:
        people[username] = User.objects.create(username=username, first_name=username.split("_")[1].title())
        membership = Membership.objects.create(
            user=people[username], project=project, company_type=company, grade=grade
        )
    MembershipRole.objects.create(membership=membership, name="safety_officer")
    types = [
        PermitType.objects.create(name=name, category=category, risk_level=risk)
        for name, category, risk in [
            ("Hot work", "hot_work", "extreme"),
            ("Electrical work", "electrical", "high"),
            ("Cold work", "cold_work", "low"),
        ]
    ]
    EscalationRule.objects.create(permit_type=types[0], step_name="verification", time_limit_hours=2)
    others = [
        Project.objects.create(code=f"OTHER{i}", name=f"Other site {i}", time_zone="UTC") for i in range(OTHER_PROJECTS)
    ]
    ids = {"next": 1}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for count, status, created, end, location, steps in LIVE_AND_RECENT:
            _insert(cursor, ids, count, project.pk, types, people, status, created, end, location, steps)
        if history:
            _insert(cursor, ids, history, project.pk, types, people, *HISTORY)
        per_project = other // OTHER_PROJECTS if other else 0
        for other_project in others if per_project else []:
            _insert(cursor, ids, per_project, other_project.pk, types, people, *HISTORY)
        _escalations(cursor, project.pk)
    points = [
        IsolationPoint.objects.create(
            project=project, code=f"ISO-{i}", point_type="valve", energy_type="chemical", location="Unit 1"
        )
        for i in range(3)
    ]
    from django.utils import timezone

    from ptw.models import Permit

    for index, permit_id in enumerate(
        Permit.objects.filter(project=project, status="active").values_list("pk", flat=True)
    ):
        for point in points[: index % 4]:
            PermitIsolationPoint.objects.create(
                permit_id=permit_id,
                point=point,
                status="verified" if index % 3 else "isolated",
                assigned_at=timezone.now(),
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT (SELECT count(*) FROM ptw_permit), (SELECT count(*) FROM ptw_workflowstep),"
            " (SELECT count(*) FROM ptw_permit WHERE project_id = %s)",
            [project.pk],
        )
        permits, steps, mine = cursor.fetchone()
    print(
        f"  seeded {permits:,} permits ({mine:,} in the measured project), {steps:,} steps"
        f" in {time.perf_counter() - started:.0f} s"
    )
    return {"project": project.pk, "admin": people["bench_admin"]}


def _insert(cursor, ids, count, project_id, types, people, status, created, end, location, steps) -> None:
    """Permits, their workflow instances and steps for one segment, ids from ids["next"]."""
    first = ids["next"]
    ids["next"] += count
    verifiers = [people[f"bench_verifier_{i}"].pk for i in range(5)]
    params = {
        "first": first,
        "count": count,
        "project": project_id,
        "types": [t.pk for t in types],
        "creator": people["bench_creator"].pk,
        "verifiers": verifiers,
        "approver": people["bench_approver"].pk,
    }
    cursor.execute(
        f"""
        INSERT INTO ptw_permit (id, permit_number, permit_type_id, project_id, title, description, location,
            planned_start_time, planned_end_time, status, created_by_id, created_at, updated_at, rejection_reason)
        SELECT %(first)s + g - 1, 'PTW-' || lpad((%(first)s + g - 1)::text, 8, '0'),
               (%(types)s::bigint[])[1 + mod(g, 3)], %(project)s,
               (ARRAY['Replace pump seal', 'Weld repair on line', 'Inspect vessel', 'Terminate cables'])[1 + mod(g, 4)]
                   || ' ' || (%(first)s + g - 1),
               '', {location}, ({end}) - interval '8 hours', {end}, {status}, %(creator)s, {created}, {created}, ''
        FROM generate_series(1, %(count)s) AS g
        """,
        params,
    )
    if steps == "none":
        return
    cursor.execute(
        f"""
        INSERT INTO ptw_workflowinstance (id, permit_id, status, started_at)
        SELECT %(first)s + g - 1, %(first)s + g - 1, 'active', {created} FROM generate_series(1, %(count)s) AS g
        """,
        params,
    )
    # verification: decided after mod(g, 11) × 20 min, or pending since `created`
    verification_done = steps in ("decided", "approving")
    cursor.execute(
        f"""
        INSERT INTO ptw_workflowstep (id, instance_id, step_id, name, assignee_id, role, status, "order",
            pending_since, completed_at, comments, next_check_at)
        SELECT 2 * (%(first)s + g - 1) - 1, %(first)s + g - 1, 'verification', 'Verification',
               (%(verifiers)s::bigint[])[1 + mod(g, 5)], 'verifier',
               {"'approved'" if verification_done else "'pending'"}, 1,
               {created},
               {f"{created} + mod(g, 11) * interval '20 minutes'" if verification_done else "NULL"}, '',
               {"NULL" if verification_done else f"{created} + interval '4 hours'"}
        FROM generate_series(1, %(count)s) AS g
        """,
        params,
    )
    if steps == "verifying":
        return
    approval_done = steps == "decided"
    cursor.execute(
        f"""
        INSERT INTO ptw_workflowstep (id, instance_id, step_id, name, assignee_id, role, status, "order",
            pending_since, completed_at, comments, next_check_at)
        SELECT 2 * (%(first)s + g - 1), %(first)s + g - 1, 'approval', 'Approval', %(approver)s, 'approver',
               {"'approved'" if approval_done else "'pending'"}, 2,
               {created} + mod(g, 11) * interval '20 minutes',
               {
            f"{created} + mod(g, 11) * interval '20 minutes' + mod(g, 7) * interval '30 minutes'"
            if approval_done
            else "NULL"
        },
               '', {"NULL" if approval_done else f"{created} + interval '4 hours'"}
        FROM generate_series(1, %(count)s) AS g
        """,
        params,
    )


def _escalations(cursor, project_id: int) -> None:
    """Level 1 and 2 records for the project's pending steps over the last 30 local days."""
    cursor.execute(
        """
        INSERT INTO ptw_escalationrecord (permit_id, step_id, level, event_type, reached_at, local_date, pending_hours,
                                          recipient_ids)
        SELECT i.permit_id, s.id, lvl, CASE lvl WHEN 1 THEN 'ptw_overdue' ELSE 'ptw_escalated' END,
               now() - d * interval '1 day', (now() AT TIME ZONE 'Asia/Kolkata')::date - d, 5, '[]'
        FROM ptw_workflowstep s JOIN ptw_workflowinstance i ON i.id = s.instance_id
             JOIN ptw_permit p ON p.id = i.permit_id,
             generate_series(0, 29) AS d, generate_series(1, 2) AS lvl
        WHERE s.status = 'pending' AND p.project_id = %s AND mod(s.id, 3) = 0
        """,
        [project_id],
    )


def time_requests(client: Client, url: str, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def explain_list(client: Client, project_id: int) -> None:
    """EXPLAIN ANALYZE the slowest statements of the list's first page and of the board."""
    for label in ("list, first page", "board page"):
        with CaptureQueriesContext(connection) as captured:
            client.get(REQUESTS[label].format(p=project_id))
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:2]
        for query in slowest:
            print(f"\n-- {label} ({query['time']} s): {query['sql'][:300]}…")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join("   " + row[0] for row in cursor.fetchall()[:14]))


def drop_database(name: str) -> None:
    params = settings.DATABASES["default"]
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    args = parse_args()
    large_db = settings.DATABASES["default"]["NAME"]
    datasets = {
        "small": (f"{large_db}_small", 0, 0),
        "large": (large_db, args.large - 1000, OTHER_PERMITS),
    }
    seeded: dict[str, dict[str, Any]] = {}
    for label, (name, history, other) in datasets.items():
        print(f"{label}: database {name}")
        if not args.reuse:
            recreate_database(name)
        use_database(name)
        if args.reuse:
            from accounts.models import Project

            seeded[label] = {
                "project": Project.objects.get(code="BENCH").pk,
                "admin": User.objects.get(username="bench_admin"),
            }
        else:
            seeded[label] = seed(history=history, other=other)

    timings: dict[tuple[str, str], list[float]] = {(label, kind): [] for label in datasets for kind in REQUESTS}
    queries = {}
    for round_ in range(args.rounds + 1):  # round 0 warms up and is discarded
        order = list(datasets.items())
        for label, (name, _, _) in order if round_ % 2 else reversed(order):
            use_database(name)
            client = Client()
            client.force_login(seeded[label]["admin"])
            for kind, url in REQUESTS.items():
                url = url.format(p=seeded[label]["project"])
                measured = time_requests(client, url, args.per_round)
                if round_:
                    timings[(label, kind)] += measured
                else:
                    queries[(label, kind)] = query_count(client, url)

    print(f"\n{'request':<24}{'dataset':<8}{'p50 ms':>9}{'p90 ms':>9}{'queries':>9}")
    ok = True
    ratios = {}
    for kind in REQUESTS:
        for label in datasets:
            values = timings[(label, kind)]
            print(
                f"{kind:<24}{label:<8}{statistics.median(values):>9.2f}{percentile(values, 90):>9.2f}"
                f"{queries[(label, kind)]:>9}"
            )
        ratios[kind] = statistics.median(timings[("large", kind)]) / statistics.median(timings[("small", kind)])
        ok &= ratios[kind] <= 1.5
    print()
    for kind, ratio in ratios.items():
        print(f"ratio large/small p50  {kind:<24}{ratio:.2f}")

    use_database(large_db)
    client = Client()
    client.force_login(seeded["large"]["admin"])
    print("\nEXPLAIN ANALYZE in the large database:")
    explain_list(client, seeded["large"]["project"])
    print(f"\nmachine: {machine()}")
    print(f"requests: {args.per_round * args.rounds} per request kind and dataset, {args.rounds} alternating rounds")
    print(
        "command: DATABASE_URL="
        + os.environ["DATABASE_URL"]
        + " .venv/bin/python bench/board.py "
        + " ".join(shlex.quote(a) for a in sys.argv[1:])
    )
    if args.drop:
        connection.close()
        for name, _, _ in datasets.values():
            drop_database(name)
        print("dropped", ", ".join(name for name, _, _ in datasets.values()))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
