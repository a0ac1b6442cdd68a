"""A real uvicorn serving the project's ASGI application (with the live stream) from a thread
of the test process, so it uses the test database; and session cookies for its clients."""

import asyncio
import os
import subprocess
import sys
import threading
import time

import uvicorn
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connection, connections
from django.test import Client

from backend.asgi import application
from ptw.tests.workers import database_url
from web.live import hub as live_hub


class ThreadedUvicorn:
    def __init__(self, *, static: bool = False):
        app = ASGIStaticFilesHandler(application) if static else application  # type: ignore[arg-type]
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, lifespan="on", log_level="warning", timeout_graceful_shutdown=2
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    def __enter__(self) -> "ThreadedUvicorn":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        # uvicorn waits for open responses before it stops: close the streams first, as a
        # deployment's --timeout-graceful-shutdown would
        for loop, hub in list(live_hub._hubs.items()):
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(hub.stop(), loop).result(timeout=10)
        self.server.should_exit = True
        self.thread.join(timeout=15)

    @property
    def port(self) -> int:
        return self.server.servers[0].sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def session_cookie(user) -> str:
    """A `Cookie:` header value logging `user` in (a real session in the session store)."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wait_for_listener(timeout: float = 10.0) -> int | None:
    """On PostgreSQL: wait until the server's live listener is connected; its backend pid."""
    if connection.vendor != "postgresql":
        return None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for hub in list(live_hub._hubs.values()):
            if hub.listener is not None and hub.listener.connected.is_set() and hub.listener.backend_pid:
                return hub.listener.backend_pid
        time.sleep(0.02)
    raise AssertionError("the live listener did not connect")


async def in_thread(function, *args, **kwargs):
    """Run ORM code from a test's event loop, in a thread that closes its connection after."""

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return await asyncio.to_thread(run)


def run_escalation_command() -> None:
    """`manage.py ptw_check_escalations` in its own process, on the test database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "ptw_check_escalations"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "ESCALATIONS_ENABLED": "True", "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
