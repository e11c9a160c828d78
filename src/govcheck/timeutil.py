"""Dates, ISO-8601 durations and cron expressions, as governance rules need them."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$")
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_NAMES: tuple[dict[str, int], ...] = ({}, {}, {}, {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m},
               {d.lower(): (i + 1) % 7 for i, d in enumerate(calendar.day_abbr)})


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    days: int = 0
    seconds: float = 0.0

    @property
    def approximate_seconds(self) -> float:
        """For comparing cadences: a month is 30.44 days, a year 365.25."""
        return (self.years * 365.25 + self.months * 30.44 + self.days) * 86400 + self.seconds

    def after(self, start: dt.date) -> dt.date:
        """The calendar date this long after `start` (month ends clamp: Jan 31 + P1M = Feb 28)."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        whole_days = self.days + int(self.seconds // 86400)
        return dt.date(year, month, day) + dt.timedelta(days=whole_days)


def parse_duration(text: Any) -> Duration | None:
    if not isinstance(text, str):
        return None
    match = _DURATION.match(text)
    if match is None:
        return None
    part = {key: float(value) if value else 0.0 for key, value in match.groupdict().items()}
    duration = Duration(int(part["years"]), int(part["months"]), int(part["weeks"] * 7 + part["days"]),
                        part["hours"] * 3600 + part["minutes"] * 60 + part["seconds"])
    return duration if duration.approximate_seconds > 0 else None


def parse_date(text: Any) -> dt.date | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def cron_problem(expression: Any) -> str | None:
    """Why a 5-field cron expression is invalid, or None when it is valid."""
    if not isinstance(expression, str):
        return "a cron expression is a string of five fields"
    fields = expression.split()
    if len(fields) != 5:
        return f"'{expression}' has {len(fields)} fields; cron needs 5 (minute hour day month weekday)"
    labels = ("minute", "hour", "day of month", "month", "day of week")
    for text, (low, high), names, label in zip(fields, _CRON_RANGES, _CRON_NAMES, labels):
        if not all(_cron_item_ok(item, low, high, names) for item in text.split(",")):
            return f"'{text}' is not a valid {label} field ({low}-{high})"
    return None


def _cron_item_ok(item: str, low: int, high: int, names: dict[str, int]) -> bool:
    body, _, step = item.partition("/")
    if step and not (step.isdigit() and int(step) > 0):
        return False
    if body == "*":
        return True
    start, _, end = body.partition("-")
    values = [_cron_value(part, names) for part in ([start, end] if end else [start])]
    if any(value is None or not low <= value <= high for value in values):
        return False
    return len(values) == 1 or values[0] <= values[1]  # type: ignore[operator]


def _cron_value(text: str, names: dict[str, int]) -> int | None:
    if text.isdigit():
        return int(text)
    return names.get(text.lower())


def cron_interval_seconds(expression: str) -> float:
    """A rough cadence of a valid cron expression, for comparing schedules."""
    minute, hour, day, month, weekday = expression.split()
    if minute.startswith("*"):
        return 60.0 * _step(minute)
    if hour.startswith("*"):
        return 3600.0 * _step(hour) / max(1, minute.count(",") + 1)
    if day.startswith("*") and weekday == "*":
        return 86400.0 / max(1, hour.count(",") + 1)
    if weekday != "*":
        return 7 * 86400.0 / max(1, weekday.count(",") + 1)
    if month.startswith("*"):
        return 30.44 * 86400 / max(1, day.count(",") + 1)
    return 365.25 * 86400 / max(1, month.count(",") + 1)


def _step(field: str) -> int:
    _, _, step = field.partition("/")
    return int(step) if step.isdigit() else 1
