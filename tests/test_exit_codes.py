"""Exit 3 for a bug: one line that says so, with the versions to report, never a traceback,
and never the exit code of a usage error (2), which a CI script may treat differently."""
from __future__ import annotations

from pathlib import Path

import pytest
from estates import copy_example_estate

import govcheck.cli.check
from govcheck.cli import main
from govcheck.errors import EXIT_INTERNAL, EXIT_USAGE


def run_main(args: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(args)
    code = done.value.code
    assert isinstance(code, int)
    return code


def test_an_internal_error_exits_3_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(copy_example_estate(tmp_path))

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug\nwith a second line")

    monkeypatch.setattr(govcheck.cli.check, "run_check", broken)
    assert run_main(["check"]) == EXIT_INTERNAL == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(
        "govcheck: internal error (this is a bug, please report it with the command you ran): "
        "KeyError: 'a bug\\nwith a second line' [govcheck ")


def test_a_usage_error_still_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(copy_example_estate(tmp_path))
    assert run_main(["check", "--as-of", "tomorrow"]) == EXIT_USAGE
    assert capsys.readouterr().err == (
        "govcheck: error: --as-of 'tomorrow' is not a date (YYYY-MM-DD)\n")
