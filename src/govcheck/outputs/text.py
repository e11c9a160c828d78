"""Text, table and JSON output of `govcheck check`.

What a manifest or a file name says is shown through `printable`, so that it can neither
forge a finding line nor reach the terminal as an escape sequence."""
from __future__ import annotations

from govcheck.model.findings import Finding, Severity
from govcheck.model.text import plural
from govcheck.outputs.escape import json_document, printable
from govcheck.outputs.options import FormatOptions
from govcheck.rules.baseline import PRUNE_COMMAND
from govcheck.rules.report import CheckReport

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_RESET = "\033[0m"


def _shown(report: CheckReport, options: FormatOptions) -> list[Finding]:
    return [f for f in report.findings if options.show_waived or f.counts]


def _mark(finding: Finding) -> str:
    return " (waived)" if finding.waived else " (baselined)" if finding.baselined else ""


def _severity(finding: Finding, options: FormatOptions) -> str:
    word = finding.severity.value
    return f"{_COLORS[finding.severity]}{word}{_RESET}" if options.color else word


def finding_line(finding: Finding, options: FormatOptions) -> str:
    entity = f" [{printable(finding.entity)}]" if finding.entity else ""
    return (f"{_place(finding)}: {_severity(finding, options)} "
            f"{printable(finding.rule)} {printable(finding.message)}{entity}{_mark(finding)}")


def _place(finding: Finding) -> str:
    return f"{printable(finding.file)}:{finding.line}:{finding.column}"


def summary_line(report: CheckReport) -> str:
    counts = report.counts()
    waived = sum(1 for finding in report.findings if finding.waived)
    parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning"),
             plural(counts["info"], "info", "info")]
    text = ", ".join(parts)
    accepted = [f"{waived} waived"] if waived else []
    if report.baseline is not None and report.baseline.matched:
        accepted.append(f"{report.baseline.matched} baselined")
    if accepted:
        text += f" ({', '.join(accepted)})"
    return (f"{text} in {plural(report.entities, 'entity', 'entities')} "
            f"from {plural(report.files, 'file')} (as of {report.as_of.isoformat()})")


def baseline_lines(report: CheckReport) -> list[str]:
    """What the baseline did beyond accepting findings: its expiry, the entries now fixed."""
    outcome = report.baseline
    if outcome is None:
        return []
    lines = []
    if outcome.expired and outcome.expires is not None:
        lines.append(f"{printable(outcome.file)}: the baseline expired on "
                     f"{outcome.expires.isoformat()}: every finding it accepted is reported again")
    if outcome.fixed:
        count = sum(entry.count for entry in outcome.fixed)
        lines.append(f"{printable(outcome.file)}: {plural(count, 'baselined finding')} no "
                     f"longer occur{'s' if count == 1 else ''} (fixed); '{PRUNE_COMMAND}' removes "
                     f"{'it' if count == 1 else 'them'} from the baseline:")
        lines += [f"  fixed: {printable(entry.describe())}" for entry in outcome.fixed]
    return lines


def check_text(report: CheckReport, options: FormatOptions) -> str:
    lines = [finding_line(finding, options) for finding in _shown(report, options)]
    if options.quiet:
        return "".join(f"{line}\n" for line in [*lines, *baseline_lines(report)])
    return "\n".join([*lines, summary_line(report), *baseline_lines(report)]) + "\n"


def check_table(report: CheckReport, options: FormatOptions) -> str:
    """The findings grouped under their file, in columns that fit 100 characters:
    line:column, severity, rule, the message (wrapped at word boundaries), the entity."""
    shown = _shown(report, options)
    lines = _finding_rows(shown, options)
    if options.quiet:
        return "".join(f"{line}\n" for line in [*lines, *baseline_lines(report)])
    return "\n".join([*(lines or ["no findings"]), "", summary_line(report),
                      *baseline_lines(report)]) + "\n"


def _finding_rows(findings: list[Finding], options: FormatOptions) -> list[str]:
    import textwrap

    if not findings:
        return []
    cells = [(f"{f.line}:{f.column}", f.severity.value + _mark(f),
              printable(f.rule), printable(f.entity)) for f in findings]
    place, severity, rule, entity = (max(len(row[index]) for row in cells) for index in range(4))
    entity = min(entity, 40)
    message = max(30, TABLE_WIDTH - 2 - place - severity - rule - entity - 8)
    lines: list[str] = []
    current = None
    for finding, (at, word, rule_id, subject) in zip(findings, cells):
        if finding.file != current:
            current = finding.file
            lines.append(printable(finding.file))
        wrapped = textwrap.wrap(printable(finding.message), message, break_long_words=False) or [""]
        painted = _severity(finding, options) + word[len(finding.severity.value):]
        lines.append(f"  {at:<{place}}  {painted}{' ' * (severity - len(word))}  "
                     f"{rule_id:<{rule}}  {wrapped[0]:<{message}}  {subject}".rstrip())
        indent = " " * (2 + place + 2 + severity + 2 + rule + 2)
        lines += [f"{indent}{more}" for more in wrapped[1:]]
    return lines


TABLE_WIDTH = 100


def fitted_table(rows: list[list[str]], headers: list[str], prose: tuple[int, ...] = (-1,),
                 width: int = TABLE_WIDTH) -> str:
    """A plain table no wider than `width` where it can be: the prose columns wrap at word
    boundaries, sharing what the other columns (at most 40 characters each) leave."""
    from tabulate import tabulate  # only the table formats need it

    wrapped = {index % len(headers) for index in prose}
    natural = [max(len(line) for cell in [header, *column] for line in str(cell).split("\n"))
               for header, column in zip(headers, zip(*rows))]
    widths: list[int | None] = [min(size, 40) for size in natural]
    left = width - 2 * (len(headers) - 1) - sum(
        min(size, 40) for index, size in enumerate(natural) if index not in wrapped)
    wanted = sum(natural[index] for index in wrapped)
    for index in wrapped:
        widths[index] = min(natural[index], max(20, left * natural[index] // max(wanted, 1)))
    return str(tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=widths))


def check_json(report: CheckReport, options: FormatOptions) -> str:
    document: dict[str, object] = {
        "version": 1,
        "tool": "govcheck",
        "as_of": report.as_of.isoformat(),
        "findings": [{**finding.to_dict(), "baselined": finding.baselined}
                     for finding in report.findings],
        "summary": {**report.counts(), "entities": report.entities, "files": report.files,
                    "baselined": len(report.baselined)},
    }
    if report.baseline is not None:
        document["baseline"] = report.baseline.to_dict()
    return json_document(document)
