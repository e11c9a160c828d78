"""Benchmark govcheck as users meet it, beside its peers, and write bench/RESULTS.md.

Usage:
    python bench/run.py [--sizes 1000,10000,50000] [--peer-sizes 1000,10000]
                        [--rounds 5] [--large-rounds 3] [--large-peer-rounds 1]
                        [--startup-rounds 20]
                        [--diff-size 10000] [--diff-large 1000] [--quick]
                        [--keep] [--output bench/RESULTS.md]

Run it with the Python of the environment govcheck is installed in
(``pip install -e '.[test]'``): the commands measured are the ones next to that
Python. check-jsonschema comes with the test extra; yamllint is installed into
the same environment from PyPI when it is missing (the run says so).

One run measures, each section's commands interleaved round-robin (A B C, A B C,
...) and reported as medians with the machine's load before and after:

- at each size, the *first run* (``govcheck check`` with an empty cache folder and
  a new cache key, as on a new machine, no flags), ``--no-cache``, the *repeat
  run* (warm cache), the read-bytes floor, and at the peer sizes check-jsonschema
  (against govcheck's exported JSON Schemas) and yamllint, with peak memory;
- ``govcheck diff`` at ``--diff-size`` entities in a git repository: a one-file
  change and a ``--diff-large``-file change, each with an empty cache and warm;
- ``govcheck --version`` beside ``python -c pass``;
- ``-X importtime`` of the repeat run at the smallest size.

Then it prints every figure with its ratio and a met/missed verdict against the
targets of issue 11, and writes them to bench/RESULTS.md. The default run takes
4 to 11 minutes on a 2-core machine, depending on what else runs on it; ``--quick``
(1,000 entities, fewer rounds, a 1,000-entity diff) about one. Exit status 1 when a command failed to do its
job (exit 2 or 3, a traceback, a missing tool); a missed target is not a failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable

import generate as gen
import imports
import report
from measure import Command, Load, Prepared, Step, round_robin, run_once
from results import EstateInfo, Results, Section

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
SMALL = 1000  # sizes up to this many entities get --rounds, larger ones --large-rounds
FLOOR_CODE = (
    "import os,sys\n"
    "n=0\n"
    "for r,_,fs in os.walk(sys.argv[1]):\n"
    "  for f in fs:\n"
    "    with open(os.path.join(r,f),'rb') as h: n+=len(h.read())\n"
)
CLEARED = (
    "PYTHONPATH",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONDONTWRITEBYTECODE",
    "GITHUB_ACTIONS",
)
CHECK_CODES = frozenset({0, 1})  # 1 = findings: still a run that did its job


# ----------------------------------------------------------------- the user's environment


class Workspace:
    """A temporary folder for estates, repositories and the users' cache homes."""

    def __init__(self, keep: bool) -> None:
        self.root = tempfile.mkdtemp(prefix="govcheck-bench-")
        self.keep = keep
        self._serial = itertools.count()

    def folder(self, name: str) -> str:
        path = os.path.join(self.root, f"{name}-{next(self._serial)}")
        os.makedirs(path)
        return path

    def close(self) -> None:
        if self.keep:
            print(f"(kept {self.root})")
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def user_env(home: str) -> dict[str, str]:
    """The environment of a user whose cache folder and cache key live under `home`.

    The cache folder is not created: a new machine has none.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in CLEARED and not k.startswith(("XDG_", "GOVCHECK_"))
    }
    env.update(
        NO_COLOR="1",
        GOVCHECK_CACHE_DIR=os.path.join(home, "cache", "govcheck"),
        XDG_STATE_HOME=os.path.join(home, "state"),
        XDG_CACHE_HOME=os.path.join(home, "cache"),
    )
    return env


def fixed(argv: list[str], cwd: str, env: dict[str, str]) -> Callable[[], Prepared]:
    """The same process every run (the repeat run's cache stays between runs)."""
    return lambda: Prepared([Step(argv, cwd, env)])


def new_machine(argv: list[str], cwd: str, ws: Workspace) -> Callable[[], Prepared]:
    """Every run as on a new machine: no cache folder, no cache key; removed afterwards."""

    def prepare() -> Prepared:
        home = ws.folder("user")
        return Prepared(
            [Step(argv, cwd, user_env(home))], lambda: shutil.rmtree(home, True)
        )

    return prepare


def prime(command: Command) -> None:
    """One untimed run, so that the next runs find the cache it leaves."""
    result = run_once(command)
    if isinstance(result, str):
        command.failure = f"priming {result}"
        print(f"   !! FAILED {command.failure}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------- tools


class Tools:
    def __init__(self, notes: list[str]) -> None:
        self.python = sys.executable
        self.govcheck = self._require("govcheck")
        self.check_jsonschema = self._peer(
            "check-jsonschema", "check-jsonschema", notes
        )
        self.yamllint = self._peer("yamllint", "yamllint", notes)

    @staticmethod
    def _require(name: str) -> str:
        path = os.path.join(BIN, name)
        if not os.path.exists(path):
            sys.exit(
                f"run.py: no {name} next to {sys.executable}: install govcheck into this "
                f"environment first (pip install -e '{ROOT}[test]')"
            )
        return path

    @staticmethod
    def _peer(name: str, package: str, notes: list[str]) -> str | None:
        path = os.path.join(BIN, name)
        if os.path.exists(path):
            return path
        print(
            f"== {name} is missing: installing {package} from PyPI into {sys.prefix}",
            flush=True,
        )
        pip = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
        ]
        installed = subprocess.run([*pip, package], check=False).returncode == 0
        if installed and os.path.exists(path):
            notes.append(
                f"{name} was missing and was installed from PyPI (`pip install "
                f"{package}`) into the benchmark's environment."
            )
            return path
        notes.append(
            f"{name} is missing and could not be installed: its figures are absent."
        )
        return None

    def versions(self) -> dict[str, str]:
        out = {
            "govcheck": f"{first_line([self.govcheck, '--version'])} ({install_kind()})"
        }
        for name, path in (
            ("check-jsonschema", self.check_jsonschema),
            ("yamllint", self.yamllint),
        ):
            if path:
                out[name] = first_line([path, "--version"])
        return out


def first_line(argv: list[str], cwd: str | None = None) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=cwd)
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0] if lines else f"(exit {proc.returncode})"


