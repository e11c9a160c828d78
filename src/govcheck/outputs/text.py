"""Text, table and JSON output of `govcheck check`.

What a manifest or a file name says is shown through `printable`, so that it can neither
forge a finding line nor reach the terminal as an escape sequence."""
from __future__ import annotations

from govcheck.changes.report import CheckReport, FormatOptions
from govcheck.model.findings import Finding, Severity
from govcheck.outputs.escape import json_document, printable

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_RESET = "\033[0m"


def _shown(report: CheckReport, options: FormatOptions) -> list[Finding]:
    return [f for f in report.findings if options.show_waived or not f.waived]


def _severity(finding: Finding, options: FormatOptions) -> str:
    word = finding.severity.value
    return f"{_COLORS[finding.severity]}{word}{_RESET}" if options.color else word


def finding_line(finding: Finding, options: FormatOptions) -> str:
    entity = f" [{printable(finding.entity)}]" if finding.entity else ""
    waived = " (waived)" if finding.waived else ""
    return (f"{_place(finding)}: {_severity(finding, options)} "
            f"{printable(finding.rule)} {printable(finding.message)}{entity}{waived}")


def _place(finding: Finding) -> str:
    return f"{printable(finding.file)}:{finding.line}:{finding.column}"


def summary_line(report: CheckReport) -> str:
    counts = report.counts()
    waived = len(report.findings) - len(report.active)
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning"),
             _plural(counts["info"], "info", "info")]
    text = ", ".join(parts)
    if waived:
        text += f" ({waived} waived)"
    return (f"{text} in {_plural(report.entities, 'entity', 'entities')} "
            f"from {_plural(report.files, 'file')} (as of {report.as_of.isoformat()})")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def check_text(report: CheckReport, options: FormatOptions) -> str:
    lines = [finding_line(finding, options) for finding in _shown(report, options)]
    return "\n".join([*lines, summary_line(report)]) + "\n"


def check_table(report: CheckReport, options: FormatOptions) -> str:
    from tabulate import tabulate  # only this format needs it

    rows = [[_place(f), _severity(f, options) + (" (waived)" if f.waived else ""),
             printable(f.rule), printable(f.entity), printable(f.message)]
            for f in _shown(report, options)]
    table = tabulate(rows, headers=["location", "severity", "rule", "entity", "message"],
                     tablefmt="simple") if rows else "no findings"
    return f"{table}\n\n{summary_line(report)}\n"


def check_json(report: CheckReport, options: FormatOptions) -> str:
    document = {
        "version": 1,
        "tool": "govcheck",
        "as_of": report.as_of.isoformat(),
        "findings": [finding.to_dict() for finding in report.findings],
        "summary": {**report.counts(), "entities": report.entities, "files": report.files},
    }
    return json_document(document)
