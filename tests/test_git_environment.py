"""`govcheck diff` reads the repository git itself would read: with GIT_DIR and GIT_WORK_TREE
set (git hooks, some CI), from a subfolder, from a linked worktree. GitPython and every plain
git process govcheck starts read the same repository. Real repositories, the installed
command line."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from diff_helpers import DiffRepo, new_repo, remove_phone, starter
from git_helpers import isolate_git

PHONE_REMOVED = "breaking dataset.field.removed dataset/lead — field 'phone' removed"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


@pytest.fixture
def feature(tmp_path: Path) -> DiffRepo:
    """Two commits: the starter estate, then the phone field removed from dataset/lead."""
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter")
    manifests = starter()
    remove_phone(manifests)
    repo.commit_estate(manifests, "Drop the phone field")
    return repo


def govcheck(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "NO_COLOR"))}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "govcheck", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=60, check=False)


def changes(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The change lines of a text report (without their file:line)."""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return [line.split(": ", 1)[1] for line in result.stdout.splitlines()
            if line.startswith("ecosystem/")]


def test_git_dir_and_work_tree_name_the_repository_from_anywhere(feature: DiffRepo,
                                                                 tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = govcheck(elsewhere, "diff", "HEAD~1..HEAD", GIT_DIR=str(feature.path / ".git"),
                      GIT_WORK_TREE=str(feature.path))
    assert result.returncode == 1, result.stderr
    assert changes(result) == [PHONE_REMOVED]


def test_git_dir_pointing_at_another_repository_is_read_like_git_reads_it(
        feature: DiffRepo, tmp_path: Path) -> None:
    other = new_repo(tmp_path, "other")
    other.commit_estate(starter(), "starter")
    manifests = starter()
    manifests.spec("dataset/lead")["owner"] = "data-governance"
    other.commit_estate(manifests, "Hand the lead dataset over")
    # inside `feature`, GIT_DIR names `other`: git log, git show... all read `other`
    assert feature.git("log", "-1", "--format=%s").strip() == "Drop the phone field"
    result = govcheck(feature.path, "diff", "HEAD~1..HEAD", GIT_DIR=str(other.path / ".git"))
    assert result.returncode == 1, result.stderr
    assert changes(result) == [
        "major dataset.owner.changed dataset/lead — owner sales-ops → data-governance"]


def test_a_relative_git_dir_is_relative_to_where_govcheck_runs(feature: DiffRepo) -> None:
    subfolder = feature.path / "ecosystem" / "datasets"
    result = govcheck(subfolder, "diff", "HEAD~1..HEAD", GIT_DIR="../../.git",
                      GIT_WORK_TREE="../..")
    assert result.returncode == 1, result.stderr
    assert changes(result) == [PHONE_REMOVED]
    # the way git reads it: '.git' from the subfolder names no repository
    result = govcheck(subfolder, "diff", "HEAD~1..HEAD", GIT_DIR=".git")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"govcheck: error: '{subfolder}' is not inside a git repository: "
                             "run govcheck diff in a clone of the repository\n")


def test_from_a_subfolder_without_a_config_the_ecosystem_is_the_repositorys(
        tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter", config=None)
    manifests = starter()
    remove_phone(manifests)
    repo.commit_estate(manifests, "Drop the phone field", config=None)
    for folder in (repo.path, repo.path / "ecosystem" / "datasets"):
        result = govcheck(folder, "diff", "HEAD~1..HEAD")
        assert result.returncode == 1, (folder, result.stdout, result.stderr)
        assert changes(result) == [PHONE_REMOVED]
        check = govcheck(folder, "check")   # the same estate, found the same way
        assert " in 16 entities from 16 files " in check.stdout.splitlines()[-1]


def test_a_config_in_a_subfolder_is_found_from_below_it(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    manifests = starter()
    manifests.documents = {key: (f"project/{path}", document)
                           for key, (path, document) in manifests.documents.items()}
    repo.commit_estate(manifests, "starter", config=None,
                       extra={"project/govcheck.yaml": "ecosystem: ecosystem\n"})
    repo.git("mv", "project/ecosystem/teams/web.yaml", "project/ecosystem/teams/web-team.yaml")
    changed = (repo.path / "project/ecosystem/datasets/lead.yaml")
    changed.write_text(changed.read_text().replace("owner: sales-ops", "owner: web"))
    repo.git("commit", "-qam", "Hand the lead dataset to web")
    result = govcheck(repo.path / "project" / "ecosystem", "diff", "HEAD~1..HEAD")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("project/ecosystem/datasets/lead.yaml:")
    assert "major dataset.owner.changed dataset/lead — owner sales-ops → web" in result.stdout


HOOK = """#!/bin/sh
cd ecosystem/datasets || exit 1
"{python}" -m govcheck diff --staged --base HEAD > "{log}" 2>&1
echo "exit $?" >> "{log}"
exit 0
"""


def test_diff_staged_in_a_pre_commit_hook_of_a_linked_worktree(feature: DiffRepo,
                                                               tmp_path: Path) -> None:
    """git runs a linked worktree's hooks with GIT_DIR and GIT_INDEX_FILE set."""
    log = tmp_path / "hook.log"
    hook = feature.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK.format(python=sys.executable, log=log))
    hook.chmod(0o755)
    linked = tmp_path / "linked"
    feature.git("worktree", "add", "-q", "-b", "handover", str(linked), "HEAD")
    lead = linked / "ecosystem" / "datasets" / "lead.yaml"
    lead.write_text(lead.read_text().replace("owner: sales-ops", "owner: web"))
    subprocess.run(["git", "commit", "-qam", "Hand over"], cwd=linked, check=True,
                   capture_output=True)
    lines = log.read_text().splitlines()
    assert lines[-1] == "exit 1", lines
    assert [line.split(": ", 1)[1] for line in lines if line.startswith("ecosystem/")] == [
        "major dataset.owner.changed dataset/lead — owner sales-ops → web"]
