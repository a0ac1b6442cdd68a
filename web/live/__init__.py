"""Live delivery of notifications to open pages (the bell), over Server-Sent Events.

- `asgi.py`: the stream endpoint, served beside Django's handler (`backend/asgi.py`): an
  asyncio task per open page, holding no thread and no database connection while it waits.
- `hub.py`: the process's open streams, woken by PostgreSQL NOTIFY (`notifications.live`) or,
  on SQLite, by the process's poll; a per-user cap; streams of users who may no longer
  receive notifications end.
- `threads.py`: the few database threads every stream of the process shares for its reads.
- `selectors.py`, `events.py`: what a stream reads, and what it sends.

Under WSGI there is no stream: the stream URL answers 204 (an EventSource stops) and the page
polls `bell.json` (web/views/notifications.py, web/static/web/bell.js).
"""

from .events import payload
from .hub import open_streams

__all__ = ["open_streams", "payload"]
