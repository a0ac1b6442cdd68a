"""A private, throw-away PostgreSQL cluster for a benchmark (Debian's postgresql-common tools).

    with private_cluster(port=5440, max_connections=100) as dsn:   # "postgres://postgres@127.0.0.1:5440"
        ...

Created with `pg_createcluster` (trust authentication, pg_stat_statements loaded, not started at
boot), started with `pg_ctlcluster`, and dropped (stopped and deleted) on exit, even after an
error. The wrappers run the server as the `postgres` user, so this works when run as root.
A leftover cluster of the same name (a run that was killed) is dropped first.
"""

import contextlib
import subprocess
import time
from collections.abc import Iterator


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


def _exists(version: str, name: str) -> bool:
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    return any(line.split()[:2] == [version, name] for line in listing.splitlines())


def drop(version: str, name: str) -> None:
    if _exists(version, name):
        _run("pg_dropcluster", "--stop", version, name)


@contextlib.contextmanager
def private_cluster(
    *, version: str = "15", name: str = "livebench", port: int = 5440, max_connections: int = 100
) -> Iterator[str]:
    """Yield the superuser DSN of a fresh cluster listening on 127.0.0.1:`port`."""
    drop(version, name)
    _run(
        "pg_createcluster",
        version,
        name,
        "--port",
        str(port),
        "--start-conf",
        "manual",
        "-o",
        f"max_connections={max_connections}",
        "-o",
        "shared_preload_libraries=pg_stat_statements",
        "-o",
        "ssl=off",
        "--",
        "--auth=trust",
    )
    try:
        _run("pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start")
        dsn = f"postgres://postgres@127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port), "-q"], check=False).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the private cluster on port {port} did not start")
            time.sleep(0.2)
        yield dsn
    finally:
        drop(version, name)
