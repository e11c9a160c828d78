"""SARIF 2.1.0 output of `govcheck check` and `govcheck diff`, for GitHub code scanning.

GitHub's rules this follows: the same `ruleId` and the same relative file path for the same
problem on every run; rule metadata (short and full description, help, default level) on
`tool.driver.rules`; 1-based regions; `partialFingerprints` so that an alert survives a
re-run and a moved line. Each command uploads under its own `automationDetails.id`, so that a
`diff` upload never closes the alerts of a `check` upload.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from govcheck import __version__
from govcheck.changes.report import CHANGE_CLASSES, Change, DiffReport
from govcheck.model.findings import Finding, Severity
from govcheck.outputs.escape import json_document
from govcheck.outputs.options import FormatOptions
from govcheck.rules.baseline import PRUNE_COMMAND, BaselineEntry
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/govcheck/govcheck"
FINGERPRINT_KEY = "govcheckFindingHash/v1"
SOURCE_ROOT = "%SRCROOT%"
# Findings outside every file (rare) still need a place for GitHub to show them: the config.
FALLBACK_URI = "govcheck.yaml"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning",
                     Severity.INFO: "recommendation"}
_CHANGE_LEVELS = {"breaking": "warning", "major": "warning", "minor": "note", "none": "note"}

JSONObject = dict[str, Any]


def check_sarif(report: CheckReport, options: FormatOptions) -> str:
    """The findings of `govcheck check` as one SARIF run (waived findings as suppressions).

    `options.extra` may give `information_uri`, `category` (the automation id prefix) and, per
    waived finding, `waiver:RULE:ENTITY` = the waiver's reason."""
    rules = _all_rules(report)
    index = {rule.id: position for position, rule in enumerate(rules)}
    findings = sorted(report.findings, key=lambda finding: finding.sort_key)
    fingerprints = _fingerprints(findings)
    results = [_finding_result(finding, index[finding.rule], fingerprint, options)
               for finding, fingerprint in zip(findings, fingerprints)]
    if report.baseline is not None:
        for result, finding in zip(results, findings):
            _mark_baseline_state(result, finding, report.baseline.file)
        results += [_absent_result(entry, index[entry.rule], report.baseline.file)
                    for entry in report.baseline.fixed]
    run = _run([_rule_descriptor(rule) for rule in rules], results,
               options.extra.get("category", "govcheck-check"), options)
    run["properties"] = {"asOf": report.as_of.isoformat(), "entities": report.entities,
                         "files": report.files, "failOn": report.fail_on.value}
    if report.baseline is not None:
        run["properties"]["baseline"] = report.baseline.to_dict()
    return _dump(run)


def diff_sarif(report: DiffReport, options: FormatOptions) -> str:
    """The changes found by `govcheck diff`, one result each, rule id = the change type.

    Level: `error` while a required sign-off is missing, else `warning` for breaking and major
    changes and `note` for minor ones."""
    types = sorted({change.type for change in report.changes})
    index = {change_type: position for position, change_type in enumerate(types)}
    changes = sorted(report.changes, key=lambda change: (change.file, change.line, change.type,
                                                          change.entity, change.detail))
    fingerprints = _occurrences([_change_hash(change) for change in changes])
    results = [_change_result(change, index[change.type], fingerprint)
               for change, fingerprint in zip(changes, fingerprints)]
    descriptors = [_change_descriptor(change_type, report.changes) for change_type in types]
    run = _run(descriptors, results, options.extra.get("category", "govcheck-diff"), options)
    run["properties"] = {"base": report.base, "head": report.head,
                         "baseLabel": report.base_label, "headLabel": report.head_label,
                         "failOn": report.fail_on, "summary": report.summary(),
                         "evidence": [approval.to_dict() for approval in report.evidence],
                         "notes": list(report.notes)}
    notifications = [{"level": "warning", "message": {
        "text": f"sign-off evidence not counted: {approval.describe()}: {approval.reason}"}}
        for approval in report.not_counted]
    notifications += [{"level": "note", "message": {"text": note}} for note in report.notes]
    if notifications:
        run["invocations"][0]["toolExecutionNotifications"] = notifications
    return _dump(run)


