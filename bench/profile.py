"""Where the time of a first run goes: cProfile of `govcheck check` on a generated estate.

Usage:
    python bench/profile.py [--entities 10000] [--top 15] [--output bench/PROFILE.md]

Generates an estate (bench/generate.py, seed 1), runs `govcheck check` once without
the profiler and once under cProfile, each as a first run (an empty cache folder and a
new cache key), and prints the time per phase, the top entries by self time with their
phase, and the top entries by cumulative time. With ``--output`` it also writes them as
Markdown. Run it with the Python of the environment govcheck is installed in.

Phases are read from where the code lives (PyYAML, jsonschema, click, each govcheck
module); time spent in builtins and the standard library is attributed to the callers
that asked for it, in proportion, so that the phases add up to the whole run. The
collector's time is measured apart (``gc.callbacks``); it is included in the phases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections import defaultdict
from dataclasses import dataclass

from measure import Load, Step, run_step

Func = tuple[str, int, str]  # (file, line, function), as pstats keys them
Callers = dict[
    Func, tuple[int, int, float, float]
]  # caller -> calls, calls, self s, cumul s
Entry = tuple[int, int, float, float, Callers]
Dist = dict[str, float]  # phase -> share

IMPORTS = "start-up and imports"
YAML = "YAML compose (PyYAML, libyaml)"
NODES = "node → data (loader)"
FILES = "files: find, read, envelopes"
SCHEMA = "schema gate (+ jsonschema)"
RULES = "rules and model"
CACHE = "cache: key, seal, read, write"
OUTPUT = "report output"
CLI = "command line and project (+ click)"
GIT = "git"
OTHER = "other"

# govcheck's modules, in both the flat layout and the package layout
GOVCHECK_MODULES = [
    (r"(loader|load/documents|model/document)", NODES),
    (r"(manifests|load/(parse|build|discover|collector))", FILES),
    (r"(schema|schema_gate|load/schema/.*)", SCHEMA),
    (r"(cache|load/cache)", CACHE),
    (
        r"(engine|checks|conditions|policy|rule_cases|model|graph_cycles|timeutil|findings)",
        RULES,
    ),
    (r"(rules|model)/.*", RULES),
    (r"(formats|outputs)/.*|outputs|report|changes/report", OUTPUT),
    (r"(git|integrations/git)", GIT),
    (r"cli|cli/.*|project|app/.*|config|load/config|schema_export|starter", CLI),
    (r"__main__|errors|__init__", CLI),
]
YAML_COMPOSE_IN_LOADER = {
    "resolve",
    "_compose_all",
}  # the loader's hooks into composition
LIBRARIES = {
    "yaml": YAML,
    "_yaml": YAML,
    "jsonschema": SCHEMA,
    "jsonschema_specifications": SCHEMA,
    "referencing": SCHEMA,
    "rpds": SCHEMA,
    "attr": SCHEMA,
    "attrs": SCHEMA,
    "click": CLI,
    "git": GIT,
    "gitdb": GIT,
    "tabulate": OUTPUT,
    "_distutils_hack": IMPORTS,  # meta path finders: part of every import
}

CHILD = """\
import cProfile, gc, json, runpy, sys, time
profile_path, extra_path = sys.argv[1], sys.argv[2]
sys.argv = ["govcheck", "check"]
collector = {"seconds": 0.0, "collections": 0, "oldest": 0, "start": 0.0}
def timed(phase, info):
    if phase == "start":
        collector["start"] = time.perf_counter()
        return
    collector["seconds"] += time.perf_counter() - collector["start"]
    collector["collections"] += 1
    collector["oldest"] += info["generation"] == 2
