"""Where reports go: stdout or --output, extra --report FORMAT=FILE files, and in GitHub
Actions the job's step summary. One run can feed annotations, SARIF and a summary."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from govcheck.errors import GovcheckError
from govcheck.outputs import STEP_SUMMARY, FormatOptions, FormatterTable, formatter


@dataclass(frozen=True)
class Destination:
    format_name: str
    file: str | None        # None: standard output


def default_format(chosen: str | None, environ: Mapping[str, str]) -> str:
    """Annotations by default inside GitHub Actions, plain text elsewhere."""
    if chosen:
        return chosen
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def parse_reports(values: Sequence[str], table: FormatterTable) -> list[Destination]:
    """`--report sarif=govcheck.sarif` options, each checked before anything runs."""
    destinations = []
    for value in values:
        name, separator, file = value.partition("=")
        if not separator or not file:
            raise GovcheckError(f"--report '{value}' must be FORMAT=FILE, e.g. sarif=govcheck.sarif")
        if name not in table:
            raise GovcheckError(f"--report '{value}': unknown format '{name}' "
                                f"(one of {', '.join(table)})")
        destinations.append(Destination(name, file))
    return destinations


def use_color(stream: Any, environ: Mapping[str, str], chosen: bool | None = None) -> bool:
    """--color/--no-color when given; else never with NO_COLOR, always with FORCE_COLOR
    (https://no-color.org, https://force-color.org), and otherwise only on a terminal."""
    if chosen is not None:
        return chosen
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def write(text: str, file: str | None, protected: Callable[[Path], bool] = lambda p: False) -> None:
    """Write to stdout, or to a file atomically; never over a manifest or the config."""
    if file is None:
        click.echo(text, nl=False)
        return
    target = Path(file)
    if protected(target):
        raise GovcheckError(f"'{file}' is a manifest or config file: refusing to overwrite it")
    if target.is_dir():
        raise GovcheckError(f"'{file}' is a folder: name a file to write the report to")
    temporary = target.with_name(f".{target.name}.govcheck-tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError as error:
        raise GovcheckError(f"cannot write '{file}': {error.strerror}") from None


@dataclass(frozen=True)
class PublishRequest:
    """One command's report and everywhere it goes."""

    report: Any                         # a CheckReport or a DiffReport
    command: str                        # "check" or "diff": picks the step summary
    table: FormatterTable               # the command's formatters, by name
    destinations: Sequence[Destination]
    options: FormatOptions              # colour is decided per destination
    protected: Callable[[Path], bool] = lambda path: False   # never written over
    color: bool | None = None           # --color / --no-color
    summary_extra: Callable[[], str] | None = None   # more for the step summary (the map)


def publish(request: PublishRequest, environ: Mapping[str, str]) -> None:
    """Write every destination; append the Markdown step summary in GitHub Actions."""
    for destination in request.destinations:
        colored = destination.file is None and use_color(sys.stdout, environ, request.color)
        function = formatter(request.table, destination.format_name)
        write(function(request.report, replace(request.options, color=colored)),
              destination.file, request.protected)
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and any(d.format_name == "github" for d in request.destinations):
        summary = formatter(STEP_SUMMARY, request.command)(
            request.report, replace(request.options, color=False, quiet=False))
        extra = request.summary_extra
        _append(summary_file, summary + ("\n" + extra() if extra else ""))


def _append(file: str, text: str) -> None:
    try:
        with open(file, "a", encoding="utf-8") as stream:
            stream.write(text if text.endswith("\n") else text + "\n")
    except OSError as error:
        raise GovcheckError(f"cannot append to GITHUB_STEP_SUMMARY '{file}': {error.strerror}") from None
