"""Formatters: pure functions from a report to text, chosen by name."""
from __future__ import annotations

from collections.abc import Callable

from ..report import CheckReport, FormatOptions
from . import text

CheckFormatter = Callable[[CheckReport, FormatOptions], str]

CHECK_FORMATS: dict[str, CheckFormatter] = {
    "text": text.check_text,
    "table": text.check_table,
    "json": text.check_json,
}
