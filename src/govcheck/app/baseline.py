"""`govcheck baseline`: record today's findings as accepted, or prune the ones now fixed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from govcheck.app.check import CheckOptions, run_check
from govcheck.app.project import Project
from govcheck.errors import GovcheckError
from govcheck.model.document import MANIFEST_SUFFIXES
from govcheck.model.findings import Finding
from govcheck.rules.baseline import (
    NEVER_BASELINED,
    Baseline,
    accepted,
    apply_baseline,
    baseline_from,
    pruned,
    read_baseline,
    write_baseline,
)
from govcheck.rules.engine import judged_by


@dataclass(frozen=True)
class BaselineRequest:
    """What the command line asked for."""

    target: Path | None = None          # the manifests (default: the ecosystem folder)
    output: str | None = None           # the baseline file (default: from govcheck.yaml)
    prune: bool = False
    force: bool = False
    expires: dt.date | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class BaselineResult:
    file: str
    baseline: Baseline                  # what the file holds now
    before: Baseline | None             # what it held, when there was a file
    entities: int
    never_baselined: tuple[Finding, ...] = ()   # GOV000: fixed, never accepted

    @property
    def removed(self) -> int:
        return self.before.size - self.baseline.size if self.before is not None else 0


def write_project_baseline(project: Project, request: BaselineRequest,
                           as_of: dt.date) -> BaselineResult:
    """Write (or prune) the project's baseline file; nothing is replaced without `force`."""
    path, display = project.baseline_file(request.output)
    if path.suffix in MANIFEST_SUFFIXES or path.is_dir():
        raise GovcheckError(f"'{display}' is not a baseline file: name a .json file")
    if request.expires is not None and request.expires <= as_of:
        raise GovcheckError(f"--expires {request.expires.isoformat()} is not after "
                            f"{as_of.isoformat()}: a baseline must expire in the future")
    before = _existing(path, display, request)
    options = CheckOptions(request.select, request.ignore, use_baseline=False)
    report = run_check(project, request.target, as_of, options=options).report
    if request.prune and before is not None:
        after = _prune(project, report.findings, before, display, as_of, request)
    else:
        after = baseline_from(accepted(report.findings), request.expires)
    write_baseline(path, display, after)
    unreadable = tuple(f for f in report.findings if f.rule in NEVER_BASELINED and f.counts)
    return BaselineResult(display, after, before, report.entities, unreadable)


def _existing(path: Path, display: str, request: BaselineRequest) -> Baseline | None:
    """The file there is: --prune needs one, writing anew needs --force to replace one (even
    a corrupt one, which is then not compared with)."""
    if request.prune:
        if not path.exists():
            raise GovcheckError(f"there is no baseline to prune at '{display}' ('govcheck "
                                "baseline' writes one)")
        return read_baseline(path, display)
    if not path.exists():
        return None
    if not request.force:
        raise GovcheckError(f"the baseline '{display}' exists: '--prune' removes the entries "
                            "that no longer occur, '--force' replaces it with today's findings")
    try:
        return read_baseline(path, display)
    except GovcheckError:
        return None


def _prune(project: Project, findings: tuple[Finding, ...], before: Baseline, display: str,
           as_of: dt.date, request: BaselineRequest) -> Baseline:
    """The entries that still occur; an expiry is kept unless --expires gives a new one."""
    rules = project.rules()
    selection = project.selection(rules, request.select, request.ignore)
    _, outcome = apply_baseline(findings, replace(before, expires=None), display, as_of,
                                judged_by(rules, project.config, selection))
    kept = pruned(before, outcome.fixed)
    return replace(kept, expires=request.expires or before.expires)
