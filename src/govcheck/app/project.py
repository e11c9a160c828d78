"""A project on disk: its config, its policies, its estate; and `check` over them."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from govcheck.changes.report import CheckReport
from govcheck.errors import GovcheckError
from govcheck.load.build import build_estate
from govcheck.load.config import Config, find_config, load_config, project_root
from govcheck.load.discover import SourceFile, discover
from govcheck.model.document import LoadProblem
from govcheck.model.estate import Estate
from govcheck.model.findings import Severity
from govcheck.rules.baseline import Baseline, apply_baseline, read_baseline
from govcheck.rules.engine import check_estate, judged_by
from govcheck.rules.policy import Rule, policy_files, rules_from
from govcheck.rules.selection import Selection, check_selectors, selection_of


@dataclass(frozen=True)
class Project:
    config: Config
    root: Path          # file names in reports are relative to this (the repository root)

    @property
    def ecosystem(self) -> Path:
        return self.config.root / self.config.ecosystem

    def policy_folders(self) -> list[Path]:
        return [self.config.root / folder for folder in self.config.policies]

    @functools.cached_property
    def policy_files(self) -> list[tuple[str, bytes]]:
        """The policy files, read once: the rules and a cached run's key both need them."""
        return policy_files(self.policy_folders(), self.root)

    def rules(self) -> dict[str, Rule]:
        rules = rules_from(self.policy_files)
        self.config.check_rule_ids(frozenset(rules))
        check_selectors(self.config, rules)
        return rules

    def selection(self, rules: dict[str, Rule], select: Sequence[str] = (),
                  ignore: Sequence[str] = ()) -> Selection:
        """The rules that run: govcheck.yaml's `select`/`ignore` with the command line's."""
        check_selectors(self.config, rules, select, ignore)
        return selection_of(self.config, select, ignore)

    def baseline_file(self, option: str | None = None) -> tuple[Path, str]:
        """The baseline's path and its name in messages: --baseline, else govcheck.yaml's
        `baseline:` (default .govcheck-baseline.json beside govcheck.yaml)."""
        path = Path(option) if option is not None else self.config.root / self.config.baseline
        try:
            display = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            display = str(path)
        return path, display

    def read_baseline(self, option: str | None = None) -> tuple[Baseline | None, str]:
        """The baseline in force, or None when there is none: a missing default or configured
        file is no baseline yet, a missing --baseline FILE is a mistake (exit 2)."""
        path, display = self.baseline_file(option)
        if not path.exists():
            if option is not None:
                raise GovcheckError(f"baseline file '{option}' does not exist "
                                    "('govcheck baseline' writes one)")
            return None, display
        return read_baseline(path, display), display


@dataclass(frozen=True)
class CheckOptions:
    """What `check` and `baseline` were asked for beyond the project's config."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: str | None = None     # --baseline FILE
    use_baseline: bool = True       # False: --no-baseline


def open_project(cwd: Path, config_option: str | None = None) -> Project:
    """Find and read govcheck.yaml (or the one given) and the repository root."""
    path: Path | None
    if config_option is not None:
        path = Path(config_option)
        if not path.is_file():
            raise GovcheckError(f"config file '{config_option}' does not exist")
    else:
        path = find_config(cwd)
    folder = path.resolve().parent if path is not None else project_root(cwd.resolve())
    root = project_root(folder)
    return Project(load_config(path, root) if path else Config(root=folder), root)


def load_estate(project: Project, target: Path, use_cache: bool = False) -> Estate:
    sources, problems = discover_manifests(project, target)
    return estate_of(project, sources, problems, use_cache)


def discover_manifests(project: Project, target: Path) -> tuple[list[SourceFile], list[LoadProblem]]:
    if not target.exists():
        raise GovcheckError(f"no such file or folder: '{target}' (pass the manifests' folder, "
                            "or set 'ecosystem:' in govcheck.yaml; 'govcheck init' makes one)")
    return discover(target, project.root)


def estate_of(project: Project, sources: list[SourceFile], problems: list[LoadProblem],
              use_cache: bool) -> Estate:
    cache = None
    if use_cache:
        from govcheck.load.cache import ParseCache, cache_folder

        cache = ParseCache(cache_folder(project.root), project.root)
    return build_estate(sources, problems, cache)


def check_sources(project: Project, sources: list[SourceFile], rules: dict[str, Rule],
                  as_of: dt.date, fail_on: Severity = Severity.ERROR) -> CheckReport:
    """Check an estate given as file contents (from disk or from a git revision)."""
    return report_for(build_estate(sources), project, rules, as_of, fail_on)


def report_for(estate: Estate, project: Project, rules: dict[str, Rule], as_of: dt.date,
               fail_on: Severity, selection: Selection | None = None) -> CheckReport:
    findings = check_estate(estate, rules, project.config, as_of, selection)
    return CheckReport(tuple(findings), rules, as_of, len(estate.entities), len(estate.files), fail_on)


def run_check(project: Project, target: Path | None, as_of: dt.date,
              fail_on: Severity = Severity.ERROR, use_cache: bool = False,
              options: CheckOptions = CheckOptions()) -> CheckReport:
    """Check the estate under `target` (default: the project's ecosystem folder), with the
    rules selected and the baseline applied.

    With the cache, an unchanged run (same files, policies, config, date and version) returns
    the last result without parsing anything; otherwise unchanged files are not re-parsed."""
    rules = project.rules()
    selection = project.selection(rules, options.select, options.ignore)
    baseline, baseline_name = (project.read_baseline(options.baseline) if options.use_baseline
                               else (None, ""))
    report = _findings(project, target, as_of, fail_on, use_cache, rules, selection)
    if baseline is None:
        return report
    findings, outcome = apply_baseline(report.findings, baseline, baseline_name, as_of,
                                       judged_by(rules, project.config, selection))
    return replace(report, findings=tuple(findings), baseline=outcome)


def _findings(project: Project, target: Path | None, as_of: dt.date, fail_on: Severity,
              use_cache: bool, rules: dict[str, Rule], selection: Selection) -> CheckReport:
    sources, problems = discover_manifests(project, target or project.ecosystem)
    if not use_cache:
        return report_for(estate_of(project, sources, problems, False), project, rules, as_of,
                          fail_on, selection)
    from govcheck.load.cache import RunMemo, cache_folder

    memo = RunMemo(cache_folder(project.root), project.root)
    key = memo.key(_run_inputs(project, sources, problems, as_of, selection))
    remembered = memo.get(key)
    if remembered is not None:
        findings, entities, files = remembered
        return CheckReport(tuple(findings), rules, as_of, entities, files, fail_on)
    report = report_for(estate_of(project, sources, problems, True), project, rules, as_of,
                        fail_on, selection)
    memo.put(key, report.findings, report.entities, report.files)
    return report


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
