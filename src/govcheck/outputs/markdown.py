"""Markdown output of `govcheck check`: a pull-request comment or a job summary.

Also the small Markdown helpers (cell escaping, tables, collapsed sections) that the GitHub
step summaries use."""
from __future__ import annotations

from collections.abc import Sequence

from govcheck.model.findings import Finding
from govcheck.outputs.options import FormatOptions
from govcheck.outputs.text import summary_line
from govcheck.rules.baseline import PRUNE_COMMAND
from govcheck.rules.report import CheckReport

# Table cells: a `|` ends the cell and a newline ends the table; `<`, `>` and `&` would be
# read as HTML (a message quoting "<details>" must not open a section).
_CELL_ESCAPES = {"\\": "\\\\", "|": "\\|", "&": "&amp;", "<": "&lt;", ">": "&gt;",
                 "\r\n": "<br>", "\n": "<br>", "\r": "<br>"}
_FINDING_HEADERS = ("Location", "Severity", "Rule", "Entity", "Message")
# A step summary may hold 1 MiB; a table this long is read by nobody anyway.
DEFAULT_MAX_ROWS = 500


def escape_cell(text: str) -> str:
    """`text` safe inside one Markdown table cell, on one line."""
    escaped = text.replace("\\", _CELL_ESCAPES["\\"])
    for raw in ("|", "&", "<", ">", "\r\n", "\n", "\r"):
        escaped = escaped.replace(raw, _CELL_ESCAPES[raw])
    return escaped


def escape_inline(text: str) -> str:
    """`text` safe as one line of Markdown outside a table: no HTML, no line breaks."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(escaped.splitlines())


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; the cells must already be escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def details(summary: str, body: str) -> str:
    """A collapsed section; the blank lines let GitHub render Markdown inside it."""
    return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


def truncated(rows: list[list[str]], max_rows: int) -> tuple[list[list[str]], str]:
    """At most `max_rows` rows, and a note of how many were left out."""
    if len(rows) <= max_rows:
        return rows, ""
    return rows[:max_rows], f"\n\n… and {len(rows) - max_rows} more, not shown here."


def check_markdown(report: CheckReport, options: FormatOptions) -> str:
    """Verdict, counts, the active findings as a table, waived ones collapsed.

    `options.extra["blob_url"]` (e.g. `https://github.com/o/r/blob/<sha>/`) turns each
    location into a link; `options.extra["max_rows"]` caps each table."""
    max_rows = int(options.extra.get("max_rows", DEFAULT_MAX_ROWS))
    parts = [_heading(report), escape_inline(summary_line(report))]
    active = sorted(report.active, key=lambda finding: finding.sort_key)
    if active:
        parts.append(_findings_table(active, options, max_rows))
    for label, accepted in (("waived", [f for f in report.findings if f.waived]),
                            ("baselined", [f for f in report.findings if f.baselined])):
        if accepted:
            noun = "finding" if len(accepted) == 1 else "findings"
            parts.append(details(f"{len(accepted)} {label} {noun}", _findings_table(
                sorted(accepted, key=lambda f: f.sort_key), options, max_rows)))
    parts += _baseline_sections(report, max_rows)
    return "\n\n".join(parts) + "\n"


def _baseline_sections(report: CheckReport, max_rows: int) -> list[str]:
    outcome = report.baseline
    if outcome is None:
        return []
    parts = []
    if outcome.expired and outcome.expires is not None:
        parts.append(f"> **Note:** the baseline `{escape_inline(outcome.file)}` expired on "
                     f"{outcome.expires.isoformat()}: every finding it accepted is reported again.")
    if outcome.fixed:
        rows = [[f"`{entry.rule}`", f"`{entry.entity}`" if entry.entity else "",
                 escape_cell(entry.message), str(entry.count)] for entry in outcome.fixed]
        shown, note = truncated(rows, max_rows)
        parts += [(f"### Fixed since the baseline\n\nThese baselined findings no longer occur: "
                  f"`{PRUNE_COMMAND}` removes them from `{escape_inline(outcome.file)}`."),
                  table(("Rule", "Entity", "Message", "Count"), shown) + note]
    return parts


def _heading(report: CheckReport) -> str:
    if report.failed:
        return f"## ❌ govcheck: findings at or above {report.fail_on.value}"
    if report.active:
        return f"## ✅ govcheck: passed (nothing at or above {report.fail_on.value})"
    if report.baselined:
        return "## ✅ govcheck: no new findings"
    return "## ✅ govcheck: no findings"


def _findings_table(findings: list[Finding], options: FormatOptions, max_rows: int) -> str:
    rows = [_finding_row(finding, options) for finding in findings]
    shown, note = truncated(rows, max_rows)
    return table(_FINDING_HEADERS, shown) + note


def _finding_row(finding: Finding, options: FormatOptions) -> list[str]:
    return [_location(finding, options.extra.get("blob_url", "")),
            finding.severity.value, f"`{finding.rule}`",
            f"`{finding.entity}`" if finding.entity else "",
            escape_cell(finding.message)]


def _location(finding: Finding, blob_url: str) -> str:
    if not finding.file:
        return ""
    text = escape_cell(f"{finding.file}:{finding.line}:{finding.column}")
    if not blob_url:
        return text
    target = f"{blob_url.rstrip('/')}/{finding.file}#L{finding.line}".replace(" ", "%20")
    return f"[{text}]({target.replace(')', '%29')})"
