"""`make run` checks its port first: a port in use is a sentence naming another one, not a crash."""

import socket
import subprocess
import sys

from django.conf import settings


def check(port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "tools/check_port.py", "127.0.0.1", str(port)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_port_in_use_is_a_clear_message_and_exit_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]

        result = check(port)

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"Port {port} on 127.0.0.1 is in use" in result.stderr and f"make run PORT={port + 1}" in result.stderr


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert check(port).returncode == 0
