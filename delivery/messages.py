"""What an e-mail or SMS says, from the notification alone (no query per message).

Read from the notification: its title, message and link; from its `data`, when the owner of
the type provides them: `about` (what it concerns, e.g. "PTW-2026-000042 (Hot work on tank 3)"),
`time_zone` (IANA name the times are shown in) and `waiting_since` (ISO time the wait began;
else the notification's own time). What is asked comes from the type's route.
"""

import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.timesince import timesince

from . import routing

if TYPE_CHECKING:
    from notifications.models import Notification

# GSM-7 fits 153 characters per segment of a multi-part SMS; two segments.
SMS_MAX_CHARACTERS = 306


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Facts:
    """The parts every message names."""

    greeting: str
    title: str
    message: str
    about: str
    ask: str
    waiting_since: str  # local time with its zone abbreviation
    waited: str  # "9 hours, 12 minutes"
    link: str  # absolute
    preferences_link: str
    time_zone: str


def facts(notification: "Notification", *, recipient_name: str, now: datetime) -> Facts:
    data = notification.data or {}
    zone = zoneinfo.ZoneInfo(data.get("time_zone") or settings.TIME_ZONE)
    since = parse_datetime(data["waiting_since"]) if data.get("waiting_since") else None
    since = since or notification.created_at
    local = timezone.localtime(since, zone)
    site = settings.SITE_URL.rstrip("/")
    return Facts(
        greeting=f"Hello {recipient_name},",
        title=notification.title,
        message=notification.message,
        about=data.get("about", ""),
        ask=routing.route_of(notification.notification_type).ask,
        waiting_since=f"{local:%d %b %Y, %H:%M} {local.tzname()}",
        waited=timesince(since, max(now, since)).replace("\xa0", " "),
        link=f"{site}{notification.link}" if notification.link else site,
        preferences_link=f"{site}/dashboard/preferences/",
        time_zone=str(zone),
    )


def email_message(notification: "Notification", *, recipient_name: str, now: datetime) -> Message:
    """Subject, plain text and HTML of the e-mail for one notification."""
    context = {"facts": facts(notification, recipient_name=recipient_name, now=now)}
    return Message(
        subject=f"[PTW] {notification.title}",
        text=render_to_string("delivery/notification.txt", context),
        html=render_to_string("delivery/notification.html", context),
    )


def digest_message(notifications: "list[Notification]", *, recipient_name: str, now: datetime) -> Message:
    """One e-mail for a user's held notifications: each with its title, what is asked and its link."""
    items = [facts(note, recipient_name=recipient_name, now=now) for note in notifications]
    context = {"greeting": f"Hello {recipient_name},", "items": items, "count": len(items)}
    return Message(
        subject=f"[PTW] {len(items)} notification{'s' if len(items) != 1 else ''} in the last hour",
        text=render_to_string("delivery/digest.txt", context),
        html=render_to_string("delivery/digest.html", context),
    )


def sms_text(notification: "Notification", *, now: datetime) -> str:
    """At most two GSM-7 segments, the link whole: the subject line is shortened if need be."""
    found = facts(notification, recipient_name="", now=now)
    tail = f" {found.ask} Waiting {_short(found.waited)}. {found.link}"
    title = found.title
    if found.about and title.endswith(": " + found.about.split(" ")[0]):  # "Task overdue: PTW-1" + "PTW-1 (…)"
        title = title.rsplit(": ", 1)[0]
    head = gsm7(f"{title}: {found.about}" if found.about else title)
    room = SMS_MAX_CHARACTERS - len(gsm7(tail))
    if len(head) > room:
        head = head[: max(room - 3, 0)].rstrip() + "..."
    return head + gsm7(tail)


def _short(waited: str) -> str:
    """'9 hours, 12 minutes' → '9 hours 12 minutes' (commas cost nothing, but read as lists in an SMS)."""
    return waited.replace(",", "")


_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_REPLACEMENTS = {"—": "-", "–": "-", "→": "->", "×": "x", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"'}


def gsm7(text: str) -> str:
    """The text in GSM-7's basic alphabet, so that a segment holds 153 characters, not UCS-2's 67."""
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        if all(c in _GSM7_BASIC for c in char):
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(plain if plain else "?")
    return "".join(out)
