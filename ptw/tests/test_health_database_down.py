"""The health check with its database down or frozen: a JSON 503 within 2 s, from a real server process.

Down: nothing listens on the port. Frozen: a TCP listener that accepts and never answers (as a
stopped server or a dropped network does), and on PostgreSQL a relay to the test database that
stops relaying after the first, healthy, answer.
"""

import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection

from .workers import database_url

URL = "/api/v1/ptw/health/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def server(database: str) -> Iterator[str]:
    """A uvicorn process of the project on `database`; its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "LIVE_POLL_SECONDS": "3600"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "backend.asgi:application", "--port", str(port), "--no-access-log"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        # The first request imports the URLconf and views (seconds on a busy machine): not the probe's time.
        assert get(base + "/api/v1/no-such-route/")[0] == 404
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str) -> tuple[int, str, dict]:
    """(status, content type, JSON body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 -- a local test server
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.load(error)


def assert_unavailable_within_2_seconds(base: str) -> None:
    started = time.monotonic()
    status, content_type, body = get(base + URL)
    elapsed = time.monotonic() - started
    assert status == 503 and content_type == "application/json"
    assert body["status"] == "database_unavailable"
    assert elapsed < 2, elapsed


def test_a_database_nobody_listens_for_is_a_json_503_within_2_seconds():
    with server(f"postgres://postgres@127.0.0.1:{free_port()}/ptw") as base:
        for _ in range(3):
            assert_unavailable_within_2_seconds(base)


def test_a_database_that_accepts_and_never_answers_is_a_json_503_within_2_seconds():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        with server(f"postgres://postgres@127.0.0.1:{silent.getsockname()[1]}/ptw") as base:
            for _ in range(5):  # the first waits out its deadline; the next ones answer at once
                assert_unavailable_within_2_seconds(base)


class FreezableRelay:
    """A TCP relay to the database that can stop passing bytes (a frozen server, seen from the client)."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.frozen = threading.Event()
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return self.listener.getsockname()[1]

    def _accept(self) -> None:
        while not self.stopped.is_set():
            client, _ = self.listener.accept()
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        pairs = {client: upstream, upstream: client}
        while not self.stopped.is_set():
            readable, _, _ = select.select(list(pairs), [], [], 0.1)
            if self.frozen.is_set():
                continue  # bytes stay unread: the client waits, as for a stopped server
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                pairs[source].sendall(data)


@pytest.mark.postgres
def test_a_database_that_freezes_after_answering_is_a_json_503_within_2_seconds(transactional_db):
    db = connection.settings_dict
    relay = FreezableRelay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    through_relay = database_url().replace(f":{db['PORT'] or 5432}/", f":{relay.port}/")
    try:
        with server(through_relay) as base:
            assert get(base + URL)[2]["status"] == "stale"  # read: no job has run
            relay.frozen.set()
            for _ in range(3):
                assert_unavailable_within_2_seconds(base)
    finally:
        relay.stopped.set()
