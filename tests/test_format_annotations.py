"""GitHub Actions output: workflow-command annotations asserted line by line, escaping, and the
Markdown step summaries."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from estates import planted_report

from govcheck.changes.report import Change, DiffReport, Requirement
from govcheck.model.findings import Finding, Severity
from govcheck.outputs import CHECK_FORMATS, DIFF_FORMATS, FormatOptions, formatter
from govcheck.outputs.annotations import (
    check_github,
    check_step_summary,
    diff_github,
    diff_step_summary,
    escape_data,
    escape_property,
    requirement_text,
)
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport

REPOSITORY = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 23)
OPTIONS = FormatOptions()
RULES = {
    "GOV003": Rule("GOV003", "Real-time integrations define a fallback", Severity.ERROR, "r", "f"),
    "GOV012": Rule("GOV012", "Integration reviews are not overdue", Severity.WARNING, "r", "f"),
    "GOV016": Rule("GOV016", "Links carrying personal data list the fields", Severity.INFO,
                   "r", "f"),
}


def report(*findings: Finding) -> CheckReport:
    return CheckReport(tuple(findings), RULES, AS_OF, entities=3, files=2)


def test_the_formatter_tables_name_the_annotation_functions() -> None:
    assert formatter(CHECK_FORMATS, "github") is check_github
    assert formatter(DIFF_FORMATS, "github") is diff_github


# --- escaping ------------------------------------------------------------------------------


def test_message_escaping_keeps_a_message_on_one_command_line() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"


def test_property_escaping_also_protects_colon_and_comma() -> None:
    assert escape_property("C:\\a,b%\n") == "C%3A\\a%2Cb%25%0A"


# --- check ---------------------------------------------------------------------------------


def test_one_annotation_per_active_finding_by_severity_then_the_summary() -> None:
    findings = (
        Finding("GOV003", Severity.ERROR, "integration/leads", "ecosystem/leads.yaml", 12, 3,
                "real-time integration has no fallback"),
        Finding("GOV012", Severity.WARNING, "integration/leads", "ecosystem/leads.yaml", 40, 5,
                "review overdue since 2026-06-01"),
        Finding("GOV016", Severity.INFO, "integration/crm", "ecosystem/crm.yaml", 7, 1,
                "moves every field of dataset/customer"),
        Finding("GOV003", Severity.ERROR, "integration/legacy", "ecosystem/legacy.yaml", 4, 9,
                "waived one", waived=True),
    )
    assert check_github(report(*findings), OPTIONS).splitlines() == [
        ("::notice file=ecosystem/crm.yaml,line=7,col=1,title=GOV016 Links carrying personal "
         "data list the fields::moves every field of dataset/customer [integration/crm]"),
        ("::error file=ecosystem/leads.yaml,line=12,col=3,title=GOV003 Real-time integrations "
         "define a fallback::real-time integration has no fallback [integration/leads]"),
        ("::warning file=ecosystem/leads.yaml,line=40,col=5,title=GOV012 Integration reviews are "
         "not overdue::review overdue since 2026-06-01 [integration/leads]"),
        "1 error, 1 warning, 1 info (1 waived) in 3 entities from 2 files (as of 2026-11-23)",
    ]


def test_percent_newlines_colons_and_commas_are_escaped_where_they_would_break_the_command(
) -> None:
    odd = Finding("GOV003", Severity.ERROR, "integration/x", "eco:system/a,b 100%.yaml", 2, 1,
                  "50% of leads\nare lost: ::error::injected")
    assert check_github(report(odd), OPTIONS).splitlines()[0] == (
        "::error file=eco%3Asystem/a%2Cb 100%25.yaml,line=2,col=1,title=GOV003 Real-time "
        "integrations define a fallback::50%25 of leads\\nare lost: ::error::injected "
        "[integration/x]")   # the newline shown as printable shows it, on the same line


def test_a_finding_without_file_or_known_rule_is_still_one_valid_command() -> None:
    loose = Finding("CUSTOM", Severity.WARNING, "", "", 0, 0, "something, somewhere")
    assert check_github(report(loose), OPTIONS).splitlines()[0] == (
        "::warning title=CUSTOM::something, somewhere")


def test_a_clean_report_prints_only_the_summary() -> None:
    assert check_github(report(), OPTIONS) == (
        "0 errors, 0 warnings, 0 info in 3 entities from 2 files (as of 2026-11-23)\n")


def test_annotations_from_a_real_run_with_a_planted_defect_and_a_waiver(tmp_path: Path) -> None:
    real = planted_report(tmp_path / "repo")
    lines = check_github(real, OPTIONS).splitlines()
    assert [line for line in lines if line.startswith("::")] == [
        ("::error file=ecosystem/integrations/bookings-to-crm.yaml,line=4,col=9,title=GOV003 "
         "Real-time integrations define a fallback::real-time integration has no fallback for "
         "when salesforce is down or rate-limited: spec.fallback missing "
         "[integration/bookings-to-crm]")]
    assert lines[-1].startswith("1 error, 0 warnings, 0 info (1 waived) in ")


def test_the_check_step_summary_is_the_markdown_report() -> None:
    finding = Finding("GOV003", Severity.ERROR, "integration/leads", "ecosystem/leads.yaml",
                      12, 3, "no | fallback")
    summary = check_step_summary(report(finding), OPTIONS)
    assert summary.startswith("## ❌ govcheck: findings at or above error\n")
    assert ("| `ecosystem/leads.yaml:12:3` | error | `GOV003` | `integration/leads` "
            "| no \\| fallback |") in summary


# --- diff ----------------------------------------------------------------------------------

APPROVERS = ("person/jane-doe", "person/sam-lee")


def diff_report(*changes: Change) -> DiffReport:
    return DiffReport("0123456789abcdef0123456789abcdef01234567", "worktree", changes,
                      base_label="main", head_label="")


def removed(*approved: str) -> Change:
    return Change("dataset.field.removed", "breaking", "dataset/customer",
                  "field 'phone' removed", "ecosystem/datasets/customer.yaml", 20,
                  (Requirement("dataset/customer approvers", APPROVERS, 1, approved),))


def test_diff_annotations_error_while_unsigned_notice_once_signed() -> None:
    added = Change("dataset.field.added", "minor", "dataset/lead", "field 'utm, source' added",
                   "ecosystem/datasets/lead.yaml", 9, ())
    owner = Change("dataset.owner.changed", "major", "dataset/orders", "owner: a -> b",
                   "ecosystem/datasets/orders.yaml", 7,
                   (Requirement("team/a members", ("person/ann",), 1, ("person/ann",)),
                    Requirement("team/b members", ("person/bob",), 1, ("person/bob",))))
    assert diff_github(diff_report(removed(), added, owner), OPTIONS).splitlines() == [
        ("::error file=ecosystem/datasets/customer.yaml,line=20,title=dataset.field.removed "
         "(breaking)::field 'phone' removed [dataset/customer] (breaking): needs sign-off from "
         "dataset/customer approvers (1 of person/jane-doe, person/sam-lee): missing"),
        ("::notice file=ecosystem/datasets/orders.yaml,line=7,title=dataset.owner.changed "
         "(major)::owner: a -> b [dataset/orders] (major): signed off by person/ann (team/a "
         "members); signed off by person/bob (team/b members)"),
        ("3 changes (1 breaking, 1 major, 1 minor) from main (0123456789ab) to worktree: "
         "1 required sign-off missing"),
    ]


def test_diff_with_every_signoff_given_says_so() -> None:
    assert diff_github(diff_report(removed("person/sam-lee")), OPTIONS).splitlines()[-1] == (
        "1 change (1 breaking) from main (0123456789ab) to worktree: every required sign-off "
        "given")


def test_requirement_wording_for_partial_and_impossible_signoff() -> None:
    partial = Requirement("dataset/x approvers", ("person/a", "person/b", "person/c"), 2,
                          ("person/b",))
    assert requirement_text(partial) == (
        "needs sign-off from dataset/x approvers (2 of person/a, person/b, person/c): signed by "
        "person/b, 1 more missing")
    nobody = Requirement("team/empty members", (), 1, ())
    assert requirement_text(nobody) == (
        "needs sign-off from team/empty members, which has nobody who can give it (at the base "
        "revision): missing")


def test_the_diff_step_summary_lists_missing_signoffs_first() -> None:
    summary = diff_step_summary(diff_report(removed(), removed("person/jane-doe")), OPTIONS)
    assert summary.splitlines()[:5] == [
        ("## ❌ govcheck diff: 2 changes (2 breaking) from main (0123456789ab) to worktree: "
         "1 required sign-off missing"),
        "",
        "### Sign-off missing",
        "",
        "| Change | Entity | Class | Sign-off |",
    ]
    assert ("| field 'phone' removed | `dataset/customer` | breaking | needs sign\\-off from "
            "dataset/customer approvers (1 of person/jane\\-doe, person/sam\\-lee)\\: missing |"
            ) in summary
    assert "<details>\n<summary>All 2 changes</summary>\n\n| Location |" in summary


def test_the_diff_step_summary_of_no_changes() -> None:
    assert diff_step_summary(diff_report(), OPTIONS) == (
        "## ✅ govcheck diff: 0 changes from main (0123456789ab) to worktree: every required "
        "sign-off given\n\nNo governance changes.\n")