def install_kind() -> str:
    """How govcheck is installed, and from which commit of this checkout."""
    code = (
        "import importlib.metadata as m, json, govcheck\n"
        "u = m.distribution('govcheck').read_text('direct_url.json') or '{}'\n"
        "print(json.loads(u).get('dir_info', {}).get('editable', False), govcheck.__file__)"
    )
    out = first_line([sys.executable, "-c", code]).split(" ", 1)
    kind = "editable install" if out[0] == "True" else "regular install"
    where = out[1] if len(out) > 1 else "?"
    if not os.path.abspath(where).startswith(ROOT + os.sep):
        kind += f" from {os.path.dirname(where)}, not this checkout"
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", ROOT, "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{kind}, commit {commit}" + (
        " with uncommitted changes in src/" if dirty else ""
    )


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in fh
                if line.startswith("model name")
            ),
            cpu,
        )
    with open("/proc/meminfo", encoding="utf-8") as fh:
        memory = f"{int(fh.readline().split()[1]) / 1024 / 1024:.1f} GiB RAM"
    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


# ----------------------------------------------------------------------------- estates


def make_estate(ws: Workspace, n: int) -> EstateInfo:
    """A project folder whose ecosystem/ holds n entities, one file each.

    Generated in a child process, so that this one stays small: a process started from it
    would count this one's peak memory as its own where GNU time is missing.
    """
    project = ws.folder(f"estate-{n}")
    folder = os.path.join(project, "ecosystem")
    script = os.path.join(HERE, "generate.py")
    argv = [sys.executable, script, folder, "--entities", str(n), "--seed", "1"]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    sizes = [
        os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(folder) for f in fs
    ]
    return EstateInfo(n, len(sizes), sum(sizes), project)


