"""`check` as a library function: the project's rules over its estate, remembered whole when
nothing that decides the outcome has changed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from govcheck.app.project import Project, discover_manifests, estate_of, inputs_of
from govcheck.app.remembered import run_key
from govcheck.load.discover import SourceFile
from govcheck.model.document import LoadProblem
from govcheck.model.estate import Estate
from govcheck.model.findings import Severity
from govcheck.rules.engine import check_estate
from govcheck.rules.policy import Rule
from govcheck.rules.report import CheckReport


def report_for(estate: Estate, project: Project, rules: dict[str, Rule], as_of: dt.date,
               fail_on: Severity) -> CheckReport:
    findings = check_estate(estate, rules, project.config, as_of)
    return CheckReport(tuple(findings), rules, as_of, len(estate.entities), len(estate.files), fail_on)


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
              fail_on: Severity = Severity.ERROR, use_cache: bool = False) -> CheckResult:
    """Check the estate under `target` (default: the project's ecosystem folder).

    With the cache, an unchanged run (same files, policies, config, date and version) returns
    the last result without parsing anything; otherwise unchanged files are not re-parsed."""
    rules = project.rules()
    sources, problems = discover_manifests(project, target or project.ecosystem)
    result = CheckResult(CheckReport((), rules, as_of, 0, 0, fail_on), project, sources,
                         problems, use_cache)
    if not use_cache:
        result.report = report_for(result.estate(), project, rules, as_of, fail_on)
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
    result.report = report_for(result.estate(), project, rules, as_of, fail_on)
    memo.put(key, result.report.findings, result.report.entities, result.report.files,
             inputs_of(project).to_dict())
    return result
