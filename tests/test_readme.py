"""The README cannot drift from the policy pack, and its quick start stays two commands."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from govcheck.cli import cli
from govcheck.rules.policy import load_rules

README = Path(__file__).resolve().parent.parent / "README.md"


def _section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}\n")
    following = text.find("\n## ", start + 1)
    return text[start:following if following != -1 else None]


def test_rule_table_matches_the_policy_pack() -> None:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("<!-- rules:start"):text.index("<!-- rules:end -->")]
    rows = re.findall(r"^\| (\S+) \| (\w+) \| (.+) \|$", block, re.MULTILINE)[1:]  # skip the header
    expected = [(rule.id, rule.severity.value, rule.title) for rule in load_rules().values()]
    assert rows == expected


def test_quick_start_is_two_commands_install_and_check_then_test() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", _section(README.read_text(encoding="utf-8"),
                                                       "Quick start"), re.DOTALL)
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert commands[0].endswith("govcheck check") and "pip install ." in commands[0]
    assert "pip install '.[test]'" in commands[1] and commands[1].endswith("pytest")


def test_the_ecosystem_map_in_the_readme_is_the_current_one(monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    embedded = re.search(r"<!-- map:start[^\n]*\n```mermaid\n(.*?)```\n<!-- map:end -->", text, re.DOTALL)
    assert embedded is not None
    monkeypatch.chdir(README.parent)
    generated = CliRunner().invoke(cli, ["graph", "--as-of", "2026-11-23"]).output
    assert embedded.group(1) == generated


def test_the_readme_shows_the_committed_picture_of_the_map() -> None:
    text = README.read_text(encoding="utf-8")
    url = "https://raw.githubusercontent.com/govcheck/govcheck/main/docs/ecosystem-map.svg"
    assert f"]({url})" in text            # absolute, so that PyPI shows it too
    assert text.index(f"]({url})") < text.index("<!-- map:start")   # beside the Mermaid source
    assert (README.parent / "docs" / "ecosystem-map.svg").is_file()
OUTPUT_BLOCK = re.compile(r"<!-- output: (govcheck [^>]*?) -->\n```text\n(.*?)```\n"
                          r"<!-- output:end -->", re.DOTALL)


def test_the_outputs_shown_in_the_readme_are_the_current_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `<!-- output: govcheck ... -->` block is what that command prints on the example
    estate today (impact, show)."""
    blocks = OUTPUT_BLOCK.findall(README.read_text(encoding="utf-8"))
    assert [command.split()[1] for command, _ in blocks] == ["impact", "impact", "show"]
    monkeypatch.chdir(README.parent)
    monkeypatch.setenv("NO_COLOR", "1")
    for command, shown in blocks:
        result = CliRunner().invoke(cli, command.split()[1:])
        assert (result.exit_code, shown) == (0, result.output), command
