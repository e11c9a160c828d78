"""The command line of `govcheck check` and its companions, run as the installed entry point
(a subprocess of this venv's `govcheck`), asserting exit codes and whole outputs."""
from __future__ import annotations

import json
import os
import pty
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_helpers import (
    AS_OF,
    BASE,
    FALLBACK,
    LEADS,
    MEASURES,
    ORDERS,
    assert_usage_error,
    make_estate,
    run,
)

from govcheck.load.documents import load_bytes

REPO = Path(__file__).resolve().parents[1]
INT = LEADS
SCH = ORDERS
ALL_RULES = [f"GOV{n:03d}" for n in range(21)]




def two_findings() -> dict[str, str]:
    """An error (GOV003, no fallback) and a warning (GOV009, no success measure)."""
    return {INT: BASE["files"][INT].replace(FALLBACK, ""),
            SCH: BASE["files"][SCH].replace(MEASURES, "")}


def warning_only() -> dict[str, str]:
    return {SCH: BASE["files"][SCH].replace(MEASURES, "")}


GOV009 = ("ecosystem/integrations/crm-customers-to-erp.yaml:4:9: warning GOV009 integration has no "
          "measurable success criterion: spec.success_measures missing [integration/crm-customers-to-erp]")
GOV003 = ("ecosystem/integrations/website-leads-to-crm.yaml:4:9: error GOV003 real-time integration "
          "has no fallback for when crm is down or rate-limited: spec.fallback missing "
          "[integration/website-leads-to-crm]")



# --- exit codes and the text report -------------------------------------------------------

