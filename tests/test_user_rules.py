"""A user's own rule: a YAML file in their policy folder, tested with their own case files
through `govcheck rules --test`, exactly as the built-in pack is tested."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from govcheck.cli import cli

RULE = """\
id: ACME001
title: Every system names its vendor
severity: warning
rationale: Renewals and incident escalation start from the vendor.
remediation: Add spec.vendor to the system.
checks:
  - function: required
    kind: System
    paths: [spec.vendor]
    message: "system has no vendor: {missing} missing"
"""

SYSTEM = """\
apiVersion: govcheck/v1
kind: System
metadata:
  name: crm
spec:
  category: crm
  role: Owns leads
  owner: sales
{vendor}"""

TEAM = """\
apiVersion: govcheck/v1
kind: Team
metadata: {name: sales}
spec: {function: sales}
"""

CASES = """\
rule: ACME001
cases:
  - name: vendor-named
    base: true
    findings: []
  - name: no-vendor
    base: true
    replace:
      ecosystem/crm.yaml: |
%s
    findings:
      - {rule: ACME001, severity: %s, entity: system/crm, file: ecosystem/crm.yaml,
         line: 4, column: 9, message: "system has no vendor: spec.vendor missing"}
"""


def _indent(text: str) -> str:
    return "\n".join("        " + line for line in text.splitlines())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "acme001.yaml").write_text(RULE)
    (tmp_path / "govcheck.yaml").write_text("policies: [policies]\n")
    cases = tmp_path / "rule-cases"
    cases.mkdir()
    base = ("as_of: 2027-01-15\nfiles:\n  ecosystem/team.yaml: |\n" + _indent(TEAM) + "\n"
            "  ecosystem/crm.yaml: |\n" + _indent(SYSTEM.format(vendor="  vendor: Salesforce\n")))
    (cases / "_base.yaml").write_text(base + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write_cases(project: Path, severity: str) -> None:
    (project / "rule-cases" / "acme001.yaml").write_text(
        CASES % (_indent(SYSTEM.format(vendor="")), severity))


def test_a_user_rule_passes_its_cases(project: Path) -> None:
    _write_cases(project, "warning")
    result = CliRunner().invoke(cli, ["rules", "--test", "rule-cases"])
    assert result.output == ("PASS ACME001-vendor-named\nPASS ACME001-no-vendor\n"
                             "2 passed, 0 failed\n")
    assert result.exit_code == 0


def test_a_failing_case_shows_expected_and_actual_findings(project: Path) -> None:
    _write_cases(project, "error")
    result = CliRunner().invoke(cli, ["rules", "--test", "rule-cases"])
    assert result.exit_code == 1
    assert result.output == (
        "PASS ACME001-vendor-named\n"
        "FAIL ACME001-no-vendor\n"
        "  expected:\n"
        "    ecosystem/crm.yaml:4:9: error ACME001 system has no vendor: spec.vendor missing [system/crm]\n"
        "  got:\n"
        "    ecosystem/crm.yaml:4:9: warning ACME001 system has no vendor: spec.vendor missing [system/crm]\n"
        "1 passed, 1 failed\n")


def test_the_user_rule_runs_in_check_beside_the_builtin_pack(project: Path) -> None:
    (project / "ecosystem").mkdir()
    (project / "ecosystem" / "team.yaml").write_text(TEAM)
    (project / "ecosystem" / "crm.yaml").write_text(SYSTEM.format(vendor=""))
    result = CliRunner().invoke(cli, ["check", "--as-of", "2027-01-15", "--no-cache"])
    assert result.output.splitlines()[0] == (
        "ecosystem/crm.yaml:4:9: warning ACME001 system has no vendor: spec.vendor missing "
        "[system/crm]")
    assert result.exit_code == 0
    listed = CliRunner().invoke(cli, ["rules"]).output
    assert "ACME001  warning  Every system names its vendor" in listed


def test_an_empty_case_folder_fails(project: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "--test", "rule-cases"])
    assert result.exit_code == 1
    assert result.output.endswith("0 passed, 0 failed\n")


def test_a_policy_with_a_mistake_names_its_file_line_and_column(project: Path) -> None:
    (project / "policies" / "acme001.yaml").write_text(RULE.replace("function: required",
                                                                    "function: requird"))
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert result.output.startswith("govcheck: error: policies/acme001.yaml:7:15: invalid rule: "
                                    "unknown check function 'requird'")


@pytest.mark.parametrize(("old", "new", "where", "message"), [
    ("paths: [spec.vendor]", "paths: spec.vendor", "9:12",
     "checks[0].paths must be a list, not a string"),
    ("paths: [spec.vendor]", "paths: [2]", "9:13", "checks[0].paths[0] must be a string, not a number"),
    ("kind: System", "kind: [System]", "8:11",
     ("checks[0].kind: '['System']' is not one of Team, Person, System, Dataset, Integration (did "
     "you mean 'System'?)")),
    ("kind: System", "kind: System\n    where: {path: spec.vendor, within: 18}", "9:40",
     "checks[0].where.within must be a string, not a number"),
    ("kind: System", "kind: System\n    where: {not: [1]}", "9:18",
     "checks[0].where.not must be a mapping, not a list"),
    ("    paths: [spec.vendor]\n", "", "7:5", "checks[0].paths is required"),
    ("title: Every system names its vendor", "title: [Every system]", "2:8",
     "title must be a string, not a list"),
    ("title: Every system names its vendor", "title: Vendors\ntittle: x", "3:1",
     "unknown key 'tittle' (did you mean 'title'?)"),
    ("title: Every system names its vendor", "", "1:1", "title is required"),
    ("checks:\n", "checks: 2\n", "6:9", "checks must be a list, not a number"),
])
def test_a_policy_value_of_the_wrong_type_names_its_file_line_and_column(
        project: Path, old: str, new: str, where: str, message: str) -> None:
    text = RULE.replace(old, new)
    if new.startswith("checks: 2"):
        text = text[:text.index("checks: 2") + len("checks: 2\n")]
    (project / "policies" / "acme001.yaml").write_text(text)
    result = CliRunner().invoke(cli, ["check"])
    assert (result.exit_code, result.output) == (
        2, f"govcheck: error: policies/acme001.yaml:{where}: invalid rule: {message}\n")


@pytest.mark.parametrize(("cases", "where", "message"), [
    ("cases: 2", "2:8", "cases must be a list, not a number"),
    ("cases: [{name: a, files: 2}]", "2:26", "cases[0].files must be a mapping, not a number"),
    ("cases: [{name: a, files: {x.yaml: {hex: zz}}}]", "2:41",
     "cases[0].files.x.yaml.hex: 'zz' is not valid: it must match ^(\\s*[0-9a-fA-F]{2})*\\s*$"),
    ("cases: [{name: a, findings: [2]}]", "2:30", "cases[0].findings[0] must be a mapping, not a number"),
    ("cases: [{name: a, as_of: 2026-13-01}]", "2:26",
     "cases[0].as_of: '2026-13-01' is not a valid date"),
    ("cases: [{name: a, config: 2}]", "2:27", "cases[0].config must be a string, not a number"),
    ("cases: [{name: a, files: {../x.yaml: a}}]", "2:26",
     ("cases[0].files: '../x.yaml' is not valid: A path inside the case's repository (not "
     "absolute, no '..').")),
    ("cases: [{name: a, files: {x.yaml: {pad_to: 99999999999}}}]", "2:44",
     "cases[0].files.x.yaml.pad_to: 99999999999 is greater than the maximum of 16777216"),
])
def test_a_case_file_of_the_wrong_shape_names_its_file_line_and_column(
        project: Path, cases: str, where: str, message: str) -> None:
    (project / "rule-cases" / "acme001.yaml").write_text(f"rule: ACME001\n{cases}\n")
    result = CliRunner().invoke(cli, ["rules", "--test", "rule-cases"])
    assert (result.exit_code, result.output) == (
        2, f"govcheck: error: rule-cases/acme001.yaml:{where}: invalid case file: {message}\n")


@pytest.mark.parametrize("content", ["{target}: planted", "x.yaml: {{symlink_outside: ../../{name}}}"])
def test_a_case_file_never_writes_outside_its_temporary_repository(project: Path,
                                                                   content: str) -> None:
    target = project / "planted.yaml"
    files = content.format(target=target, name=target.name)
    (project / "rule-cases" / "acme001.yaml").write_text(
        f"rule: ACME001\ncases:\n  - name: a\n    files: {{{files}}}\n")
    result = CliRunner().invoke(cli, ["rules", "--test", "rule-cases"])
    assert result.exit_code == 2
    assert "invalid case file: cases[0].files" in result.output
    assert not target.exists()
