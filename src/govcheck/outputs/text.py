"""Text, table and JSON output of `govcheck check`."""
from __future__ import annotations

import json

from govcheck.model.findings import Finding, Severity
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
    entity = f" [{finding.entity}]" if finding.entity else ""
    return (f"{finding.file}:{finding.line}:{finding.column}: {_severity(finding, options)} "
            f"{finding.rule} {finding.message}{entity}{_mark(finding)}")


def summary_line(report: CheckReport) -> str:
    counts = report.counts()
    waived = sum(1 for finding in report.findings if finding.waived)
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning"),
             _plural(counts["info"], "info", "info")]
    text = ", ".join(parts)
    accepted = [f"{waived} waived"] if waived else []
    if report.baseline is not None and report.baseline.matched:
        accepted.append(f"{report.baseline.matched} baselined")
    if accepted:
        text += f" ({', '.join(accepted)})"
    return (f"{text} in {_plural(report.entities, 'entity', 'entities')} "
            f"from {_plural(report.files, 'file')} (as of {report.as_of.isoformat()})")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def baseline_lines(report: CheckReport) -> list[str]:
    """What the baseline did beyond accepting findings: its expiry, the entries now fixed."""
    outcome = report.baseline
    if outcome is None:
        return []
    lines = []
    if outcome.expired and outcome.expires is not None:
        lines.append(f"{outcome.file}: the baseline expired on {outcome.expires.isoformat()}: "
                     "every finding it accepted is reported again")
    if outcome.fixed:
        count = sum(entry.count for entry in outcome.fixed)
        lines.append(f"{outcome.file}: {_plural(count, 'baselined finding')} no longer "
                     f"occur{'s' if count == 1 else ''} (fixed); '{PRUNE_COMMAND}' removes "
                     f"{'it' if count == 1 else 'them'} from the baseline:")
        lines += [f"  fixed: {entry.describe()}" for entry in outcome.fixed]
    return lines


def check_text(report: CheckReport, options: FormatOptions) -> str:
    lines = [finding_line(finding, options) for finding in _shown(report, options)]
    if options.quiet:
        return "".join(f"{line}\n" for line in [*lines, *baseline_lines(report)])
    return "\n".join([*lines, summary_line(report), *baseline_lines(report)]) + "\n"


def check_table(report: CheckReport, options: FormatOptions) -> str:
    rows = [[f"{f.file}:{f.line}:{f.column}", _severity(f, options) + _mark(f),
             f.rule, f.entity, f.message] for f in _shown(report, options)]
    if options.quiet:
        return fitted_table(rows, ["location", "severity", "rule", "entity", "message"]) + "\n" \
            if rows else ""
    table = fitted_table(rows, ["location", "severity", "rule", "entity", "message"]) \
        if rows else "no findings"
    return "\n".join([f"{table}\n", summary_line(report), *baseline_lines(report)]) + "\n"


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
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
