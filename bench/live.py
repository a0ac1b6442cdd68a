"""Live delivery benchmark: N open bell streams against one uvicorn worker on PostgreSQL with
max_connections = 100, today's code (a git ref, default ed0c7eb) and this checkout's.

For each N and each side, in one run (sides alternate first/second from one N to the next):
a fresh uvicorn process (one worker) serves the side's code; an asyncio client (this process)
opens N Server-Sent Events streams, one per user, as browsers' EventSources do (reconnecting
with Last-Event-ID when a stream ends), and measures
- time to open N (until each stream has its first event), and how many were refused or failed;
- database connections held and statements per second while idle (pg_stat_activity and
  pg_stat_statements over a 60 s window: today polls every stream, the new code has only its
  30 s safety poll);
- memory per open stream (the server's RSS growth / N) and the server's thread count;
- commit → event received by that user's client, p50/p99 over --deliveries notifications, each
  committed by a separate writer process running the side's `notify_many` in a transaction,
  while all other streams stay open;
- an ordinary page's (/dashboard/ptw/) p99 over --page-requests requests from a separate
  process, with N streams open vs none.

It creates a private PostgreSQL cluster (bench/pg_private.py: port 5440, max_connections = 100,
pg_stat_statements, trust auth) and drops it at the end; the application connects as a plain
role (not a superuser: PostgreSQL keeps 3 of its 100 connections for superusers). Today's code
runs from a temporary `git worktree` outside the repository, removed at the end; it runs only
up to --today-max streams (it holds a connection per stream, so more cannot open).

    .venv/bin/python bench/live.py
    .venv/bin/python bench/live.py --sizes 100,1000 --deliveries 50 --idle-seconds 30

Run as root or as a user allowed to run pg_createcluster. Raises its open-files limit to the
hard limit (each stream is a socket in this process and in the server).
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import resource
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
SECRET_KEY = "bench-only-not-secret"
STREAM = "/dashboard/notifications/stream/"
PAGE = "/dashboard/ptw/"
ROLE = "ptw"
WARM_UP = 10  # untimed page loads before each timed series
UVICORN_OPTIONS = ["--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "2", "--backlog", "4096"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,100,1000,5000,10000", help="numbers of open streams")
    parser.add_argument("--today-ref", default="ed0c7eb", help="git ref of today's behaviour")
    parser.add_argument("--today-max", type=int, default=100, help="largest N today's code is run at")
    parser.add_argument("--deliveries", type=int, default=100, help="timed notifications per N and side")
    parser.add_argument("--page-requests", type=int, default=200, help="timed page loads per N and side")
    parser.add_argument("--idle-seconds", type=float, default=60, help="idle window for connections/statements")
    parser.add_argument("--port", type=int, default=5440, help="port of the private PostgreSQL cluster")
    parser.add_argument("--json", type=Path, help="also write the results here")
    # internal modes: this script re-runs itself as the writer and the page probe
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--probe", nargs=3, metavar=("PORT", "COOKIE", "COUNT"), help=argparse.SUPPRESS)
    return parser.parse_args()


# --- The sides -------------------------------------------------------------------------------


@dataclass
class Side:
    name: str  # "today" or "new"
    root: Path  # the code it runs
    database: str
    seeded: dict = field(default_factory=dict)  # bench/live_seed.py's output

    def env(self, dsn_base: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": f"{dsn_base.replace('postgres@', ROLE + '@')}/{self.database}",
            "DEBUG": "False",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise, without collectstatic
        }


@contextlib.contextmanager
def today_worktree(ref: str):
    path = Path(tempfile.mkdtemp(prefix="ptw-bench-today-"))
    path.rmdir()
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), ref], check=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False)


def prepare(side: Side, dsn: str, users: int) -> None:
    """Create the side's database, migrate it with the side's code, seed users and sessions."""
    import psycopg

    with psycopg.connect(f"{dsn}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {side.database} OWNER {ROLE}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=side.root, env=side.env(dsn), check=True, timeout=600
    )
    seed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "live_seed.py"), str(users)],
        cwd=side.root,
        env=side.env(dsn),
        check=True,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    side.seeded = json.loads(seed.stdout)


# --- Server, writer, probe ---------------------------------------------------------------------


class Server:
    """One uvicorn worker serving a side's code."""

    def __init__(self, side: Side, dsn: str, port: int):
        self.side, self.port = side, port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "backend.asgi:application", "--port", str(port), *UVICORN_OPTIONS],
            cwd=side.root,
            env=side.env(dsn),
        )

    def wait_ready(self) -> None:
        import http.client

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/accounts/login/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def status(self, field_name: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
        raise KeyError(field_name)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_writer() -> None:
    """Writer mode (the side's code): for each "user_id tag" line, commit one notification."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.db import DatabaseError, connection, transaction
    from django.utils import timezone

    from notifications.services import NewNotification, notify_many

    for line in sys.stdin:
        user_id, tag = line.split()
        try:
            with transaction.atomic():
                note = NewNotification(int(user_id), "ptw_bench", f"bench {tag}", "A benchmark notification.", tag)
                notify_many([note], now=timezone.now())
        except DatabaseError as error:  # e.g. "too many clients": the commit failed
            connection.close()
            reason = str(error).splitlines()[0].rpartition("FATAL:")[2].strip() or type(error).__name__
            print(tag, "failed", json.dumps(reason), flush=True)
            continue
        print(tag, repr(time.time()), flush=True)


def run_probe(port: int, cookie: str, count: int) -> None:
    """Probe mode: time `count` sequential loads of an ordinary page; print JSON."""
    import http.client

    latencies, errors = [], []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(WARM_UP):  # untimed: the first loads compile templates and open connections
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection.request("GET", PAGE, headers={"Cookie": cookie})
            connection.getresponse().read()
    for _ in range(count):
        started = time.perf_counter()
        try:
            connection.request("GET", PAGE, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append(time.perf_counter() - started)
    print(json.dumps({"latencies": latencies, "errors": errors}))


async def probe_page(port: int, cookie: str, count: int) -> dict:
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--probe", str(port), cookie, str(count), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return json.loads(out)


# --- The client: N streams ---------------------------------------------------------------------


@dataclass
class Held:
    cookie: str
    last_id: str
    opened: asyncio.Future
    reconnects: int = 0


@dataclass
class Client:
    port: int
    waiters: dict[str, asyncio.Future] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    tasks: list[asyncio.Task] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    closing: bool = False

    def fail(self, reason: str) -> None:
        self.failures[reason] = self.failures.get(reason, 0) + 1

    async def open_all(self, sessions: list[tuple[str, int]], concurrency: int = 100) -> list[int]:
        """Open one stream per session; the indexes of those that opened."""
        gate = asyncio.Semaphore(concurrency)
        loop = asyncio.get_running_loop()
        self.held = [Held(cookie, str(last_id), loop.create_future()) for cookie, last_id in sessions]
        for one in self.held:
            self.tasks.append(asyncio.create_task(self._hold(one, gate)))
        results = await asyncio.gather(*(one.opened for one in self.held))
        return [index for index, ok in enumerate(results) if ok]

    async def _hold(self, one: Held, gate: asyncio.Semaphore) -> None:
        from sse_client import SseStream  # type: ignore[import-not-found]  # web/tests/sse_client.py, on the path

        first = True
        while not self.closing:
            try:
                async with gate if first else contextlib.nullcontext():
                    stream = await asyncio.wait_for(
                        SseStream.open("127.0.0.1", self.port, f"{STREAM}?after={one.last_id}", cookie=one.cookie),
                        timeout=120,
                    )
                    if stream.status != 200:
                        raise ConnectionError(f"HTTP {stream.status}")
                    event = await asyncio.wait_for(stream.next_event(), timeout=120)
                    if event is None:
                        raise ConnectionError("ended before its first event")
            except (OSError, TimeoutError, ConnectionError, ValueError, asyncio.IncompleteReadError) as error:
                self.fail(("" if first else "reconnect: ") + (str(error) or type(error).__name__))
                if not one.opened.done():
                    one.opened.set_result(False)
                return
            if first:
                one.opened.set_result(True)
                first = False
            else:
                one.reconnects += 1
            try:
                while (event := await stream.next_event()) is not None:
                    if event.name == "notification":
                        one.last_id = event.id or one.last_id
                        waiter = self.waiters.pop(event.data["title"], None)
                        if waiter is not None and not waiter.done():
                            waiter.set_result(time.time())
            except (OSError, ValueError, asyncio.IncompleteReadError):
                pass
            finally:
                await stream.close()

    async def close_all(self) -> None:
        self.closing = True
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


# --- Measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


class Monitor:
    """A superuser connection to the private cluster's `postgres` database."""

    def __init__(self, dsn: str):
        import psycopg

        self.connection = psycopg.connect(f"{dsn}/postgres", autocommit=True)

    def connections(self, database: str) -> int:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND usename = %s"
        row = self.connection.execute(query, [database, ROLE]).fetchone()
        return row[0] if row else 0

    def statements(self, database: str) -> int:
        query = (
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
            " WHERE d.datname = %s"
        )
        row = self.connection.execute(query, [database]).fetchone()
        return int(row[0]) if row else 0


async def measure(side: Side, n: int, dsn: str, port: int, args, monitor: Monitor) -> dict:
    sessions = side.seeded["sessions"][:n]
    page_cookie = side.seeded["sessions"][-1][0]  # a user without a stream loads the page
    row: dict = {"side": side.name, "n": n}
    server = Server(side, dsn, port)
    client = Client(port)
    try:
        await asyncio.to_thread(server.wait_ready)
        rss_before = server.status("VmRSS")
        none = await probe_page(port, page_cookie, args.page_requests // 2)

        started = time.perf_counter()
        opened = await client.open_all(sessions)
        row["open_seconds"] = time.perf_counter() - started
        row["opened"], row["failed"] = len(opened), dict(client.failures)

        await asyncio.sleep(5)  # the first reads settle
        held, calls_before = [], await asyncio.to_thread(monitor.statements, side.database)
        cpu_before = server.cpu_seconds()
        window_end = time.monotonic() + args.idle_seconds
        while time.monotonic() < window_end:
            held.append(await asyncio.to_thread(monitor.connections, side.database))
            await asyncio.sleep(2)
        calls = await asyncio.to_thread(monitor.statements, side.database) - calls_before
        row["idle_connections"] = max(held)
        row["idle_statements_per_s"] = calls / args.idle_seconds
        row["idle_cpu_percent"] = (server.cpu_seconds() - cpu_before) / args.idle_seconds * 100
        row["rss_kb_per_stream"] = (server.status("VmRSS") - rss_before) / max(len(opened), 1)
        row["threads"] = server.status("Threads")

        with_streams = await probe_page(port, page_cookie, args.page_requests)
        row["page_p99_ms_open"] = percentile(with_streams["latencies"], 0.99) * 1000
        row["page_p50_ms_open"] = percentile(with_streams["latencies"], 0.5) * 1000
        row["page_errors"] = {"none": len(none["errors"]), "open": len(with_streams["errors"])}
        row["page_error_kinds"] = sorted(set(none["errors"] + with_streams["errors"]))

        row.update(await deliveries(side, dsn, client, sessions, opened, args.deliveries))
        row["reconnects"] = sum(one.reconnects for one in client.held)
        row["failed_later"] = {k: v for k, v in client.failures.items() if k.startswith("reconnect: ")}
        await client.close_all()
        await asyncio.sleep(5)  # the server notices the closed streams
        # "none" is measured before opening and after closing, half each: the machine's noise drifts
        after = await probe_page(port, page_cookie, args.page_requests - args.page_requests // 2)
        row["page_p99_ms_none"] = percentile(none["latencies"] + after["latencies"], 0.99) * 1000
        row["page_p50_ms_none"] = percentile(none["latencies"] + after["latencies"], 0.5) * 1000
        row["page_errors"]["none"] += len(after["errors"])
    finally:
        await client.close_all()
        await asyncio.to_thread(server.stop)
    return row


async def deliveries(side: Side, dsn: str, client: Client, sessions, opened: list[int], count: int) -> dict:
    """Commit `count` notifications, each to a random open stream's user; commit → received."""
    if not opened:
        return {"delivered": 0, "lost": 0, "commit_failed": {"no stream open": count}}
    user_ids = side.seeded["user_ids"]
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--writer",
        cwd=side.root,
        env=side.env(dsn),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert writer.stdin is not None and writer.stdout is not None  # both piped above
    latencies: list[float] = []
    lost, failed = 0, dict[str, int]()
    loop = asyncio.get_running_loop()
    try:
        for _ in range(count):
            index = random.choice(opened)
            tag = secrets.token_hex(6)
            waiter = client.waiters[f"bench {tag}"] = loop.create_future()
            writer.stdin.write(f"{user_ids[index]} {tag}\n".encode())
            await writer.stdin.drain()
            answer = (await writer.stdout.readline()).decode().split(" ", 2)
            if answer[1] == "failed":
                client.waiters.pop(f"bench {tag}")
                reason = json.loads(answer[2])
                failed[reason] = failed.get(reason, 0) + 1
                continue
            committed_at = float(answer[1])
            try:
                received_at = await asyncio.wait_for(waiter, timeout=30)
                latencies.append(received_at - committed_at)
            except TimeoutError:
                lost += 1
            await asyncio.sleep(random.uniform(0.05, 0.2))
    finally:
        writer.stdin.close()
        await writer.wait()
    return {
        "delivered": len(latencies),
        "lost": lost,
        "commit_failed": failed,
        "delivery_p50_ms": percentile(latencies, 0.5) * 1000,
        "delivery_p99_ms": percentile(latencies, 0.99) * 1000,
    }


# --- Report ------------------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    head = (
        "| N | code | opened (failed) | time to open | conns held idle | idle stmts/s | idle CPU | memory/stream | "
        "server threads | commit→event p50 / p99 (lost) | page p50, p99 none → N open (errors) |\n"
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|"
    )
    lines = [head]
    for r in rows:
        failed = sum(r["failed"].values())
        failed_text = f" ({failed}: {', '.join(f'{k} ×{v}' for k, v in r['failed'].items())})" if failed else ""
        lost = f" ({r['lost']} lost)" if r.get("lost") else ""
        if r.get("commit_failed"):
            lost += f" ({sum(r['commit_failed'].values())} commits failed: {', '.join(r['commit_failed'])})"
        errors = r["page_errors"]
        page_errors = f" ({errors['none']} / {errors['open']} failed)" if errors["none"] or errors["open"] else ""
        delivery = (
            f"{r['delivery_p50_ms']:.0f} / {r['delivery_p99_ms']:.0f} ms{lost}" if r.get("delivered") else f"—{lost}"
        )
        lines.append(
            f"| {r['n']:,} | {r['side']} | {r['opened']:,}{failed_text} | {r['open_seconds']:.1f} s | "
            f"{r['idle_connections']} | {r['idle_statements_per_s']:.1f} | {r['idle_cpu_percent']:.0f} % | "
            f"{r['rss_kb_per_stream']:.0f} KB | {r['threads']} | {delivery} | "
            f"{r['page_p50_ms_none']:.0f}, {r['page_p99_ms_none']:.0f} → {r['page_p50_ms_open']:.0f}, "
            f"{r['page_p99_ms_open']:.0f} ms (p99 ×{r['page_p99_ms_open'] / r['page_p99_ms_none']:.2f}){page_errors} |"
        )
    return "\n".join(lines)


async def run(args) -> list[dict]:
    from pg_private import private_cluster

    sizes = [int(size) for size in args.sizes.split(",")]
    rows = []
    with private_cluster(port=args.port, max_connections=100) as dsn, today_worktree(args.today_ref) as today_root:
        import psycopg

        with psycopg.connect(f"{dsn}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE ROLE {ROLE} LOGIN")
            admin.execute("CREATE EXTENSION pg_stat_statements")
        sides = [Side("today", today_root, "ptw_bench_today"), Side("new", ROOT, "ptw_bench_new")]
        if min(sizes) > args.today_max:
            sides = sides[1:]
        for side in sides:
            print(f"== preparing {side.name} ({side.root})", flush=True)
            await asyncio.to_thread(prepare, side, dsn, max(sizes) + 1)
        monitor = Monitor(dsn)
        port = 8700
        for position, n in enumerate(sizes):
            order = sides if position % 2 == 0 else sides[::-1]
            for side in order:
                if side.name == "today" and n > args.today_max:
                    continue
                port += 1
                print(f"== N = {n:,}, {side.name}", flush=True)
                row = await measure(side, n, dsn, port, args, monitor)
                print(json.dumps(row), flush=True)
                rows.append(row)
        monitor.connection.close()
    return rows


def main() -> None:
    args = parse_args()
    if args.writer:
        return run_writer()
    if args.probe:
        port, cookie, count = args.probe
        return run_probe(int(port), cookie, int(count))
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children (the servers) inherit it
    sys.path.insert(0, str(ROOT / "web" / "tests"))
    rows = asyncio.run(run(args))
    rows.sort(key=lambda r: (r["n"], r["side"] != "today"))
    print()
    print(table(rows))
    print()
    print(
        f"Machine: {platform.node()}, {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; open-files limit {hard}")
    print("Command: " + shlex.join([".venv/bin/python", "bench/live.py", *sys.argv[1:]]))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
