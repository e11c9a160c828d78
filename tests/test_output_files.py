"""Where reports are written: special files written in place and never replaced, regular files
replaced atomically with nothing left behind, one file never named twice, and a full disk or
a closed pipe on standard output handled like any other outcome, never as a crash."""
from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcheck.cli import main

GOVCHECK = str(Path(sys.executable).parent / "govcheck")
BASE = yaml.safe_load((Path(__file__).parent / "rules" / "_base.yaml").read_text("utf-8"))
INTEGRATION = "ecosystem/integrations/crm-customers-to-erp.yaml"
MEASURES = '  success_measures:\n    - {metric: invoices on the wrong account per month, target: "0"}\n'
FALLBACK = ("  fallback:\n    strategy: queue-and-replay\n"
            "    description: Leads are queued and replayed when the CRM is back\n")
LEADS = "ecosystem/integrations/website-leads-to-crm.yaml"
AS_OF = ["--as-of", "2026-11-23"]
# /dev/full: a device whose every write fails with ENOSPC, a full disk on demand (Linux).
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")


def estate(root: Path, changes: dict[str, str] | None = None) -> Path:
    """The rule cases' base estate; with `changes`, files replaced or added."""
    (root / ".git").mkdir(parents=True)
    for name, text in {**BASE["files"], **(changes or {})}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    """An estate with one error (GOV003): exit 1."""
    return estate(tmp_path / "repo", {LEADS: BASE["files"][LEADS].replace(FALLBACK, "")})


def run(args: list[str], cwd: Path, stdout: Any = subprocess.PIPE
        ) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "NO_COLOR"))}
    return subprocess.run([GOVCHECK, *args], cwd=cwd, env=environment, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, check=False, timeout=120)


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


# --- special files: written in place, never replaced -----------------------------------------


def test_a_fifo_is_written_to_and_stays_a_fifo(failing: Path) -> None:
    fifo = failing / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run(["check", *AS_OF, "--format", "json", "--output", "report.fifo"], failing)
    if reader.is_alive():                        # govcheck never opened it: let the reader go
        with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass
    reader.join(timeout=60)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert result.returncode == 1, result.stderr
    assert received and b'"rule": "GOV003"' in received[0]


@pytest.mark.parametrize("device", ["/dev/null", pytest.param("/dev/full", marks=needs_dev_full)])
def test_a_symlink_to_a_device_writes_to_the_device(failing: Path, device: str) -> None:
    """Followed, as `>` follows it: the link stays a link, the device stays a device."""
    (failing / "sink").symlink_to(device)
    result = run(["check", *AS_OF, "--output", "sink", "--report", "json=out.json"], failing)
    assert os.readlink(failing / "sink") == device
    assert stat.S_ISCHR(os.stat(device).st_mode)
    if device == "/dev/null":
        assert (result.returncode, result.stderr) == (1, "")
        assert files_in(failing) == {".git", "ecosystem", "sink", "out.json"}
    else:                           # a full disk: one line, and the run stops there
        assert (result.returncode, result.stderr) == (
            2, "govcheck: error: cannot write 'sink': No space left on device\n")
        assert files_in(failing) == {".git", "ecosystem", "sink"}


def test_a_device_node_is_written_to_and_stays_a_device(failing: Path) -> None:
    """A device node of the estate's own (a clone of /dev/null), so that old code replacing it
    could never harm the machine's."""
    node = failing / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    result = run(["check", *AS_OF, "--output", "null"], failing)
    assert (result.returncode, result.stderr) == (1, "")
    assert stat.S_ISCHR(node.lstat().st_mode)


# --- regular files: replaced atomically, nothing left behind ---------------------------------


def test_a_report_replaces_a_file_keeping_its_mode(failing: Path) -> None:
    report = failing / "out.json"
    report.write_text("old report")
    report.chmod(0o640)
    result = run(["check", *AS_OF, "--format", "json", "--output", "out.json"], failing)
    assert result.returncode == 1
    assert '"rule": "GOV003"' in report.read_text()
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert files_in(failing) == {".git", "ecosystem", "out.json"}


def test_a_report_is_never_written_through_a_planted_symlink(failing: Path) -> None:
    """The temporary file is created exclusively under a name nobody can guess: a symlink
    planted where the old fixed name was is left alone, and so is what it points to."""
    victim = failing / "victim.txt"
    victim.write_text("precious")
    (failing / ".out.json.govcheck-tmp").symlink_to(victim)
    assert run(["check", *AS_OF, "--format", "json", "--output", "out.json"], failing
               ).returncode == 1
    assert victim.read_text() == "precious"
    assert '"rule": "GOV003"' in (failing / "out.json").read_text()


