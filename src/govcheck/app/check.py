"""`check` as a library function: the project's rules over its estate, remembered whole when
nothing that decides the outcome has changed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from govcheck.app.project import Project, discover_manifests, estate_of
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
    result = _judged(project, target, as_of, fail_on, use_cache, rules, selection)
    if baseline is not None:
        findings, outcome = apply_baseline(result.report.findings, baseline, baseline_name,
                                           as_of, judged_by(rules, project.config, selection))
        result.report = replace(result.report, findings=tuple(findings), baseline=outcome)
    return result


def _judged(project: Project, target: Path | None, as_of: dt.date, fail_on: Severity,
            use_cache: bool, rules: dict[str, Rule], selection: Selection) -> CheckResult:
    sources, problems = discover_manifests(project, target or project.ecosystem)
    result = CheckResult(CheckReport((), rules, as_of, 0, 0, fail_on), project, sources,
                         problems, use_cache)
    if not use_cache:
        result.report = report_for(result.estate(), project, rules, as_of, fail_on, selection)
        return result
    from govcheck.load.cache import RunMemo, cache_folder

    memo = RunMemo(cache_folder(project.root), project.root)
    key = memo.key(_run_inputs(project, sources, problems, as_of, selection))
    remembered = memo.get(key)
    if remembered is not None:
        findings, entities, files = remembered
        result.report = CheckReport(tuple(findings), rules, as_of, entities, files, fail_on)
        return result
    result.report = report_for(result.estate(), project, rules, as_of, fail_on, selection)
    memo.put(key, result.report.findings, result.report.entities, result.report.files)
    return result


def _run_inputs(project: Project, sources: list[SourceFile], problems: list[LoadProblem],
                as_of: dt.date, selection: Selection) -> Iterator[bytes]:
    """Everything a check's findings depend on, as bytes."""
    yield as_of.isoformat().encode()
    yield repr((selection.select, selection.ignore)).encode()
    yield project.config.file.encode()
    yield project.config.raw
    for name, data in project.policy_files:
        yield name.encode()
        yield data
    for source in sources:
        yield source.path.encode()
        yield source.data
    for problem in problems:
        yield repr(problem).encode()
