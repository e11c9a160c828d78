"""Formatters: pure functions from a report to text, chosen by name.

The tables name "module:function" so that a run imports only the formatter it uses."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from govcheck.errors import GovcheckError

CHECK_FORMATS: dict[str, str] = {
    "text": "text:check_text",
    "table": "text:check_table",
    "json": "text:check_json",
    "sarif": "sarif:check_sarif",
    "github": "annotations:check_github",
    "markdown": "markdown:check_markdown",
    "junit": "junit:check_junit",
}

DIFF_FORMATS: dict[str, str] = {
    "text": "diff_text:diff_text",
    "table": "diff_text:diff_table",
    "json": "diff_text:diff_json",
    "markdown": "diff_text:diff_markdown",
    "sarif": "sarif:diff_sarif",
    "github": "annotations:diff_github",
}


def formatter(table: dict[str, str], name: str) -> Callable[..., str]:
    """The formatter function registered under `name` in `table`."""
    if name not in table:
        raise GovcheckError(f"unknown format '{name}': one of {', '.join(table)}")
    module_name, _, function_name = table[name].partition(":")
    module: Any = importlib.import_module(f"{__name__}.{module_name}")
    function: Callable[..., str] = getattr(module, function_name)
    return function