def _dump(run: JSONObject) -> str:
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json_document(document)


def _run(descriptors: list[JSONObject], results: list[JSONObject], category: str,
         options: FormatOptions) -> JSONObject:
    driver = {"name": "govcheck", "version": __version__, "semanticVersion": __version__,
              "informationUri": options.extra.get("information_uri", INFORMATION_URI),
              "rules": descriptors}
    return {"tool": {"driver": driver},
            "automationDetails": {"id": f"{category.rstrip('/')}/"},
            "invocations": [{"executionSuccessful": True}],
            "columnKind": "unicodeCodePoints",
            "results": results}


# --- check -------------------------------------------------------------------------------


def _all_rules(report: CheckReport) -> list[Rule]:
    """Every rule of the pack, in id order (a stable ruleIndex), plus any rule a finding names
    that the pack lacks, so that every result has its descriptor."""
    rules = list(report.rules.values())
    known = set(report.rules)
    named = {finding.rule for finding in report.findings}
    named |= {entry.rule for entry in report.baseline.fixed} if report.baseline else set()
    for rule_id in sorted(named - known):
        rules.append(Rule(rule_id, rule_id, Severity.ERROR, rule_id, "See the finding's message."))
    return rules


def _rule_descriptor(rule: Rule) -> JSONObject:
    help_text = f"{rule.rationale}\n\nRemediation: {rule.remediation}"
    help_markdown = f"**Why:** {rule.rationale}\n\n**Fix:** {rule.remediation}"
    if rule.example:
        help_markdown += f"\n\n**Example:**\n\n```yaml\n{rule.example.rstrip()}\n```"
    return {
        "id": rule.id,
        "name": _camel_name(rule.title) or rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": ["governance", "govcheck"], "precision": "very-high",
                       "problem.severity": _PROBLEM_SEVERITY[rule.severity]},
    }


def _camel_name(title: str) -> str:
    """A rule's name as SARIF tools expect it: one identifier-like word ("EveryRealTime...")."""
    words = "".join(char if char.isalnum() else " " for char in title.replace("'", "")).split()
    return "".join(word[:1].upper() + word[1:] for word in words)


def _finding_result(finding: Finding, rule_index: int, fingerprint: str,
                    options: FormatOptions) -> JSONObject:
    entity = f" [{finding.entity}]" if finding.entity else ""
    result: JSONObject = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.message}{entity}"},
        "locations": [_location(finding.file, finding.line, finding.column, finding.entity)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"entity": finding.entity, "severity": finding.severity.value},
    }
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": _justification(finding, options)}]
    return result


def _mark_baseline_state(result: JSONObject, finding: Finding, baseline_file: str) -> None:
    """`new` or `unchanged` against the baseline; an accepted finding is also suppressed, so
    that code scanning does not raise an alert for what the project accepted."""
    result["baselineState"] = "unchanged" if finding.baselined else "new"
    if finding.baselined and not finding.waived:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f"Accepted as it was in the baseline "
                                                    f"{baseline_file}"}]


def _absent_result(entry: BaselineEntry, rule_index: int, baseline_file: str) -> JSONObject:
    """A baseline entry that no longer occurs: a passing result located at its entry."""
    times = f" ({entry.count} occurrences)" if entry.count > 1 else ""
    subject = f" [{entry.entity}]" if entry.entity else ""
    return {
        "ruleId": entry.rule,
        "ruleIndex": rule_index,
        "kind": "pass",
        "level": "none",
        "baselineState": "absent",
        "message": {"text": f"fixed since the baseline{times}: {entry.message}{subject}; "
                            f"'{PRUNE_COMMAND}' removes it from {baseline_file}"},
        "locations": [_location(baseline_file, entry.line, 1, "")],
        "partialFingerprints": {FINGERPRINT_KEY: f"{_sha256(*entry.identity)}:absent"},
        "properties": {"entity": entry.entity, "count": entry.count},
    }