gc.callbacks.append(timed)
profiler = cProfile.Profile()
code = 0
start = time.perf_counter()
profiler.enable()
try:
    runpy.run_module("govcheck", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code
finally:
    profiler.disable()
wall = time.perf_counter() - start
gc.callbacks.remove(timed)
profiler.dump_stats(profile_path)
with open(extra_path, "w") as fh:
    json.dump({"code": code, "wall": wall, "gc": collector}, fh)
"""


# ---------------------------------------------------------------------------- phases


class Places:
    """Names a function's module and phase from its file."""

    def __init__(self) -> None:
        self.stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep

    def govcheck_module(self, path: str) -> str | None:
        marker = path.rfind(f"{os.sep}govcheck{os.sep}")
        if marker < 0 or "site-packages" in path[marker:]:
            return None
        return path[marker + len("/govcheck/") :].removesuffix(".py")

    def library(self, path: str) -> str | None:
        marker = path.rfind("site-packages" + os.sep)
        if marker < 0:
            return None
        return (
            path[marker + len("site-packages/") :]
            .split(os.sep, 1)[0]
            .removesuffix(".py")
        )

    def phase(self, func: Func) -> str | None:
        """The phase of a function's own code; None for builtins and the standard library,
        whose time belongs to their callers."""
        path, _, name = func
        if path.startswith("<frozen importlib") or name == "<module>":
            return IMPORTS
        if path == "~":
            return YAML if "_yaml." in name else None
        module = self.govcheck_module(path)
        if module is not None:
            return self.govcheck_phase(module, name)
        library = self.library(path)
        if library is not None:
            return (
                IMPORTS
                if library.startswith("__editable__")
                else LIBRARIES.get(library, OTHER)
            )
        if path.startswith("<") or os.path.realpath(path).startswith(self.stdlib):
            return None
        return OTHER

    @staticmethod
    def govcheck_phase(module: str, name: str) -> str:
        for pattern, phase in GOVCHECK_MODULES:
            if re.fullmatch(pattern, module):
                if phase == NODES and name in YAML_COMPOSE_IN_LOADER:
                    return YAML
                return phase
        return OTHER

    def label(self, func: Func) -> str:
        path, line, name = func
        if path == "~":
            return name
        module = self.govcheck_module(path)
        if module is not None:
            return f"govcheck/{module}.py:{line} {name}"
        marker = path.rfind("site-packages" + os.sep)
        if marker >= 0:
            return f"{path[marker + len('site-packages/') :]}:{line} {name}"
        real = os.path.realpath(path)
        if real.startswith(self.stdlib):
            return f"{real[len(self.stdlib) :]}:{line} {name}"
        return f"{path}:{line} {name}"


class Attribution:
    """Self time per phase, builtins and the standard library charged to their callers."""

    def __init__(self, stats: dict[Func, Entry], places: Places) -> None:
        self.stats = stats
        self.places = places
        self._up: dict[Func, Dist | None] = {}

    def up(self, func: Func) -> Dist | None:
        """Where time spent in `func` belongs: its own phase, or its callers', by share."""
        if func in self._up:
            return self._up[func]  # None while in progress: a cycle
        self._up[func] = None
        phase = self.places.phase(func)
        result = {phase: 1.0} if phase else self._from_callers(func, by_cumulative=True)
        self._up[func] = result
        return result

    def _from_callers(self, func: Func, by_cumulative: bool) -> Dist | None:
        entry = self.stats.get(func)
        callers = entry[4] if entry else {}
        total: Dist = defaultdict(float)
        weight = 0.0
        for caller, figures in callers.items():
            share = figures[3] if by_cumulative else figures[2]
            dist = self.up(caller)
            if dist is None or share <= 0:
                continue
            weight += share
            for phase, part in dist.items():
                total[phase] += share * part
        if not weight:
            return None
        return {phase: value / weight for phase, value in total.items()}

    def self_time(self, func: Func) -> Dist:
        """The phases of `func`'s own self time."""
        phase = self.places.phase(func)
        if phase:
            return {phase: 1.0}
        return self._from_callers(func, by_cumulative=False) or {OTHER: 1.0}

    def phases(self) -> Dist:
        totals: Dist = defaultdict(float)
        for func, (_, _, tt, _, _) in self.stats.items():
            for phase, part in self.self_time(func).items():
                totals[phase] += tt * part
        return dict(totals)


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Profile:
    entities: int
    files: int
    plain_wall: float  # the first run without the profiler
    plain_cpu: float
    plain_rss_mb: float
    profiled_wall: float
    code: int
    gc_seconds: float
    gc_collections: int
    gc_oldest: int
    stats: dict[Func, Entry]
    load_before: Load
    load_after: Load


def user_env(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTHON"))}
    env.update(
        NO_COLOR="1",
        GOVCHECK_CACHE_DIR=os.path.join(home, "cache"),
        XDG_STATE_HOME=os.path.join(home, "state"),
    )
    return env


def govcheck() -> str:
    path = os.path.join(os.path.dirname(sys.executable), "govcheck")
    if not os.path.exists(path):
        sys.exit(
            f"profile.py: no govcheck next to {sys.executable}: pip install -e '.[test]'"
        )
    return path


def profile(entities: int, scratch: str) -> Profile:
    project = os.path.join(scratch, "project")
    folder = os.path.join(project, "ecosystem")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generate.py")
    argv = [sys.executable, script, folder, "--entities", str(entities), "--seed", "1"]
    # in a child process, so that this one stays small
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    files = sum(len(names) for _, _, names in os.walk(folder))
    load_before = Load.now()
    out, err = os.path.join(scratch, "out"), os.path.join(scratch, "err")
    plain = Step(
        [govcheck(), "check"], project, user_env(os.path.join(scratch, "plain"))
    )
    wall, cpu, rss, _ = run_step(plain, out, err)
    prof, extra = os.path.join(scratch, "run.prof"), os.path.join(scratch, "run.json")
    child = Step(
        [sys.executable, "-c", CHILD, prof, extra],
        project,
        user_env(os.path.join(scratch, "profiled")),
    )
    run_step(child, out, err)
    if not os.path.exists(extra):
        with open(err, encoding="utf-8", errors="replace") as fh:
            sys.exit(f"profile.py: the profiled run failed:\n{fh.read()[-2000:]}")
    with open(extra, encoding="utf-8") as fh:
        info = json.load(fh)
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    collector = info["gc"]
    return Profile(
        entities,
        files,
        wall,
        cpu,
        rss * 1024 / 1e6,
        info["wall"],
        int(info["code"] or 0),
        collector["seconds"],
        collector["collections"],
        collector["oldest"],
        stats,
        load_before,
        Load.now(),
    )


# --------------------------------------------------------------------------- report


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(head) + " |",
        "| "
        + " | ".join(
            "---:" if h.endswith("s") or h in ("%", "calls") else "---" for h in head
        )
        + " |",
    ]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def phase_rows(
    result: Profile, attribution: Attribution, places: Places
) -> list[list[str]]:
    phases = attribution.phases()
    total = sum(phases.values()) or 1.0
    tops: dict[str, list[tuple[float, Func]]] = defaultdict(list)
    for func, (_, _, tt, _, _) in result.stats.items():
        phase = places.phase(func)
        if phase:
            tops[phase].append((tt, func))
    rows = []
    for phase, seconds in sorted(phases.items(), key=lambda item: -item[1]):
        biggest = sorted(tops.get(phase, []), reverse=True)[:3]
        where = "; ".join(f"`{places.label(f)}` {tt:.2f}" for tt, f in biggest)
        rows.append([phase, f"{seconds:.2f}", f"{seconds / total * 100:.0f}", where])
    return rows


def self_rows(
    result: Profile, attribution: Attribution, places: Places, top: int
) -> list[list[str]]:
    ranked = sorted(result.stats.items(), key=lambda item: -item[1][2])[:top]
    rows = []
    for func, (_, calls, tt, ct, _) in ranked:
        dist = attribution.self_time(func)
        phase = max(dist, key=lambda p: dist[p])
        rows.append(
            [
                f"`{places.label(func)}`",
                str(calls),
                f"{tt:.3f}",
                f"{ct:.3f}",
                phase + (" (by caller)" if places.phase(func) is None else ""),
            ]
        )
    return rows


def cumulative_rows(result: Profile, places: Places, top: int) -> list[list[str]]:
    own = [
        (func, v)
        for func, v in result.stats.items()
        if places.phase(func) not in (None, IMPORTS, CLI)  # CLI: wrappers of everything
    ]
    ranked = sorted(own, key=lambda item: -item[1][3])[:top]
    return [
        [
            f"`{places.label(func)}`",
            str(calls),
            f"{tt:.3f}",
            f"{ct:.3f}",
            places.phase(func) or "",
        ]
        for func, (_, calls, tt, ct, _) in ranked
    ]


def render(result: Profile, top: int, command: str) -> str:
    places = Places()
    attribution = Attribution(result.stats, places)
    total = sum(v[2] for v in result.stats.values())
    head = ["function", "calls", "self s", "cumulative s", "phase"]
    lines = [
        f"# Where a first run's time goes: `govcheck check`, {result.entities:,} entities",
        "",
        (
            f"Regenerated by `{command}` on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC "
            f"with Python {sys.version.split()[0]}; load average {result.load_before} before, "
            f"{result.load_after} after."
        ),
        "",
        (
            f"- Estate: {result.entities:,} entities in {result.files:,} files (bench/generate.py, "
            "seed 1); a first run: empty cache folder, new cache key, no flags; exit "
            f"{result.code}."
        ),
        (
            f"- Without the profiler: {result.plain_wall:.2f} s wall, {result.plain_cpu:.2f} s CPU, "
            f"peak {result.plain_rss_mb:.0f} MB."
        ),
        (
            f"- Under cProfile: {result.profiled_wall:.2f} s ({total:.2f} s of self time counted); "
            "the profiler inflates pure-Python code more than C code (libyaml, json's encoder "
            "in C, hashing), so read shares, not seconds."
        ),
        (
            f"- Garbage collector: {result.gc_seconds:.2f} s in {result.gc_collections} "
            f"collections, {result.gc_oldest} of them of the oldest generation (included in the "
            "phases, charged to whatever was allocating)."
        ),
        "",
        "## By phase",
        "",
        (
            "Self time; builtins and the standard library are charged to the callers that asked "
            "for them, in proportion."
        ),
        "",
        *table(
            ["phase", "s", "%", "largest own entries (self s)"],
            phase_rows(result, attribution, places),
        ),
        "",
        f"## Top {top} by self time",
        "",
        *table(head, self_rows(result, attribution, places, top)),
        "",
        f"## Top {top} by cumulative time (govcheck and its libraries)",
        "",
        "Leaving out the command line and project code, which wraps everything else.",
        "",
        *table(head, cumulative_rows(result, places, top)),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--entities", type=int, default=10000)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument(
        "--output", help="also write the Markdown here (e.g. bench/PROFILE.md)"
    )
    args = ap.parse_args(argv)
    scratch = tempfile.mkdtemp(prefix="govcheck-profile-")
    try:
        result = profile(args.entities, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    text = render(result, args.top, " ".join(["python bench/profile.py", *argv]))
    print(text)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"(written to {os.path.relpath(args.output)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
