"""The options that choose rules, shared by `check`, `baseline` and `rules`."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def selection_options(function: F) -> F:
    """--select and --ignore: rule ids or prefixes, comma-separated, repeatable (as ruff)."""
    function = click.option("--ignore", multiple=True, metavar="RULES",
                            help="Do not run these rules (ids or prefixes, comma-separated; "
                                 "added to govcheck.yaml's ignore).")(function)
    return click.option("--select", multiple=True, metavar="RULES",
                        help="Run only these rules (ids or prefixes such as GOV01, "
                             "comma-separated; replaces govcheck.yaml's select).")(function)
