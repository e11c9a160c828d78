"""Formatters: pure functions from a report to text, chosen by name.

A run imports only the formatter it uses: the tables hold functions that import it."""
# No `from __future__ import annotations` here: it would bind the name `annotations` in this
# package, hiding its submodule outputs.annotations from `from govcheck.outputs import ...`.

from collections.abc import Callable
from types import ModuleType
from typing import Any

from govcheck.errors import GovcheckError
from govcheck.outputs.options import FormatOptions

__all__ = ["CHECK_FORMATS", "DIFF_FORMATS", "STEP_SUMMARY", "FormatOptions", "Formatter",
           "FormatterTable", "formatter"]


Formatter = Callable[[Any, FormatOptions], str]


# Each format module is imported only when a run uses it (fast start-up); these functions
# name the modules, so that the tables below are plain, typed Python.
def _text() -> ModuleType:
    from govcheck.outputs import text
    return text


def _diff_text() -> ModuleType:
    from govcheck.outputs import diff_text
    return diff_text


def _sarif() -> ModuleType:
    from govcheck.outputs import sarif
    return sarif


def _annotations() -> ModuleType:
    from govcheck.outputs import annotations
    return annotations


def _markdown() -> ModuleType:
    from govcheck.outputs import markdown
    return markdown


def _junit() -> ModuleType:
    from govcheck.outputs import junit
    return junit


FormatterTable = dict[str, Callable[[], Formatter]]

CHECK_FORMATS: FormatterTable = {
    "text": lambda: _text().check_text,
    "table": lambda: _text().check_table,
    "json": lambda: _text().check_json,
    "sarif": lambda: _sarif().check_sarif,
    "github": lambda: _annotations().check_github,
    "markdown": lambda: _markdown().check_markdown,
    "junit": lambda: _junit().check_junit,
}

DIFF_FORMATS: FormatterTable = {
    "text": lambda: _diff_text().diff_text,
    "table": lambda: _diff_text().diff_table,
    "json": lambda: _diff_text().diff_json,
    "markdown": lambda: _diff_text().diff_markdown,
    "sarif": lambda: _sarif().diff_sarif,
    "github": lambda: _annotations().diff_github,
}

# The Markdown appended to $GITHUB_STEP_SUMMARY, by command.
STEP_SUMMARY: FormatterTable = {
    "check": lambda: _annotations().check_step_summary,
    "diff": lambda: _annotations().diff_step_summary,
}


def formatter(table: FormatterTable, name: str) -> Formatter:
    """The formatter registered under `name` in `table`."""
    if name not in table:
        raise GovcheckError(f"unknown format '{name}': one of {', '.join(table)}")
    function: Formatter = table[name]()
    return function
