"""A project on disk: its config, its policies, its estate; and `check` over them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import Config, find_config, load_config, project_root
from .engine import check_estate
from .errors import GovcheckError
from .findings import Severity
from .manifests import SourceFile, build_estate, discover
from .model import Estate
from .policy import Rule, load_rules
from .report import CheckReport


@dataclass(frozen=True)
class Project:
    config: Config
    root: Path          # file names in reports are relative to this (the repository root)

    @property
    def ecosystem(self) -> Path:
        return self.config.root / self.config.ecosystem

    def policy_folders(self) -> list[Path]:
        return [self.config.root / folder for folder in self.config.policies]

    def rules(self) -> dict[str, Rule]:
        rules = load_rules(self.policy_folders())
        self.config.check_rule_ids(frozenset(rules))
        return rules


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
    if not target.exists():
        raise GovcheckError(f"no such file or folder: '{target}' (pass the manifests' folder, "
                            "or set 'ecosystem:' in govcheck.yaml; 'govcheck init' makes one)")
    sources, problems = discover(target, project.root)
    cache = None
    if use_cache:
        from .cache import ParseCache, default_cache_dir

        cache = ParseCache(default_cache_dir(), project.root)
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
    """Check the estate under `target` (default: the project's ecosystem folder)."""
    rules = project.rules()
    estate = load_estate(project, target if target is not None else project.ecosystem, use_cache)
    return report_for(estate, project, rules, as_of, fail_on)
