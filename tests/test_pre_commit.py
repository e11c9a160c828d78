"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit tool.

A user's repository (a temporary git repo with the starter estate) points its
.pre-commit-config.yaml at a local clone of this project, at the clone's HEAD, exactly as a
user points at the GitHub repository and a tag. pre-commit builds the hook's Python
environment itself (`pip install` of the clone, so the first run needs a package index);
PRE_COMMIT_HOME is shared by the tests of one session so that it is built once.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from govcheck.app.starter import write_starter

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = "ecosystem/integrations/website-leads-to-crm.yaml"


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A clone of this project at its committed HEAD, and that HEAD's sha."""
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not running from a git clone of govcheck")
    clone = tmp_path_factory.mktemp("govcheck-clone") / "govcheck"
    subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(clone)], check=True,
                   capture_output=True)
    if not (clone / ".pre-commit-hooks.yaml").is_file():
        pytest.fail(".pre-commit-hooks.yaml is not committed at HEAD")
    return clone, _git(clone, "rev-parse", "HEAD")


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def user_repo(tmp_path: Path, hook_source: tuple[Path, str]) -> Path:
    """A user's repository with the starter estate and a config using the govcheck hook."""
    clone, sha = hook_source
    repo = tmp_path / "estate"
    write_starter(repo, dt.date.today(), force=False)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone.as_uri()}\n    rev: {sha}\n    hooks:\n      - id: govcheck\n",
        encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    return repo


def _run_hooks(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GIT_", "PRE_COMMIT", "GITHUB_"))}
    environment.update(PRE_COMMIT_HOME=str(home), NO_COLOR="1", PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color",
                           "never"], check=False, cwd=repo, env=environment, capture_output=True, text=True,
                          timeout=600)


def test_hook_passes_on_a_clean_estate(user_repo: Path, pre_commit_home: Path) -> None:
    done = _run_hooks(user_repo, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "govcheck check" in done.stdout
    assert "Passed" in done.stdout


def test_hook_fails_with_the_finding_on_a_broken_estate(user_repo: Path,
                                                         pre_commit_home: Path) -> None:
    manifest = user_repo / INTEGRATION
    text = manifest.read_text(encoding="utf-8")
    start = text.index("  fallback:\n")
    end = text.index("  monitoring:\n")
    manifest.write_text(text[:start] + text[end:], encoding="utf-8")
    _git(user_repo, "add", INTEGRATION)

    done = _run_hooks(user_repo, pre_commit_home)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert f"{INTEGRATION}:" in done.stdout
    assert "error GOV003" in done.stdout
    assert "[integration/website-leads-to-crm]" in done.stdout


def test_the_readmes_pinning_command_freezes_the_newest_sha(user_repo: Path,
                                                            hook_source: tuple[Path, str],
                                                            pre_commit_home: Path) -> None:
    # README, "Pinning a version": paste `rev: main`, then freeze it to the newest commit.
    clone, sha = hook_source
    config = user_repo / ".pre-commit-config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"rev: {sha}", "rev: main"),
                      encoding="utf-8")
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GIT_", "PRE_COMMIT", "GITHUB_"))}
    environment.update(PRE_COMMIT_HOME=str(pre_commit_home), PRE_COMMIT_COLOR="never")

    done = subprocess.run([sys.executable, "-m", "pre_commit", "autoupdate", "--bleeding-edge",
                           "--freeze", "--repo", clone.as_uri()], check=False, cwd=user_repo,
                          env=environment, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"rev: {sha}" in config.read_text(encoding="utf-8")
