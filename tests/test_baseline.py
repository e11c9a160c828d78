"""The baseline: `govcheck baseline` accepts today's findings and `check` fails only on new
ones. Findings are matched by identity (rule, entity, message), never by line; every output
format says what is new, unchanged and fixed; a bad baseline file is one line and exit 2."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from cli_helpers import (
    AS_OF,
    BASE,
    GOV003_MESSAGE,
    GOV009_MESSAGE,
    LEADS,
    ORDERS,
    assert_usage_error,
    make_estate,
    run,
    without_fallback,
    without_measures,
)

from govcheck.model.findings import Finding, Severity
from govcheck.rules.baseline import (
    Baseline,
    BaselineEntry,
    apply_baseline,
    baseline_text,
    parse_baseline,
)

SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0.json").read_text("utf-8"))
LEADS_ENTITY = "integration/website-leads-to-crm"
ORDERS_ENTITY = "integration/crm-customers-to-erp"
GOV003_LINE = (f"{LEADS}:4:9: error GOV003 {GOV003_MESSAGE} [{LEADS_ENTITY}]")
GOV009_LINE = (f"{ORDERS}:4:9: warning GOV009 {GOV009_MESSAGE} [{ORDERS_ENTITY}]")
SUMMARY = "in 13 entities from 11 files (as of 2026-11-23)"


def baselined(root: Path, *extra: str) -> Path:
    result = run(["baseline", "--as-of", AS_OF, *extra], root)
    assert result.returncode == 0, result.stderr
    return root


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- writing the baseline --------------------------------------------------------------------

def test_baseline_writes_a_sorted_versioned_file_and_check_then_passes(tmp_path: Path) -> None:
    root = make_estate(tmp_path, {**without_fallback(), **without_measures()})
    result = run(["baseline", "--as-of", AS_OF], root)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "wrote .govcheck-baseline.json: 2 findings of 2 rules accepted in 13 entities\n"
        "next: commit it; 'govcheck check' now fails only on new findings, and 'govcheck diff' "
        "asks the governance approvers to sign off every entry added\n")
    assert (root / ".govcheck-baseline.json").read_text() == (
        '{\n  "version": 1,\n  "tool": "govcheck",\n  "entries": [\n'
        f'    {{"rule": "GOV003", "entity": "{LEADS_ENTITY}", "message": "{GOV003_MESSAGE}"}},\n'
        f'    {{"rule": "GOV009", "entity": "{ORDERS_ENTITY}", "message": "{GOV009_MESSAGE}"}}\n'
        "  ]\n}\n")
    assert [path.name for path in root.iterdir() if "tmp" in path.name] == []   # atomic write

    checked = run(["check", "--as-of", AS_OF], root)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout == f"0 errors, 0 warnings, 0 info (2 baselined) {SUMMARY}\n"


def test_a_new_finding_fails_and_is_the_only_one_reported(tmp_path: Path) -> None:
    root = baselined(make_estate(tmp_path, without_fallback()))
    write(root, ORDERS, without_measures()[ORDERS])
    result = run(["check", "--as-of", AS_OF, "--fail-on", "warning"], root)
    assert result.returncode == 1
    assert result.stdout == f"{GOV009_LINE}\n0 errors, 1 warning, 0 info (1 baselined) {SUMMARY}\n"


def test_no_baseline_shows_everything_and_show_waived_marks_the_baselined(tmp_path: Path) -> None:
    root = baselined(make_estate(tmp_path, without_fallback()))
    everything = run(["check", "--as-of", AS_OF, "--no-baseline"], root)
    assert (everything.returncode, everything.stdout) == (
        1, f"{GOV003_LINE}\n1 error, 0 warnings, 0 info {SUMMARY}\n")
    marked = run(["check", "--as-of", AS_OF, "--show-waived"], root)
    assert (marked.returncode, marked.stdout) == (
        0, f"{GOV003_LINE} (baselined)\n0 errors, 0 warnings, 0 info (1 baselined) {SUMMARY}\n")


def test_an_existing_baseline_is_never_replaced_without_force(tmp_path: Path) -> None:
    root = baselined(make_estate(tmp_path, without_fallback()))
    before = (root / ".govcheck-baseline.json").read_text()
    write(root, ORDERS, without_measures()[ORDERS])
    assert_usage_error(run(["baseline", "--as-of", AS_OF], root),
                       "govcheck: error: the baseline '.govcheck-baseline.json' exists: "
                       "'--prune' removes the entries that no longer occur, '--force' replaces "
                       "it with today's findings")
    assert (root / ".govcheck-baseline.json").read_text() == before
    forced = run(["baseline", "--as-of", AS_OF, "--force"], root)
    assert forced.returncode == 0
    assert GOV009_MESSAGE in (root / ".govcheck-baseline.json").read_text()


def test_force_replaces_even_a_corrupt_baseline(tmp_path: Path) -> None:
    root = make_estate(tmp_path, without_fallback())
    write(root, ".govcheck-baseline.json", "{ not json")
    assert run(["baseline", "--as-of", AS_OF, "--force"], root).returncode == 0
    assert run(["check", "--as-of", AS_OF], root).returncode == 0


def test_the_baseline_file_comes_from_the_config_or_the_command_line(tmp_path: Path) -> None:
    root = make_estate(tmp_path, without_fallback(), config="baseline: governance/accepted.json\n")
    assert run(["baseline", "--as-of", AS_OF], root).stdout.startswith(
        "wrote governance/accepted.json: 1 finding of 1 rule accepted")
    assert not (root / ".govcheck-baseline.json").exists()
    assert run(["check", "--as-of", AS_OF], root).returncode == 0

    other = run(["baseline", "--as-of", AS_OF, "--output", "other.json"], root)
    assert other.stdout.startswith("wrote other.json: 1 finding")
    assert run(["check", "--as-of", AS_OF, "--baseline", "other.json"], root).returncode == 0
    assert_usage_error(run(["check", "--as-of", AS_OF, "--baseline", "missing.json"], root),
                       "govcheck: error: baseline file 'missing.json' does not exist "
                       "('govcheck baseline' writes one)")
    assert_usage_error(run(["baseline", "--as-of", AS_OF, "-o", "ecosystem/x.yaml"], root),
                       "govcheck: error: 'ecosystem/x.yaml' is not a baseline file: name a "
                       ".json file")


# -- identity: never the line ----------------------------------------------------------------

def test_a_baselined_finding_survives_line_moves_file_moves_and_unrelated_edits(
        tmp_path: Path) -> None:
    root = baselined(make_estate(tmp_path, without_fallback()))
    text = without_fallback()[LEADS]
    # lines inserted above it, its keys reordered, an unrelated field edited
    moved = ("# Imported from the inventory\n# owner: integration platform\n\n" + text
             ).replace("  purpose: Website enquiries reach sales within 5 minutes\n", "")
    moved = moved.replace("  mode: real-time\n", "  mode: real-time\n  purpose: Leads reach a "
                                                  "rep fast\n")
    (root / LEADS).unlink()
    write(root, "ecosystem/moved/deeper/leads.yaml", moved)
    result = run(["check", "--as-of", AS_OF, "--show-waived"], root)
    assert result.returncode == 0, result.stdout
    assert "(1 baselined)" in result.stdout
    assert "ecosystem/moved/deeper/leads.yaml:7:9: error GOV003" in result.stdout


def test_a_second_finding_of_the_same_rule_on_the_same_entity_is_new(tmp_path: Path) -> None:
    text = BASE["files"][LEADS]
    root = baselined(make_estate(tmp_path, {LEADS: text.replace("[email, name]",
                                                                "[email, name, phone]")}))
    write(root, LEADS, text.replace("[email, name]", "[email, name, phone, fax]"))
    result = run(["check", "--as-of", AS_OF], root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        (f"{LEADS}:15:36: error GOV011 field 'fax' is not a field of dataset/lead "
        f"[{LEADS_ENTITY}]"),
        f"1 error, 0 warnings, 0 info (1 baselined) {SUMMARY}"]


def test_the_same_finding_twice_is_a_count_and_a_third_one_is_new() -> None:
    def finding(line: int) -> Finding:
        return Finding("GOV011", Severity.ERROR, "integration/x", "x.yaml", line, 1, "same")

    baseline = Baseline((BaselineEntry("GOV011", "integration/x", "same", 2),))
    marked, outcome = apply_baseline([finding(3), finding(9), finding(12)], baseline, "b.json",
                                     dt.date(2026, 1, 1), lambda rule: True)
    assert [f.baselined for f in marked] == [True, True, False]
    assert (outcome.matched, outcome.fixed) == (2, ())
    _, fewer = apply_baseline([finding(3)], baseline, "b.json", dt.date(2026, 1, 1),
                              lambda rule: True)
    assert fewer.fixed == (BaselineEntry("GOV011", "integration/x", "same", 1),)
    assert '"count": 2' in baseline_text(baseline)
    assert parse_baseline(baseline_text(baseline).encode(), "b.json") == baseline


def test_entries_of_rules_that_did_not_run_are_not_fixed(tmp_path: Path) -> None:
    root = baselined(make_estate(tmp_path, {**without_fallback(), **without_measures()}))
    result = run(["check", "--as-of", AS_OF, "--select", "GOV003"], root)
    assert (result.returncode, result.stdout) == (
        0, f"0 errors, 0 warnings, 0 info (1 baselined) {SUMMARY}\n")
    pruned = run(["baseline", "--as-of", AS_OF, "--prune", "--select", "GOV003"], root)
    assert pruned.stdout == "pruned .govcheck-baseline.json: 0 fixed findings removed, 2 still accepted\n"


# -- GOV000 and expiry -----------------------------------------------------------------------

def test_gov000_is_never_baselined(tmp_path: Path) -> None:
    root = make_estate(tmp_path, {**without_fallback(), "ecosystem/broken.yaml": "kind: [\n"})
    result = run(["baseline", "--as-of", AS_OF], root)
    assert result.returncode == 1
    assert result.stdout.startswith("wrote .govcheck-baseline.json: 1 finding of 1 rule")
    assert result.stderr == ("1 GOV000 finding not in the baseline: a file that cannot be read "
                             "is never accepted; 'govcheck check' lists it\n")
    assert "GOV000" not in (root / ".govcheck-baseline.json").read_text()
    # an entry written by hand does not hide it either
    text = (root / ".govcheck-baseline.json").read_text()
    check = json.loads(run(["check", "--as-of", AS_OF, "--format", "json"], root).stdout)
    gov000 = next(f for f in check["findings"] if f["rule"] == "GOV000")
    entry = json.dumps({"rule": "GOV000", "entity": "file:ecosystem/broken.yaml",
                        "message": gov000["message"]})
    write(root, ".govcheck-baseline.json", text.replace('  "entries": [\n',
                                                         f'  "entries": [\n    {entry},\n'))
    again = run(["check", "--as-of", AS_OF], root)
    assert again.returncode == 1
    assert "error GOV000" in again.stdout and "(1 baselined)" in again.stdout


def test_an_expired_baseline_accepts_nothing(tmp_path: Path) -> None:
    root = baselined(make_estate(tmp_path, without_fallback()), "--expires", "2026-12-31")
    assert '"expires": "2026-12-31"' in (root / ".govcheck-baseline.json").read_text()
    assert run(["check", "--as-of", "2026-12-31"], root).returncode == 0
    late = run(["check", "--as-of", "2027-01-01"], root)
    assert late.returncode == 1
    assert late.stdout.splitlines()[-1] == (
        ".govcheck-baseline.json: the baseline expired on 2026-12-31: every finding it "
        "accepted is reported again")
    assert_usage_error(run(["baseline", "--as-of", AS_OF, "--force", "--expires", "2026-01-01"],
                           root),
                       "govcheck: error: --expires 2026-01-01 is not after 2026-11-23: a "
                       "baseline must expire in the future")
    assert_usage_error(run(["baseline", "--as-of", AS_OF, "--force", "--expires", "soon"], root),
                       "govcheck: error: --expires 'soon' is not a date (YYYY-MM-DD)")


# -- pruning ---------------------------------------------------------------------------------

def test_prune_only_removes_and_keeps_the_expiry(tmp_path: Path) -> None:
    root = baselined(make_estate(tmp_path, {**without_fallback(), **without_measures()}),
                     "--expires", "2027-06-30")
    write(root, ORDERS, BASE["files"][ORDERS])                      # GOV009 fixed
    write(root, "ecosystem/systems/crm.yaml",                        # a new finding: not added
          BASE["files"]["ecosystem/systems/crm.yaml"].replace("  api:\n    rate_limit: {requests: "
                                                              "100, per: minute}\n", ""))
    result = run(["baseline", "--as-of", AS_OF, "--prune"], root)
    assert (result.returncode, result.stdout) == (
        0, ("pruned .govcheck-baseline.json: 1 fixed finding removed, 1 still accepted, until "
           "2027-06-30\n"))
    assert (root / ".govcheck-baseline.json").read_text() == (
        '{\n  "version": 1,\n  "tool": "govcheck",\n  "expires": "2027-06-30",\n  "entries": [\n'
        f'    {{"rule": "GOV003", "entity": "{LEADS_ENTITY}", "message": "{GOV003_MESSAGE}"}}\n'
        "  ]\n}\n")
    assert_usage_error(run(["baseline", "--prune", "-o", "none.json"], root),
                       "govcheck: error: there is no baseline to prune at 'none.json' "
                       "('govcheck baseline' writes one)")


# -- new, unchanged and fixed in every output format -----------------------------------------

@pytest.fixture
def three_states(tmp_path: Path) -> Path:
    """GOV003 baselined and still there (unchanged), GOV009 baselined and fixed (absent), and a
    new GOV014 on the CRM, which lost its rate limit (new)."""
    root = baselined(make_estate(tmp_path, {**without_fallback(), **without_measures()}))
    write(root, ORDERS, BASE["files"][ORDERS])
    write(root, "ecosystem/systems/crm.yaml", BASE["files"]["ecosystem/systems/crm.yaml"].replace(
        "  api:\n    rate_limit: {requests: 100, per: minute}\n", ""))
    return root


GOV014 = "ecosystem/systems/crm.yaml"
FIXED = (".govcheck-baseline.json: 1 baselined finding no longer occurs (fixed); 'govcheck "
         "baseline --prune' removes it from the baseline:")


def formatted(root: Path, name: str) -> str:
    result = run(["check", "--as-of", AS_OF, "--fail-on", "warning", "--format", name], root)
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_text_and_table(three_states: Path) -> None:
    lines = formatted(three_states, "text").splitlines()
    assert [line.split(": ")[1].split()[1] for line in lines[:-3]] == ["GOV014"]
    assert lines[-3:] == [f"0 errors, 1 warning, 0 info (1 baselined) {SUMMARY}", FIXED,
                          f"  fixed: GOV009 {GOV009_MESSAGE} [{ORDERS_ENTITY}]"]
    table = formatted(three_states, "table")
    assert "GOV014" in table and "GOV003" not in table
    assert table.endswith(f"{FIXED}\n  fixed: GOV009 {GOV009_MESSAGE} [{ORDERS_ENTITY}]\n")


def test_json(three_states: Path) -> None:
    document = json.loads(formatted(three_states, "json"))
    assert [(f["rule"], f["baselined"]) for f in document["findings"]] == [
        ("GOV003", True), ("GOV014", False)]
    assert document["summary"] == {"error": 0, "warning": 1, "info": 0, "entities": 13,
                                   "files": 11, "baselined": 1}
    assert document["baseline"] == {
        "file": ".govcheck-baseline.json", "entries": 2, "baselined": 1,
        "fixed": [{"rule": "GOV009", "entity": ORDERS_ENTITY, "message": GOV009_MESSAGE}],
        "expires": None, "expired": False, "prune": "govcheck baseline --prune"}


def test_sarif_baseline_state_is_valid_against_the_schema(three_states: Path) -> None:
    document = json.loads(formatted(three_states, "sarif"))
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(document)
    results = document["runs"][0]["results"]
    assert [(r["ruleId"], r["baselineState"]) for r in results] == [
        ("GOV003", "unchanged"), ("GOV014", "new"), ("GOV009", "absent")]
    unchanged, new, absent = results
    assert "suppressions" not in new
    assert unchanged["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": "Accepted as it was in the baseline .govcheck-baseline.json"}]
    assert (absent["kind"], absent["level"]) == ("pass", "none")
    assert absent["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        ".govcheck-baseline.json"
    assert absent["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_markdown_and_the_github_job_summary(three_states: Path) -> None:
    markdown = formatted(three_states, "markdown")
    assert "<summary>1 baselined finding</summary>" in markdown
    assert "### Fixed since the baseline" in markdown
    assert (f"| `GOV009` | `{ORDERS_ENTITY}` | integration has no measurable success "
            r"criterion\: spec\.success\_measures missing | 1 |") in markdown
    summary = three_states / "summary.md"
    result = run(["check", "--as-of", AS_OF, "--fail-on", "warning", "--format", "github"],
                 three_states, env={"GITHUB_STEP_SUMMARY": str(summary)})
    annotations = result.stdout.splitlines()
    assert annotations[0].startswith(f"::warning file={GOV014},")
    assert annotations[1] == (
        "::notice file=.govcheck-baseline.json,line=6,title=govcheck%3A baseline::1 baselined "
        "finding no longer occurs: 'govcheck baseline --prune' removes it from "
        ".govcheck-baseline.json")
    assert annotations[2] == f"0 errors, 1 warning, 0 info (1 baselined) {SUMMARY}"
    assert "### Fixed since the baseline" in summary.read_text()


def test_junit(three_states: Path) -> None:
    root = ET.fromstring(formatted(three_states, "junit"))
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert (properties["baselined"], properties["fixed"]) == (
        "1", f"GOV009 {GOV009_MESSAGE} [{ORDERS_ENTITY}]")
    cases = {case.get("classname"): case for case in root.iter("testcase")}
    skipped = cases["govcheck.GOV003"].find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("baselined: ")
    assert cases["govcheck.GOV014"].find("failure") is not None


# -- a bad baseline file is one line and exit 2 ----------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("{\n  \"version\": 1,\n  \"tool\": \"govcheck\",\n  \"entries\": [\n",
     (".govcheck-baseline.json:5:1: the baseline is not valid JSON: Expecting value; write it "
     "again with 'govcheck baseline --force'")),
    ('{"runs": []}\n',
     ('.govcheck-baseline.json:1:1: not a govcheck baseline (it has no "tool": "govcheck"); name '
     "another file with 'baseline:' in govcheck.yaml or --baseline")),
    ('{"version": 2, "tool": "govcheck", "entries": []}\n',
     (".govcheck-baseline.json:1:1: the baseline was written by a newer govcheck (format version "
     "2; this govcheck reads version 1): upgrade govcheck")),
    ('{"version": "1", "tool": "govcheck", "entries": []}\n',
     ".govcheck-baseline.json:1:1: the baseline has an unknown format version '1' (expected 1)"),
    ('{"version": 1, "tool": "govcheck", "entries": [\n  {"rule": "GOV003", "entity": "x"}\n]}\n',
     ".govcheck-baseline.json:2: invalid baseline: entries[0]: 'message' is a required property"),
    (('{"version": 1, "tool": "govcheck", "entries": [\n'
     '  {"rule": "GOV003", "entity": "x", "message": "m"},\n'
     '  {"rule": "GOV003", "entity": "x", "message": "m"}\n]}\n'),
     (".govcheck-baseline.json:3: invalid baseline: the entry GOV003 m [x] is listed twice (first "
     "at line 2): keep one, with a count if it occurs more than once")),
    ('{"version": 1, "tool": "govcheck", "expires": "soon", "entries": []}\n',
     ".govcheck-baseline.json:1: invalid baseline: expires: 'soon' is not a date (YYYY-MM-DD)"),
    ("[" * 100_000, (".govcheck-baseline.json: the baseline nests deeper than any baseline does: "
                     "write it again with 'govcheck baseline --force'")),
])
def test_a_corrupt_foreign_or_newer_baseline_is_exit_2_with_one_line(
        tmp_path: Path, text: str, message: str) -> None:
    root = make_estate(tmp_path, without_fallback())
    write(root, ".govcheck-baseline.json", text)
    assert_usage_error(run(["check", "--as-of", AS_OF], root), f"govcheck: error: {message}")
    assert_usage_error(run(["baseline", "--prune", "--as-of", AS_OF], root),
                       f"govcheck: error: {message}")
    assert (root / ".govcheck-baseline.json").read_text() == text   # never overwritten


def test_a_baseline_that_is_not_utf8_or_not_readable(tmp_path: Path) -> None:
    root = make_estate(tmp_path)
    (root / ".govcheck-baseline.json").write_bytes(b'{"tool": "\xff"}')
    assert_usage_error(run(["check"], root),
                       "govcheck: error: .govcheck-baseline.json:1: the baseline is not UTF-8 text")
    shutil.rmtree(root / ".govcheck-baseline.json", ignore_errors=True)
    (root / ".govcheck-baseline.json").unlink()
    (root / ".govcheck-baseline.json").mkdir()
    result = run(["check"], root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
