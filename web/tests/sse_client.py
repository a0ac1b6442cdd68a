"""A small asyncio Server-Sent Events client over HTTP/1.1, the way a browser's EventSource
reads a stream: one TCP connection per stream, so thousands can be held from one process
(the tests' many-streams case and bench/live.py)."""

import asyncio
import contextlib
import json
from dataclasses import dataclass, field


@dataclass
class Event:
    name: str
    data: dict
    id: str | None = None


@dataclass
class SseStream:
    status: int
    headers: dict[str, str]
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    last_event_id: str | None = None
    _buffer: str = ""
    _pending: list[Event] = field(default_factory=list)
    _chunked: bool = True

    @classmethod
    async def open(
        cls, host: str, port: int, path: str, *, cookie: str = "", last_event_id: str | None = None
    ) -> "SseStream":
        reader, writer = await asyncio.open_connection(host, port)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        if last_event_id:
            lines.append(f"Last-Event-ID: {last_event_id}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        headers = {}
        while (line := (await reader.readline()).decode().strip()) != "":
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        stream = cls(status, headers, reader, writer, last_event_id)
        stream._chunked = headers.get("transfer-encoding", "").lower() == "chunked"
        return stream

    async def next_event(self) -> Event | None:
        """The next event (comments and `retry:` skipped); None when the server ended the stream."""
        while not self._pending:
            text = await self._read_body()
            if text is None:
                return None
            self._buffer += text
            *blocks, self._buffer = self._buffer.split("\n\n")
            self._pending += [event for event in map(self._parse, blocks) if event is not None]
        return self._pending.pop(0)

    async def events_until(self, predicate, *, timeout: float) -> list[Event]:
        """Events read until one satisfies `predicate` (included); TimeoutError after `timeout` s."""
        seen: list[Event] = []
        async with asyncio.timeout(timeout):
            while True:
                event = await self.next_event()
                if event is None:
                    raise EOFError(f"the stream ended; events so far: {seen}")
                seen.append(event)
                if predicate(event):
                    return seen

    async def body(self) -> str:
        """The whole body of a response that ends (a refusal)."""
        parts = []
        while (text := await self._read_body()) is not None:
            parts.append(text)
        return "".join(parts)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()

    async def _read_body(self) -> str | None:
        if not self._chunked:
            data = await self.reader.read(65536)
            return data.decode() if data else None
        size_line = await self.reader.readline()
        if not size_line:
            return None
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            await self.reader.readline()
            return None
        data = await self.reader.readexactly(size + 2)
        return data[:-2].decode()

    def _parse(self, block: str) -> Event | None:
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        if "id" in fields:
            self.last_event_id = fields["id"]
        if "event" not in fields:
            return None
        return Event(fields["event"], json.loads(fields.get("data", "{}")), fields.get("id"))
