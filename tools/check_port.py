"""python tools/check_port.py HOST PORT — exit 1 with a sentence when the port is taken (`make run` checks first).

uvicorn would otherwise start, fail to bind with a bare errno, and leave the job loop to be torn down.
"""

import errno
import socket
import sys


def main(host: str, port: int) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            print(
                f"Port {port} on {host} is in use (another `make run`, or another server). "
                f"Stop it, or choose another port: make run PORT={port + 1}",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
