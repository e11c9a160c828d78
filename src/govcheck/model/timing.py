"""Dates, ISO-8601 durations and cron expressions, as governance rules need them."""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$",
    re.ASCII)   # digits 0-9 only, as ISO 8601 and the schema say
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
        """The calendar date this long after `start` (month ends clamp: Jan 31 + P1M = Feb 28);
        the last date the calendar has when that is later (P99999Y, or an as-of in 9999)."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        if year > dt.MAXYEAR:
            return dt.date.max
        day = min(start.day, calendar.monthrange(year, month)[1])
        whole_days = self.days + self.seconds // 86400
        if whole_days > (dt.date.max - dt.date(year, month, day)).days:
            return dt.date.max
        return dt.date(year, month, day) + dt.timedelta(days=int(whole_days))


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
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# -- cron -------------------------------------------------------------------------------------

_CRON_LABELS = ("minute", "hour", "day of month", "month", "day of week")
_CRON_MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
                "@hourly": "0 * * * *"}


@dataclass(frozen=True)
class Cron:
    """A 5-field cron expression as the sets of values each field allows (Sunday is 0)."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool        # day of month is "*": the day is chosen by the weekday alone
    any_weekday: bool    # day of week is "*"

    def fires_on(self, day: dt.date) -> bool:
        """Whether the expression fires on `day` (cron's rule: when both the day of month and
        the day of week are restricted, either one matching is enough)."""
        if day.month not in self.months:
            return False
        by_day, by_weekday = day.day in self.days, day.isoweekday() % 7 in self.weekdays
        if self.any_day or self.any_weekday:
            return by_day and by_weekday
        return by_day or by_weekday


def parse_cron(expression: Any) -> Cron | str:
    """The parsed expression, or why it is not a valid 5-field cron expression (macros such
    as @daily, ranges, steps, lists and month and weekday names are cron too)."""
    if not isinstance(expression, str):
        return "a cron expression is a string of five fields"
    return _parse_cron_text(expression)


@functools.lru_cache(maxsize=4096)
def _parse_cron_text(expression: str) -> Cron | str:
    """`parse_cron` of a string, remembered: an estate repeats a few expressions across
    thousands of links, and proving that one ever fires walks two years of days."""
    text = _CRON_MACROS.get(expression.strip().lower(), expression)
    if text.strip().startswith("@"):
        return f"'{expression}' is not a schedule macro (@hourly, @daily, @weekly, @monthly, @yearly)"
    fields = text.split()
    if len(fields) != 5:
        return f"'{expression}' has {len(fields)} fields; cron needs 5 (minute hour day month weekday)"
    sets = []
    for field_text, (low, high), names, label in zip(fields, _CRON_RANGES, _CRON_NAMES, _CRON_LABELS):
        values = _cron_field(field_text, low, high, names)
        if values is None:
            return f"'{field_text}' is not a valid {label} field ({low}-{high})"
        sets.append(values)
    weekdays = frozenset(value % 7 for value in sets[4])
    cron = Cron(sets[0], sets[1], sets[2], sets[3], weekdays, fields[2] == "*", fields[4] == "*")
    if not any(cron.fires_on(_SPAN_START + dt.timedelta(days=index)) for index in range(_SPAN_DAYS)):
        return f"'{expression}' never runs: no date has that day of the month in those months"
    return cron


def cron_problem(expression: Any) -> str | None:
    """Why a cron expression is invalid, or None when it is valid."""
    parsed = parse_cron(expression)
    return parsed if isinstance(parsed, str) else None


def _cron_field(text: str, low: int, high: int, names: dict[str, int]) -> frozenset[int] | None:
    values: set[int] = set()
    for item in text.split(","):
        body, _, step_text = item.partition("/")
        step = _cron_number(step_text) if step_text else 1
        if not step:
            return None
        if body == "*":
            start, end = low, high
        else:
            first, _, last = body.partition("-")
            start_value, end_value = _cron_value(first, names), _cron_value(last or first, names)
            if start_value is None or end_value is None or not low <= start_value <= end_value <= high:
                return None
            start, end = start_value, (high if step_text and not last else end_value)
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _cron_value(text: str, names: dict[str, int]) -> int | None:
    number = _cron_number(text)
    return number if number is not None else names.get(text.lower())


