"""Text, table, JSON and Markdown output of `govcheck diff`.

Names, details, revision labels and evidence come from manifests and commits: the text
helpers pass them through `printable`, so that no line can be forged, and Markdown escapes
what they return once more."""
from __future__ import annotations

from collections.abc import Callable

from govcheck.changes.report import Change, DiffReport, Requirement
from govcheck.outputs import markdown
from govcheck.outputs.escape import json_document, printable
from govcheck.outputs.options import FormatOptions
from govcheck.outputs.text import fitted_table

_CLASS_COLORS = {"breaking": "\033[31m", "major": "\033[33m", "minor": "\033[36m",
                 "none": "\033[32m"}
_RED, _GREEN, _RESET = "\033[31m", "\033[32m", "\033[0m"
PEOPLE_SHOWN = 6  # a team of thirty would not fit on a reviewer's screen


def _paint(text: str, color: str, options: FormatOptions) -> str:
    return f"{color}{text}{_RESET}" if options.color else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def _short(revision: str) -> str:
    return revision[:12] if len(revision) == 40 else revision


def _side(label: str, revision: str, shown: Callable[[str], str]) -> str:
    short = shown(_short(revision))
    return short if not label or label == short else f"{shown(label)} ({short})"


def _names(people: tuple[str, ...]) -> str:
    names = [printable(person.removeprefix("person/")) for person in people]
    if not names:
        return "nobody"
    shown = ", ".join(names[:PEOPLE_SHOWN])
    hidden = len(names) - PEOPLE_SHOWN
    return f"{shown} and {hidden} more" if hidden > 0 else shown


def requirement_status(requirement: Requirement) -> str:
    """"approved by …", or why it is MISSING."""
    approved = _names(requirement.approved_by)
    if requirement.satisfied:
        return f"approved by {approved}"
    if not requirement.people:
        return "MISSING (nobody at the base revision can sign off)"
    if requirement.approved_by:
        return (f"MISSING ({len(requirement.approved_by)} of {requirement.minimum}, "
                f"approved by {approved})")
    return "MISSING"


def not_counted_text(requirement: Requirement) -> str:
    """"not counted: bob (review): authored a commit …; …", or "" when all evidence counted."""
    if not requirement.not_counted:
        return ""
    return "not counted: " + "; ".join(printable(item.describe())
                                       for item in requirement.not_counted)


def requirement_status_in_full(requirement: Requirement) -> str:
    """The status and, on the same line, the evidence that did not count and why."""
    extra = not_counted_text(requirement)
    return requirement_status(requirement) + (f"; {extra}" if extra else "")


def evidence_lines(report: DiffReport) -> list[str]:
    """Every piece of evidence that counted for nothing, and the notes on what counted."""
    lines = [f"not counted: {approval.describe()}: {approval.reason}"
             for approval in report.not_counted]
    return [printable(line) for line in [*lines, *(f"note: {note}" for note in report.notes)]]


def requirement_group(requirement: Requirement) -> str:
    return (f"{printable(requirement.group)} (min {requirement.minimum} of "
            f"{_names(requirement.people)})")


def summary_line(report: DiffReport, shown: Callable[[str], str] = printable) -> str:
    """One sentence: how many changes of each class, and the sign-off verdict; the revisions'
    names (which a branch's author chooses) as `shown` shows them."""
    summary = report.summary()
    sides = (f"from {_side(report.base_label, report.base, shown)} "
             f"to {_side(report.head_label, report.head, shown)}")
    if not report.changes:
        return f"no governance changes {sides}"
    classes = ", ".join(f"{summary[name]} {name}" for name in ("breaking", "major", "minor")) + (
        f", {summary['none']} needing no sign-off" if summary.get("none") else "")
    missing = summary["unsatisfied"]
    verdict = (f"{_plural(missing, 'required sign-off')} missing" if missing
               else "every required sign-off is present")
    return f"{_plural(summary['changes'], 'governance change')} ({classes}) {sides}: {verdict}"


# -- text ----------------------------------------------------------------------------------

def diff_text(report: DiffReport, options: FormatOptions) -> str:
    """One screen for a reviewer: each change, what it needs, and the verdict."""
    lines: list[str] = []
    for change in report.changes:
        lines.append(_change_line(change, options))
        for requirement in change.requires:
            lines.append(_requirement_line(requirement, options))
            lines += [f"    not counted: {printable(item.describe())}"
                      for item in requirement.not_counted]
    if options.quiet:
        return "".join(f"{line}\n" for line in lines)
    lines += evidence_lines(report)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _change_line(change: Change, options: FormatOptions) -> str:
    change_class = _paint(change.change_class, _CLASS_COLORS[change.change_class], options)
    return (f"{printable(change.file)}:{change.line}: {change_class} {printable(change.type)} "
            f"{printable(change.entity)} — {printable(change.detail)}")


