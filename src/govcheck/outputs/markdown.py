"""Markdown output of `govcheck check`: a pull-request comment or a job summary.

Also the Markdown helpers (escaping, tables, collapsed sections) that every Markdown output
uses, the GitHub step summaries included. Text from manifests, file names and commits goes
through `escape` (prose) or `code` (names): it renders as exactly that text,
never as a link, an image, an autolink, HTML, a heading, a code fence or another cell."""
from __future__ import annotations

import html
import re
import string
from collections.abc import Sequence
from urllib.parse import quote

from govcheck.model.findings import Finding
from govcheck.outputs.escape import printable
from govcheck.outputs.options import FormatOptions
from govcheck.outputs.text import summary_line
from govcheck.rules.baseline import PRUNE_COMMAND
from govcheck.rules.report import CheckReport

_FINDING_HEADERS = ("Location", "Severity", "Rule", "Entity", "Message")
# A step summary may hold 1 MiB; a table this long is read by nobody anyway.
DEFAULT_MAX_ROWS = 500
# CommonMark lets a backslash escape any ASCII punctuation character, and every piece of
# inline syntax (links, images, HTML, autolinks, emphasis, code, entities, table pipes, GitHub's
# math) starts with one, so all are escaped but a few that mean nothing once `[`, `<` and `:`
# are escaped, and are common in prose and file names. `@` is the exception: GitHub links an
# e-mail address or mentions a login whatever the escaping, so it is followed by a WORD
# JOINER (invisible) instead.
_HARMLESS = ",;?\"'%=/()"
_SYNTAX_CHARACTERS = "".join(char for char in string.punctuation if char not in _HARMLESS + "@")
_SYNTAX = re.compile(f"[{re.escape(_SYNTAX_CHARACTERS)}]")
_AT = "@&#8288;"
_LEADING_SPACES = re.compile("^ +")


def escape(text: str) -> str:
    """`text` as Markdown that renders as exactly that text, on one line (control characters
    shown as `printable` shows them), wherever inline Markdown goes: a paragraph, a list item,
    a table cell."""
    escaped = _SYNTAX.sub(r"\\\g<0>", printable(text)).replace("@", _AT)
    if not escaped.startswith(" "):
        return escaped
    # Four leading spaces at the start of a line would make a code block.
    return _LEADING_SPACES.sub(lambda spaces: "&#32;" * len(spaces.group()), escaped)


def code(text: str, cell: bool = False) -> str:
    """`text` as an inline code span ("" for no text), fenced by more backticks than any run
    in it. In a table `cell`, a pipe becomes `\\|`: GitHub's tables split on it even in code."""
    shown = printable(text)
    if not shown:
        return ""
    longest = max(map(len, re.findall("`+", shown))) if "`" in shown else 0
    fence = "`" * (longest + 1)
    padding = " " if shown.startswith("`") or shown.endswith("`") else ""
    body = shown.replace("|", "\\|") if cell else shown
    return f"{fence}{padding}{body}{padding}{fence}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; the cells must already be escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def details(summary: str, body: str) -> str:
    """A collapsed section; the blank lines let GitHub render Markdown inside it. `summary` is
    plain text (HTML, not Markdown, is read there)."""
    return (f"<details>\n<summary>{html.escape(printable(summary))}</summary>\n\n{body}\n\n"
            "</details>")


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
    parts = [_heading(report), summary_line(report)]   # counts and a date: nothing to escape
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
        parts.append(f"> **Note:** the baseline {code(outcome.file)} expired on "
                     f"{outcome.expires.isoformat()}: every finding it accepted is reported "
                     "again.")
    if outcome.fixed:
        rows = [[code(entry.rule, cell=True), code(entry.entity, cell=True),
                 escape(entry.message), str(entry.count)] for entry in outcome.fixed]
        shown, note = truncated(rows, max_rows)
        parts += [(f"### Fixed since the baseline\n\nThese baselined findings no longer occur: "
                   f"`{PRUNE_COMMAND}` removes them from {code(outcome.file)}."),
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
            finding.severity.value, code(finding.rule, cell=True), code(finding.entity, cell=True),
            escape(finding.message)]


def _location(finding: Finding, blob_url: str) -> str:
    if not finding.file:
        return ""
    text = code(f"{finding.file}:{finding.line}:{finding.column}", cell=True)
    if not blob_url:
        return text
    path = quote(finding.file, safe="/", errors="surrogateescape")
    target = f"{blob_url.rstrip('/')}/{path}#L{finding.line}"
    return f"[{text}]({quote(target, safe=_URL_SAFE)})"


# What a link destination may keep as it is: no space, parenthesis, angle bracket or pipe,
# each of which would end the destination or the table cell.
_URL_SAFE = "/:#?&=%@!$'*+,;~-._"