def _cron_number(text: str) -> int | None:
    """Digits 0-9 only ('²'.isdigit() is true, and int() refuses it), never absurdly long."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


# -- cadence: how often a schedule runs ---------------------------------------------------

# Two years from a Monday, a leap day included: long enough for every monthly, weekly and
# yearly pattern to show its worst gap.
_SPAN_START = dt.date(2024, 1, 1)
_SPAN_DAYS = 731
_FOREVER = float("inf")


@dataclass(frozen=True)
class Cadence:
    """How often a schedule runs: on average per day, and the longest wait between runs."""

    runs_per_day: float
    longest_gap: float          # seconds

    def slower_than(self, other: Cadence) -> bool:
        """Runs less often, or leaves a longer gap somewhere: staler data for someone."""
        return self.runs_per_day < other.runs_per_day - 1e-9 or self.longest_gap > other.longest_gap + 1e-6

    def faster_than(self, other: Cadence) -> bool:
        return other.slower_than(self) and not self.slower_than(other)


def cadence_of(schedule: Any) -> Cadence | None:
    """The cadence of `{every: DURATION}` or `{cron: EXPRESSION}`; None when it is missing
    or invalid."""
    if not isinstance(schedule, dict):
        return None
    if "every" in schedule:
        duration = parse_duration(schedule["every"])
        if duration is None:
            return None
        seconds = duration.approximate_seconds
        return Cadence(86400 / seconds, seconds)
    parsed = parse_cron(schedule.get("cron"))
    return _cron_cadence(parsed) if isinstance(parsed, Cron) else None


def _cron_cadence(cron: Cron) -> Cadence:
    minutes_of_day = sorted(hour * 60 + minute for hour in cron.hours for minute in cron.minutes)
    days = [index for index in range(_SPAN_DAYS)
            if cron.fires_on(_SPAN_START + dt.timedelta(days=index))]
    if not days or not minutes_of_day:
        return Cadence(0.0, _FOREVER)    # e.g. 30 February: never runs
    within_day = max((b - a for a, b in itertools.pairwise(minutes_of_day)), default=0)
    between_days = [(later - earlier) * 1440 - minutes_of_day[-1] + minutes_of_day[0]
                    for earlier, later in zip(days, days[1:] + [days[0] + _SPAN_DAYS])]
    longest = max(within_day, *between_days) * 60.0
    return Cadence(len(days) * len(minutes_of_day) / _SPAN_DAYS, longest)


def describe_schedule(schedule: Any) -> str:
    """A schedule in words: "every 15 min", "daily at 04:30", "weekdays at 06:00",
    "13 times a day (06:00 to 18:00)"; "" when it is missing or invalid."""
    if not isinstance(schedule, dict):
        return ""
    if "every" in schedule:
        duration = parse_duration(schedule["every"])
        return _describe_duration(duration) if duration is not None else ""
    parsed = parse_cron(schedule.get("cron"))
    return _describe_cron(parsed) if isinstance(parsed, Cron) else ""


_UNITS = ((7 * 86400, "week", "weekly"), (86400, "day", "daily"), (3600, "h", "hourly"),
          (60, "min", "every minute"), (1, "s", "every second"))


def _describe_duration(duration: Duration) -> str:
    if duration.years or duration.months:
        months = duration.years * 12 + duration.months
        return "monthly" if months == 1 and not duration.days else f"every {_duration_text(duration)}"
    seconds = duration.approximate_seconds
    for size, unit, single in _UNITS:
        if seconds % size == 0:
            count = int(seconds // size)
            if count == 1:
                return single
            return f"every {count} {unit}{'s' if unit in ('week', 'day') else ''}"
    return f"every {seconds:g} s"


def _duration_text(duration: Duration) -> str:
    parts = [f"{duration.years} y" if duration.years else "",
             f"{duration.months} months" if duration.months else "",
             f"{duration.days} days" if duration.days else ""]
    return " ".join(part for part in parts if part)


_WEEKDAY_NAMES = ("Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays",
                  "Saturdays")


def _describe_cron(cron: Cron) -> str:
    times = sorted((hour, minute) for hour in cron.hours for minute in cron.minutes)
    days = _days_name(cron)
    if len(times) <= 4:
        return f"{days} at " + ", ".join(f"{hour:02d}:{minute:02d}" for hour, minute in times)
    (first_hour, first_minute), (last_hour, last_minute) = times[0], times[-1]
    span = f"{first_hour:02d}:{first_minute:02d} to {last_hour:02d}:{last_minute:02d}"
    step = _even_step(cron.minutes, 60)
    contiguous = max(cron.hours) - min(cron.hours) + 1 == len(cron.hours)
    if len(cron.minutes) == 1 and len(cron.hours) == 24:
        every = f"hourly at :{first_minute:02d}"
    elif step is not None and contiguous:
        every = f"every {step} min" if step > 1 else "every minute"
        every += "" if len(cron.hours) == 24 else f" from {span}"
    else:
        every = f"{len(times)} times a day ({span})"
    return every if days == "daily" else f"{every}, {days}"


def _even_step(values: frozenset[int], size: int) -> int | None:
    ordered = sorted(values)
    steps = {b - a for a, b in zip(ordered, [*ordered[1:], ordered[0] + size])}
    return steps.pop() if len(steps) == 1 else None


def _days_name(cron: Cron) -> str:
    """The days a cron expression runs on, in words."""
    every_month = len(cron.months) == 12
    if every_month and cron.any_day and cron.any_weekday:
        return "daily"
    if every_month and cron.any_day:
        if cron.weekdays == frozenset({1, 2, 3, 4, 5}):
            return "weekdays"
        if len(cron.weekdays) <= 3:
            return ", ".join(_WEEKDAY_NAMES[day] for day in sorted(cron.weekdays))
    if cron.any_weekday and len(cron.days) <= 4:
        listed = " and ".join(str(day) for day in sorted(cron.days))
        if every_month:
            return f"monthly on day{'s' if len(cron.days) > 1 else ''} {listed}"
        if len(cron.months) == 1:
            return f"yearly on {calendar.month_abbr[min(cron.months)]} {listed}"
    matching = sum(cron.fires_on(_SPAN_START + dt.timedelta(days=index))
                   for index in range(_SPAN_DAYS))
    return f"on {matching * 7 / _SPAN_DAYS:.2g} days a week"


# -- durations in words ---------------------------------------------------------------------

def duration_words(seconds: float) -> str:
    """A length of time for people: "45 min", "24 h", "24 h 15 min", "4 days 6 h"; under
    three days in hours, since that is how an outage is counted."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min" if minutes else f"{seconds:g} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 72:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} days" + (f" {hours} h" if hours else "")


def iso_duration(seconds: float) -> str:
    """Seconds as an ISO-8601 duration in days, hours, minutes and seconds: "P1DT2H30M"."""
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time = "".join(f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (secs, "S"))
                   if value)
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "") if whole else "PT0S"
