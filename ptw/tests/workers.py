"""Other processes on the test database: its URL, and a real Celery worker."""

import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def database_url() -> str:
    """DATABASE_URL pointing another process (a command, a worker) at this test run's database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(**env: str) -> Iterator[subprocess.Popen]:
    """A real `celery worker` process on the configured broker, on a queue of its own: tasks
    sent meanwhile go there, so no other worker on a shared broker takes ours, ours no other."""
    from backend.celery_app import app

    queue = f"ptw-test-{uuid.uuid4().hex[:10]}"
    default_queue, app.conf.task_default_queue = app.conf.task_default_queue, queue
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    options = ["-P", "solo", "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    worker = subprocess.Popen(
        [celery, "-A", "backend", "worker", *options],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": app.conf.broker_url, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        app.conf.task_default_queue = default_queue
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
