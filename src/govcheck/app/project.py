"""A project on disk: its config, its policies, its manifests and its estate."""
from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govcheck.app.remembered import RunInputs, config_identity, locate_project
from govcheck.errors import GovcheckError
from govcheck.load.build import build_estate
from govcheck.load.config import Config, load_config
from govcheck.load.discover import SourceFile, discover, exists, policy_files
from govcheck.model.document import LoadProblem
from govcheck.model.estate import Estate
from govcheck.rules.baseline import Baseline, baseline_display, read_baseline
from govcheck.rules.policy import Pack, Rule, pack_policy_files, resolve_pack, rules_from
from govcheck.rules.selection import Selection, check_selectors, selection_of


@dataclass(frozen=True)
class Project:
    config: Config
    root: Path          # file names in reports are relative to this (the repository root)
    config_path: Path | None = None   # govcheck.yaml as found or given; None without one

    @property
    def ecosystem(self) -> Path:
        return self.config.root / self.config.ecosystem

    def policy_folders(self) -> list[Path]:
        return [self.config.root / folder for folder in self.config.policies]

    @functools.cached_property
    def packs(self) -> list[Pack]:
        """The policy packs govcheck.yaml `extends`; a pack that cannot be found is an error
        at its entry in govcheck.yaml."""
        packs = []
        for index, name in enumerate(self.config.extends):
            try:
                packs.append(resolve_pack(name, self.config.root))
            except GovcheckError as error:
                line, column = self.config.locate(("extends", index))
                raise GovcheckError(error.message, self.config.file, line, column) from None
        return packs

    @functools.cached_property
    def policy_files(self) -> list[tuple[str, bytes]]:
        """The policy files, read once: the rules and a cached run's key both need them."""
        files = policy_files(self.policy_folders(), self.root)
        for pack in self.packs:
            files.extend(pack_policy_files(pack, self.root))
        return files

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
        return path, baseline_display(path, self.root)

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


def open_project(cwd: Path, config_option: str | None = None) -> Project:
    """Find and read govcheck.yaml (or the one given) and the repository root."""
    place = locate_project(cwd, config_option)
    config = load_config(place.config, place.root) if place.config else Config(root=place.folder)
    config.check_folders(place.root)
    return Project(config, place.root, place.config)


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
    estate = build_estate(sources, problems, cache)
    if cache is not None:
        cache.save()
    return estate


def inputs_of(project: Project) -> RunInputs:
    """Where a check of this project finds its inputs (for the next run, see remembered)."""
    return RunInputs(config_identity(project.config_path), project.config.file,
                     os.path.abspath(project.ecosystem),
                     tuple(os.path.abspath(folder) for folder in project.policy_folders()))
