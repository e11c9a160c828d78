"""Several outputs from one run: --report files, GitHub annotations and the step summary."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from estates import copy_example_estate

from govcheck.cli import cli


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_example_estate(tmp_path)
    link = tmp_path / "ecosystem" / "integrations" / "website-leads-to-crm.yaml"
    text = link.read_text()
    start = text.index("  fallback:\n")
    end = text.index("  monitoring:\n")
    link.write_text(text[:start] + text[end:])
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


ANNOTATION = ("::error file=ecosystem/integrations/website-leads-to-crm.yaml,line=4,col=9,"
              "title=GOV003 Real-time integrations define a fallback::real-time integration has "
              "no fallback for when salesforce is down or rate-limited: spec.fallback missing "
              "[integration/website-leads-to-crm]")


def test_reports_are_written_beside_the_stdout_format(broken: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--as-of", "2027-01-15", "--report",
                                      "json=out.json", "--report", "sarif=out.sarif"])
    assert result.exit_code == 1
    assert result.output.startswith("ecosystem/integrations/website-leads-to-crm.yaml:4:9: error GOV003")
    findings = json.loads((broken / "out.json").read_text())["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("GOV003", 4)]
    sarif = json.loads((broken / "out.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["GOV003"]


def test_github_actions_get_annotations_and_a_step_summary_by_default(
        broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = broken / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(cli, ["check", "--as-of", "2027-01-15"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ANNOTATION
    text = summary.read_text()
    assert text.startswith("earlier step\n")          # appended, never overwritten
    assert "GOV003" in text and "```mermaid" in text


def test_a_bad_report_option_stops_before_anything_runs(broken: Path) -> None:
    for value, message in [("sarif", "must be FORMAT=FILE"), ("yaml=x", "unknown format 'yaml'")]:
        result = CliRunner().invoke(cli, ["check", "--report", value])
        assert result.exit_code == 2
        assert message in result.output and "Traceback" not in result.output


def test_a_report_never_overwrites_a_manifest(broken: Path) -> None:
    manifest = broken / "ecosystem" / "datasets" / "lead.yaml"
    before = manifest.read_bytes()
    result = CliRunner().invoke(cli, ["check", "--report", f"json={manifest}"])
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.output
    assert manifest.read_bytes() == before