def test_clean_estate_exits_0(tmp_path: Path) -> None:
    result = run(["check", "--as-of", AS_OF], make_estate(tmp_path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "0 errors, 0 warnings, 0 info in 13 entities from 11 files (as of 2026-11-23)\n"


def test_warnings_only_exit_0_unless_fail_on_warning(tmp_path: Path) -> None:
    root = make_estate(tmp_path, warning_only())
    result = run(["check", "--as-of", AS_OF], root)
    assert result.returncode == 0
    assert result.stdout == (f"{GOV009}\n"
                             "0 errors, 1 warning, 0 info in 13 entities from 11 files (as of 2026-11-23)\n")
    assert run(["check", "--as-of", AS_OF, "--fail-on", "warning"], root).returncode == 1
    assert run(["check", "--as-of", AS_OF, "--fail-on", "info"], root).returncode == 1


def test_errors_exit_1_and_the_text_output_in_full(tmp_path: Path) -> None:
    result = run(["check", "--as-of", AS_OF], make_estate(tmp_path, two_findings()))
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (f"{GOV009}\n{GOV003}\n"
                             "1 error, 1 warning, 0 info in 13 entities from 11 files (as of 2026-11-23)\n")


def test_text_output_is_sorted_by_path_line_column_and_rule(tmp_path: Path) -> None:
    # Two findings at the same place (4:9 of one file) and one earlier in the path order.
    changes = {INT: BASE["files"][INT].replace(FALLBACK, "").replace(
        "  review:\n    interval: P6M\n    last_reviewed: 2026-09-01\n", ""), **warning_only()}
    result = run(["check", "--as-of", AS_OF], make_estate(tmp_path, changes))
    locations = [re.match(r"(\S+):(\d+):(\d+): \w+ (GOV\d+)", line).groups()  # type: ignore[union-attr]
                 for line in result.stdout.splitlines()[:-1]]
    assert locations == [
        ("ecosystem/integrations/crm-customers-to-erp.yaml", "4", "9", "GOV009"),
        ("ecosystem/integrations/website-leads-to-crm.yaml", "4", "9", "GOV003"),
        ("ecosystem/integrations/website-leads-to-crm.yaml", "4", "9", "GOV012"),
    ]


def test_json_output_in_full(tmp_path: Path) -> None:
    result = run(["check", "--as-of", AS_OF, "--format", "json"], make_estate(tmp_path, two_findings()))
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "version": 1, "tool": "govcheck", "as_of": "2026-11-23",
        "findings": [
            {"rule": "GOV009", "severity": "warning", "entity": "integration/crm-customers-to-erp",
             "file": "ecosystem/integrations/crm-customers-to-erp.yaml", "line": 4, "column": 9,
             "message": "integration has no measurable success criterion: spec.success_measures missing",
             "waived": False, "baselined": False},
            {"rule": "GOV003", "severity": "error", "entity": "integration/website-leads-to-crm",
             "file": "ecosystem/integrations/website-leads-to-crm.yaml", "line": 4, "column": 9,
             "message": "real-time integration has no fallback for when crm is down or "
                        "rate-limited: spec.fallback missing",
             "waived": False, "baselined": False},
        ],
        "summary": {"error": 1, "warning": 1, "info": 0, "entities": 13, "files": 11,
                    "baselined": 0},
    }


WAIVER = """\
waivers:
  - rule: GOV003
    entity: integration/website-leads-to-crm
    reason: The CRM connector queues leads itself until the new iPaaS is live
    approved_by: person:jane-doe
    expires: 2027-03-31
"""


def test_waived_finding_exits_0_and_stays_in_json(tmp_path: Path) -> None:
    root = make_estate(tmp_path, {INT: two_findings()[INT]}, WAIVER)
    text = run(["check", "--as-of", AS_OF], root)
    assert text.returncode == 0
    assert text.stdout == ("0 errors, 0 warnings, 0 info (1 waived) in 13 entities from 11 files "
                           "(as of 2026-11-23)\n")
    shown = run(["check", "--as-of", AS_OF, "--show-waived"], root)
    assert shown.stdout.splitlines()[0] == GOV003 + " (waived)"
    report = json.loads(run(["check", "--as-of", AS_OF, "--format", "json"], root).stdout)
    assert [(f["rule"], f["waived"]) for f in report["findings"]] == [("GOV003", True)]
    assert report["summary"]["error"] == 0


def test_expired_waiver_stops_waiving(tmp_path: Path) -> None:
    root = make_estate(tmp_path, {INT: two_findings()[INT]}, WAIVER.replace("2027-03-31", "2027-01-31"))
    result = run(["check", "--as-of", "2027-02-01"], root)
    assert result.returncode == 1
    assert result.stdout == (
        f"{GOV003}\n"
        "govcheck.yaml:6:14: error GOV018 waiver expired on 2027-01-31: GOV003 is reported again "
        "for integration/website-leads-to-crm; fix the finding or renew the waiver\n"
        "2 errors, 0 warnings, 0 info in 13 entities from 11 files (as of 2027-02-01)\n")


def test_a_file_of_blank_lines_with_a_syntax_error_is_reported_at_once(tmp_path: Path) -> None:
    """Finding the names a broken file seems to define scanned every blank line from every
    line start: a 900 KB file took many minutes (run's 60-second watchdog fails it)."""
    broken = "ecosystem/teams/broken.yaml"
    root = make_estate(tmp_path, {broken: "a: [\n" + "\n" * 900_000 + "x\n"})
    result = run(["check", "--as-of", AS_OF, "--no-cache"], root)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"{broken}:900003:1: error GOV000 YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence)")


def test_a_file_of_many_duplicated_keys_is_reported_at_once(tmp_path: Path) -> None:
    """Each duplicate looked for its first occurrence from the top: quadratic in the keys
    (over a minute for 45,000 keys written twice; run's 60-second watchdog fails it)."""
    keys = "".join(f"k{index}: 1\n" for index in range(45_000))
    broken = "ecosystem/teams/broken.yaml"
    root = make_estate(tmp_path, {broken: keys + keys})
    result = run(["check", "--as-of", AS_OF, "--no-cache"], root)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 45_002   # each duplicate, the missing apiVersion, the summary
    assert lines[1] == (f"{broken}:45001:1: error GOV000 duplicate key 'k0' (first at line 1): "
                        "keys must be unique")


