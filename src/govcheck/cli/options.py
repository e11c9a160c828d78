"""Options that several commands share, spelled the same everywhere (the conventions of
yamllint, check-jsonschema and ruff: -c, -f, -o, -q)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from govcheck.errors import GovcheckError
from govcheck.model.document import MANIFEST_SUFFIXES

F = TypeVar("F", bound=Callable[..., Any])


def manifest_named(target: Path) -> bool:
    """Whether an --output path is named like a manifest, which a report must never replace."""
    return target.suffix in MANIFEST_SUFFIXES


def config_option(help_text: str = "govcheck.yaml to use.") -> Callable[[F], F]:
    return click.option("-c", "--config", "config_file", metavar="FILE", help=help_text)


def format_option(names: Sequence[str], default: str | None, help_text: str) -> Callable[[F], F]:
    return click.option("-f", "--format", "format_name", type=click.Choice(list(names)),
                        default=default, show_default=default is not None, help=help_text)


def output_option(help_text: str = "Write the report to FILE instead of stdout."
                  ) -> Callable[[F], F]:
    return click.option("-o", "--output", metavar="FILE", help=help_text)


def report_option(example: str) -> Callable[[F], F]:
    return click.option("--report", "reports", metavar="FORMAT=FILE", multiple=True,
                        help=f"Also write the report in FORMAT to FILE (repeatable), "
                             f"e.g. {example}.")


def as_of_option(help_text: str = "Judge dates as of this day (YYYY-MM-DD; default: today)."
                 ) -> Callable[[F], F]:
    return click.option("--as-of", metavar="DATE", help=help_text)


def color_option(function: F) -> F:
    """--color/--no-color; unset, NO_COLOR and FORCE_COLOR decide, then whether stdout is a
    terminal."""
    return click.option("--color/--no-color", "color", default=None,
                        help="Colour the text output (default: on a terminal, unless NO_COLOR "
                             "is set; FORCE_COLOR forces it).")(function)


def quiet_option(function: F) -> F:
    return click.option("-q", "--quiet", is_flag=True,
                        help="Print only what needs attention: no summary, nothing when "
                             "all is well.")(function)


def no_cache_option(function: F) -> F:
    return click.option("--no-cache", is_flag=True,
                        help="Parse every file afresh (the cache lives in the user cache "
                             "folder).")(function)


def parse_as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GovcheckError(f"--as-of '{value}' is not a date (YYYY-MM-DD)") from None


def selection_options(function: F) -> F:
    """--select and --ignore: rule ids or prefixes, comma-separated, repeatable (as ruff)."""
    function = click.option("--ignore", multiple=True, metavar="RULES",
                            help="Do not run these rules (ids or prefixes, comma-separated; "
                                 "added to govcheck.yaml's ignore).")(function)
    return click.option("--select", multiple=True, metavar="RULES",
                        help="Run only these rules (ids or prefixes such as GOV01, "
                             "comma-separated; replaces govcheck.yaml's select).")(function)
