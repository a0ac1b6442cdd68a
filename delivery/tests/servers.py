"""Real servers for the delivery tests: an SMTP server (aiosmtpd) and an HTTP server answering
like Twilio's Messages API. Both run in a thread of the test process."""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


@dataclass
class SmtpHandler:
    """Keeps every accepted message; refuses the addresses in `reject` with a 550."""

    received: list[EmailMessage] = field(default_factory=list)
    accepted_at: list[float] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    delay: float = 0.0  # seconds per message, to catch a dispatcher mid-batch
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: one message at a time, like a slow relay
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        with self.lock:
            self.received.append(message)
            self.accepted_at.append(time.time())
        return "250 Message accepted"

    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(message["Message-ID"] for message in self.received)


@contextmanager
def smtp_server(port: int = 0, handler: SmtpHandler | None = None) -> Iterator[tuple[Controller, SmtpHandler]]:
    handler = handler or SmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port or _free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


free_port = _free_port


# --- Twilio's Messages API, as far as the client uses it ---
# POST /2010-04-01/Accounts/{AccountSid}/Messages.json (form: To, From, Body) → 201 with the
# message resource; errors → {"code", "message", "more_info", "status"} with the HTTP status.
RATE_LIMITED = "+14155550429"  # answers 429 Too Many Requests
INVALID = "+14155550400"  # answers 400, code 21211 (invalid 'To' number)


@dataclass
class SmsLog:
    sent: list[dict[str, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


@contextmanager
def twilio_server() -> Iterator[tuple[str, SmsLog]]:
    log = SmsLog()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            to = form.get("To", "")
            if to == RATE_LIMITED:
                log.refused.append((429, to))
                return self._answer(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
            if to == INVALID:
                log.refused.append((400, to))
                body = {"code": 21211, "message": f"The 'To' number {to} is not a valid phone number.", "status": 400}
                return self._answer(400, body)
            sid = f"SM{len(log.sent):032d}"
            log.sent.append({**form, "sid": sid, "path": self.path})
            return self._answer(201, {"sid": sid, "status": "queued", "to": to, "body": form.get("Body", "")})

        def _answer(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
