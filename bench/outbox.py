"""Benchmarks of the outbox (issue 11). Three parts, each printing its figures and the command:

    .venv/bin/python bench/outbox.py email   [--n 10000] [--rounds 2]
    .venv/bin/python bench/outbox.py sweep   [--pending 10000] [--rounds 5]
    .venv/bin/python bench/outbox.py latency [--seconds 30] [--rate 5] [--via loop|celery]

email:   N queued e-mails dispatched to a local aiosmtpd (its own process, a sink) by one dispatcher
         and by 4 dispatcher processes, against the floor: a bare smtplib loop sending the same
         rendered messages over one connection. Rounds alternate floor / 1 / 4. Goal ≤ 2× the floor.
sweep:   the overdue sweep with 1,000 due (of --pending), with and without the outbox rows
         (OUTBOX_ENABLED), alternating, each run rolled back. Goal ≤ 1.3×.
latency: notifications committed one by one at --rate per second; the time until the SMTP server
         (in this process) accepts each e-mail, with the `ptw_check_escalations --all --loop 60`
         process (the embedded default) or a Celery worker woken at commit. Goal p99 ≤ 5 s.

Runs on its own PostgreSQL database (DATABASE_URL, default ptw_bench_channels), recreated each run.
"""

import argparse
import multiprocessing
import os
import platform
import smtplib
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ptw_bench_channels")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("OUTBOX_DISPATCH_ON_COMMIT", "False")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from delivery import messages  # noqa: E402
from delivery.dispatch import dispatch_due  # noqa: E402
from delivery.models import Delivery, DeliveryStatus  # noqa: E402
from delivery.tests.seed import seed_queued_emails  # noqa: E402
from delivery.tests.servers import SmtpHandler, free_port, smtp_server  # noqa: E402

PYTHON = sys.executable


def recreate_database() -> None:
    import psycopg
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    connection.close()
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", verbosity=0)


def machine() -> str:
    return f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · {connection.vendor}"


# --- email ---------------------------------------------------------------------------------------


def sink_server() -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("aiosmtpd did not start")


def requeue(now: datetime) -> None:
    Delivery.objects.update(status=DeliveryStatus.QUEUED, next_attempt_at=now, attempts=0, claim="", sent_at=None)


def floors(port: int, now: datetime) -> tuple[float, float]:
    """Two floors over one smtplib connection, the same messages (rendered beforehand, no database):
    the transport alone (MIME bytes built beforehand), and building each MIME message with the
    standard library's email package in the loop (what any Python sender pays)."""
    rows = list(Delivery.objects.select_related("notification", "recipient").order_by("pk"))
    rendered = []
    for d in rows:
        assert d.notification is not None
        rendered.append((d, messages.email_message(d.notification, recipient_name=d.recipient.display_name, now=now)))

    def build(d: Delivery, m: messages.Message) -> bytes:
        mime = MIMEMultipart("alternative")
        mime["Subject"], mime["From"], mime["To"] = m.subject, settings.DEFAULT_FROM_EMAIL, d.address
        mime["Message-ID"] = d.message_id
        mime.attach(MIMEText(m.text, "plain", "utf-8"))
        mime.attach(MIMEText(m.html, "html", "utf-8"))
        return mime.as_bytes(policy=SMTP)

    prebuilt = [(d.address, build(d, m)) for d, m in rendered]
    started = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for address, payload in prebuilt:
        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [address], payload)
    smtp.quit()
    transport = time.perf_counter() - started
    started = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for d, m in rendered:
        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [d.address], build(d, m))
    smtp.quit()
    return transport, time.perf_counter() - started


def _dispatcher(now: datetime, start: "multiprocessing.synchronize.Event") -> None:
    connections.close_all()
    start.wait()
    dispatch_due(now=now, max_batches=10_000)
    connections.close_all()


def dispatch_with(workers: int, now: datetime) -> float:
    if workers == 1:
        started = time.perf_counter()
        report = dispatch_due(now=now, max_batches=10_000)
        seconds = time.perf_counter() - started
        assert report.sent == Delivery.objects.count(), report
        return seconds
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    processes = [context.Process(target=_dispatcher, args=(now, start)) for _ in range(workers)]
    for process in processes:
        process.start()
    time.sleep(1.0)  # let the children start; the clock starts at the signal
    started = time.perf_counter()
    start.set()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - started
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == Delivery.objects.count()
    return seconds


