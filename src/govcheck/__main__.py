"""The `govcheck` command (and `python -m govcheck`).

Two answers come before the command line is built, because building it (click, the YAML
loader, the rules) costs more than they do: `govcheck --version`, and a `govcheck check`
whose result the cache remembers (the pre-commit hook's repeat run, see app.remembered).
Anything else, and any check this cannot answer exactly as the full command would, goes to
the command line in govcheck.cli, which does the work and reports every error.
"""
from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from govcheck import __version__
from govcheck.errors import EXIT_FINDINGS, EXIT_OK

# The `check` options a remembered run may have, and whether each takes a value. Any other
# option (--output, --report, --no-cache, --help, ...) goes to the full command line.
_CHECK_OPTIONS = {"--config": True, "--as-of": True, "--fail-on": True, "--format": True,
                  "--show-waived": False, "--quiet": False, "--color": False, "--no-color": False}
_SHORT = {"-c": "--config", "-f": "--format", "-q": "--quiet"}
_FAIL_ON = ("error", "warning", "info")


def main(argv: Sequence[str] | None = None) -> None:
    # A run is short and what it builds lives until it ends: the cyclic collector would only
    # walk it again and again as it grows (see load/collector.py). Reference counting still
    # frees what is dropped; the few cycles go with the process.
    gc.disable()
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        print(f"govcheck, version {__version__}")   # as click's version option says it
        sys.exit(EXIT_OK)
    code = _remembered_check(args[1:]) if args[:1] == ["check"] else None
    if code is not None:
        sys.exit(code)
    from govcheck.cli import main as command_line

    command_line(args)


def _check_options(args: list[str]) -> dict[str, str] | None:
    """`check`'s arguments as {option: value, "path": PATH}; None unless every argument is
    one a remembered run can answer, given once."""
    options: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        name, equals, value = arg.partition("=")
        name = _SHORT.get(name, name) if not equals else name
        if not arg.startswith("-"):
            name, value = "path", arg
        elif name not in _CHECK_OPTIONS or bool(equals) and not _CHECK_OPTIONS[name]:
            return None
        elif _CHECK_OPTIONS[name] and not equals:
            value = next(rest, "")
        if name in options or (_CHECK_OPTIONS.get(name) and not value):
            return None
        options[name] = value
    return options


def _remembered_check(args: list[str]) -> int | None:
    """The exit code of `govcheck check ARGS` answered from the remembered result, its text
    report written; None when the full command must run."""
    import datetime as dt
    import os
    from pathlib import Path

    options = _check_options(args)
    if options is None or options.get("--fail-on", "error") not in _FAIL_ON:
        return None
    if options.get("--format", "text" if os.environ.get("GITHUB_ACTIONS") != "true" else "") != "text":
        return None   # github annotations, SARIF, ... need the rules' descriptions
    try:
        from govcheck.app.remembered import remembered_report
        from govcheck.model.findings import Severity
        from govcheck.outputs import CHECK_FORMATS, FormatOptions
        from govcheck.outputs.publish import Destination, PublishRequest, publish

        as_of = dt.date.fromisoformat(options["--as-of"]) if "--as-of" in options else dt.date.today()
        report = remembered_report(Path.cwd(), options.get("--config"), options.get("path"), as_of,
                                   Severity(options.get("--fail-on", "error")))
    except Exception:  # noqa: BLE001 - the full command line runs instead and says what is wrong
        return None
    if report is None:
        return None
    if "--color" in options and "--no-color" in options:
        return None
    color = True if "--color" in options else False if "--no-color" in options else None
    format_options = FormatOptions(show_waived="--show-waived" in options,
                                   quiet="--quiet" in options)
    try:
        publish(PublishRequest(report, "check", CHECK_FORMATS, [Destination("text", None)],
                               format_options, color=color), os.environ)
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_FINDINGS if report.failed else EXIT_OK


if __name__ == "__main__":
    main()
