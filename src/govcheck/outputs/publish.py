"""Where reports go: stdout or --output, extra --report FORMAT=FILE files, and in GitHub
Actions the job's step summary. One run can feed annotations, SARIF and a summary."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govcheck.errors import GovcheckError
from govcheck.outputs import formatter

STEP_SUMMARY = {"check": "annotations:check_step_summary", "diff": "annotations:diff_step_summary"}


@dataclass(frozen=True)
class Destination:
    format_name: str
    file: str | None        # None: standard output


def default_format(chosen: str | None, environ: Mapping[str, str]) -> str:
    """Annotations by default inside GitHub Actions, plain text elsewhere."""
    if chosen:
        return chosen
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def parse_reports(values: Sequence[str], table: Mapping[str, str]) -> list[Destination]:
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


def use_color(stream: Any, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    if environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def write(text: str, file: str | None, protected: Callable[[Path], bool] = lambda p: False) -> None:
    """Write to stdout, or to a file atomically; never over a manifest or the config."""
    if file is None:
        sys.stdout.write(text)
        sys.stdout.flush()
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


def publish(report: Any, table: Mapping[str, str], destinations: Sequence[Destination],
            render: Callable[[Callable[..., str], bool], str], command: str,
            protected: Callable[[Path], bool], environ: Mapping[str, str],
            summary_extra: Callable[[], str] | None = None) -> None:
    """Write every destination; append the Markdown step summary in GitHub Actions.

    `render(formatter, color)` formats the report with the command's options;
    `summary_extra()` adds to the step summary (the ecosystem map, for check)."""
    for destination in destinations:
        color = destination.file is None and use_color(sys.stdout, environ)
        write(render(formatter(dict(table), destination.format_name), color), destination.file,
              protected)
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and any(d.format_name == "github" for d in destinations):
        summary = render(formatter(STEP_SUMMARY, command), False)
        _append(summary_file, summary + ("\n" + summary_extra() if summary_extra else ""))


def _append(file: str, text: str) -> None:
    try:
        with open(file, "a", encoding="utf-8") as stream:
            stream.write(text if text.endswith("\n") else text + "\n")
    except OSError as error:
        raise GovcheckError(f"cannot append to GITHUB_STEP_SUMMARY '{file}': {error.strerror}") from None
