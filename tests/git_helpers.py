"""Real git repositories for tests: `git init` in tmp_path, real commits, real branches."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

# Variables git (or a surrounding hook) may have set that would point a test at another repo.
_GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                  "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX", "GIT_TRACE",
                  "GITHUB_BASE_REF")


def isolate_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Make every git process ignore the user's and the system's configuration."""
    home.mkdir(parents=True, exist_ok=True)
    empty_config = home / "gitconfig"
    empty_config.write_text("")
    for name in _GIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty_config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(home.parent))


class GitRepo:
    """A work tree driven by the git command line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def init(cls, path: Path, branch: str = "main") -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "-q", "-b", branch)
        repo.configure()
        return repo

    @classmethod
    def clone(cls, source: GitRepo, path: Path, *options: str) -> GitRepo:
        subprocess.run(["git", "clone", "-q", *options, f"file://{source.path}", str(path)],
                       check=True, capture_output=True)
        repo = cls(path)
        repo.configure()
        return repo

    def configure(self) -> None:
        self.git("config", "user.name", "Test Author")
        self.git("config", "user.email", "author@example.com")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "core.autocrlf", "false")

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.path, check=True,
                                capture_output=True, text=True)
        return result.stdout

    def write(self, relative: str, text: str) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def commit(self, message: str, *files: tuple[str, str]) -> str:
        """Write `files` ((path, text) pairs), stage everything and commit."""
        for relative, text in files:
            self.write(relative, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.sha("HEAD")

    def sha(self, revision: str) -> str:
        return self.git("rev-parse", revision).strip()