def test_thousands_of_dangling_references_among_thousands_of_names_are_reported_at_once(
        tmp_path: Path) -> None:
    """Each "did you mean" compared the name with every team's: minutes for 6,000 (run's
    60-second watchdog fails it)."""
    people = {f"ecosystem/people-{part}.yaml": "---\n".join(
        f"apiVersion: govcheck/v1\nkind: Person\nmetadata: {{name: p-{index}}}\n"
        f"spec: {{email: p{index}@example.com, team: tean-{index}}}\n"
        for index in range(part * 3000, part * 3000 + 3000)) for part in (0, 1)}
    teams = {f"ecosystem/teams-{part}.yaml": "---\n".join(
        f"apiVersion: govcheck/v1\nkind: Team\nmetadata: {{name: team-{index}}}\n"
        f"spec: {{function: data, members: [p-{index}]}}\n"
        for index in range(part * 3000, part * 3000 + 3000)) for part in (0, 1)}
    root = make_estate(tmp_path, {**people, **teams})
    result = run(["check", "--as-of", AS_OF, "--no-cache"], root)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len([line for line in lines if " GOV004 " in line]) == 6000
    assert "ecosystem/people-0.yaml:4:37: error GOV004 spec.team: team 'tean-0' does not exist " \
           "(did you mean 'team-0'?) [person/p-0]" in lines


# --- what stops govcheck doing its job: exit 2, one line, no traceback ---------------------

def test_bad_config_names_file_line_and_column(tmp_path: Path) -> None:
    root = make_estate(tmp_path, config="ecosystem: ecosystem\necosystm: other\n")
    assert_usage_error(run(["check"], root), "govcheck: error: govcheck.yaml:2:1: invalid config: "
                                             "unknown key 'ecosystm' (did you mean 'ecosystem'?)")


def test_config_that_is_not_yaml(tmp_path: Path) -> None:
    root = make_estate(tmp_path, config="rules:\n  GOV012: {severity: warning\n")
    result = run(["check"], root)
    assert_usage_error(result, result.stderr.rstrip("\n"))
    assert result.stderr.startswith("govcheck: error: govcheck.yaml:3:1: invalid config: YAML syntax error")


def test_bad_severity_in_config(tmp_path: Path) -> None:
    root = make_estate(tmp_path, config="rules:\n  GOV012: {severity: loud}\n")
    assert_usage_error(run(["check"], root),
                       "govcheck: error: govcheck.yaml:2:22: invalid config: rules.GOV012.severity: "
                       "'loud' is not one of error, warning, info, off")


WAIVER_OF = ("waivers:\n  - rule: GOV003\n    entity: integration/website-leads-to-crm\n"
             "    reason: {reason}\n    approved_by: {approver}\n    expires: {expires}\n")


@pytest.mark.parametrize(("config", "where", "message"), [
    (WAIVER_OF.format(reason=5, approver="person:jane-doe", expires="2099-01-01"), "4:13",
     "waivers[0].reason must be a string, not a number"),
    (WAIVER_OF.format(reason="r", approver="[person:jane-doe]", expires="2099-01-01"), "5:18",
     "waivers[0].approved_by must be a string, not a list"),
    (WAIVER_OF.format(reason="r", approver="person:jane-doe", expires="{on: 2099-01-01}"), "6:14",
     "waivers[0].expires must be a string, not a mapping"),
    (WAIVER_OF.format(reason="r", approver="person:jane-doe", expires="1e400"), "6:14",
     "waivers[0].expires must be a string, not a number"),
    ("ecosystem: [ecosystem]\n", "1:12", "ecosystem must be a string, not a list"),
    ("policies: true\n", "1:11", "policies must be a list, not a boolean"),
    ("rules:\n  GOV012: warning\n", "2:11", "rules.GOV012 must be a mapping, not a string"),
    ("change_control: {governance_approvers: team:finance}\n", "1:40",
     "change_control.governance_approvers must be a list, not a string"),
    ('ecosystem: "eco\\0system"\n', "1:12", ("ecosystem: 'eco\\x00system' is not valid: A folder "
     "relative to govcheck.yaml (a path cannot hold a NUL character).")),
    ("ecosystem: " + "9" * 5000 + "\n", "1:12",
     "a number of 5,000 digits is too long: write a shorter number, or quote it"),
])
def test_a_config_value_of_the_wrong_type_is_a_usage_error(tmp_path: Path, config: str,
                                                           where: str, message: str) -> None:
    root = make_estate(tmp_path, config=config)
    assert_usage_error(run(["check"], root),
                       f"govcheck: error: govcheck.yaml:{where}: invalid config: {message}")


