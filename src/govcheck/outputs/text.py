"""Text, table and JSON output of `govcheck check`.

What a manifest or a file name says is shown through `printable`, so that it can neither
forge a finding line nor reach the terminal as an escape sequence."""
from __future__ import annotations

from govcheck.model.findings import Finding, Severity
from govcheck.outputs.escape import json_document, printable
from govcheck.outputs.options import FormatOptions
from govcheck.rules.report import CheckReport

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
    if options.quiet:
        return "".join(f"{line}\n" for line in lines)
    return "\n".join([*lines, summary_line(report)]) + "\n"


def check_table(report: CheckReport, options: FormatOptions) -> str:
    """The findings grouped under their file, in columns that fit 100 characters:
    line:column, severity, rule, the message (wrapped at word boundaries), the entity."""
    shown = _shown(report, options)
    lines = _finding_rows(shown, options)
    if options.quiet:
        return "".join(f"{line}\n" for line in lines)
    return "\n".join([*(lines or ["no findings"]), "", summary_line(report)]) + "\n"


def _finding_rows(findings: list[Finding], options: FormatOptions) -> list[str]:
    import textwrap

    if not findings:
        return []
    cells = [(f"{f.line}:{f.column}", f.severity.value + (" (waived)" if f.waived else ""),
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
    document = {
        "version": 1,
        "tool": "govcheck",
        "as_of": report.as_of.isoformat(),
        "findings": [finding.to_dict() for finding in report.findings],
        "summary": {**report.counts(), "entities": report.entities, "files": report.files},
    }
    return json_document(document)
