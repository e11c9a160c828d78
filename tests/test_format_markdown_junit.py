"""Markdown (PR comment, job summary) and JUnit XML output of `govcheck check`."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from estates import planted_report

from govcheck.model.findings import Finding, Severity
from govcheck.outputs import CHECK_FORMATS, FormatOptions, formatter
from govcheck.outputs.junit import check_junit
from govcheck.outputs.markdown import check_markdown, escape
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport

REPOSITORY = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 23)
OPTIONS = FormatOptions()
RULES = {
    "GOV001": Rule("GOV001", "Each dataset has one owner", Severity.ERROR, "r", "f"),
    "GOV003": Rule("GOV003", "Real-time integrations define a fallback", Severity.ERROR, "r", "f"),
    "GOV012": Rule("GOV012", "Integration reviews are not overdue", Severity.WARNING, "r", "f"),
}
ERROR = Finding("GOV003", Severity.ERROR, "integration/leads", "ecosystem/leads.yaml", 12, 3,
                "no fallback | none at all\nsecond line <b>&</b>")
WARNING = Finding("GOV012", Severity.WARNING, "integration/leads", "ecosystem/leads.yaml", 40, 5,
                  "review overdue")
WAIVED = Finding("GOV003", Severity.ERROR, "integration/legacy", "ecosystem/legacy.yaml", 4, 9,
                 "no fallback", waived=True)


def report(*findings: Finding, fail_on: Severity = Severity.ERROR) -> CheckReport:
    return CheckReport(tuple(findings), RULES, AS_OF, entities=3, files=2, fail_on=fail_on)


def test_the_formatter_table_names_markdown_and_junit() -> None:
    assert formatter(CHECK_FORMATS, "markdown") is check_markdown
    assert formatter(CHECK_FORMATS, "junit") is check_junit


# --- Markdown ------------------------------------------------------------------------------


def test_escape_pipes_markup_html_and_line_breaks() -> None:
    assert escape("a | b\nc <x> & [l](u) \\") == r"a \| b\\nc \<x\> \& \[l\](u) \\"


def test_markdown_report_in_full() -> None:
    assert check_markdown(report(ERROR, WARNING, WAIVED), OPTIONS) == (
        "## ❌ govcheck: findings at or above error\n"
        "\n"
        "1 error, 1 warning, 0 info (1 waived) in 3 entities from 2 files (as of 2026-11-23)\n"
        "\n"
        "| Location | Severity | Rule | Entity | Message |\n"
        "|---|---|---|---|---|\n"
        "| `ecosystem/leads.yaml:12:3` | error | `GOV003` | `integration/leads` | no fallback \\| "
        "none at all\\\\nsecond line \\<b\\>\\&\\</b\\> |\n"
        "| `ecosystem/leads.yaml:40:5` | warning | `GOV012` | `integration/leads` | "
        "review overdue |\n"
        "\n"
        "<details>\n"
        "<summary>1 waived finding</summary>\n"
        "\n"
        "| Location | Severity | Rule | Entity | Message |\n"
        "|---|---|---|---|---|\n"
        "| `ecosystem/legacy.yaml:4:9` | error | `GOV003` | `integration/legacy` | no fallback |\n"
        "\n"
        "</details>\n")


def test_every_table_row_has_exactly_the_header_cells() -> None:
    text = check_markdown(report(ERROR, WARNING, WAIVED), OPTIONS)
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in rows)


def test_markdown_verdicts() -> None:
    assert check_markdown(report(), OPTIONS).startswith("## ✅ govcheck: no findings\n")
    passed = check_markdown(report(WARNING), OPTIONS)
    assert passed.startswith("## ✅ govcheck: passed (nothing at or above error)\n")
    strict = check_markdown(report(WARNING, fail_on=Severity.WARNING), OPTIONS)
    assert strict.startswith("## ❌ govcheck: findings at or above warning\n")


def test_markdown_links_locations_when_given_a_blob_url_and_caps_rows() -> None:
    options = FormatOptions(extra={"blob_url": "https://github.com/acme/estate/blob/abc123/",
                                   "max_rows": "1"})
    text = check_markdown(report(ERROR, WARNING), options)
    assert ("| [`ecosystem/leads.yaml:12:3`](https://github.com/acme/estate/blob/abc123/"
            "ecosystem/leads.yaml#L12) | error |") in text
    assert "ecosystem/leads.yaml:40:5" not in text
    assert "… and 1 more, not shown here." in text


# --- JUnit ---------------------------------------------------------------------------------


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("classname", ""): case for case in root.iter("testcase")}


def test_junit_one_suite_one_case_per_rule_and_counts() -> None:
    root = parse(check_junit(report(ERROR, WARNING, WAIVED), OPTIONS))
    suite = root.find("testsuite")
    assert suite is not None
    expected = {"name": "govcheck", "tests": "3", "failures": "1", "errors": "0", "skipped": "0"}
    assert {key: root.get(key) for key in expected} == expected
    assert {key: suite.get(key) for key in expected} == expected
    by_class = cases(root)
    assert list(by_class) == ["govcheck.GOV001", "govcheck.GOV003", "govcheck.GOV012"]
    assert by_class["govcheck.GOV003"].get("name") == "Real-time integrations define a fallback"


def test_junit_failure_carries_every_failing_finding_with_its_place() -> None:
    second = Finding("GOV003", Severity.ERROR, "integration/crm", "ecosystem/crm.yaml", 2, 1,
                     "no fallback either")
    gov003 = cases(parse(check_junit(report(ERROR, second, WAIVED), OPTIONS)))["govcheck.GOV003"]
    failure = gov003.find("failure")
    assert failure is not None and gov003.find("skipped") is None
    assert failure.get("type") == "error"
    assert failure.get("message") == "2 findings, the first: no fallback either [integration/crm]"
    assert failure.text == (
        "ecosystem/crm.yaml:2:1: error GOV003 no fallback either [integration/crm]\n"
        "ecosystem/leads.yaml:12:3: error GOV003 no fallback | none at all\\nsecond line "
        "<b>&</b> [integration/leads]\n")   # one line per finding, whatever its message
    assert gov003.get("file") == "ecosystem/crm.yaml"


def test_junit_waived_only_rule_is_skipped_and_below_threshold_goes_to_system_out() -> None:
    root = parse(check_junit(report(WARNING, WAIVED), OPTIONS))
    assert (root.get("failures"), root.get("skipped")) == ("0", "1")
    by_class = cases(root)
    skipped = by_class["govcheck.GOV003"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "waived: no fallback [integration/legacy]"
    gov012 = by_class["govcheck.GOV012"]
    assert gov012.find("failure") is None
    assert gov012.findtext("system-out") == (
        "ecosystem/leads.yaml:40:5: warning GOV012 review overdue [integration/leads]\n")


def test_junit_fail_on_warning_makes_warnings_failures() -> None:
    root = parse(check_junit(report(WARNING, fail_on=Severity.WARNING), OPTIONS))
    assert root.get("failures") == "1"
    assert cases(root)["govcheck.GOV012"].find("failure") is not None


def test_junit_stays_well_formed_with_characters_xml_cannot_hold() -> None:
    nasty = Finding("GOV003", Severity.ERROR, "integration/x", "ecosystem/x.yaml", 1, 1,
                    "bell \x07 and ]]> and \"quotes\" & <tags>")
    failure = cases(parse(check_junit(report(nasty), OPTIONS)))["govcheck.GOV003"].find("failure")
    assert failure is not None
    assert failure.get("message") == 'bell \\x07 and ]]> and "quotes" & <tags> [integration/x]'


def test_junit_and_markdown_from_a_real_run(tmp_path: Path) -> None:
    real = planted_report(tmp_path / "repo")

    junit = parse(check_junit(real, OPTIONS))
    assert junit.get("tests") == str(len(real.rules))
    assert (junit.get("failures"), junit.get("skipped"), junit.get("errors")) == ("1", "0", "0")
    failure = cases(junit)["govcheck.GOV003"].find("failure")
    assert failure is not None and failure.text == (
        "ecosystem/integrations/bookings-to-crm.yaml:4:9: error GOV003 real-time integration "
        "has no fallback for when salesforce is down or rate-limited: spec.fallback missing "
        "[integration/bookings-to-crm]\n")

    text = check_markdown(real, OPTIONS)
    assert text.startswith("## ❌ govcheck: findings at or above error\n")
    assert "<summary>1 waived finding</summary>" in text
    assert "`integration/customer-sync`" in text.split("<details>")[1]
