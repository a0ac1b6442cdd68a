"""The board's 30-day window, in local days of the project's time zone."""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Project

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Window:
    """Today and the 29 local days before it; `start` is the first day's local midnight (aware, UTC)."""

    days: tuple[date, ...]
    start: datetime
    end: datetime
    tz: zoneinfo.ZoneInfo

    @property
    def first_day(self) -> date:
        return self.days[0]

    @property
    def today(self) -> date:
        return self.days[-1]

    def local_date(self, moment: datetime) -> date:
        return timezone.localtime(moment, self.tz).date()

    def day_start(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.tz).astimezone(UTC)


def board_window(project: Project, *, now: datetime, days: int = WINDOW_DAYS) -> Window:
    tz = project.tzinfo
    today = timezone.localtime(now, tz).date()
    span = tuple(today - timedelta(days=offset) for offset in range(days - 1, -1, -1))
    start = datetime.combine(span[0], time.min, tzinfo=tz).astimezone(UTC)
    return Window(days=span, start=start, end=now, tz=tz)
