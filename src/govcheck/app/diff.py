"""Change control from the git history, as a library function (`govcheck diff` calls it).

Reads govcheck.yaml, the manifests and the policy files of both revisions from git objects
(the working tree only for a `--worktree` head), diffs the two estates, works out the sign-off
each change needs from BASE, looks for it in the enabled evidence sources, and reports.
"""
from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from govcheck.changes.detect import (
    BaselineSide,
    ConfigSide,
    diff_baseline,
    diff_config,
    diff_estates,
)
from govcheck.changes.report import Change, ChangeClass, DiffReport
from govcheck.changes.signoff import (
    Evidence,
    PeopleIndex,
    SignoffResolver,
    judge_evidence,
    report_notes,
    required_signoffs,
    verify_tags,
)
from govcheck.errors import GovcheckError
from govcheck.integrations.git import (
    GitFile,
    Repository,
    Revision,
    RevisionRange,
    open_repository,
)
from govcheck.integrations.github import (
    Review,
    environment_reviews,
    load_reviews_file,
    pull_request_base_ref,
    pull_request_head_sha,
)
from govcheck.load.build import build_estate
from govcheck.load.cache import ParseCache, cache_folder
from govcheck.load.config import Config, parse_config
from govcheck.load.discover import CONFIG_NAME, SourceFile, find_config
from govcheck.model.document import MANIFEST_SUFFIXES
from govcheck.model.estate import Estate
from govcheck.rules.baseline import parse_baseline
from govcheck.rules.policy import is_folder_pack

ANY_SUFFIX = ("",)  # every file of a policy folder is governance, whatever its name


@dataclass(frozen=True)
class DiffOptions:
    """What the command line asked for."""

    revision_range: str | None = None
    base: str | None = None
    head: str | None = None
    worktree: bool = False
    staged: bool = False
    approved_by: tuple[str, ...] = ()
    reviews_file: str | None = None
    require_fresh: bool = False
    fail_on: ChangeClass | None = None   # None: only a missing sign-off fails
    config_file: str | None = None
    use_cache: bool = True


@dataclass(frozen=True)
class Snapshot:
    """One revision as govcheck sees it: its config, manifests, estate and policy files."""

    config: Config
    manifests: list[GitFile]
    policy_files: dict[str, str]  # path → blob id (or the content, from the working tree)
    baseline: BaselineSide
    estate: Estate = field(default_factory=Estate)


def run_diff(options: DiffOptions, cwd: Path,
             environ: Mapping[str, str]) -> tuple[DiffReport, set[Path]]:
    """The report, and the paths --output must not overwrite (config, manifest folders)."""
    repository = open_repository(cwd)
    try:
        revisions = repository.resolve_range(options.revision_range, options.base, options.head,
                                             options.worktree, options.staged,
                                             environ=_with_base_ref(options, environ))
        config_path = _config_path(options.config_file, cwd, repository.toplevel)
        folder = cache_folder(repository.toplevel) if options.use_cache else None
        cache = ParseCache(folder, repository.toplevel)
        base, head = read_snapshots(repository, revisions, config_path, cache)
        detected = diff_config(ConfigSide(base.config, base.policy_files),
                               ConfigSide(head.config, head.policy_files))
        detected += diff_estates(base.estate, head.estate)
        detected += diff_baseline(base.baseline, head.baseline)
        evidence = gather_evidence(options, repository, revisions, base, environ)
    finally:
        repository.close()
    report = build_report(detected, base, head, evidence, revisions, options.fail_on)
    toplevel = repository.toplevel
    protected = {toplevel / config_path, _ecosystem_folder(toplevel, config_path, head.config)}
    return report, {path.resolve() for path in protected}


def _with_base_ref(options: DiffOptions, environ: Mapping[str, str]) -> Mapping[str, str]:
    """In a pull_request_review run GitHub leaves GITHUB_BASE_REF empty: take the base branch
    from the event, so that `govcheck diff` with no range compares with the right branch."""
    event_path = environ.get("GITHUB_EVENT_PATH")
    if (options.revision_range or options.base or environ.get("GITHUB_BASE_REF")
            or environ.get("GITHUB_ACTIONS") != "true" or not event_path):
        return environ
    base_ref = pull_request_base_ref(event_path)
    return {**environ, "GITHUB_BASE_REF": base_ref} if base_ref else environ


def build_report(detected: Sequence[Change], base: Snapshot, head: Snapshot,
                 evidence: Evidence, revisions: RevisionRange, fail_on: ChangeClass | None
                 ) -> DiffReport:
    """Sign-off resolved at BASE, the evidence matched against BASE persons."""
    sources = base.config.signoff_sources
    approvals = judge_evidence(evidence, base.estate, sources)
    resolver = SignoffResolver(base.estate, head.estate, base.config)
    ordered = sorted(detected, key=lambda change: (change.file, change.line, change.type,
                                                   change.entity, change.detail))
    changes = required_signoffs(ordered, resolver, approvals)
    return DiffReport(revisions.base_sha, revisions.head_sha or revisions.head_kind,
                      changes, fail_on, revisions.base_label, revisions.head_label,
                      tuple(sources), approvals, report_notes(changes, approvals))


# -- reading a revision --------------------------------------------------------------------

