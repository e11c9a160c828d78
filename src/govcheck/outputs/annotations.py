"""GitHub Actions output: workflow-command annotations and the job's step summary.

An annotation is one line, `::error file=F,line=L,col=C,title=T::MESSAGE`. Its text is shown
as `printable` shows every line govcheck prints (a control character as a visible escape),
then encoded as the runner reads it: in the message `%`, CR and LF become `%25`, `%0D`, `%0A`
(so a message can never end the command and start another); property values also escape
`:` and `,`, which would otherwise end the value. GitHub shows only the first few
annotations of each kind per step, so every run also prints a plain summary line and the
step summary lists all.
"""
from __future__ import annotations

from collections.abc import Callable

from govcheck.changes.report import CHANGE_CLASSES, Change, DiffReport, Requirement
from govcheck.model.findings import Finding, Severity
from govcheck.outputs import markdown
from govcheck.outputs.escape import printable
from govcheck.outputs.options import FormatOptions
from govcheck.outputs.text import summary_line
from govcheck.rules.baseline import PRUNE_COMMAND
from govcheck.rules.report import CheckReport

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file, title...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: str | int) -> str:
    """`::command k=v,k=v::message`, properties in the order given, empty ones left out."""
    given = ",".join(f"{key}={escape_property(printable(str(value)))}"
                     for key, value in properties.items() if value != "")
    text = escape_data(printable(message))
    return f"::{command} {given}::{text}" if given else f"::{command}::{text}"


# --- check -------------------------------------------------------------------------------


def check_github(report: CheckReport, options: FormatOptions) -> str:
    """One annotation per active finding (error, warning or notice by severity), then the
    summary line. Waived findings are not annotated."""
    findings = sorted(report.active, key=lambda finding: finding.sort_key)
    lines = [finding_annotation(finding, report) for finding in findings]
    if report.baseline is not None and report.baseline.fixed:
        outcome = report.baseline
        count = sum(entry.count for entry in outcome.fixed)
        lines.append(workflow_command(
            "notice", f"{count} baselined finding{'' if count == 1 else 's'} no longer "
                      f"occur{'s' if count == 1 else ''}: '{PRUNE_COMMAND}' removes "
                      f"{'it' if count == 1 else 'them'} from {outcome.file}",
            file=outcome.file, line=outcome.fixed[0].line, title="govcheck: baseline"))
    return "\n".join([*lines, summary_line(report)]) + "\n"


def finding_annotation(finding: Finding, report: CheckReport) -> str:
    rule = report.rules.get(finding.rule)
    title = f"{finding.rule} {rule.title}" if rule else finding.rule
    entity = f" [{finding.entity}]" if finding.entity else ""
    place: dict[str, str | int] = (
        {"file": finding.file, "line": finding.line, "col": finding.column} if finding.file else {})
    return workflow_command(_COMMANDS[finding.severity], f"{finding.message}{entity}",
                            **place, title=title)