def _requirement_line(requirement: Requirement, options: FormatOptions) -> str:
    status = requirement_status(requirement)
    status = _paint(status, _GREEN if requirement.satisfied else _RED, options)
    return f"  needs: {requirement_group(requirement)}: {status}"


# -- table ---------------------------------------------------------------------------------

def diff_table(report: DiffReport, options: FormatOptions) -> str:
    """change, class, location, sign-off: one row per change, fitted to 100 columns."""
    rows = [[printable(f"{change.entity} {change.type}: {change.detail}"),
             change.change_class.value, f"{printable(change.file)}:{change.line}",
             "\n".join(f"{requirement_group(requirement)}: "
                       f"{requirement_status_in_full(requirement)}"
                       for requirement in change.requires) or "none needed"]
            for change in report.changes]
    headers = ["change", "class", "location", "sign-off"]
    if options.quiet:
        return fitted_table(rows, headers, prose=(0, 3)) + "\n" if rows else ""
    table = fitted_table(rows, headers, prose=(0, 3)) if rows else "no changes"
    evidence = "".join(f"{line}\n" for line in evidence_lines(report))
    return f"{table}\n\n{evidence}{summary_line(report)}\n"


# -- JSON ----------------------------------------------------------------------------------

def diff_json(report: DiffReport, options: FormatOptions) -> str:
    """The contract's stable, versioned shape."""
    document = {
        "version": 1,
        "base": report.base,
        "head": report.head,
        "changes": [change.to_dict() for change in report.changes],
        "summary": report.summary(),
        "evidence": [approval.to_dict() for approval in report.evidence],
        "notes": list(report.notes),
    }
    return json_document(document)


# -- Markdown ------------------------------------------------------------------------------

def diff_markdown(report: DiffReport, options: FormatOptions) -> str:
    """For a pull-request comment or a job summary: the verdict, what is missing, then every
    change with its sign-off status."""
    parts = [f"## govcheck diff: {_verdict(report)}", "",
             summary_line(report, markdown.escape), ""]
    missing = [(change, requirement) for change in report.changes
               for requirement in change.requires if not requirement.satisfied]
    if missing:
        parts += ["### Missing sign-off", ""]
        parts += [f"- {markdown.code(change.entity)} **{markdown.escape(change.type)}** "
                  f"({change.change_class}): {markdown.escape(change.detail)} — needs "
                  f"{markdown.escape(requirement_group(requirement))}: "
                  f"{markdown.escape(requirement_status_in_full(requirement))}"
                  for change, requirement in missing]
        parts.append("")
    if report.changes:
        parts += ["### Changes", "",
                  "| | change | entity | class | location | sign-off |",
                  "|---|---|---|---|---|---|"]
        parts += [_markdown_row(change) for change in report.changes]
        parts.append("")
    if report.not_counted:
        parts += ["### Evidence not counted", ""]
        parts += [f"- {markdown.escape(approval.describe())}: {markdown.escape(approval.reason)}"
                  for approval in report.not_counted]
        parts.append("")
    parts += [f"> **Note:** {markdown.escape(note)}\n" for note in report.notes]
    return "\n".join(parts)


def _verdict(report: DiffReport) -> str:
    summary = report.summary()
    if summary["unsatisfied"]:
        return f"❌ {_plural(summary['unsatisfied'], 'required sign-off')} missing"
    if report.failed:
        return f"❌ changes at or above --fail-on {report.fail_on}"
    if not report.changes:
        return "✅ no governance changes"
    return "✅ every required sign-off is present"


def _markdown_row(change: Change) -> str:
    mark = "✅" if change.satisfied else "❌"
    signoff = "<br>".join(markdown.escape(f"{requirement_group(requirement)}: "
                                          f"{requirement_status_in_full(requirement)}")
                          for requirement in change.requires) or "none needed"
    cells = [mark, f"{markdown.code(change.type, cell=True)} {markdown.escape(change.detail)}",
             markdown.code(change.entity, cell=True), change.change_class,
             markdown.code(f"{change.file}:{change.line}", cell=True), signoff]
    return "| " + " | ".join(cells) + " |"
