"""python manage.py deliver_outbox [--loop SECONDS]

Sends the due e-mails and SMS once (cron), or keeps sending every SECONDS until SIGTERM/SIGINT
(a dedicated dispatcher; run as many as you like).
"""

import signal
import threading

from django.core.management.base import BaseCommand
from django.utils import timezone

from delivery.dispatch import dispatch_due
from delivery.loop import dispatch_until


class Command(BaseCommand):
    help = "Send the due e-mails and SMS of the outbox, once or in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="Keep dispatching every SECONDS.")
        parser.add_argument("--batch-size", type=int, help="Deliveries claimed per batch (OUTBOX_BATCH_SIZE).")

    def handle(self, *args, **options):
        if options["loop"] is None:
            report = dispatch_due(now=timezone.now(), batch_size=options["batch_size"])
            self.stdout.write(" ".join(f"{k}={v}" for k, v in report.as_counts().items()) or "nothing due")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        dispatch_until(stop, interval=options["loop"])
