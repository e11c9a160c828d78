"""The rule engine: runs every rule of the policy pack over an estate and returns findings.

Works as a library: `check_estate(estate, rules, config, as_of)` needs no command line.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace

from govcheck.load.config import Config, waiver_problems
from govcheck.model.estate import Estate
from govcheck.model.findings import Finding, Severity
from govcheck.rules.checks import PRIMITIVES, Context, Hit
from govcheck.rules.policy import Check, Rule
from govcheck.rules.selection import Selection, selection_of


def check_estate(estate: Estate, rules: dict[str, Rule], config: Config,
                 as_of: dt.date, selection: Selection | None = None) -> list[Finding]:
    """Every finding of every enabled rule, waivers applied, sorted by place. The rules that
    run are the config's `select`/`ignore`, unless `selection` says otherwise."""
    context = Context(estate, as_of, config, frozenset(rules))
    late: list[tuple[Rule, Check, Severity]] = []
    findings: list[Finding] = []
    chosen = selection if selection is not None else selection_of(config)
    for rule, check, severity in _enabled_checks(rules, config, chosen):
        if PRIMITIVES[check.function].late:
            late.append((rule, check, severity))
        else:
            findings.extend(_stamp(rule, severity, PRIMITIVES[check.function].function(
                context, check.params)))
    findings = _apply_waivers(findings, config, context)
    context.findings = findings
    for rule, check, severity in late:
        findings.extend(_stamp(rule, severity, PRIMITIVES[check.function].function(
            context, check.params)))
    return sorted(set(findings), key=lambda finding: finding.sort_key)


def _enabled_checks(rules: dict[str, Rule], config: Config, selection: Selection
                    ) -> Iterable[tuple[Rule, Check, Severity]]:
    for rule in rules.values():
        configured = config.severity_for(rule.id, rule.severity)
        if configured is None or not selection.enabled(rule.id):
            continue
        overridden = rule.id in config.severities
        for check in rule.checks:
            yield rule, check, configured if overridden else (check.severity or rule.severity)


def _stamp(rule: Rule, severity: Severity, hits: Iterable[Hit]) -> list[Finding]:
    return [Finding(rule.id, severity, hit.entity, hit.file, hit.line, hit.column, hit.message)
            for hit in hits]


def _apply_waivers(findings: list[Finding], config: Config, context: Context) -> list[Finding]:
    """Mark the findings that a valid, unexpired waiver covers (by rule and entity)."""
    active = {(waiver.get("rule"), waiver.get("entity"))
              for index, waiver in enumerate(config.waivers)
              if not waiver_problems(waiver, index, context.estate, context.rule_ids, context.as_of)}
    return [replace(finding, waived=True) if (finding.rule, finding.entity) in active else finding
            for finding in findings]


def judged_by(rules: dict[str, Rule], config: Config, selection: Selection) -> Callable[[str], bool]:
    """Whether a run with these rules, config and selection judges a rule id: the rule ran,
    or it no longer exists (so nothing can find it any more)."""
    def judged(rule_id: str) -> bool:
        rule = rules.get(rule_id)
        return rule is None or (selection.enabled(rule_id)
                                and config.severity_for(rule_id, rule.severity) is not None)
    return judged
