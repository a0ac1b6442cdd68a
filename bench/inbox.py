"""Inbox benchmark: does "my unread count" and "my first page" cost the same in a big table?

Seeds two PostgreSQL databases server-side (INSERT … SELECT generate_series):
  large: 1,000,000 notifications over 1,000 users;  small: 1,000 notifications over 1,000 users.
In both, the measured user owns the same inbox (100 notifications, 30 unread), so the only
difference is everything else in the table. Requests go through the real API view (APIClient,
URL routing, authentication, serializer, cursor pagination), alternating small/large rounds so
machine noise hits both alike. Prints p50/p99 per endpoint, the large/small ratio (must be
< 1.5: the indexes make the cost independent of table size), EXPLAIN ANALYZE of both queries
in the large table, the machine and the command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ptw_bench_inbox .venv/bin/python bench/inbox.py

The small dataset goes to `<database>_small`. Both databases are (re)created by the script.
"""

import argparse
import os
import platform
import shlex
import statistics
import sys
import time
import warnings
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ptw_bench_inbox")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("DEBUG", "false")  # no query log in memory
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise without collectstatic

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402

URL = "/api/v1/notifications/"
USERS = 1000
MY_NOTIFICATIONS, MY_UNREAD = 100, 30
ENDPOINTS = {"unread-count": URL + "unread-count/", "first page": URL}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=1_000_000, help="notifications in the large table")
    parser.add_argument("--small-total", type=int, default=1_000, help="notifications in the small table")
    parser.add_argument("--iterations", type=int, default=2000, help="timed requests per endpoint and dataset")
    parser.add_argument("--rounds", type=int, default=10, help="alternations between the datasets")
    parser.add_argument("--reuse", action="store_true", help="keep already seeded databases")
    return parser.parse_args()


def use_database(name: str) -> None:
    """Point the default connection at `name` (a persistent connection, as in production)."""
    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    connections["default"].settings_dict["CONN_MAX_AGE"] = None


def recreate_database(name: str) -> None:
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
        admin.execute(f'CREATE DATABASE "{name}"')


def seed(total: int) -> User:
    """Migrate, then seed `total` notifications server-side; return the measured user."""
    call_command("migrate", verbosity=0)
    me = User.objects.create(username="bench_me")
    others = User.objects.bulk_create(User(username=f"bench_user_{i}") for i in range(USERS - 1))
    other_ids = [user.pk for user in others]
    started = time.perf_counter()
    insert = """
        INSERT INTO notifications_notification
            (recipient_id, notification_type, title, message, data, link, read_at, created_at,
             dedupe_key, subject_type, subject_id, sender_id)
        SELECT {recipient}, 'ptw_' || (ARRAY['approved', 'verification', 'approval', 'overdue'])[1 + mod(g, 4)],
               'Permit approved: PTW-2026-' || lpad((mod(g, 50000))::text, 6, '0'),
               'Permit PTW-2026-' || lpad((mod(g, 50000))::text, 6, '0') || ' (Replace valve) was approved.',
               jsonb_build_object('permit_id', mod(g, 50000), 'permit_number',
                                  'PTW-2026-' || lpad((mod(g, 50000))::text, 6, '0'), 'permit_type', 'Hot work'),
               '/dashboard/ptw/view/' || (mod(g, 50000)),
               CASE WHEN {unread} THEN NULL ELSE now() - interval '1 minute' END,
               now() - make_interval(secs => {age}),
               md5(g::text), 'ptw.permit', mod(g, 50000), {sender}
        FROM generate_series(1, %s) AS g
    """
    with connection.cursor() as cursor:
        # everyone else, spread over the same period as the measured user's own notifications
        cursor.execute(
            insert.format(
                recipient=f"(%s::bigint[])[1 + mod(g, {len(other_ids)})]",
                unread="mod(g, 10) = 0",
                age=f"g * {3_000_000 / total}",
                sender="%s",
            ),
            [other_ids, me.pk, total - MY_NOTIFICATIONS],
        )
        cursor.execute(
            insert.format(
                recipient="%s", unread=f"g <= {MY_UNREAD}", age=f"g * {3_000_000 / MY_NOTIFICATIONS}", sender="%s"
            ),
            [me.pk, other_ids[0], MY_NOTIFICATIONS],
        )
        cursor.execute("VACUUM ANALYZE notifications_notification")
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('notifications_notification')) "
            "FROM notifications_notification"
        )
        count, size = cursor.fetchone()
    print(f"  seeded {count:,} notifications ({size} with indexes) in {time.perf_counter() - started:.1f}s")
    return me


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def time_requests(client: APIClient, url: str, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return timings


def explain(client: APIClient) -> None:
    """EXPLAIN ANALYZE the exact SQL each endpoint runs."""
    for label, url in ENDPOINTS.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        for query in captured.captured_queries:
            print(f"\n-- {label}: {query['sql']}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join("   " + row[0] for row in cursor.fetchall()))


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else max(values)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.0f} GiB RAM, PostgreSQL {pg}, "
        f"Python {platform.python_version()}, {date.today().isoformat()}"
    )


def main() -> None:
    args = parse_args()
    large_db = settings.DATABASES["default"]["NAME"]
    datasets = {"small": (f"{large_db}_small", args.small_total), "large": (large_db, args.total)}
    users = {}
    for label, (name, total) in datasets.items():
        print(f"{label}: database {name}")
        if not args.reuse:
            recreate_database(name)
        use_database(name)
        users[label] = User.objects.get(username="bench_me") if args.reuse else seed(total)

    timings: dict[tuple[str, str], list[float]] = {
        (label, endpoint): [] for label in datasets for endpoint in ENDPOINTS
    }
    per_round = max(1, args.iterations // args.rounds)
    for round_ in range(args.rounds + 1):  # round 0 warms up and is discarded
        order = list(datasets.items())
        for label, (name, _) in order if round_ % 2 else reversed(order):  # neither always goes first
            use_database(name)
            client = client_for(users[label])
            for endpoint, url in ENDPOINTS.items():
                measured = time_requests(client, url, per_round)
                if round_:
                    timings[(label, endpoint)] += measured

    print(f"\n{'endpoint':<14}{'dataset':<8}{'rows':>12}{'p50 ms':>9}{'p99 ms':>9}")
    results = {}
    for (label, endpoint), values in timings.items():
        results[(label, endpoint)] = (percentile(values, 50), percentile(values, 99))
        print(
            f"{endpoint:<14}{label:<8}{datasets[label][1]:>12,}"
            f"{results[(label, endpoint)][0]:>9.2f}{results[(label, endpoint)][1]:>9.2f}"
        )
    print()
    ok = True
    for endpoint in ENDPOINTS:
        (small50, small99), (large50, large99) = results[("small", endpoint)], results[("large", endpoint)]
        ratio50, ratio99 = large50 / small50, large99 / small99
        ok &= ratio50 < 1.5
        print(f"ratio large/small {endpoint:<13} p50 {ratio50:.2f}  p99 {ratio99:.2f}")

    use_database(large_db)
    print("\nEXPLAIN ANALYZE in the large table:")
    explain(client_for(users["large"]))
    print(f"\nmachine: {machine()}")
    print(f"requests: {per_round * args.rounds} per endpoint and dataset, {args.rounds} alternating rounds")
    print(
        "command: DATABASE_URL="
        + os.environ["DATABASE_URL"]
        + " .venv/bin/python bench/inbox.py "
        + " ".join(shlex.quote(a) for a in sys.argv[1:])
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
