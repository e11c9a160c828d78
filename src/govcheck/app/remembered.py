"""A check answered from the last run's result, when nothing it depends on has changed.

`run_check` remembers each result under a key over every input: the as-of date, govcheck.yaml's
bytes, the policy files, the manifests and govcheck's own code. The baseline is applied after,
as the full run applies it: the memo names its file and the rules that did not run. Answering from that memo needs
only those bytes, so this module finds and reads them without parsing anything: no YAML, no
schemas, no rules. The memo records where its run found its inputs (the config file, the
manifest folder, the policy folders); they follow from the config's bytes, which the key
covers, so a changed config never matches and the check runs in full.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from govcheck.errors import GovcheckError
from govcheck.load.cache import RunMemo, cache_folder
from govcheck.load.discover import (
    SourceFile,
    discover,
    exists,
    find_config,
    policy_files,
    project_root,
)
from govcheck.model.document import LoadProblem
from govcheck.model.findings import Severity
from govcheck.rules.baseline import apply_baseline, baseline_display, read_baseline
from govcheck.rules.report import CheckReport


@dataclass(frozen=True)
class ProjectPlace:
    """Where a project stands: its config file (None without one), the folder that file
    roots (or the repository root), and the repository root that reports are relative to."""

    config: Path | None
    folder: Path
    root: Path


def locate_project(cwd: Path, config_option: str | None = None) -> ProjectPlace:
    """The config given, else govcheck.yaml in `cwd` or above it, and the repository root."""
    path: Path | None
    if config_option is not None:
        path = Path(config_option)
        if not exists(path) or not path.is_file():
            raise GovcheckError(f"config file '{config_option}' does not exist")
    else:
        path = find_config(cwd)
    folder = path.resolve().parent if path is not None else project_root(cwd.resolve())
    return ProjectPlace(path, folder, project_root(folder))


@dataclass(frozen=True)
class RunInputs:
    """Where a check found its inputs, as the memo keeps it (absolute paths)."""

    config: str                       # "" without a config file
    config_name: str                  # the config's name in reports and in the key
    ecosystem: str                    # the manifests' folder when no PATH is given
    policy_folders: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config, "config_name": self.config_name,
                "ecosystem": self.ecosystem, "policy_folders": list(self.policy_folders)}

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> RunInputs | None:
        config, name, ecosystem = (stored.get(k) for k in ("config", "config_name", "ecosystem"))
        folders = stored.get("policy_folders")
        if not (isinstance(config, str) and isinstance(name, str) and isinstance(ecosystem, str)
                and isinstance(folders, list) and all(isinstance(f, str) for f in folders)):
            return None
        return cls(config, name, ecosystem, tuple(folders))


def config_identity(config: Path | None) -> str:
    return os.path.realpath(config) if config is not None else ""


def run_key(as_of: dt.date, config_name: str, config_raw: bytes,
            policies: Sequence[tuple[str, bytes]], sources: Sequence[SourceFile],
            problems: Sequence[LoadProblem]) -> str:
    """The memo key of a check: everything its findings depend on (and govcheck's code)."""
    return RunMemo.key(_run_inputs(as_of, config_name, config_raw, policies, sources, problems))


def _run_inputs(as_of: dt.date, config_name: str, config_raw: bytes,
                policies: Sequence[tuple[str, bytes]], sources: Sequence[SourceFile],
                problems: Sequence[LoadProblem]) -> Iterator[bytes]:
    yield as_of.isoformat().encode()
    yield config_name.encode("utf-8", "surrogateescape")
    yield config_raw
    for name, data in policies:
        yield name.encode("utf-8", "surrogateescape")
        yield data
    for source in sources:
        yield source.path.encode("utf-8", "surrogateescape")
        yield source.data
    for problem in problems:
        yield repr(problem).encode()


def remembered_report(cwd: Path, config_option: str | None, path: str | None, as_of: dt.date,
                      fail_on: Severity = Severity.ERROR) -> CheckReport | None:
    """The report `run_check` with the cache would give, when its remembered result still
    holds; None when the check has to run (nothing remembered, anything changed, anything
    that a full run would report as an error).

    The report's `rules` are empty: no rule was loaded. Only formats that show findings and
    counts, not rule descriptions, may print it."""
    try:
        place = locate_project(cwd, config_option)
        memo = RunMemo(cache_folder(place.root), place.root)
        stored = memo.inputs()
        inputs = RunInputs.from_dict(stored) if stored is not None else None
        if inputs is None or inputs.config != config_identity(place.config):
            return None
        target = Path(path) if path else Path(inputs.ecosystem)
        if not target.exists():
            return None
        raw = place.config.read_bytes() if place.config is not None else b""
        policies = policy_files([Path(folder) for folder in inputs.policy_folders], place.root)
        sources, problems = discover(target, place.root)
    except (GovcheckError, OSError):
        return None
    remembered = memo.get(run_key(as_of, inputs.config_name, raw, policies, sources, problems))
    if remembered is None or stored is None:
        return None
    findings, entities, files = remembered
    report = CheckReport(tuple(findings), {}, as_of, entities, files, fail_on)
    return with_baseline(report, stored, place.root, as_of)


def with_baseline(report: CheckReport, stored: dict[str, Any], root: Path,
                  as_of: dt.date) -> CheckReport | None:
    """The remembered findings with the baseline applied as the full run applies it: the
    baseline file and the rules that did not run are what that run stored. None (run in
    full) for a memo without them, or a baseline the full command must report on."""
    path, not_run = stored.get("baseline"), stored.get("not_run")
    if not isinstance(path, str) or not isinstance(not_run, list):
        return None
    file = Path(path)
    if not file.exists():
        return report
    display = baseline_display(file, root)
    try:
        baseline = read_baseline(file, display)
    except GovcheckError:
        return None
    skipped = frozenset(rule for rule in not_run if isinstance(rule, str))
    findings, outcome = apply_baseline(report.findings, baseline, display, as_of,
                                       lambda rule: rule not in skipped)
    return replace(report, findings=tuple(findings), baseline=outcome)
