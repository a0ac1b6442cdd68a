"""A PostgreSQL connection LISTENing on the live channel, to see the wake-ups a test's commits send."""

import psycopg

from notifications import live


class WakeupListener:
    def __init__(self):
        self.connection = psycopg.connect(**live.listen_params(), autocommit=True)
        self.connection.execute(f"LISTEN {live.CHANNEL}")

    def payloads(self, timeout: float = 0.5) -> list[str]:
        """The payloads received so far (waiting up to `timeout` s for the first)."""
        return [notify.payload for notify in self.connection.notifies(timeout=timeout, stop_after=1000)]

    def recipients(self, timeout: float = 0.5) -> set[int]:
        return set().union(*map(live.recipients, self.payloads(timeout)))

    def close(self) -> None:
        self.connection.close()