def check_step_summary(report: CheckReport, options: FormatOptions) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: the Markdown report, tables capped in length."""
    extra = {"max_rows": str(markdown.DEFAULT_MAX_ROWS), **options.extra}
    return markdown.check_markdown(report, FormatOptions(options.color, options.show_waived, extra))


# --- diff: one wording of sign-off for every format ----------------------------------------


def requirement_text(requirement: Requirement) -> str:
    """Who must sign off and whether they did, and the evidence that did not count."""
    text = _requirement_verdict(requirement)
    if requirement.not_counted:
        text += " (not counted: " + "; ".join(item.describe()
                                              for item in requirement.not_counted) + ")"
    return text


def _requirement_verdict(requirement: Requirement) -> str:
    signed = sorted(set(requirement.approved_by))
    if requirement.satisfied and not signed:
        return f"no sign-off needed from {requirement.group} (minimum {requirement.minimum})"
    if requirement.satisfied:
        return f"signed off by {', '.join(signed)} ({requirement.group})"
    if not requirement.people:
        return (f"needs sign-off from {requirement.group}, which has nobody who can give it "
                "(at the base revision): missing")
    wanted = f"{requirement.minimum} of {', '.join(requirement.people)}"
    if not signed:
        return f"needs sign-off from {requirement.group} ({wanted}): missing"
    missing = requirement.minimum - len(signed)
    return (f"needs sign-off from {requirement.group} ({wanted}): signed by {', '.join(signed)}, "
            f"{missing} more missing")


def change_sentence(change: Change) -> str:
    """`DETAIL [ENTITY] (CLASS): who must sign off and whether they did`."""
    signoffs = "; ".join(requirement_text(requirement) for requirement in change.requires)
    return f"{change.detail} [{change.entity}] ({change.change_class}): " + (
        signoffs or "no sign-off needed")


def diff_github(report: DiffReport, options: FormatOptions) -> str:
    """One annotation per change that needs sign-off (error while missing, notice once given),
    then a summary line."""
    lines = [change_annotation(change) for change in _ordered(report.changes) if change.requires]
    lines += [workflow_command("warning", f"{approval.describe()}: {approval.reason}",
                               title="govcheck: sign-off evidence not counted")
              for approval in report.not_counted]
    lines += [workflow_command("notice", note, title="govcheck: sign-off evidence")
              for note in report.notes]
    return "\n".join([*lines, diff_summary_line(report)]) + "\n"


def change_annotation(change: Change) -> str:
    command = "notice" if change.satisfied else "error"
    place: dict[str, str | int] = (
        {"file": change.file, "line": change.line} if change.file else {})
    return workflow_command(command, change_sentence(change), **place,
                            title=f"{change.type} ({change.change_class})")


def diff_summary_line(report: DiffReport, shown: Callable[[str], str] = printable) -> str:
    """The counts and the verdict; the revisions' names (which a branch's author chooses) as
    `shown` shows them."""
    summary = report.summary()
    classes = ", ".join(f"{summary[name]} {name}" for name in CHANGE_CLASSES if summary.get(name))
    changes = f"{summary['changes']} change{'' if summary['changes'] == 1 else 's'}"
    if classes:
        changes += f" ({classes})"
    unsigned = summary["unsatisfied"]
    verdict = (f"{unsigned} required sign-off{'' if unsigned == 1 else 's'} missing" if unsigned
               else "every required sign-off given")
    return f"{changes} from {_label(report.base, report.base_label, shown)} to " \
           f"{_label(report.head, report.head_label, shown)}: {verdict}"


def _label(revision: str, label: str, shown: Callable[[str], str]) -> str:
    short = shown(revision[:12] if len(revision) == 40 else revision)
    return f"{shown(label)} ({short})" if label and label != revision else short


def _ordered(changes: tuple[Change, ...]) -> list[Change]:
    return sorted(changes, key=lambda change: (change.file, change.line, change.type,
                                               change.entity, change.detail))


def diff_step_summary(report: DiffReport, options: FormatOptions) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: verdict, the missing sign-offs first (what blocks
    the merge), then every change collapsed."""
    max_rows = int(options.extra.get("max_rows", markdown.DEFAULT_MAX_ROWS))
    mark = "❌" if report.failed else "✅"
    parts = [f"## {mark} govcheck diff: {diff_summary_line(report, markdown.escape)}"]
    missing = [change for change in _ordered(report.changes) if not change.satisfied]
    if missing:
        parts += ["### Sign-off missing", _missing_table(missing, max_rows)]
    if report.changes:
        parts.append(markdown.details(f"All {len(report.changes)} changes",
                                      _changes_table(_ordered(report.changes), max_rows)))
    else:
        parts.append("No governance changes.")
    if report.not_counted:
        rows = [[markdown.escape(approval.describe()), markdown.escape(approval.reason)]
                for approval in report.not_counted]
        shown, note = markdown.truncated(rows, max_rows)
        parts += ["### Evidence not counted",
                  markdown.table(("Evidence", "Why it does not count"), shown) + note]
    parts += [f"> **Note:** {markdown.escape(note)}" for note in report.notes]
    return "\n\n".join(parts) + "\n"


def _missing_table(changes: list[Change], max_rows: int) -> str:
    rows = [[markdown.escape(change.detail), markdown.code(change.entity, cell=True),
             change.change_class, markdown.escape(requirement_text(requirement))]
            for change in changes for requirement in change.requires if not requirement.satisfied]
    shown, note = markdown.truncated(rows, max_rows)
    return markdown.table(("Change", "Entity", "Class", "Sign-off"), shown) + note


def _changes_table(changes: list[Change], max_rows: int) -> str:
    rows = [[markdown.code(f"{change.file}:{change.line}", cell=True),
             markdown.code(change.type, cell=True), change.change_class,
             markdown.code(change.entity, cell=True), markdown.escape(change.detail),
             "✅" if change.satisfied else "❌"] for change in changes]
    shown, note = markdown.truncated(rows, max_rows)
    return markdown.table(("Location", "Type", "Class", "Entity", "Detail", "Signed"),
                          shown) + note
