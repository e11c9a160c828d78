"""Choosing rules as ruff does: `--select`/`--ignore` (ids or prefixes, comma-separated,
repeatable) and `select:`/`ignore:` in govcheck.yaml; the most specific selector wins, GOV000
always runs, and a selector that names no rule is exit 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import (
    AS_OF,
    assert_usage_error,
    make_estate,
    run,
    without_fallback,
    without_measures,
)

from govcheck.rules.selection import Selection, split_selectors


@pytest.mark.parametrize(("select", "ignore", "rule", "enabled"), [
    ((), (), "GOV003", True),                       # nothing selected: every rule
    (("GOV003",), (), "GOV009", False),
    (("GOV0",), ("GOV00",), "GOV009", False),       # the longer selector wins
    (("GOV0",), ("GOV00",), "GOV010", True),
    (("GOV009",), ("GOV",), "GOV009", True),        # a selected id beats an ignored prefix
    (("GOV009",), ("GOV009",), "GOV009", False),    # equally specific: ignore wins
    (("gov00",), (), "GOV003", True),               # case does not matter
    (("ACME",), ("GOV",), "GOV000", True),          # GOV000 always runs
])
def test_the_most_specific_selector_wins(select: tuple[str, ...], ignore: tuple[str, ...],
                                         rule: str, enabled: bool) -> None:
    assert Selection(select, ignore).enabled(rule) is enabled


def test_selectors_are_comma_separated_and_repeatable() -> None:
    assert split_selectors(["GOV001,GOV003", " GOV01 ", "GOV009,"]) == (
        "GOV001", "GOV003", "GOV01", "GOV009")


def rules_found(root: Path, *args: str) -> list[str]:
    result = run(["check", "--as-of", AS_OF, "--format", "json", *args], root)
    assert result.returncode in (0, 1), result.stderr
    return [finding["rule"] for finding in json.loads(result.stdout)["findings"]]


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """GOV003 and GOV009, and a file that cannot be read (GOV000)."""
    return make_estate(tmp_path, {**without_fallback(), **without_measures(),
                                  "ecosystem/broken.yaml": "kind: [\n"})


def test_select_and_ignore_on_the_command_line(estate: Path) -> None:
    assert rules_found(estate) == ["GOV000", "GOV009", "GOV003"]
    assert rules_found(estate, "--select", "GOV003") == ["GOV000", "GOV003"]
    assert rules_found(estate, "--ignore", "GOV003,GOV009") == ["GOV000"]
    assert rules_found(estate, "--select", "GOV00", "--ignore", "GOV003") == ["GOV000", "GOV009"]
    assert rules_found(estate, "--select", "GOV003", "--select", "GOV009") == [
        "GOV000", "GOV009", "GOV003"]


def test_select_and_ignore_in_govcheck_yaml(estate: Path) -> None:
    (estate / "govcheck.yaml").write_text("select: [GOV0]\nignore: [GOV009]\n")
    assert rules_found(estate) == ["GOV000", "GOV003"]
    # --select replaces the config's select; --ignore adds to its ignore
    assert rules_found(estate, "--select", "GOV009") == ["GOV000"]
    assert rules_found(estate, "--ignore", "GOV003") == ["GOV000"]


def test_rules_shows_which_are_on(estate: Path) -> None:
    (estate / "govcheck.yaml").write_text("ignore: [GOV01]\n")
    lines = run(["rules"], estate).stdout.splitlines()
    assert lines[9] == "GOV009  warning  Integrations have success measures"
    assert lines[10] == "GOV010  off      Integrations have a monitoring owner and an alert channel"
    listed = json.loads(run(["rules", "--format", "json", "--select", "GOV003"], estate).stdout)
    assert [rule["id"] for rule in listed if rule["enabled"]] == ["GOV000", "GOV003"]


@pytest.mark.parametrize(("args", "config", "message"), [
    (["--select", "GOV9"], None,
     "unknown rule id or prefix 'GOV9' in --select (did you mean 'GOV019'?); 'govcheck rules' "
     "lists them"),
    (["--ignore", "GOV000"], None,
     "GOV000 cannot be ignored (--ignore): a file that cannot be read would pass unseen"),
    ([], "select:\n  - GOV003\n  - GOV0002\n",
     "govcheck.yaml:3:5: unknown rule id or prefix 'GOV0002' under select: (did you mean "
     "'GOV002'?); 'govcheck rules' lists them"),
    ([], "ignore: [GOV000]\n",
     "govcheck.yaml:1:10: GOV000 cannot be ignored (ignore:): a file that cannot be read would "
     "pass unseen"),
    ([], "select: GOV003\n",
     "govcheck.yaml:1:9: invalid config: select must be a list, not a string"),
    ([], "select: ['GOV 3']\n",
     "govcheck.yaml:1:10: invalid config: select[0]: 'GOV 3' is not valid: A rule id (GOV003) "
     "or the start of rule ids (GOV01, GOV)."),
])
def test_a_selector_that_names_no_rule_is_exit_2(tmp_path: Path, args: list[str],
                                                  config: str | None, message: str) -> None:
    root = make_estate(tmp_path, config=config)
    assert_usage_error(run(["check", *args], root), f"govcheck: error: {message}")
