"""Run commands the way a user meets them and measure each run.

One *command* is one or more processes run one after the other (check-jsonschema runs
once per kind); one *sample* is one run of it: wall-clock seconds, CPU seconds (from
``os.wait4``) and peak memory of its processes. Commands are run round-robin (A B C,
A B C, ...) so that noise on the shared machine falls on all of them alike.

Peak memory: a process started by fork or vfork and exec inherits, in its own peak
resident set, the peak of the process that started it, so ``os.wait4`` would report at
least this benchmark's own size. Where GNU time is installed (``/usr/bin/time``), a
command whose memory is wanted runs under it and its ``%M`` is taken: its parent is
that small program. Elsewhere the ``os.wait4`` figure stands, an upper bound.
"""

from __future__ import annotations

import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

GNU_TIME = "/usr/bin/time"


@functools.cache
def gnu_time() -> bool:
    """Whether GNU time is here to report a process's own peak memory."""
    if not os.access(GNU_TIME, os.X_OK):
        return False
    with tempfile.NamedTemporaryFile() as report:
        argv = [GNU_TIME, "-f", "%M", "-o", report.name, sys.executable, "-c", "pass"]
        done = subprocess.run(argv, capture_output=True, check=False)
        return done.returncode == 0 and _kib(report.name) > 0


def peak_source() -> str:
    if gnu_time():
        return "GNU time's `%M` (the process's own peak resident set)"
    return "`os.wait4` (an upper bound: it includes the benchmark process's own peak)"


def _kib(path: str) -> int:
    """The last line GNU time wrote (a line about a non-zero exit may come first)."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().split()
    return int(lines[-1]) if lines and lines[-1].isdigit() else 0


@dataclass(frozen=True)
class Step:
    """One process of a command."""

    argv: list[str]
    cwd: str
    env: dict[str, str]


@dataclass(frozen=True)
class Prepared:
    """What one run of a command executes, and what to tidy afterwards (untimed)."""

    steps: list[Step]
    cleanup: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds, all steps
    cpu: float  # user + system seconds of the steps' processes
    max_rss_kb: int  # the largest peak resident set of any step, KiB
    code: int  # the worst exit status
    last_line: str  # the last line the last step printed (a tool's own summary)


@dataclass
class Command:
    key: str
    label: str
    prepare: Callable[[], Prepared]
    ok_codes: frozenset[int] = frozenset({0})
    peak: bool = True  # measure peak memory (under GNU time where it is installed)
    max_runs: int | None = None  # take part in the first rounds only (slow peers)
    samples: list[Sample] = field(default_factory=list)
    failure: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.failure

    @property
    def wall(self) -> float:
        """Median wall-clock seconds (NaN when the command never ran)."""
        return _median([s.wall for s in self.samples])

    @property
    def cpu(self) -> float:
        return _median([s.cpu for s in self.samples])

    @property
    def peak_mb(self) -> float:
        """Largest peak memory over the runs, in MB (10^6 bytes)."""
        if not self.samples or not self.peak:
            return float("nan")
        return max(s.max_rss_kb for s in self.samples) * 1024 / 1e6

    @property
    def spread(self) -> tuple[float, float]:
        walls = [s.wall for s in self.samples] or [float("nan")]
        return min(walls), max(walls)

    @property
    def codes(self) -> str:
        return ",".join(str(c) for c in sorted({s.code for s in self.samples})) or "-"

    @property
    def summary(self) -> str:
        return self.samples[0].last_line if self.samples else ""


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _last_line(path: str) -> str:
    with open(path, "rb") as fh:
        fh.seek(max(0, os.path.getsize(path) - 4096))
        lines = fh.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def _tail(path: str, lines: int = 3) -> str:
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8", "replace")
    return " | ".join(text.strip().splitlines()[-lines:]) or "(no stderr)"


def run_step(
    step: Step, out_path: str, err_path: str, peak: bool = True
) -> tuple[float, float, int, int]:
    """Run one process; (wall s, cpu s, peak RSS KiB, exit status)."""
    rss_path = err_path + ".rss"
    wrapped = peak and gnu_time()
    argv = [GNU_TIME, "-f", "%M", "-o", rss_path, *step.argv] if wrapped else step.argv
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=step.cwd,
            env=step.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    rss = _kib(rss_path) if wrapped else usage.ru_maxrss
    return wall, usage.ru_utime + usage.ru_stime, rss, proc.returncode


def run_once(command: Command) -> Sample | str:
    """One run of a command: its sample, or why it failed."""
    prepared = command.prepare()
    with tempfile.TemporaryDirectory(prefix="govcheck-bench-out-") as scratch:
        out_path, err_path = os.path.join(scratch, "out"), os.path.join(scratch, "err")
        wall = cpu = 0.0
        peak = worst = 0
        try:
            for step in prepared.steps:
                w, c, rss, code = run_step(step, out_path, err_path, command.peak)
                wall, cpu, peak, worst = (
                    wall + w,
                    cpu + c,
                    max(peak, rss),
                    max(worst, code),
                )
                if code not in command.ok_codes or _has_traceback(err_path):
                    return f"{command.label}: exit {code}: {_tail(err_path)}"
            return Sample(wall, cpu, peak, worst, _last_line(out_path))
        finally:
            prepared.cleanup()


def _has_traceback(err_path: str) -> bool:
    with open(err_path, "rb") as fh:
        return b"Traceback (most recent call last)" in fh.read()


def round_robin(commands: list[Command], rounds: int) -> None:
    """Run every command once per round, in order, for `rounds` rounds."""
    for number in range(1, rounds + 1):
        for command in commands:
            if command.failure or len(command.samples) >= (command.max_runs or rounds):
                continue
            result = run_once(command)
            if isinstance(result, str):
                command.failure = result
                print(f"   !! FAILED {result}", file=sys.stderr, flush=True)
                continue
            command.samples.append(result)
            print(
                f"   round {number}/{rounds}  {command.label:<44} {result.wall:8.3f} s"
                f"  {result.max_rss_kb * 1024 / 1e6:7.0f} MB  exit {result.code}",
                flush=True,
            )


@dataclass(frozen=True)
class Load:
    """The machine's load average (1, 5 and 15 minutes) at one moment."""

    one: float
    five: float
    fifteen: float

    @classmethod
    def now(cls) -> Load:
        one, five, fifteen = os.getloadavg()
        return cls(one, five, fifteen)

    def __str__(self) -> str:
        return f"{self.one:.2f} / {self.five:.2f} / {self.fifteen:.2f}"
