"""JUnit XML output of `govcheck check`, for CI systems that show test reports.

One test case per rule of the pack (`classname` "govcheck.<RULE>", `name` its title), so a
CI's per-test history reads "GOV003 has failed since Tuesday". A rule fails when it has
active findings at or above the report's fail-on level. Its findings go into ONE `<failure>`
element, one per line of its text: GitLab keeps only a single failure element's content per
test case and Jenkins reads only the first, so separate elements would lose findings. A rule
whose only findings are waived is `<skipped>`; findings below the fail-on level are listed in
`<system-out>` of a passing case.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from govcheck.model.findings import Finding
from govcheck.outputs.escape import printable
from govcheck.outputs.options import FormatOptions
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport


def check_junit(report: CheckReport, options: FormatOptions) -> str:
    """A `<testsuites>` document with one `govcheck` suite."""
    cases = [_testcase(rule_id, title, findings, report)
             for rule_id, title, findings in _rules_with_findings(report)]
    suite = ET.Element("testsuite", {"name": "govcheck", **_counts(cases)})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("as_of", report.as_of.isoformat()), ("fail_on", report.fail_on.value),
                        ("entities", str(report.entities)), ("files", str(report.files)),
                        *_baseline_properties(report)):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    suite.extend(cases)
    root = ET.Element("testsuites", {"name": "govcheck", **_counts(cases)})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _baseline_properties(report: CheckReport) -> list[tuple[str, str]]:
    """How many findings the baseline accepted, and each of its entries now fixed."""
    outcome = report.baseline
    if outcome is None:
        return []
    return [("baseline", outcome.file), ("baselined", str(outcome.matched)),
            *(("fixed", _xml(entry.describe())) for entry in outcome.fixed)]


def _rules_with_findings(report: CheckReport) -> list[tuple[str, str, list[Finding]]]:
    """Every rule of the pack in id order, then any rule a finding names that the pack lacks."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in sorted(report.findings, key=lambda finding: finding.sort_key):
        by_rule.setdefault(finding.rule, []).append(finding)
    rules: list[tuple[str, Rule | None]] = [*report.rules.items()]
    rules += [(rule_id, None) for rule_id in sorted(set(by_rule) - set(report.rules))]
    return [(rule_id, rule.title if rule else rule_id, by_rule.get(rule_id, []))
            for rule_id, rule in rules]


def _testcase(rule_id: str, title: str, findings: list[Finding], report: CheckReport) -> ET.Element:
    case = ET.Element("testcase", {"classname": _xml(f"govcheck.{rule_id}"), "name": _xml(title),
                                   "time": "0"})
    failing = [f for f in findings if f.counts and f.severity.rank >= report.fail_on.rank]
    accepted = [f for f in findings if not f.counts]
    below = [f for f in findings if f.counts and f.severity.rank < report.fail_on.rank]
    if failing:
        _child(case, "failure", _summary(failing), failing).set("type", _worst(failing))
        case.set("file", _xml(failing[0].file))
    elif accepted:
        how = "waived" if all(f.waived for f in accepted) else (
            "baselined" if all(f.baselined for f in accepted) else "waived or baselined")
        _child(case, "skipped", f"{how}: {_summary(accepted)}", accepted)
    if below:
        ET.SubElement(case, "system-out").text = _lines(below)
    return case


def _child(case: ET.Element, tag: str, message: str, findings: list[Finding]) -> ET.Element:
    element = ET.SubElement(case, tag, {"message": message})
    element.text = _lines(findings)
    return element


def _summary(findings: list[Finding]) -> str:
    first = findings[0]
    entity = f" [{first.entity}]" if first.entity else ""
    text = f"{first.message}{entity}"
    if len(findings) > 1:
        text = f"{len(findings)} findings, the first: {text}"
    return _xml(text)


def _lines(findings: list[Finding]) -> str:
    return "\n".join(_xml(_finding_line(finding)) for finding in findings) + "\n"


def _finding_line(finding: Finding) -> str:
    entity = f" [{finding.entity}]" if finding.entity else ""
    place = f"{finding.file}:{finding.line}:{finding.column}: " if finding.file else ""
    return f"{place}{finding.severity.value} {finding.rule} {finding.message}{entity}"


def _worst(findings: list[Finding]) -> str:
    return max(findings, key=lambda finding: finding.severity.rank).severity.value


def _counts(cases: list[ET.Element]) -> dict[str, str]:
    failures = sum(1 for case in cases if case.find("failure") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    return {"tests": str(len(cases)), "failures": str(failures), "errors": "0",
            "skipped": str(skipped), "time": "0"}


def _xml(text: str) -> str:
    """`text` on one line, with the characters XML 1.0 cannot hold even escaped (which a
    manifest's double-quoted YAML may contain) and those of a non-UTF-8 file name shown as
    `printable` shows them; ElementTree escapes the rest."""
    return printable(text)
