"""Token authentication benchmark: what does an expiring, hashed API token (django-rest-knox) cost per
request, next to a session, when the token table is full?

Seeds one PostgreSQL database with USERS users holding API_TOKENS_PER_USER tokens each (100,000 rows
by default, digests computed as knox does), then times the same cheap endpoint (`GET permit-types/`,
through APIClient: routing, authentication, permission, serializer, pagination) authenticated by
token and by session, alternating the two round by round so machine noise hits both alike. Prints
p50/p99 of each, the token/session ratio, the queries each request runs, EXPLAIN ANALYZE of knox's
token lookup, the machine and the command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ptw_bench_tokens .venv/bin/python bench/token_auth.py

The database is (re)created by the script.
"""

import argparse
import os
import platform
import shlex
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ptw_bench_tokens")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise without collectstatic

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.crypto import create_token_string, hash_token  # noqa: E402
from knox.models import AuthToken  # noqa: E402
from knox.settings import CONSTANTS  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.tokens import issue_token  # noqa: E402

URL = "/api/v1/ptw/permit-types/"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=5000, help="users, each with API_TOKENS_PER_USER tokens")
    parser.add_argument("--iterations", type=int, default=2000, help="timed requests per side")
    parser.add_argument("--rounds", type=int, default=10, help="alternations between token and session")
    return parser.parse_args()


def recreate_database() -> None:
    name = settings.DATABASES["default"]["NAME"]
    admin = {k: v for k, v in connection.get_connection_params().items() if k in ("host", "port", "user", "password")}
    connection.close()
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def seed(users: int) -> User:
    """`users` users with a full set of live tokens each; returns the measured user (one of them)."""
    per_user = settings.API_TOKENS_PER_USER
    User.objects.bulk_create(User(username=f"user{n}", password="!") for n in range(users))
    expiry = timezone.now() + timedelta(hours=12)
    rows = []
    for user_id in User.objects.values_list("pk", flat=True):
        for _ in range(per_user):
            token = create_token_string()
            rows.append(
                AuthToken(
                    digest=hash_token(token),
                    token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
                    user_id=user_id,
                    expiry=expiry,
                )
            )
    AuthToken.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return User.objects.get(username="user0")


def time_requests(client: APIClient, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(URL)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def query_count(client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    return len(queries)


def main() -> None:
    args = parse_args()
    recreate_database()
    user = seed(args.users)
    AuthToken.objects.filter(user=user).order_by("created").first().delete()  # room for the measured token
    _, secret = issue_token(user=user)
    by_token, by_session = APIClient(), APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    by_session.force_login(user)
    sides = {"token": by_token, "session": by_session}
    for client in sides.values():
        time_requests(client, 200)  # warm-up, discarded

    timings: dict[str, list[float]] = {name: [] for name in sides}
    per_round = args.iterations // args.rounds
    for round_number in range(args.rounds):
        order = list(sides) if round_number % 2 == 0 else list(reversed(sides))
        for name in order:
            timings[name] += time_requests(sides[name], per_round)

    print(f"Token authentication: {AuthToken.objects.count():,} tokens of {args.users:,} users in the table\n")
    print("| authenticated by | p50 ms | p99 ms | queries |\n|---|---:|---:|---:|")
    p50 = {}
    for name, values in timings.items():
        p50[name] = statistics.median(values)
        p99 = statistics.quantiles(values, n=100)[98]
        print(f"| {name} | {p50[name]:.2f} | {p99:.2f} | {query_count(sides[name])} |")
    print(f"\nRatio token/session p50: {p50['token'] / p50['session']:.2f}\n")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM knox_authtoken WHERE token_key = %s",
            [secret[: CONSTANTS.TOKEN_KEY_LENGTH]],
        )
        print("\n".join(row[0] for row in cursor.fetchall()))
    machine = platform.processor() or platform.machine()
    print(f"\nMachine: {os.cpu_count()} CPUs, {machine}, Python {platform.python_version()}")
    print(
        "Command: " + " ".join(shlex.quote(part) for part in [".venv/bin/python", "bench/token_auth.py", *sys.argv[1:]])
    )


if __name__ == "__main__":
    main()