@pytest.mark.parametrize(("config", "where", "named"), [
    ("ecosystem: /\n", "1:12", "ecosystem '/'"),
    ("ecosystem: ../elsewhere\n", "1:12", "ecosystem '../elsewhere'"),
    ("policies: [policies, /usr/lib]\n", "1:22", "policies[1] '/usr/lib'"),
])
def test_folders_outside_the_repository_are_never_walked(tmp_path: Path, config: str, where: str,
                                                         named: str) -> None:
    root = make_estate(tmp_path / "repo", config=config)
    (root / "policies").mkdir()
    assert_usage_error(run(["check"], root),
                       f"govcheck: error: govcheck.yaml:{where}: {named} is outside the "
                       f"repository ({root.resolve()}): name a folder inside it")


@pytest.mark.parametrize("key", ["ecosystem: {}", "policies: [{}]"])
def test_a_folder_name_longer_than_the_system_takes_is_a_config_error(tmp_path: Path,
                                                                      key: str) -> None:
    name = "x" * 300
    root = make_estate(tmp_path, config=key.format(name) + "\n")
    named = "ecosystem" if key.startswith("ecosystem") else "policies[0]"
    assert_usage_error(run(["check"], root), "govcheck: error: govcheck.yaml:1:12: "
                                             f"{named} '{name}' cannot be used: File name too long")


LONG = "x" * 300


@pytest.mark.parametrize(("args", "named"), [
    (["check", LONG], LONG), (["check", "--config", LONG], LONG),
    (["check", "--baseline", LONG], LONG), (["baseline", "--output", LONG], LONG),
    (["import", "csv", LONG], LONG), (["init", LONG], LONG),
    (["rules", "--test", LONG], f"{LONG}/_base.yaml"),
])
def test_a_path_argument_longer_than_the_system_takes_is_a_usage_error(
        tmp_path: Path, args: list[str], named: str) -> None:
    """pathlib raises for such a name where it answers False for a missing file: whichever
    command meets it, one line and exit 2."""
    root = make_estate(tmp_path)
    assert_usage_error(run(args, root),
                       f"govcheck: error: cannot use the path '{named}': File name too long")


def test_unknown_rule_id_under_rules(tmp_path: Path) -> None:
    root = make_estate(tmp_path, config="rules:\n  GOV012: {severity: info}\n  GOV099: {severity: off}\n")
    result = run(["check"], root)
    assert_usage_error(result, result.stderr.rstrip("\n"))
    assert result.stderr.startswith("govcheck: error: govcheck.yaml:3:")
    assert "unknown rule id 'GOV099' under rules:" in result.stderr


def test_unknown_rule_id_is_located_at_its_key(tmp_path: Path) -> None:
    root = make_estate(tmp_path, config="rules:\n  GOV012: {severity: info}\n  GOV099: {severity: off}\n")
    assert run(["check"], root).stderr.startswith("govcheck: error: govcheck.yaml:3:3: ")


def test_severity_override_and_off(tmp_path: Path) -> None:
    root = make_estate(tmp_path, two_findings(), "rules:\n  GOV003: {severity: off}\n  GOV009: {severity: error}\n")
    result = run(["check", "--as-of", AS_OF], root)
    assert result.returncode == 1
    assert result.stdout == (GOV009.replace(": warning GOV009", ": error GOV009") + "\n"
                             "1 error, 0 warnings, 0 info in 13 entities from 11 files (as of 2026-11-23)\n")


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "2026-02-30", "-1"])
def test_bad_as_of(tmp_path: Path, value: str) -> None:
    assert_usage_error(run(["check", f"--as-of={value}"], make_estate(tmp_path)),
                       f"govcheck: error: --as-of '{value}' is not a date (YYYY-MM-DD)")


def test_missing_path(tmp_path: Path) -> None:
    assert_usage_error(run(["check", "nowhere"], make_estate(tmp_path)),
                       "govcheck: error: no such file or folder: 'nowhere' (pass the manifests' folder, "
                       "or set 'ecosystem:' in govcheck.yaml; 'govcheck init' makes one)")


def test_missing_config_file_option(tmp_path: Path) -> None:
    assert_usage_error(run(["check", "--config", "nope.yaml"], make_estate(tmp_path)),
                       "govcheck: error: config file 'nope.yaml' does not exist")