def _config_path(config_file: str | None, cwd: Path, toplevel: Path) -> str:
    """govcheck.yaml's path relative to the top-level, to be read at each revision: found
    from `cwd` upwards as `check` finds it, else the one at the top-level."""
    if config_file is not None:
        candidate = (cwd / config_file).resolve()
    else:
        start = cwd.resolve() if cwd.resolve().is_relative_to(toplevel) else toplevel
        candidate = find_config(start, toplevel) or toplevel / CONFIG_NAME
    try:
        return candidate.resolve().relative_to(toplevel).as_posix()
    except ValueError:
        raise GovcheckError(f"the config file '{config_file or candidate}' is outside the git "
                            "repository: govcheck diff reads it at each revision") from None


def read_snapshots(repository: Repository, revisions: RevisionRange, config_path: str,
                   cache: ParseCache) -> tuple[Snapshot, Snapshot]:
    """Both revisions, with their estates; a manifest the two share is parsed once, and one
    parsed by an earlier run (check or diff) not at all."""
    base = read_snapshot(repository, revisions.base, config_path)
    head = read_snapshot(repository, revisions.head, config_path)
    snapshots = (replace(base, estate=_estate(base.manifests, cache)),
                 replace(head, estate=_estate(head.manifests, cache)))
    cache.save()   # once, with both revisions' files
    return snapshots


def read_snapshot(repository: Repository, revision: Revision, config_path: str) -> Snapshot:
    """A revision's config, manifests and policy files, each folder read in one bulk call."""
    config = _read_config(repository, revision, config_path)
    folder = posixpath.dirname(config_path)
    ecosystem = _inside(folder, config.ecosystem)
    manifests = repository.read_files(revision, [ecosystem], MANIFEST_SUFFIXES, manifests=True)
    # Policy folders and the packs kept in the repository: every file of them is governance.
    policy_folders = [_inside(folder, policy) for policy in
                      [*config.policies, *filter(is_folder_pack, config.extends)]]
    policies = repository.read_files(revision, policy_folders, ANY_SUFFIX) if policy_folders else []
    fingerprints = {file.path: file.blob_id or (file.data or b"").decode("utf-8", "replace")
                    for file in policies}
    return Snapshot(config, manifests, fingerprints,
                    _read_baseline(repository, revision, _inside(folder, config.baseline)))


def _read_baseline(repository: Repository, revision: Revision, path: str) -> BaselineSide:
    """The revision's baseline file; a corrupt one stops the run as `check` would."""
    found = repository.read_files(revision, [], extra_paths=[path])
    if not found or found[0].data is None:
        return BaselineSide(None, path)
    return BaselineSide(parse_baseline(found[0].data, path), path)


def _estate(files: Sequence[GitFile], cache: ParseCache) -> Estate:
    """A revision's estate; symlinks are never followed."""
    return build_estate([SourceFile(file.path, file.data) for file in files
                         if file.data is not None], (), cache)


def _read_config(repository: Repository, revision: Revision, config_path: str) -> Config:
    root = repository.toplevel / posixpath.dirname(config_path)
    found = repository.read_files(revision, [], extra_paths=[config_path])
    if not found or found[0].data is None:
        return Config(root=root)
    return parse_config(config_path, found[0].data, root)


def _inside(folder: str, relative: str) -> str:
    """A config-relative folder as a path relative to the top-level."""
    return posixpath.normpath(posixpath.join(folder, relative))


def _ecosystem_folder(toplevel: Path, config_path: str, config: Config) -> Path:
    return toplevel / _inside(posixpath.dirname(config_path), config.ecosystem)


# -- the evidence --------------------------------------------------------------------------

def gather_evidence(options: DiffOptions, repository: Repository, revisions: RevisionRange,
                    base: Snapshot, environ: Mapping[str, str]) -> Evidence:
    """Everything that may show sign-off, from the sources BASE's config enables; commit and
    tag signatures verified by git against the signing keys BASE's persons list."""
    sources = base.config.signoff_sources
    if options.reviews_file is not None and "github" not in sources:
        raise GovcheckError("--reviews was given, but the github source of sign-off is "
                            "switched off in change_control.signoff_sources")
    people = PeopleIndex.of(base.estate)
    commits = tuple(repository.commits(revisions, people.allowed_signers()))
    tags = tuple(repository.tags(commits))
    reviews = _reviews(options, environ) if "github" in sources else None
    return Evidence(options.approved_by, commits, reviews, _fresh_head(revisions, environ),
                    options.require_fresh, tags, verify_tags(tags, people, repository.verify_tag))


def _reviews(options: DiffOptions, environ: Mapping[str, str]) -> tuple[Review, ...] | None:
    if options.reviews_file is not None:
        return tuple(load_reviews_file(options.reviews_file))
    if environ.get("GITHUB_ACTIONS") == "true":
        live = environment_reviews(environ)
        return tuple(live) if live is not None else None
    return None


def _fresh_head(revisions: RevisionRange, environ: Mapping[str, str]) -> str | None:
    """The commit reviewers must have approved for --require-fresh. In a pull_request
    workflow HEAD is GitHub's merge commit: the event names the branch's head instead.
    Uncommitted changes (--worktree, --staged) were never reviewed: no approval is fresh."""
    if revisions.head_kind != "commit":
        return None
    event_path = environ.get("GITHUB_EVENT_PATH")
    event_head = pull_request_head_sha(event_path) if event_path else None
    return event_head or revisions.head_sha
