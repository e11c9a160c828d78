"""Run the mutation fuzzer of tests/fuzzing.py for many cases, and keep the failing ones.

Usage:
    python bench/fuzz.py [--cases N] [--seed S] [--start I] [--jobs J] [--keep-going]
                         [--failures DIR] [--case I]

Case I of seed S is the same estate and command every time (for the same example estate), so
a failure is reproduced with `--seed S --case I`. Every failing case is written to
DIR/<seed>-<index>/ (default bench/fuzz-failures/, git-ignored): the mutated files, the
command, the mutations and govcheck's output. Without --keep-going the run stops at the first
failure. Each worker (--jobs) runs its share of the cases in its own temporary git repository.
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# tests/ is not a package: the fuzzer is found through the path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzzing

Result = tuple[int, "str | None", float, str]   # index, failure, seconds, command


def main() -> int:
    options = _parse()
    indexes = [options.case] if options.case is not None else \
        list(range(options.start, options.start + options.cases))
    started = time.monotonic()
    failed = ran = 0
    slowest = (0.0, "")
    for index, failure, seconds, command in _results(options.seed, indexes, options.jobs,
                                                     Path(options.failures)):
        ran += 1
        slowest = max(slowest, (seconds, f"case {index}: govcheck {command}"))
        if failure is not None:
            failed += 1
            print(f"FAIL {options.seed}-{index}: {failure}", flush=True)
            if not options.keep_going:
                break
        elif ran % 500 == 0:
            print(f"{ran} cases, {failed} failed, {time.monotonic() - started:.0f} s", flush=True)
    print(f"seed {options.seed}: {ran} cases from {indexes[0]}, {failed} failed, "
          f"{time.monotonic() - started:.1f} s wall clock, {options.jobs} job(s); slowest "
          f"{slowest[0]:.1f} s ({slowest[1]})"
          + (f"; failing cases in {options.failures}/" if failed else ""))
    return 1 if failed else 0


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="how many cases (default 1000)")
    parser.add_argument("--seed", default="1", help="the seed (any text; default 1)")
    parser.add_argument("--start", type=int, default=0, help="the first case index")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--keep-going", action="store_true", help="run on after a failure")
    parser.add_argument("--failures", default=str(Path(__file__).parent / "fuzz-failures"),
                        help="where failing cases are written")
    parser.add_argument("--case", type=int, help="run only this case (to reproduce it)")
    return parser.parse_args()


def _results(seed: str, indexes: list[int], jobs: int, failures: Path) -> Iterator[Result]:
    if jobs == 1:
        yield from _run_cases(seed, indexes, failures)
        return
    shares = [(seed, indexes[start::jobs], failures) for start in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for results in pool.imap_unordered(_run_share, shares):
            yield from results


def _run_share(share: tuple[str, list[int], Path]) -> list[Result]:
    return list(_run_cases(*share))


def _run_cases(seed: str, indexes: list[int], failures: Path) -> Iterator[Result]:
    with tempfile.TemporaryDirectory(prefix="govcheck-fuzz-") as folder:
        workspace = fuzzing.Workspace(Path(folder))
        for index in indexes:
            case = fuzzing.make_case(seed, index)
            outcome = workspace.run(case)
            if outcome.failure is not None:
                fuzzing.save_failure(case, outcome, failures)
            yield index, outcome.failure, outcome.seconds, " ".join(case.command)


if __name__ == "__main__":
    sys.exit(main())
