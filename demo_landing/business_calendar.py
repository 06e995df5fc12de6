"""Opening hours of the contact centre, and time counted in opening hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TIMEZONE = ZoneInfo("Europe/Paris")
WEEKDAY_HOURS = (8, 19)
WEEKEND_HOURS = (9, 17)


class BusinessCalendar:
    """Opening hours of the contact centre in its local zone (weekdays 8-19, weekends 9-17)."""

    def __init__(self, zone: ZoneInfo = LOCAL_TIMEZONE) -> None:
        self.zone = zone
        self._windows: dict[date, tuple[int, int]] = {}

    def local(self, epoch: int) -> datetime:
        return datetime.fromtimestamp(epoch, self.zone)

    def local_date(self, epoch: int) -> date:
        return datetime.fromtimestamp(epoch, self.zone).date()

    def window(self, day: date) -> tuple[int, int]:
        """Opening and closing epoch of a local day."""
        hit = self._windows.get(day)
        if hit is None:
            open_hour, close_hour = WEEKDAY_HOURS if day.weekday() < 5 else WEEKEND_HOURS
            opens = datetime(day.year, day.month, day.day, open_hour, tzinfo=self.zone)
            closes = datetime(day.year, day.month, day.day, close_hour, tzinfo=self.zone)
            hit = (int(opens.timestamp()), int(closes.timestamp()))
            self._windows[day] = hit
        return hit

    def is_open(self, epoch: int) -> bool:
        opens, closes = self.window(self.local_date(epoch))
        return opens <= epoch < closes

    def next_open(self, epoch: int) -> int:
        """epoch itself while open, else the next opening."""
        day = self.local_date(epoch)
        opens, closes = self.window(day)
        if epoch < opens:
            return opens
        if epoch < closes:
            return epoch
        return self.window(day + timedelta(days=1))[0]

    def add_business(self, epoch: int, seconds: float) -> int:
        """epoch plus `seconds` of opening hours (work started out of hours waits for the opening)."""
        remaining = int(seconds)
        current = self.next_open(epoch)
        while True:
            closes = self.window(self.local_date(current))[1]
            if current + remaining < closes:
                return current + remaining
            remaining -= closes - current
            current = self.next_open(closes)