@pytest.mark.parametrize("failure", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(
        failing: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        failure: str) -> None:
    monkeypatch.chdir(failing)
    (failing / "out.json").write_text("old report")

    def full_disk(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failure, full_disk)   # --no-cache: nothing else calls it
    with pytest.raises(SystemExit) as done:
        main(["check", *AS_OF, "--no-cache", "--format", "json", "--output", "out.json"])
    assert done.value.code == 2
    assert capsys.readouterr().err == (
        "govcheck: error: cannot write 'out.json': No space left on device\n")
    assert (failing / "out.json").read_text() == "old report"
    assert files_in(failing) == {".git", "ecosystem", "out.json"}


# --- one file, one report --------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["out.json", "./out.json", "sub/../out.json", "link.json",
                                      "hard.json"])
def test_the_same_file_named_twice_is_a_usage_error(failing: Path, spelling: str) -> None:
    (failing / "sub").mkdir()
    (failing / "out.json").write_text("old report")
    (failing / "link.json").symlink_to("out.json")
    os.link(failing / "out.json", failing / "hard.json")
    result = run(["check", *AS_OF, "--output", "out.json", "--report", "sarif=other.sarif",
                  "--report", f"json={spelling}"], failing)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"govcheck: error: 'out.json' and '{spelling}' are the same file: "
                             "give each report a file of its own\n")
    assert (failing / "out.json").read_text() == "old report"
    assert not (failing / "other.sarif").exists()              # nothing written at all


def test_a_file_not_there_yet_named_twice_is_a_usage_error(failing: Path) -> None:
    result = run(["check", *AS_OF, "--output", "new.json", "--report", "json=./new.json"],
                 failing)
    assert (result.returncode, result.stdout) == (2, "")
    assert "are the same file" in result.stderr
    assert not (failing / "new.json").exists()


def test_a_report_onto_the_step_summary_is_a_usage_error(failing: Path) -> None:
    summary = failing / "summary.md"
    summary.write_text("earlier step\n")
    environment = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run([GOVCHECK, "check", *AS_OF, "--format", "github", "--report",
                             f"markdown={summary}"], cwd=failing, env=environment,
                            capture_output=True, text=True, check=False, timeout=120)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"govcheck: error: '{summary}' and GITHUB_STEP_SUMMARY "
                             f"('{summary}') are the same file: give each report a file of "
                             "its own\n")
    assert summary.read_text() == "earlier step\n"


# --- standard output: a full disk, a reader that has gone ------------------------------------


@needs_dev_full
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(failing: Path) -> None:
    with open("/dev/full", "w") as full:
        result = run(["check", *AS_OF], failing, stdout=full)
    assert result.returncode == 2
    assert result.stderr == ("govcheck: error: cannot write to standard output: "
                             "No space left on device\n")


@needs_dev_full
@pytest.mark.parametrize("command", [["rules"], ["explain", "GOV003"], ["schema"], ["graph"]])
def test_a_full_disk_is_never_a_bug_whatever_the_command(failing: Path, command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = run(command, failing, stdout=full)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "No space left on device" in result.stderr
    assert "internal error" not in result.stderr


def many_warnings(root: Path) -> Path:
    """An estate with 600 warnings (GOV009) and no error: more JSON than a pipe holds."""
    source = BASE["files"][INTEGRATION].replace(MEASURES, "")
    copies = {f"ecosystem/integrations/copy-{n}.yaml":
              source.replace("name: crm-customers-to-erp", f"name: copy-{n}") for n in range(600)}
    return estate(root, copies)


@pytest.mark.parametrize(("fail_on", "verdict"), [("error", 0), ("warning", 1)])
def test_a_closed_pipe_is_quiet_and_keeps_the_verdict(tmp_path: Path, fail_on: str,
                                                      verdict: int) -> None:
    """`govcheck check | head -1`: the rest of the report is not wanted; the exit code is
    still the verdict (a gate must neither pass nor fail because its reader stopped)."""
    root = many_warnings(tmp_path / "repo")
    process = subprocess.Popen([GOVCHECK, "check", *AS_OF, "--fail-on", fail_on, "--format",
                                "json"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()          # the reader is gone; the report (200 kB) outgrows the pipe
    assert process.wait(timeout=120) == verdict
    assert process.stderr.read() == b""
