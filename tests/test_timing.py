"""Dates, durations and cron expressions at the edges of what Python's calendar and int()
accept: an answer, never an exception."""
from __future__ import annotations

import datetime as dt

import pytest

from govcheck.model.timing import cron_problem, parse_date, parse_duration


@pytest.mark.parametrize(("duration", "start", "expected"), [
    ("P1M", dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
    ("P99999999999Y", dt.date(2026, 1, 1), dt.date.max),          # past the calendar's end
    ("P9999999999999999999999D", dt.date(2026, 1, 1), dt.date.max),
    ("PT99999999999999999999999S", dt.date(2026, 1, 1), dt.date.max),
    ("P18M", dt.date(9999, 12, 31), dt.date.max),                  # an as-of in 9999
    ("P1D", dt.date(9999, 12, 30), dt.date.max),                   # exactly the last day
])
def test_a_date_after_a_duration_stops_at_the_calendars_end(duration: str, start: dt.date,
                                                            expected: dt.date) -> None:
    parsed = parse_duration(duration)
    assert parsed is not None
    assert parsed.after(start) == expected


@pytest.mark.parametrize("text", ["PT١٥M", "P²D", "P１Y"])
def test_durations_take_ascii_digits_only(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize("text", ["٢٠٢٦-01-01", "2026-0²-01", "2026-02-30"])
def test_dates_take_ascii_digits_and_real_days_only(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(("expression", "problem"), [
    ("² * * * *", "'²' is not a valid minute field (0-59)"),
    ("0 ٣ * * *", "'٣' is not a valid hour field (0-23)"),
    ("*/" + "9" * 5000 + " * * * *", "'*/" + "9" * 5000 + "' is not a valid minute field (0-59)"),
    ("*/0 * * * *", "'*/0' is not a valid minute field (0-59)"),
    ("0-" + "5" * 20 + " * * * *", "'0-" + "5" * 20 + "' is not a valid minute field (0-59)"),
])
def test_cron_numbers_are_ascii_and_bounded(expression: str, problem: str) -> None:
    assert cron_problem(expression) == problem


def test_steps_still_work() -> None:
    assert cron_problem("*/15 2-4 * * mon-fri") is None
