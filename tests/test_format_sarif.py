"""SARIF output: valid against the SARIF 2.1.0 schema, and one test per GitHub code-scanning
requirement (relative URIs, 1-based regions, rule metadata, stable fingerprints,
suppressions, a consistent ruleIndex)."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the venv
import pytest
from estates import planted_estate, planted_report

from govcheck.app.check import run_check
from govcheck.app.project import open_project
from govcheck.changes.report import Change, DiffReport, Requirement
from govcheck.model.findings import Finding, Severity
from govcheck.outputs import CHECK_FORMATS, DIFF_FORMATS, FormatOptions, formatter
from govcheck.outputs.sarif import (
    FINGERPRINT_KEY,
    artifact_uri,
    check_sarif,
    diff_sarif,
)
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport

REPOSITORY = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0.json").read_text("utf-8"))
AS_OF = dt.date(2026, 11, 23)
OPTIONS = FormatOptions()

RULES = {
    "GOV001": Rule("GOV001", "Each dataset has one owner", Severity.ERROR,
                   "Two owners means no owner.", "Name one owner team."),
    "GOV003": Rule("GOV003", "Real-time integrations define a fallback", Severity.ERROR,
                   "A real-time link fails when its target is down.",
                   "Add spec.fallback with a strategy and a description.",
                   example="fallback: {strategy: queue-and-replay}"),
    "GOV012": Rule("GOV012", "Integration reviews are not overdue", Severity.WARNING,
                   "Integrations drift.", "Review it."),
    "GOV099": Rule("GOV099", "An informational rule", Severity.INFO, "FYI.", "Nothing."),
}


def finding(rule: str = "GOV003", line: int = 12, **changes: Any) -> Finding:
    base = Finding(rule, RULES[rule].severity if rule in RULES else Severity.ERROR,
                   "integration/website-leads-to-crm", "ecosystem/integrations/website-leads.yaml",
                   line, 3, "real-time integration has no fallback")
    return replace(base, **changes)


def report(*findings: Finding) -> CheckReport:
    return CheckReport(tuple(findings), RULES, AS_OF, entities=4, files=2)


def sarif(check_report: CheckReport, options: FormatOptions = OPTIONS) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(check_sarif(check_report, options))
    jsonschema.Draft7Validator(SCHEMA).validate(document)
    return document


def results(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["runs"][0]["results"]
    return found


def physical(result: dict[str, Any]) -> dict[str, Any]:
    location: dict[str, Any] = result["locations"][0]["physicalLocation"]
    return location


# --- a real run: the example estate with planted defects and a waiver ---------------------


@pytest.fixture()
def real(tmp_path: Path) -> CheckReport:
    return planted_report(tmp_path / "repo")


def test_real_run_is_valid_sarif_with_the_planted_findings(real: CheckReport) -> None:
    found = results(sarif(real))
    gov003 = [result for result in found if result["ruleId"] == "GOV003"]
    assert [(r["properties"]["entity"], "suppressions" in r) for r in gov003] == [
        ("integration/bookings-to-crm", False), ("integration/customer-sync", True)]
    assert physical(gov003[0])["artifactLocation"] == {
        "uri": "ecosystem/integrations/bookings-to-crm.yaml", "uriBaseId": "%SRCROOT%"}


def test_the_formatter_tables_name_the_sarif_functions() -> None:
    assert formatter(CHECK_FORMATS, "sarif") is check_sarif
    assert formatter(DIFF_FORMATS, "sarif") is diff_sarif


def test_log_header_tool_and_invocation() -> None:
    document = sarif(report(finding()))
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "govcheck"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["automationDetails"] == {"id": "govcheck-check/"}


def test_an_empty_report_is_valid_and_still_lists_every_rule() -> None:
    document = sarif(report())
    assert results(document) == []
    assert [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]] == list(RULES)


# --- GitHub: relative artifact URIs --------------------------------------------------------


def test_artifact_uris_are_relative_posix_without_dot_slash(real: CheckReport) -> None:
    for result in results(sarif(real)):
        location = physical(result)["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        assert not location["uri"].startswith(("/", "./", "file:")), location
        assert "\\" not in location["uri"]


@pytest.mark.parametrize(("path", "uri"), [
    ("./ecosystem/a.yaml", "ecosystem/a.yaml"),
    ("ecosystem\\datasets\\b.yaml", "ecosystem/datasets/b.yaml"),
    ("eco system/c:d#1%.yaml", "eco%20system/c%3Ad%231%25.yaml"),
])
def test_paths_become_relative_uri_references(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


# --- GitHub: 1-based regions ---------------------------------------------------------------


def test_regions_are_one_based_and_carry_line_and_column() -> None:
    region = physical(results(sarif(report(finding(line=12))))[0])["region"]
    assert region == {"startLine": 12, "startColumn": 3}


def test_a_position_of_zero_never_becomes_an_invalid_region() -> None:
    region = physical(results(sarif(report(finding(line=0, column=0))))[0])["region"]
    assert region == {"startLine": 1, "startColumn": 1}


def test_a_finding_outside_any_file_is_still_valid_and_located() -> None:
    result = results(sarif(report(finding(file="", entity=""))))[0]
    assert physical(result) == {"artifactLocation": {"uri": "govcheck.yaml",
                                                     "uriBaseId": "%SRCROOT%"},
                                "region": {"startLine": 1, "startColumn": 1}}


# --- GitHub: rule metadata -----------------------------------------------------------------


def test_every_rule_has_descriptions_help_and_a_default_level() -> None:
    rules = sarif(report())["runs"][0]["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    gov003 = by_id["GOV003"]
    assert gov003["name"] == "RealTimeIntegrationsDefineAFallback"
    assert gov003["shortDescription"] == {"text": "Real-time integrations define a fallback"}
    assert gov003["fullDescription"] == {"text": "A real-time link fails when its target is down."}
    assert "Add spec.fallback" in gov003["help"]["text"]
    assert gov003["help"]["markdown"].startswith("**Why:** A real-time link fails")
    assert "```yaml\nfallback: {strategy: queue-and-replay}\n```" in gov003["help"]["markdown"]
    assert "governance" in gov003["properties"]["tags"]
    assert {rule_id: rule["defaultConfiguration"]["level"] for rule_id, rule in by_id.items()} == {
        "GOV001": "error", "GOV003": "error", "GOV012": "warning", "GOV099": "note"}


def test_the_real_pack_gives_every_rule_full_metadata(real: CheckReport) -> None:
    rules = sarif(real)["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == len(real.rules) >= 19
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_result_levels_follow_the_finding_severity() -> None:
    found = results(sarif(report(finding("GOV001"), finding("GOV012"), finding("GOV099"))))
    assert [(r["ruleId"], r["level"]) for r in found] == [
        ("GOV001", "error"), ("GOV012", "warning"), ("GOV099", "note")]


# --- GitHub: ruleIndex ---------------------------------------------------------------------


def test_rule_index_points_at_the_rule_of_the_result(real: CheckReport) -> None:
    document = sarif(real)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert results(document)
    for result in results(document):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_rule_index_does_not_depend_on_which_rules_fired() -> None:
    alone = results(sarif(report(finding("GOV012"))))[0]
    with_others = results(sarif(report(finding("GOV001"), finding("GOV012"))))[1]
    assert alone["ruleIndex"] == with_others["ruleIndex"] == list(RULES).index("GOV012")


def test_a_finding_of_a_rule_missing_from_the_pack_gets_a_descriptor() -> None:
    document = sarif(report(finding("CUSTOM1")))
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    result = results(document)[0]
    assert rules[result["ruleIndex"]]["id"] == "CUSTOM1"


# --- GitHub: partialFingerprints -----------------------------------------------------------


def fingerprint(result: dict[str, Any]) -> str:
    value: str = result["partialFingerprints"][FINGERPRINT_KEY]
    return value


def test_fingerprints_are_identical_across_two_runs(tmp_path: Path) -> None:
    first = sarif(planted_report(tmp_path / "one"))
    second = sarif(planted_report(tmp_path / "two"))
    assert [fingerprint(r) for r in results(first)] == [fingerprint(r) for r in results(second)]
    assert len({fingerprint(r) for r in results(first)}) == len(results(first))


def test_fingerprints_survive_a_moved_line_in_a_real_estate(tmp_path: Path) -> None:
    root = planted_estate(tmp_path / "repo")
    before = {r["properties"]["entity"]: (fingerprint(r), physical(r)["region"]["startLine"])
              for r in results(sarif(run_check(open_project(root), None, AS_OF).report)) if r["ruleId"] == "GOV003"}
    path = root / "ecosystem" / "integrations" / "bookings-to-crm.yaml"
    path.write_text("# moved down\n# by two comment lines\n" + path.read_text("utf-8"), "utf-8")
    after = {r["properties"]["entity"]: (fingerprint(r), physical(r)["region"]["startLine"])
             for r in results(sarif(run_check(open_project(root), None, AS_OF).report)) if r["ruleId"] == "GOV003"}
    moved = "integration/bookings-to-crm"
    assert after[moved][1] == before[moved][1] + 2
    assert after[moved][0] == before[moved][0]


def test_fingerprints_tell_different_findings_and_repeated_ones_apart() -> None:
    found = results(sarif(report(finding(line=30), finding(entity="integration/a"),
                                 finding(line=12))))
    hashes = {(r["properties"]["entity"], physical(r)["region"]["startLine"]): fingerprint(r)
              for r in found}
    first = hashes["integration/website-leads-to-crm", 12]
    assert re.fullmatch(r"[0-9a-f]{64}:1", first)
    assert len(set(hashes.values())) == 3
    # the same defect twice in one run: two alerts, numbered in order of place
    assert hashes["integration/website-leads-to-crm", 30] == first.replace(":1", ":2")


# --- GitHub: suppressions ------------------------------------------------------------------


def test_waived_findings_are_reported_as_external_suppressions() -> None:
    found = results(sarif(report(finding(), finding(entity="integration/legacy", waived=True))))
    assert [r["properties"]["entity"] for r in found] == ["integration/legacy",
                                                          "integration/website-leads-to-crm"]
    assert "suppressions" not in found[1]
    assert found[0]["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": "Waived in govcheck.yaml: an accepted exception to GOV003 for "
                         "integration/legacy"}]


def test_the_waiver_reason_becomes_the_justification_when_given() -> None:
    options = FormatOptions(extra={"waiver:GOV003:integration/legacy": "Retired in Q1"})
    found = results(sarif(report(finding(entity="integration/legacy", waived=True)), options))
    assert found[0]["suppressions"][0]["justification"] == "Retired in Q1"


# --- diff ----------------------------------------------------------------------------------


def requirement(approved: tuple[str, ...] = (), minimum: int = 1) -> Requirement:
    return Requirement("dataset/customer approvers", ("person/jane-doe", "person/sam-lee"),
                       minimum, approved)


def change(change_type: str, change_class: str, *requires: Requirement,
           line: int = 20) -> Change:
    return Change(change_type, change_class, "dataset/customer", f"{change_type} detail",
                  "ecosystem/datasets/customer.yaml", line, requires)


def diff_document(*changes: Change) -> dict[str, Any]:
    diff = DiffReport("a" * 40, "b" * 40, changes, base_label="main", head_label="feature")
    document: dict[str, Any] = json.loads(diff_sarif(diff, OPTIONS))
    jsonschema.Draft7Validator(SCHEMA).validate(document)
    return document


def test_diff_changes_become_results_with_levels_by_signoff_and_class() -> None:
    document = diff_document(
        change("dataset.field.removed", "breaking", requirement()),
        change("dataset.owner.changed", "major", requirement(("person/sam-lee",)), line=5),
        change("dataset.field.added", "minor", requirement(("person/jane-doe",)), line=30),
        change("dataset.field.renamed", "breaking", requirement(("person/jane-doe",)), line=40))
    found = results(document)
    assert [(r["ruleId"], r["level"]) for r in found] == [
        ("dataset.owner.changed", "warning"), ("dataset.field.removed", "error"),
        ("dataset.field.added", "note"), ("dataset.field.renamed", "warning")]
    assert found[1]["message"]["text"] == (
        "dataset.field.removed detail [dataset/customer] (breaking): needs sign-off from "
        "dataset/customer approvers (1 of person/jane-doe, person/sam-lee): missing")
    assert found[0]["message"]["text"].endswith(
        "signed off by person/sam-lee (dataset/customer approvers)")
    assert document["runs"][0]["automationDetails"] == {"id": "govcheck-diff/"}


def test_diff_rules_are_one_per_change_type_present_and_indexed() -> None:
    document = diff_document(change("dataset.field.removed", "breaking", requirement()),
                             change("dataset.field.removed", "breaking", requirement(), line=9),
                             change("integration.added", "major", requirement()))
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["dataset.field.removed", "integration.added"]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["defaultConfiguration"]["level"] == "warning"
    for result in results(document):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_diff_fingerprints_ignore_the_line() -> None:
    first = results(diff_document(change("dataset.field.removed", "breaking", line=20)))
    moved = results(diff_document(change("dataset.field.removed", "breaking", line=44)))
    assert fingerprint(first[0]) == fingerprint(moved[0])


def test_an_empty_diff_is_valid_sarif() -> None:
    document = diff_document()
    assert results(document) == [] and document["runs"][0]["tool"]["driver"]["rules"] == []
