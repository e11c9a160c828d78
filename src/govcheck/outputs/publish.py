"""Where reports go: stdout or --output, extra --report FORMAT=FILE files, and in GitHub
Actions the job's step summary. One run can feed annotations, SARIF and a summary.

A report file is written whole or not at all: a regular file is replaced atomically (a
temporary file beside it, synced, renamed over it), while a FIFO, a device or `/dev/null`
is written in place, never replaced by a regular file. Every destination is checked before
the first is written, so a run that refuses one writes none."""
from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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
    """Write to stdout, or to a file (see the module's docstring); never over a manifest or
    the config."""
    if file is None:
        write_stdout(text)
        return
    check_destination(file, protected)
    target = os.path.realpath(file)     # through a symlink, as `>` does, never replacing it
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _cannot_write(file, error) from None
    data = text.encode("utf-8")
    if status is not None and not stat.S_ISREG(status.st_mode):
        _write_in_place(target, data, file)
    else:
        _replace(target, data, status, file)


def check_destination(file: str, protected: Callable[[Path], bool]) -> None:
    """Refuse, before anything is written, a report file that is a manifest or a folder."""
    if protected(Path(file)):
        raise GovcheckError(f"'{file}' is a manifest or config file: refusing to overwrite it")
    if os.path.isdir(file):
        raise GovcheckError(f"'{file}' is a folder: name a file to write the report to")


def write_stdout(text: str) -> None:
    """Standard output. A reader that has gone (`| head -1`) wants no more: the rest is
    dropped quietly and the run still ends with its verdict's exit code. A full disk is an
    error (exit 2)."""
    try:
        # flushed here, so that a failure shows here and not at exit; no click on this path
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        discard_stdout()
    except OSError as error:
        discard_stdout()
        raise GovcheckError(f"cannot write to standard output: {error.strerror}") from None


def discard_stdout() -> None:
    """Point standard output at /dev/null, so that the flush at exit, which would fail in the
    same way, has nowhere to fail."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):   # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def _write_in_place(target: str, data: bytes, file: str) -> None:
    """A FIFO, a device, /dev/null: opened for writing as it is (a FIFO waits for a reader),
    never created, truncated into a regular file or replaced."""
    try:
        descriptor = os.open(target, os.O_WRONLY)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise _cannot_write(file, error) from None


def _replace(target: str, data: bytes, status: os.stat_result | None, file: str) -> None:
    """A regular file, or none yet: a temporary file in the same folder, written, synced and
    renamed over the target, so that a reader sees the old report or the new one, never half
    of one. The temporary file is removed on any failure; it is created exclusively, so a
    file or a symlink planted under its name is never written through."""
    import secrets  # only report files need it, not the text on standard output

    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.govcheck-tmp")
    mode = stat.S_IMODE(status.st_mode) if status else 0o666   # before the umask, as `>` does
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as error:
        raise _cannot_write(file, error) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if status is not None:
            os.chmod(temporary, mode)       # the report keeps the mode it had
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _cannot_write(file, error) from None
        raise


def _cannot_write(file: str, error: OSError) -> GovcheckError:
    return GovcheckError(f"cannot write '{file}': {error.strerror or error}")


def same_file(files: Sequence[str]) -> tuple[int, int] | None:
    """The positions of two of `files` that are one file, however spelled (`./x`, a symlink,
    a hard link), or None. Writing both would leave one report, or a mix of two."""
    seen: dict[object, int] = {}
    for position, file in enumerate(files):
        identity = _file_identity(file)
        if identity in seen:
            return seen[identity], position
        seen[identity] = position
    return None


def _file_identity(file: str) -> object:
    try:
        status = os.stat(file)
    except OSError:             # not there yet: its resolved path names it
        return os.path.realpath(file)
    return (status.st_dev, status.st_ino)


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
    """Write every destination; append the Markdown step summary in GitHub Actions.
    Every destination is checked before anything is written."""
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if not any(d.format_name == "github" for d in request.destinations):
        summary_file = None
    _check_destinations(request.destinations, request.protected, summary_file)
    for destination in request.destinations:
        colored = destination.file is None and use_color(sys.stdout, environ, request.color)
        function = formatter(request.table, destination.format_name)
        write(function(request.report, replace(request.options, color=colored)),
              destination.file, request.protected)
    if summary_file:
        summary = formatter(STEP_SUMMARY, request.command)(
            request.report, replace(request.options, color=False, quiet=False))
        extra = request.summary_extra
        _append(summary_file, summary + ("\n" + extra() if extra else ""))


def _check_destinations(destinations: Sequence[Destination], protected: Callable[[Path], bool],
                        summary_file: str | None) -> None:
    """Every report file is allowed, and each is a file of its own (exit 2, nothing written)."""
    files = [destination.file for destination in destinations if destination.file is not None]
    for file in files:
        check_destination(file, protected)
    names = [f"'{file}'" for file in files]
    if summary_file:
        files.append(summary_file)
        names.append(f"GITHUB_STEP_SUMMARY ('{summary_file}')")
    clash = same_file(files)
    if clash is not None:
        first, second = clash
        raise GovcheckError(f"{names[first]} and {names[second]} are the same file: give each "
                            "report a file of its own")


def _append(file: str, text: str) -> None:
    try:
        with open(file, "a", encoding="utf-8") as stream:
            stream.write(text if text.endswith("\n") else text + "\n")
    except OSError as error:
        raise GovcheckError(f"cannot append to GITHUB_STEP_SUMMARY '{file}': {error.strerror}") from None