def export_schemas(tools: Tools, ws: Workspace) -> dict[str, str]:
    """kind folder -> the JSON Schema `govcheck schema --output-dir` writes for that kind."""
    out = ws.folder("schemas")
    subprocess.run(
        [tools.govcheck, "schema", "--output-dir", out],
        capture_output=True,
        check=True,
        cwd=out,
        env=user_env(out),
    )
    schemas = {}
    for kind, folder in gen.KIND_FOLDER.items():
        path = os.path.join(out, f"{kind.lower()}.schema.json")
        if os.path.exists(path):
            schemas[folder] = path
    return schemas


def check_jsonschema_steps(
    tool: str, project: str, schemas: dict[str, str], env: dict[str, str]
) -> list[Step]:
    """One check-jsonschema per kind over that kind's files, split only at ARG_MAX."""
    limit = max(os.sysconf("SC_ARG_MAX") // 2 - 65536, 65536)
    steps = []
    for folder, schema in schemas.items():
        root = os.path.join(project, "ecosystem", folder)
        files = sorted(
            os.path.relpath(os.path.join(r, f), project)
            for r, _, fs in os.walk(root)
            for f in fs
        )
        for chunk in chunks(files, limit):
            steps.append(Step([tool, "--schemafile", schema, *chunk], project, env))
    return steps


def chunks(items: list[str], limit: int) -> list[list[str]]:
    out: list[list[str]] = [[]]
    size = 0
    for item in items:
        if out[-1] and size + len(item) + 1 > limit:
            out.append([])
            size = 0
        out[-1].append(item)
        size += len(item) + 1
    return [c for c in out if c]


# ---------------------------------------------------------------------------- sections


def check_commands(
    tools: Tools,
    ws: Workspace,
    est: EstateInfo,
    peers: dict[str, str] | None,
    peer_runs: int | None,
) -> list[Command]:
    project = est.path
    quiet = user_env(ws.folder("user"))
    warm = user_env(ws.folder("user"))
    commands = [
        Command(
            "floor",
            "floor (read every file's bytes)",
            fixed([tools.python, "-I", "-c", FLOOR_CODE, "ecosystem"], project, quiet),
        ),
        Command(
            "first",
            "govcheck check (first run)",
            new_machine([tools.govcheck, "check"], project, ws),
            CHECK_CODES,
        ),
        Command(
            "no-cache",
            "govcheck check --no-cache",
            fixed([tools.govcheck, "check", "--no-cache"], project, quiet),
            CHECK_CODES,
        ),
        Command(
            "repeat",
            "govcheck check (repeat run)",
            fixed([tools.govcheck, "check"], project, warm),
            CHECK_CODES,
        ),
    ]
    if peers is not None:
        commands += peer_commands(tools, project, peers, quiet, peer_runs)
    return commands


def peer_commands(
    tools: Tools,
    project: str,
    schemas: dict[str, str],
    env: dict[str, str],
    max_runs: int | None,
) -> list[Command]:
    """check-jsonschema and yamllint on the same files (in the first `max_runs` rounds)."""
    commands = []
    if tools.check_jsonschema and schemas:
        steps = check_jsonschema_steps(tools.check_jsonschema, project, schemas, env)
        commands.append(
            Command(
                "check-jsonschema",
                "check-jsonschema (per kind, summed)",
                lambda: Prepared(steps),
                max_runs=max_runs,
            )
        )
    if tools.yamllint:
        argv = [tools.yamllint, "-d", "relaxed", "ecosystem"]
        commands.append(
            Command(
                "yamllint",
                "yamllint -d relaxed",
                fixed(argv, project, env),
                CHECK_CODES,
                max_runs=max_runs,
            )
        )
    return commands


def measure_section(
    title: str,
    commands: list[Command],
    rounds: int,
    baseline: str | None,
    estate: EstateInfo | None = None,
    detail: str = "",
    warm: tuple[str, ...] = (),
) -> Section:
    print(f"== {title}: {rounds} rounds", flush=True)
    for command in commands:
        if command.key in warm:
            prime(command)
    section = Section(
        title,
        rounds,
        commands,
        Load.now(),
        baseline=baseline,
        estate=estate,
        detail=detail,
    )
    round_robin(commands, rounds)
    section.load_after = Load.now()
    return section


def check_section(
    tools: Tools,
    ws: Workspace,
    est: EstateInfo,
    rounds: int,
    peers: dict[str, str] | None,
    peer_runs: int | None,
) -> Section:
    detail = (
        f"Estate: {est.entities:,} entities in {est.files:,} files, "
        f"{est.bytes / 1e6:.1f} MB."
    )
    if peers is not None and peer_runs is not None and peer_runs < rounds:
        detail += f" The peers take part in the first {peer_runs} round(s) only."
    return measure_section(
        f"`govcheck check`, {est.entities:,} entities",
        check_commands(tools, ws, est, peers, peer_runs),
        rounds,
        "floor",
        est,
        detail,
        warm=("repeat",),
    )


def import_summary(
    tools: Tools, section: Section, runs: int = 3
) -> imports.ImportSummary:
    """-X importtime of the repeat run (its warm cache is the one the section used)."""
    repeat = next(c for c in section.commands if c.key == "repeat")
    step = repeat.prepare().steps[0]
    env = dict(step.env, PYTHONPROFILEIMPORTTIME="1")
    parsed = []
    for _ in range(runs):
        proc = subprocess.run(
            step.argv,
            cwd=step.cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        parsed.append(imports.parse(proc.stderr))
    return imports.summarize(parsed)


def diff_section(
    tools: Tools, ws: Workspace, entities: int, large: int, rounds: int
) -> Section:
    repo = os.path.join(ws.folder("history"), "repo")
    print(
        f"== git repository: {entities:,} entities, branches change-1 and change-{large}",
        flush=True,
    )
    script = os.path.join(HERE, "history.py")
    argv = [sys.executable, script, repo, "--entities", str(entities), "--commits", "0"]
    subprocess.run(
        [*argv, "--branches", f"1,{large}"], check=True, stdout=subprocess.DEVNULL
    )
    commands = []
    for size, key in ((1, "diff-1"), (large, "diff-many")):
        argv = [tools.govcheck, "diff", f"main...change-{size}"]
        files = f"{size:,} file" + ("s" if size > 1 else "")
        commands += [
            Command(
                f"{key}-empty",
                f"govcheck diff, {files}, empty cache",
                new_machine(argv, repo, ws),
                CHECK_CODES,
            ),
            Command(
                f"{key}-warm",
                f"govcheck diff, {files}, warm",
                fixed(argv, repo, user_env(ws.folder("user"))),
                CHECK_CODES,
            ),
        ]
    detail = (
        f"A git repository whose `main` is one commit of {entities:,} entities "
        f"(`bench/history.py`); branch `change-N` adds one commit changing N files; "
        f"`govcheck diff main...change-N` in it."
    )
    estate = EstateInfo(entities, entities, 0, repo)
    return measure_section(
        f"`govcheck diff`, {entities:,} entities",
        commands,
        rounds,
        None,
        estate,
        detail,
        warm=("diff-1-warm", "diff-many-warm"),
    )


def startup_section(tools: Tools, ws: Workspace, rounds: int) -> Section:
    cwd = ws.folder("startup")
    env = user_env(cwd)
    commands = [
        Command(
            "python",
            "python -c pass",
            fixed([tools.python, "-c", "pass"], cwd, env),
            peak=False,
        ),
        Command(
            "version",
            "govcheck --version",
            fixed([tools.govcheck, "--version"], cwd, env),
            peak=False,
        ),
    ]
    return measure_section("Start-up", commands, rounds, "python")


# -------------------------------------------------------------------------------- run


def run(args: argparse.Namespace) -> int:
    started = dt.datetime.now(dt.timezone.utc)
    load = Load.now()
    notes: list[str] = []
    tools = Tools(notes)
    results = Results(
        started,
        shlex.join(["python", "bench/run.py", *args.argv]),
        load,
        machine(),
        tools.versions(),
        notes=notes,
    )
    print(f"== load average before: {load}", flush=True)
    ws = Workspace(args.keep)
    try:
        measure_all(results, tools, ws, args)
    finally:
        ws.close()
    results.load_after = Load.now()
    results.finished = dt.datetime.now(dt.timezone.utc)
    text = report.render(results)
    print()
    print(text)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"(written to {os.path.relpath(args.output)})")
    return 1 if results.failures else 0


def measure_all(
    results: Results, tools: Tools, ws: Workspace, args: argparse.Namespace
) -> None:
    results.startup = startup_section(tools, ws, args.startup_rounds)
    schemas = export_schemas(tools, ws)
    for n in args.sizes:
        print(f"== generating {n:,} entities", flush=True)
        est = make_estate(ws, n)
        small = n <= SMALL
        rounds = args.rounds if small else args.large_rounds
        peers = schemas if n in args.peer_sizes else None
        peer_runs = None if small else args.large_peer_rounds
        section = check_section(tools, ws, est, rounds, peers, peer_runs)
        results.checks[n] = section
        if results.imports is None:
            results.imports = import_summary(tools, section)
            results.notes.append(f"`-X importtime` measured at {n:,} entities.")
        if not args.keep:
            shutil.rmtree(est.path, ignore_errors=True)
    if args.diff_size:
        results.diff = diff_section(
            tools, ws, args.diff_size, args.diff_large, args.large_rounds
        )
        results.diff_large = args.diff_large


def sizes(text: str) -> list[int]:
    return sorted({int(s) for s in text.split(",") if s.strip()})


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument(
        "--sizes",
        type=sizes,
        default=sizes("1000,10000,50000"),
        help="entity counts to check (default 1000,10000,50000)",
    )
    ap.add_argument(
        "--peer-sizes",
        type=sizes,
        default=sizes("1000,10000"),
        help="sizes at which check-jsonschema and yamllint run too",
    )
    ap.add_argument(
        "--rounds", type=int, default=5, help=f"rounds at ≤ {SMALL:,} entities"
    )
    ap.add_argument(
        "--large-rounds",
        type=int,
        default=3,
        help=f"rounds above {SMALL:,} entities and for diff",
    )
    ap.add_argument(
        "--large-peer-rounds",
        type=int,
        default=1,
        help=f"rounds the peers take part in above {SMALL:,} entities (they take minutes)",
    )
    ap.add_argument("--startup-rounds", type=int, default=20)
    ap.add_argument(
        "--diff-size", type=int, default=10000, help="entities; 0 skips diff"
    )
    ap.add_argument(
        "--diff-large", type=int, default=1000, help="files of the large change"
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="1,000 entities, 3 rounds, a 1,000-entity diff: about a minute",
    )
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
    args = ap.parse_args(argv)
    args.argv = argv
    if args.quick:
        args.sizes, args.rounds, args.large_rounds, args.startup_rounds = (
            [1000],
            3,
            2,
            10,
        )
        args.diff_size, args.diff_large = 1000, 100
    if min(args.rounds, args.large_rounds, args.startup_rounds) < 1 or not args.sizes:
        ap.error("rounds must be at least 1 and --sizes not empty")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