def test_unknown_format(tmp_path: Path) -> None:
    result = run(["check", "--format", "xml"], make_estate(tmp_path))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "govcheck: error: Invalid value for '-f' / '--format': 'xml' is not one of 'text', "
        "'table', 'json', 'sarif', 'github', 'markdown', 'junit'. (see 'govcheck check --help')\n")


def test_manifest_that_is_not_yaml_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    root = make_estate(tmp_path, {"ecosystem/teams/broken.yaml": "kind: [Team\n"})
    result = run(["check", "--as-of", AS_OF], root)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert result.stdout.startswith("ecosystem/teams/broken.yaml:2:1: error GOV000 YAML syntax error")
    assert result.stdout.endswith("1 error, 0 warnings, 0 info in 13 entities from 12 files (as of 2026-11-23)\n")


# --- colour -------------------------------------------------------------------------------

def test_no_ansi_codes_when_not_a_terminal(tmp_path: Path) -> None:
    result = run(["check", "--as-of", AS_OF], make_estate(tmp_path, two_findings()))
    assert "\x1b[" not in result.stdout and result.stdout


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    leader, follower = pty.openpty()
    try:
        run(args, cwd, env, stdout=follower)
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode()


def test_no_color_is_honoured_on_a_terminal(tmp_path: Path) -> None:
    root = make_estate(tmp_path, two_findings())
    coloured = _on_a_terminal(["check", "--as-of", AS_OF], root, {})
    plain = _on_a_terminal(["check", "--as-of", AS_OF], root, {"NO_COLOR": "1"})
    assert "\x1b[31merror\x1b[0m GOV003" in coloured
    assert "\x1b[" not in plain
    assert "error GOV003" in plain


# --- --output -----------------------------------------------------------------------------

def test_output_file_is_written(tmp_path: Path) -> None:
    root = make_estate(tmp_path, two_findings())
    result = run(["check", "--as-of", AS_OF, "--format", "json", "--output", "report.json"], root)
    assert (result.returncode, result.stdout) == (1, "")
    assert len(json.loads((root / "report.json").read_text(encoding="utf-8"))["findings"]) == 2


@pytest.mark.parametrize("target", ["ecosystem/teams/sales-ops.yaml", "govcheck.yaml"])
def test_output_refuses_to_overwrite_a_manifest_or_the_config(tmp_path: Path, target: str) -> None:
    root = make_estate(tmp_path, config="ecosystem: ecosystem\n")
    before = (root / target).read_bytes()
    assert_usage_error(run(["check", "--output", target], root),
                       f"govcheck: error: '{target}' is a manifest or config file: "
                       "refusing to overwrite it")
    assert (root / target).read_bytes() == before


# --- init, rules, explain, schema -----------------------------------------------------------

def test_init_then_check_is_clean(tmp_path: Path) -> None:
    result = run(["init", "starter"], tmp_path)
    assert result.returncode == 0, result.stderr
    (tmp_path / "starter" / ".git").mkdir()
    check = run(["check"], tmp_path / "starter")
    assert check.returncode == 0, check.stdout
    assert check.stdout.startswith("0 errors, 0 warnings, 0 info in ")


def test_init_prints_the_next_step_from_where_it_ran(tmp_path: Path) -> None:
    here = run(["init", "."], tmp_path)
    assert here.stdout.splitlines()[-1] == "next: run 'govcheck check'"
    elsewhere = run(["init", "my estate"], tmp_path)
    assert elsewhere.stdout.splitlines()[-1] == "next: run 'cd 'my estate' && govcheck check'"


