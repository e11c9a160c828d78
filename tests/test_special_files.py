"""Paths named like manifests that are not regular files: a FIFO, a socket, a device node, a
dangling symlink, an unreadable file. Each is skipped with one GOV000 finding that says what it
is; none is ever opened for reading (a FIFO would hold the run until someone writes to it).

Run as the installed entry point with a timeout, so that a hang fails the test instead of
holding the suite."""
from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from govcheck.load.discover import discover

GOVCHECK = str(Path(sys.executable).parent / "govcheck")
MANIFEST = """apiVersion: govcheck/v1
kind: Team
metadata: {name: data-office}
spec: {function: data, members: []}
"""
SUMMARY = "1 error, 0 warnings, 0 info in 1 entity from 1 file (as of 2026-11-23)"


@pytest.fixture()
def estate(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ecosystem").mkdir()
    (tmp_path / "ecosystem" / "team.yaml").write_text(MANIFEST, encoding="utf-8")
    return tmp_path


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "NO_COLOR"))}
    return subprocess.run([GOVCHECK, "check", "--no-cache", "--as-of", "2026-11-23", *args],
                          cwd=root, env=environment, capture_output=True, text=True, timeout=60,
                          check=False)


def finding(name: str, what: str) -> str:
    return f"{name}:1:1: error GOV000 {what}, not a manifest file: skipped"


def test_a_fifo_is_skipped_unopened(estate: Path) -> None:
    os.mkfifo(estate / "ecosystem" / "pipe.yaml")
    result = check(estate)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        finding("ecosystem/pipe.yaml", "a named pipe (FIFO)"), SUMMARY]
    assert result.stderr == ""


def test_a_symlink_to_a_fifo_inside_the_repository_is_skipped(estate: Path) -> None:
    os.mkfifo(estate / "pipe")
    (estate / "ecosystem" / "link.yaml").symlink_to(estate / "pipe")
    result = check(estate)
    assert result.stdout.splitlines() == [
        finding("ecosystem/link.yaml", "a named pipe (FIFO)"), SUMMARY]


def test_a_fifo_given_as_the_path_is_skipped(estate: Path) -> None:
    os.mkfifo(estate / "pipe.yaml")
    result = check(estate, "pipe.yaml")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        finding("pipe.yaml", "a named pipe (FIFO)"),
        "1 error, 0 warnings, 0 info in 0 entities from 0 files (as of 2026-11-23)"]


@pytest.fixture()
def short_tmp() -> Iterator[Path]:
    """A folder with a short path: a UNIX socket's path is limited to about 100 bytes."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="gc", dir="/tmp") as folder:
        yield Path(folder)


def test_a_socket_is_skipped(short_tmp: Path) -> None:
    (short_tmp / ".git").mkdir()
    (short_tmp / "ecosystem").mkdir()
    (short_tmp / "ecosystem" / "team.yaml").write_text(MANIFEST, encoding="utf-8")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(short_tmp / "ecosystem" / "s.yaml"))
        result = check(short_tmp)
    finally:
        server.close()
    assert result.stdout.splitlines() == [finding("ecosystem/s.yaml", "a socket"), SUMMARY]


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_a_device_node_is_skipped_never_read(estate: Path) -> None:
    # a copy of /dev/zero: reading it would never end
    os.mknod(estate / "ecosystem" / "zero.yaml", stat.S_IFCHR | 0o644, os.makedev(1, 5))
    result = check(estate)
    assert result.stdout.splitlines() == [
        finding("ecosystem/zero.yaml", "a character device"), SUMMARY]


def test_a_dangling_symlink_says_where_it_points(estate: Path) -> None:
    (estate / "ecosystem" / "gone.yaml").symlink_to("teams/gone.yaml")
    result = check(estate)
    assert result.stdout.splitlines() == [
        finding("ecosystem/gone.yaml", "a dangling symlink (to teams/gone.yaml)"), SUMMARY]


def test_a_folder_named_like_a_manifest_is_walked(estate: Path) -> None:
    (estate / "ecosystem" / "more.yaml").mkdir()
    (estate / "ecosystem" / "more.yaml" / "team.yml").write_text(
        MANIFEST.replace("data-office", "finance"), encoding="utf-8")
    result = check(estate)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "0 errors, 0 warnings, 0 info in 2 entities from 2 files (as of 2026-11-23)"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_reported(estate: Path) -> None:
    secret = estate / "ecosystem" / "secret.yaml"
    secret.write_text(MANIFEST, encoding="utf-8")
    secret.chmod(0)
    result = check(estate)
    assert result.stdout.splitlines() == [
        "ecosystem/secret.yaml:1:1: error GOV000 cannot read the file: Permission denied", SUMMARY]


def test_a_fifo_in_a_policy_folder_stops_the_run_unopened(estate: Path) -> None:
    (estate / "policies").mkdir()
    os.mkfifo(estate / "policies" / "rule.yaml")
    (estate / "govcheck.yaml").write_text("policies: [policies]\n", encoding="utf-8")
    result = check(estate)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("govcheck: error: policies/rule.yaml: a named pipe (FIFO), not a "
                             "policy file\n")


def test_discover_reports_the_file_type_of_each_special_file(estate: Path) -> None:
    os.mkfifo(estate / "ecosystem" / "a.yaml")
    (estate / "ecosystem" / "b.yml").symlink_to("nowhere.yml")
    sources, problems = discover(estate / "ecosystem", estate)
    assert [source.path for source in sources] == ["ecosystem/team.yaml"]
    assert [(problem.file, problem.message) for problem in problems] == [
        ("ecosystem/a.yaml", "a named pipe (FIFO), not a manifest file: skipped"),
        ("ecosystem/b.yml", "a dangling symlink (to nowhere.yml), not a manifest file: skipped")]
