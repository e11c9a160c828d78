"""`check` as a library function: the project's rules over its estate, remembered whole when
nothing that decides the outcome has changed."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from govcheck.app.project import Project, discover_manifests, estate_of, inputs_of
from govcheck.app.remembered import run_key
from govcheck.load.discover import SourceFile
from govcheck.model.document import LoadProblem
from govcheck.model.estate import Estate
from govcheck.model.findings import Severity
from govcheck.rules.baseline import apply_baseline
from govcheck.rules.engine import check_estate, judged_by
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport
from govcheck.rules.selection import Selection


def report_for(estate: Estate, project: Project, rules: dict[str, Rule], as_of: dt.date,
               fail_on: Severity, selection: Selection | None = None) -> CheckReport:
    findings = check_estate(estate, rules, project.config, as_of, selection)
    return CheckReport(tuple(findings), rules, as_of, len(estate.entities), len(estate.files), fail_on)


@dataclass(frozen=True)
class CheckOptions:
    """What `check` and `baseline` were asked for beyond the project's config."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: str | None = None     # --baseline FILE
    use_baseline: bool = True       # False: --no-baseline


@dataclass
class CheckResult:
    """A check's report, and the estate it judged (loaded on demand when the report was
    remembered from an identical earlier run: only the map in a step summary needs it)."""

    report: CheckReport
    project: Project
    sources: list[SourceFile]
    problems: list[LoadProblem]
    use_cache: bool
    _estate: Estate | None = None

    def estate(self) -> Estate:
        if self._estate is None:
            self._estate = estate_of(self.project, self.sources, self.problems, self.use_cache)
        return self._estate


def run_check(project: Project, target: Path | None, as_of: dt.date,
              fail_on: Severity = Severity.ERROR, use_cache: bool = False,
              options: CheckOptions = CheckOptions()) -> CheckResult:
    """Check the estate under `target` (default: the project's ecosystem folder), with the
    rules the options and govcheck.yaml select, and the baseline applied.

    With the cache, an unchanged run (same files, policies, config, date and version) returns
    the last result without parsing anything; otherwise unchanged files are not re-parsed."""
    rules = project.rules()
    selection = project.selection(rules, options.select, options.ignore)
    baseline, baseline_name = (project.read_baseline(options.baseline) if options.use_baseline
                               else (None, ""))
    result = _judged(project, target, as_of, fail_on, use_cache, rules, selection,
                     remember=not (options.select or options.ignore))
    if baseline is not None:
        findings, outcome = apply_baseline(result.report.findings, baseline, baseline_name,
                                           as_of, judged_by(rules, project.config, selection))
        result.report = replace(result.report, findings=tuple(findings), baseline=outcome)
    return result


def _judged(project: Project, target: Path | None, as_of: dt.date, fail_on: Severity,
            use_cache: bool, rules: dict[str, Rule], selection: Selection,
            remember: bool) -> CheckResult:
    """The findings, before the baseline; remembered whole only for the config's own
    selection of rules (the run a remembered answer stands in for)."""
    sources, problems = discover_manifests(project, target or project.ecosystem)
    result = CheckResult(CheckReport((), rules, as_of, 0, 0, fail_on), project, sources,
                         problems, use_cache)
    if not use_cache or not remember:
        result.report = report_for(result.estate(), project, rules, as_of, fail_on, selection)
        return result
    from govcheck.load.cache import RunMemo, cache_folder

    memo = RunMemo(cache_folder(project.root), project.root)
    key = run_key(as_of, project.config.file, project.config.raw, project.policy_files, sources,
                  problems)
    remembered = memo.get(key)
    if remembered is not None:
        findings, entities, files = remembered
        result.report = CheckReport(tuple(findings), rules, as_of, entities, files, fail_on)
        return result
    result.report = report_for(result.estate(), project, rules, as_of, fail_on, selection)
    memo.put(key, result.report.findings, result.report.entities, result.report.files,
             {**inputs_of(project).to_dict(), **baseline_inputs(project, rules, selection)})
    return result


def baseline_inputs(project: Project, rules: dict[str, Rule],
                    selection: Selection) -> dict[str, Any]:
    """What a remembered answer needs to apply the baseline without the config or the rules:
    the baseline file, and the rules that exist but did not run (their entries are not
    fixed). The memo's key covers the config and the policies these follow from."""
    judged = judged_by(rules, project.config, selection)
    return {"baseline": os.path.abspath(project.baseline_file()[0]),
            "not_run": sorted(rule for rule in rules if not judged(rule))}