def test_the_init_estate_names_github_owners_for_codeowners(tmp_path: Path) -> None:
    """Out of the box, codeowners and diff have GitHub handles to work with."""
    run(["init", "."], tmp_path)
    (tmp_path / ".git").mkdir()
    result = run(["codeowners"], tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert [line for line in result.stdout.splitlines() if not line.startswith("#")] == [
        "/.github/ @your-org/operations",
        "/.github/CODEOWNERS @your-org/operations",
        "/ecosystem/ @your-org/operations",
        "/govcheck.yaml @your-org/operations",
        "/ecosystem/datasets/lead.yaml @your-org/operations",
        "/ecosystem/integrations/website-leads-to-crm.yaml @your-org/operations",
        "/ecosystem/people.yaml @your-org/operations",
        "/ecosystem/systems.yaml @your-org/operations",
    ]


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    (target / "ecosystem").mkdir(parents=True)
    (target / "govcheck.yaml").write_text("ecosystem: mine\n", encoding="utf-8")
    (target / "ecosystem" / "people.yaml").write_text("# my people\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    result = run(["init", "mine"], tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "refusing" in result.stderr
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_rules_lists_every_builtin_rule(tmp_path: Path) -> None:
    result = run(["rules"], tmp_path)
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ALL_RULES
    listed = json.loads(run(["rules", "--format", "json"], tmp_path).stdout)
    assert [rule["id"] for rule in listed] == ALL_RULES
    assert {rule["severity"] for rule in listed} == {"error", "warning"}


def test_explain_known_rule(tmp_path: Path) -> None:
    result = run(["explain", "GOV003"], tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("GOV003: Real-time integrations define a fallback (default severity: error)\n")
    for heading in ("\nWhy:\n  A real-time link fails", "\nHow to fix:\n  Add `spec.fallback`",
                    "\nExample:\n  spec:\n    mode: real-time\n"):
        assert heading in result.stdout


def test_explain_unknown_rule(tmp_path: Path) -> None:
    assert_usage_error(run(["explain", "GOV0033"], tmp_path),
                       "govcheck: error: unknown rule 'GOV0033' (did you mean 'GOV003'?); "
                       "'govcheck rules' lists them")


KIND_FILES = {"team": "Team", "person": "Person", "system": "System", "dataset": "Dataset",
              "integration": "Integration"}


def test_schema_prints_valid_json_schemas(tmp_path: Path) -> None:
    result = run(["schema"], tmp_path)
    assert result.returncode == 0
    schemas = json.loads(result.stdout)
    assert sorted(schemas) == sorted([*KIND_FILES, "manifest", "config"])
    for schema in schemas.values():
        jsonschema.Draft7Validator.check_schema(schema)
    one = json.loads(run(["schema", "dataset"], tmp_path).stdout)
    assert one == schemas["dataset"]


def test_schema_unknown_kind(tmp_path: Path) -> None:
    result = run(["schema", "datasets"], tmp_path)
    assert_usage_error(result, result.stderr.rstrip("\n"))
    assert "unknown kind 'datasets' (did you mean 'dataset'?)" in result.stderr


def _manifests(folder: Path) -> list[tuple[str, Any]]:
    documents = []
    for path in sorted(folder.rglob("*.y*ml")):
        loaded, problems = load_bytes(path.name, path.read_bytes())
        assert problems == []
        documents.extend((path.name, document.data) for document in loaded)
    return documents


def test_exported_schemas_validate_the_example_estate(tmp_path: Path) -> None:
    shutil.copytree(REPO / "ecosystem", tmp_path / "ecosystem")
    result = run(["schema", "--output-dir", "schemas"], tmp_path)
    assert result.returncode == 0
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == sorted(f"{name}.schema.json" for name in [*KIND_FILES, "manifest", "config"])
    validators = {kind: jsonschema.Draft7Validator(json.loads(
        (tmp_path / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")),
        format_checker=jsonschema.FormatChecker()) for name, kind in KIND_FILES.items()}
    seen = set()
    for name, data in _manifests(tmp_path / "ecosystem"):
        errors = [error.message for error in validators[data["kind"]].iter_errors(data)]
        assert errors == [], name
        seen.add(data["kind"])
    assert seen == set(KIND_FILES.values())
    # and a wrong document is refused by its kind's schema
    assert not validators["Team"].is_valid({"apiVersion": "govcheck/v1", "kind": "Team",
                                            "metadata": {"name": "x"}, "spec": {"fuction": "sales"}})


def test_check_with_no_arguments_in_the_repository_layout(tmp_path: Path) -> None:
    shutil.copytree(REPO / "ecosystem", tmp_path / "ecosystem")
    (tmp_path / ".git").mkdir()
    (tmp_path / "ecosystem" / "deep").mkdir()
    result = run(["check"], tmp_path / "ecosystem" / "deep")
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert result.stdout.startswith("0 errors, 0 warnings, 0 info in ")
