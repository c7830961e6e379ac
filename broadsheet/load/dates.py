"""Dates as editors write them: a day, a site-local time, or an instant with its offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from broadsheet.load.config import Config


class DateOnly(datetime):
    """Midnight in the site's zone of a story dated with a day and no time: shown as a date (render/jinja.py)."""

    __slots__ = ()


def to_datetime(value: Any, config: Config) -> datetime | None:
    """Read a date the way people write them; a time without an offset is site-local (see local_instant)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else local_instant(value, config.timezone)
    if isinstance(value, date):
        return day_start(value, config.timezone)
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            return None
        if len(text) == 10:  # '2026-02-12' in quotes is a day too
            return day_start(parsed.date(), config.timezone)
        return parsed if parsed.tzinfo else local_instant(parsed, config.timezone)
    return None


def day_start(day: date, zone: tzinfo) -> DateOnly:
    """Return the first instant of a day in the site's zone, for a story dated with a day alone."""
    start = local_instant(datetime.combine(day, time(0, 0)), zone)
    return DateOnly.combine(start.date(), start.timetz())


def local_instant(naive: datetime, zone: tzinfo) -> datetime:
    """Return the instant a site-local wall-clock time names, as the wall clock shows it then.

    One rule for the two hours a year the wall clock lies: a time the clock skips (02:30 when it springs
    from 02:00 to 03:00) is moved forward by the gap (03:30); a time it shows twice (01:30 when it falls
    back) is the first of the two (daylight time). Order, scheduling and display all use that instant.
    """
    aware = naive.replace(tzinfo=zone, fold=0)
    try:
        return aware.astimezone(UTC).astimezone(zone)
    except (OverflowError, ValueError):
        return aware  # at the ends of the calendar: reported by the caller as out of range