def bench_email(args) -> None:
    recreate_database()
    sink, port = sink_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    now = timezone.now()
    seed_queued_emails(args.n, now=now)
    results: dict[str, list[float]] = {
        "floor: smtplib, MIME built beforehand": [],
        "floor: smtplib + stdlib MIME per message": [],
        "1 dispatcher": [],
        "4 dispatchers": [],
    }
    try:
        for _ in range(args.rounds):
            transport, built = floors(port, now)
            results["floor: smtplib, MIME built beforehand"].append(transport)
            results["floor: smtplib + stdlib MIME per message"].append(built)
            for workers in (1, 4):
                requeue(now)
                results[f"{workers} dispatcher{'s' if workers > 1 else ''}"].append(dispatch_with(workers, now))
    finally:
        sink.terminate()
    print(f"\n{machine()} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"command: .venv/bin/python bench/outbox.py email --n {args.n} --rounds {args.rounds}\n")
    print("| sender | best s | median s | e-mails/s | × transport floor | × MIME floor |")
    print("|---|---|---|---|---|---|")
    transport_floor = min(results["floor: smtplib, MIME built beforehand"])
    mime_floor = min(results["floor: smtplib + stdlib MIME per message"])
    for name, times in results.items():
        print(
            f"| {name} | {min(times):.2f} | {statistics.median(times):.2f} | {args.n / min(times):,.0f} "
            f"| {min(times) / transport_floor:.2f} | {min(times) / mime_floor:.2f} |"
        )


# --- sweep ---------------------------------------------------------------------------------------


def bench_sweep(args) -> None:
    recreate_database()
    sys.path.insert(0, str(ROOT / "bench"))
    import escalation_sweep

    from accounts.models import User
    from ptw.escalation import check_overdue_workflow_tasks

    settings.ESCALATIONS_ENABLED = True
    escalation_sweep.seed(args.pending)
    for user in User.objects.all():
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])

    def run(outbox: bool) -> tuple[float, int]:
        settings.OUTBOX_ENABLED = outbox
        with transaction.atomic():
            started = time.perf_counter()
            report = check_overdue_workflow_tasks(now=escalation_sweep.NOW)
            seconds = time.perf_counter() - started
            deliveries = Delivery.objects.count()
            assert report.counts["notifications"] == 1000, report.counts
            transaction.set_rollback(True)
        return seconds, deliveries

    times: dict[bool, list[float]] = {False: [], True: []}
    rows = {}
    run(True)  # warm-up
    for _ in range(args.rounds):
        for outbox in (False, True):
            seconds, rows[outbox] = run(outbox)
            times[outbox].append(seconds)
    print(f"\n{machine()} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"command: .venv/bin/python bench/outbox.py sweep --pending {args.pending} --rounds {args.rounds}\n")
    print("| sweep, 1,000 due | deliveries written | best s | median s |")
    print("|---|---|---|---|")
    for outbox in (False, True):
        label = "with the outbox" if outbox else "without (OUTBOX_ENABLED=False)"
        print(f"| {label} | {rows[outbox]} | {min(times[outbox]):.3f} | {statistics.median(times[outbox]):.3f} |")
    print(f"\nratio (median): {statistics.median(times[True]) / statistics.median(times[False]):.2f}×")


# --- latency -------------------------------------------------------------------------------------


def bench_latency(args) -> None:
    recreate_database()
    from django.contrib.auth import get_user_model

    from notifications.services import NewNotification, notify

    user = get_user_model().objects.create(username="reader", email="reader@example.com")
    handler = SmtpHandler()
    committed: dict[str, float] = {}
    with smtp_server(handler=handler) as (controller, received):
        env = {
            **os.environ,
            "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
            "DATABASE_URL": os.environ["DATABASE_URL"],
        }
        if args.via == "loop":
            command = [PYTHON, "manage.py", "ptw_check_escalations", "--all", "--loop", "60"]
        else:
            env.update(OUTBOX_DISPATCH_ON_COMMIT="True", CELERY_BROKER_URL=args.broker)
            settings.OUTBOX_DISPATCH_ON_COMMIT = True
            settings.CELERY_BROKER_URL = args.broker
            from backend.celery_app import app

            app.conf.update(broker_url=args.broker)
            command = [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "backend",
                "worker",
                "-P",
                "solo",
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(5)  # the dispatcher is up
            total = int(args.seconds * args.rate)
            for i in range(total):
                with transaction.atomic():
                    note = notify(
                        NewNotification(
                            user.pk,
                            "ptw_verification",
                            f"Verification required: B-{i}",
                            "Waiting.",
                            f"lat-{i}",
                            data={"about": f"B-{i}"},
                            link=f"/dashboard/ptw/view/{i}",
                        ),
                        now=timezone.now(),
                    )
                committed[Delivery.objects.get(notification=note).message_id] = time.time()
                time.sleep(1 / args.rate)
            deadline = time.monotonic() + 60
            while len(received.received) < total and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(timeout=30)
    arrived = {m["Message-ID"]: at for m, at in zip(received.received, received.accepted_at, strict=True)}
    latencies = sorted(arrived[mid] - at for mid, at in committed.items() if mid in arrived)
    missing = len(committed) - len(latencies)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    print(f"\n{machine()} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"command: .venv/bin/python bench/outbox.py latency --seconds {args.seconds} --rate {args.rate} "
        f"--via {args.via}\n"
    )
    print("| dispatcher | e-mails | p50 s | p99 s | max s | missing |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.via} | {len(latencies)} | {p(0.5):.2f} | {p(0.99):.2f} | {latencies[-1]:.2f} | {missing} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["email", "sweep", "latency"])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--via", choices=["loop", "celery"], default="loop")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/2")
    args = parser.parse_args()
    {"email": bench_email, "sweep": bench_sweep, "latency": bench_latency}[args.part](args)