def _justification(finding: Finding, options: FormatOptions) -> str:
    reason = options.extra.get(f"waiver:{finding.rule}:{finding.entity}")
    subject = finding.entity or "this finding"
    return reason or f"Waived in govcheck.yaml: an accepted exception to {finding.rule} for {subject}"


def _fingerprints(findings: list[Finding]) -> list[str]:
    return _occurrences([_finding_hash(finding) for finding in findings])


def _finding_hash(finding: Finding) -> str:
    """What identifies a finding across runs: rule, entity and message, never the line. A
    finding outside any entity (a YAML syntax error) is identified by its file instead."""
    return _sha256(*finding.identity)


def _occurrences(hashes: list[str]) -> list[str]:
    """`hash:n`: the n-th result with the same hash in this run, so that two identical findings
    stay two alerts."""
    seen: Counter[str] = Counter()
    numbered = []
    for value in hashes:
        seen[value] += 1
        numbered.append(f"{value}:{seen[value]}")
    return numbered


def _sha256(*parts: str) -> str:
    # surrogateescape: a non-UTF-8 file name is hashed as the bytes it is on disk.
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


# --- locations ---------------------------------------------------------------------------


def artifact_uri(path: str) -> str:
    """A repository-relative POSIX path as a relative URI reference: no leading `./`, and
    percent-encoded so that spaces, `#`, `%` or a colon never change its meaning. A file name
    that is not UTF-8 is encoded as its bytes on disk (`bad\\xff.yaml` is `bad%FF.yaml`)."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/-._~!$&'()*+=@", errors="surrogateescape")


def _location(file: str, line: int, column: int, entity: str) -> JSONObject:
    location: JSONObject = {"physicalLocation": {
        "artifactLocation": {"uri": artifact_uri(file or FALLBACK_URI), "uriBaseId": SOURCE_ROOT},
        "region": {"startLine": max(1, line) if file else 1,
                   "startColumn": max(1, column) if file else 1},
    }}
    if entity:
        location["logicalLocations"] = [{"fullyQualifiedName": entity, "kind": "object"}]
    return location


# --- diff --------------------------------------------------------------------------------


def _change_descriptor(change_type: str, changes: Iterable[Change]) -> JSONObject:
    present = {change.change_class for change in changes if change.type == change_type}
    classes = [name for name in CHANGE_CLASSES if name in present]   # most severe first
    worst = classes[0] if classes else "minor"
    title = f"Governance change: {change_type}"
    rationale = ("A change to the governed estate that needs sign-off from the people "
                 "responsible for it, resolved at the base revision.")
    return {
        "id": change_type,
        "name": _camel_name(change_type.replace(".", " ")) or change_type,
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"{title} ({', '.join(classes)}). {rationale}"},
        "help": {"text": f"{rationale}\n\nGet the sign-off the result names: a review of the "
                         "pull request, a signed commit with an Approved-by trailer, or "
                         "--approved-by.",
                 "markdown": f"{rationale}\n\n**Fix:** get the sign-off the result names "
                             "(a pull-request review, a signed commit with an `Approved-by:` "
                             "trailer, or `govcheck diff --approved-by`)."},
        "defaultConfiguration": {"level": _CHANGE_LEVELS.get(worst, "warning")},
        "properties": {"tags": ["governance", "govcheck", "change-control", *classes]},
    }


def _change_result(change: Change, rule_index: int, fingerprint: str) -> JSONObject:
    # one wording of sign-off for every format
    from govcheck.outputs.annotations import change_sentence

    level = "error" if not change.satisfied else _CHANGE_LEVELS.get(change.change_class, "warning")
    return {
        "ruleId": change.type,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": change_sentence(change)},
        "locations": [_location(change.file, change.line, 1, change.entity)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"entity": change.entity, "class": change.change_class,
                       "satisfied": change.satisfied,
                       "requires": [requirement.to_dict() for requirement in change.requires]},
    }


def _change_hash(change: Change) -> str:
    return _sha256(change.type, change.entity, change.detail)
