"""A project on disk: its config, its policies, its estate; and `check` over them."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from govcheck.changes.report import CheckReport
from govcheck.errors import GovcheckError
from govcheck.load.build import build_estate
from govcheck.load.config import Config, find_config, load_config, project_root
from govcheck.load.discover import SourceFile, discover, exists
from govcheck.model.document import LoadProblem
from govcheck.model.estate import Estate
from govcheck.model.findings import Severity
from govcheck.rules.engine import check_estate
from govcheck.rules.policy import Rule, policy_files, rules_from


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
        return rules


def open_project(cwd: Path, config_option: str | None = None) -> Project:
    """Find and read govcheck.yaml (or the one given) and the repository root."""
    path: Path | None
    if config_option is not None:
        path = Path(config_option)
        if not exists(path) or not path.is_file():
            raise GovcheckError(f"config file '{config_option}' does not exist")
    else:
        path = find_config(cwd)
    folder = path.resolve().parent if path is not None else project_root(cwd.resolve())
    root = project_root(folder)
    config = load_config(path, root) if path else Config(root=folder)
    config.check_folders(root)
    return Project(config, root)


def load_estate(project: Project, target: Path, use_cache: bool = False) -> Estate:
    sources, problems = discover_manifests(project, target)
    return estate_of(project, sources, problems, use_cache)


def discover_manifests(project: Project, target: Path) -> tuple[list[SourceFile], list[LoadProblem]]:
    if not exists(target):
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
               fail_on: Severity) -> CheckReport:
    findings = check_estate(estate, rules, project.config, as_of)
    return CheckReport(tuple(findings), rules, as_of, len(estate.entities), len(estate.files), fail_on)


def run_check(project: Project, target: Path | None, as_of: dt.date,
              fail_on: Severity = Severity.ERROR, use_cache: bool = False) -> CheckReport:
    """Check the estate under `target` (default: the project's ecosystem folder).

    With the cache, an unchanged run (same files, policies, config, date and version) returns
    the last result without parsing anything; otherwise unchanged files are not re-parsed."""
    rules = project.rules()
    sources, problems = discover_manifests(project, target or project.ecosystem)
    if not use_cache:
        return report_for(estate_of(project, sources, problems, False), project, rules, as_of,
                          fail_on)
    from govcheck.load.cache import RunMemo, cache_folder

    memo = RunMemo(cache_folder(project.root), project.root)
    key = memo.key(_run_inputs(project, sources, problems, as_of))
    remembered = memo.get(key)
    if remembered is not None:
        findings, entities, files = remembered
        return CheckReport(tuple(findings), rules, as_of, entities, files, fail_on)
    report = report_for(estate_of(project, sources, problems, True), project, rules, as_of, fail_on)
    memo.put(key, report.findings, report.entities, report.files)
    return report


def _run_inputs(project: Project, sources: list[SourceFile], problems: list[LoadProblem],
                as_of: dt.date) -> Iterator[bytes]:
    """Everything a check's findings depend on, as bytes."""
    yield as_of.isoformat().encode()
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
