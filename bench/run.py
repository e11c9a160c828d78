"""Benchmark govcheck against the tools users would pick instead, in one run.

Usage:
    python bench/run.py [--sizes 100,1000,10000,50000] [--runs 5] [--quick]
                        [--editable] [--no-install] [--keep]
                        [--output bench/RESULTS.md]

``--quick`` is ``--sizes 100,1000 --runs 3``: a sanity pass of a few minutes.
The full run (sizes up to 50,000 entities) takes a long while, mostly in the
peers.  It is never part of CI's test step.

What it does:
1. Creates ``bench/.venv`` (git-ignored) and installs there, from the package
   registry, the peers ``check-jsonschema`` and ``yamllint``, and govcheck itself
   from this repository (the repo root, found relative to this script; always
   reinstalled so that the current source is measured; ``--editable`` installs
   it with ``pip install -e`` instead).  ``--no-install`` reuses the venv as
   it is.
2. Generates estates with generate.py into a temporary folder: every size in
   both layouts (one file per entity, and bundled multi-document files), plus a
   files-layout estate with 1% planted defects per size; and a git history
   (history.py: 1,000 entities, 300 commits, branches change-1/50/500).
3. Times, each command several times (``--runs``), reporting median, min, max:
   - ``govcheck --version`` and ``govcheck check`` on the repo's own
     ``ecosystem/`` (cwd = repo root); the peers' ``--version`` for reference;
   - ``govcheck check DIR --as-of 2027-01-15 --no-cache`` (cold) and the same
     without ``--no-cache`` after a priming run (warm: the pre-commit case); if
     ``--no-cache`` is not an option, cold runs get an empty cache directory
     instead (noted in the results);
   - ``check-jsonschema`` validating the same files against govcheck's own
     schemas (``govcheck schema --output-dir``), one invocation per kind over
     that kind's files, summed (files layout only: check-jsonschema reads one
     document per file);
   - ``yamllint -d relaxed`` on the same files;
   - the floor: one Python process that reads every file's bytes;
   - ``govcheck diff main...change-N --fail-on breaking`` for N = 1, 50, 500
     (exit 0 or 1 are both timed; exit 2 fails loudly);
   - peak memory (max RSS) of ``govcheck check`` at the largest size.
   Peers run only once per estate above 10,000 entities (they take minutes).
4. Prints Markdown tables (medians, min/max, ratios to govcheck and to the
   floor, the scaling curve, the machine) and writes them to bench/RESULTS.md.

Exit status: 0 when everything ran, 1 when a command failed to do its job
(exit 2, a traceback, a missing tool); the results are written either way.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import generate as gen
import history as hist

VENV = os.path.join(HERE, ".venv")
BIN = os.path.join(VENV, "bin")
AS_OF = gen.AS_OF.isoformat()
KINDS = list(gen.KIND_FOLDER.items())            # (Kind, folder)
PEER_RUN_LIMIT = 10_000                          # above this, peers run once
FLOOR_CODE = (
    "import os,sys\n"
    "n=0\n"
    "for r,_,fs in os.walk(sys.argv[1]):\n"
    "  for f in fs:\n"
    "    with open(os.path.join(r,f),'rb') as h: n+=len(h.read())\n"
)
MAXRSS_CODE = (
    "import resource,subprocess,sys\n"
    "p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n"
    "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


@dataclass
class Timing:
    label: str
    times: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def lo(self) -> float:
        return min(self.times) if self.times else float("nan")

    @property
    def hi(self) -> float:
        return max(self.times) if self.times else float("nan")

    @property
    def code(self) -> str:
        return ",".join(str(c) for c in sorted(set(self.codes))) or "-"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="govcheck-bench-")
        self.env = dict(os.environ, NO_COLOR="1",
                        XDG_CACHE_HOME=os.path.join(self.tmp, "cache"))
        for var in ("PYTHONPATH", "GOVCHECK_CACHE_DIR"):    # the cache follows XDG here
            self.env.pop(var, None)
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.no_cache = True
        self.sections: list[str] = []

    # ------------------------------------------------------------------ running
    def tool(self, name: str) -> str:
        return os.path.join(BIN, name)

    def once(self, cmd: list[str], cwd: str, env: dict[str, str] | None = None
             ) -> tuple[float, int, str]:
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env or self.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        return elapsed, proc.returncode, proc.stderr.decode("utf-8", "replace")

    def time_cmds(self, label: str, cmds: list[list[str]], cwd: str, runs: int,
                  ok_codes: tuple[int, ...] = (0, 1), prepare: Any = None,
                  env: dict[str, str] | None = None) -> Timing:
        """Time `cmds` run one after the other as one measurement, `runs` times."""
        t = Timing(label)
        for _ in range(runs):
            run_env = prepare() if prepare else env
            total, worst = 0.0, 0
            for cmd in cmds:
                elapsed, code, err = self.once(cmd, cwd, run_env)
                total += elapsed
                if code not in ok_codes or "Traceback (most recent call last)" in err:
                    tail = err.strip().splitlines()[-3:]
                    msg = f"{label}: exit {code}: {' | '.join(tail) or '(no stderr)'}"
                    print(f"!! FAILED {msg}", file=sys.stderr)
                    self.failures.append(msg)
                    t.note = f"FAILED (exit {code})"
                    t.times.clear()
                    return t
                worst = max(worst, code)
            t.times.append(total)
            t.codes.append(worst)
        print(f"   {label:<58} median {t.median:8.3f}s  [{t.lo:.3f}-{t.hi:.3f}]"
              f"  exit {t.code}", flush=True)
        return t

    # ------------------------------------------------------------------ setup
    def install(self) -> None:
        if not os.path.exists(os.path.join(BIN, "python")):
            print(f"== creating {VENV}", flush=True)
            venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
        if self.args.no_install:
            return
        pip = [self.tool("python"), "-m", "pip", "install", "-q",
               "--disable-pip-version-check"]
        print("== installing check-jsonschema, yamllint and govcheck into bench/.venv",
              flush=True)
        if self.args.editable:
            subprocess.run(pip + ["check-jsonschema", "yamllint", "-e", ROOT], check=True)
            self.notes.append("govcheck was installed in editable mode (`--editable`).")
            return
        subprocess.run(pip + ["check-jsonschema", "yamllint", ROOT], check=True)
        # the same version number would be skipped: reinstall to measure this source
        subprocess.run(pip + ["--no-deps", "--force-reinstall", ROOT], check=True)

    def versions(self) -> dict[str, str]:
        out = {}
        for name in ("govcheck", "check-jsonschema", "yamllint"):
            proc = subprocess.run([self.tool(name), "--version"], capture_output=True,
                                  text=True, env=self.env)
            out[name] = (proc.stdout or proc.stderr).strip().splitlines()[0] \
                if proc.returncode == 0 and (proc.stdout or proc.stderr) \
                else f"unavailable (exit {proc.returncode})"
        return out

    def detect_options(self) -> None:
        proc = subprocess.run([self.tool("govcheck"), "check", "--help"],
                              capture_output=True, text=True, env=self.env)
        self.no_cache = "--no-cache" in proc.stdout
        if not self.no_cache:
            self.notes.append("`govcheck check` has no `--no-cache` option yet: cold runs "
                              "used an empty cache directory (XDG_CACHE_HOME) and a removed "
                              "`.govcheck_cache/` instead.")

    def export_schemas(self) -> dict[str, str]:
        out = os.path.join(self.tmp, "schemas")
        os.makedirs(out, exist_ok=True)
        proc = subprocess.run([self.tool("govcheck"), "schema", "--output-dir", out],
                              capture_output=True, text=True, env=self.env, cwd=self.tmp)
        files = [f for f in os.listdir(out) if f.endswith(".json")]
        if proc.returncode != 0 or not files:
            shipped = os.path.join(ROOT, "src", "govcheck", "schemas")
            self.notes.append(f"`govcheck schema --output-dir` failed (exit "
                              f"{proc.returncode}); check-jsonschema used the schemas "
                              f"shipped in src/govcheck/schemas.")
            out = shipped
            files = [f for f in os.listdir(shipped) if f.endswith(".json")] \
                if os.path.isdir(shipped) else []
        mapping = {}
        for kind, _ in KINDS:
            match = [f for f in files if kind.lower() in f.lower()]
            if match:
                mapping[kind] = os.path.join(out, sorted(match, key=len)[0])
            elif len(files) == 1:
                mapping[kind] = os.path.join(out, files[0])
        if len(mapping) < len(KINDS):
            self.notes.append(f"no exported schema found for "
                              f"{sorted(set(k for k, _ in KINDS) - set(mapping))}: "
                              f"check-jsonschema skipped those kinds.")
        return mapping

    # ------------------------------------------------------------------ estates
    def estate(self, n: int, layout: str, defects: float = 0.0) -> dict[str, Any]:
        name = f"estate-{n}-{layout}" + ("-defects" if defects else "")
        path = os.path.join(self.tmp, name)
        e = gen.build_estate(n, seed=1, defects=defects)
        files = gen.write_estate(e, path, layout)
        size = sum(os.path.getsize(os.path.join(r, f))
                   for r, _, fs in os.walk(path) for f in fs)
        return {"path": path, "n": n, "layout": layout, "files": files, "bytes": size,
                "defects": len(e.defects)}

    def summary_json(self, path: str) -> str:
        """Finding counts from one untimed --format json run (to prove 'clean')."""
        cmd = [self.tool("govcheck"), "check", path, "--as-of", AS_OF, "--format", "json"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=self.env,
                              cwd=self.tmp)
        try:
            data = json.loads(proc.stdout)
            s = data["summary"]
            rules = sorted({f["rule"] for f in data.get("findings", [])})
            return (f"exit {proc.returncode}: {s.get('error', 0)} errors, "
                    f"{s.get('warning', 0)} warnings, {s.get('info', 0)} info"
                    + (f" ({', '.join(rules)})" if rules else ""))
        except (ValueError, KeyError, TypeError):
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return f"exit {proc.returncode}: no JSON summary ({tail[:80]})"

    def check_cmd(self, path: str, cold: bool) -> list[str]:
        cmd = [self.tool("govcheck"), "check", path, "--as-of", AS_OF]
        if cold and self.no_cache:
            cmd.append("--no-cache")
        return cmd

    def cold_env(self, path: str) -> Any:
        counter = [0]

        def prepare() -> dict[str, str]:
            counter[0] += 1
            if self.no_cache:
                return self.env
            for where in (path, self.tmp):
                shutil.rmtree(os.path.join(where, ".govcheck_cache"), ignore_errors=True)
            fresh = os.path.join(self.tmp, f"cold-cache-{os.path.basename(path)}-{counter[0]}")
            return dict(self.env, XDG_CACHE_HOME=fresh)
        return prepare

    def peer_cmds(self, est: dict[str, Any], schemas: dict[str, str]) -> list[list[str]]:
        """One check-jsonschema per kind over that kind's files, split only at ARG_MAX."""
        cmds = []
        limit = max(os.sysconf("SC_ARG_MAX") // 2 - 65536, 65536)
        for kind, folder in KINDS:
            if kind not in schemas:
                continue
            root = os.path.join(est["path"], folder)
            files = sorted(os.path.join(r, f) for r, _, fs in os.walk(root) for f in fs)
            base = [self.tool("check-jsonschema"), "--schemafile", schemas[kind]]
            chunk: list[str] = []
            size = 0
            for f in files:
                if chunk and size + len(f) + 1 > limit:
                    cmds.append(base + chunk)
                    chunk, size = [], 0
                chunk.append(f)
                size += len(f) + 1
            if chunk:
                cmds.append(base + chunk)
        return cmds

    # ------------------------------------------------------------------ the run
    def run(self) -> int:
        args = self.args
        self.install()
        versions = self.versions()
        self.detect_options()
        runs = args.runs
        print(f"== machine: {machine_line()}", flush=True)
        for k, v in versions.items():
            print(f"   {k}: {v}")

        # ---- start-up
        print("== start-up", flush=True)
        startup = [
            self.time_cmds("govcheck --version", [[self.tool("govcheck"), "--version"]],
                           ROOT, runs),
            self.time_cmds("govcheck check (bundled ecosystem/, cwd = repo root)",
                           [[self.tool("govcheck"), "check"]], ROOT, runs),
            self.time_cmds("check-jsonschema --version",
                           [[self.tool("check-jsonschema"), "--version"]], ROOT, runs),
            self.time_cmds("yamllint --version", [[self.tool("yamllint"), "--version"]],
                           ROOT, runs),
        ]
        eco_summary = self.summary_json(os.path.join(ROOT, "ecosystem"))
        self.sections.append(section_startup(startup, eco_summary))

        # ---- throughput per size and layout
        schemas = self.export_schemas()
        rows: list[dict[str, Any]] = []
        defect_rows = []
        for n in args.sizes:
            for layout in ("files", "bundled"):
                print(f"== {n} entities, {layout} layout", flush=True)
                est = self.estate(n, layout)
                peer_runs = runs if n <= PEER_RUN_LIMIT else 1
                p = est["path"]
                row: dict[str, Any] = {"est": est, "clean": self.summary_json(p)}
                row["floor"] = self.time_cmds(
                    f"floor (read all bytes) {n} {layout}",
                    [[self.tool("python"), "-I", "-c", FLOOR_CODE, p]], self.tmp, runs)
                row["cold"] = self.time_cmds(
                    f"govcheck check cold {n} {layout}", [self.check_cmd(p, True)],
                    self.tmp, runs, prepare=self.cold_env(p))
                self.once(self.check_cmd(p, False), self.tmp)          # prime the cache
                row["warm"] = self.time_cmds(
                    f"govcheck check warm {n} {layout}", [self.check_cmd(p, False)],
                    self.tmp, runs)
                if layout == "files" and schemas:
                    row["cjs"] = self.time_cmds(
                        f"check-jsonschema (per kind, summed) {n} {layout}",
                        self.peer_cmds(est, schemas), self.tmp, peer_runs)
                row["yamllint"] = self.time_cmds(
                    f"yamllint -d relaxed {n} {layout}",
                    [[self.tool("yamllint"), "-d", "relaxed", p]], self.tmp, peer_runs)
                rows.append(row)
            dest = self.estate(n, "files", defects=0.01)
            t = self.time_cmds(f"govcheck check cold {n} files, 1% defects",
                               [self.check_cmd(dest["path"], True)], self.tmp, runs,
                               prepare=self.cold_env(dest["path"]))
            defect_rows.append((dest, t, self.summary_json(dest["path"])))
            if not args.keep:             # keep the largest: peak memory is measured on it
                shutil.rmtree(dest["path"], ignore_errors=True)
                for layout in ("files", "bundled"):
                    if n != max(args.sizes):
                        shutil.rmtree(os.path.join(self.tmp, f"estate-{n}-{layout}"),
                                      ignore_errors=True)
        self.sections.append(section_throughput(rows, "files"))
        self.sections.append(section_throughput(rows, "bundled"))
        self.sections.append(section_defects(defect_rows))
        self.sections.append(section_scaling(rows))

        # ---- peak memory at the largest size
        n_max = max(args.sizes)
        print(f"== peak memory at {n_max} entities", flush=True)
        mem_rows = []
        for layout in ("files", "bundled"):
            path = os.path.join(self.tmp, f"estate-{n_max}-{layout}")
            if not os.path.isdir(path):
                path = self.estate(n_max, layout)["path"]
            for cold in (True, False):
                env = self.cold_env(path)() if cold else self.env
                if not cold:
                    self.once(self.check_cmd(path, False), self.tmp)   # prime the cache
                cmd = [self.tool("python"), "-c", MAXRSS_CODE] + self.check_cmd(path, cold)
                proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                                      cwd=self.tmp)
                try:
                    code, kb = (int(x) for x in proc.stdout.split())
                    mem_rows.append((layout, "cold" if cold else "warm", kb / 1024, code))
                    print(f"   max RSS {layout} {'cold' if cold else 'warm'}: "
                          f"{kb / 1024:.0f} MiB (exit {code})")
                except ValueError:
                    self.failures.append(f"peak memory {layout}: {proc.stderr[-200:]}")
        self.sections.append(section_memory(n_max, mem_rows))

        # ---- diff on a git history
        print(f"== git history ({args.history_entities} entities, {args.history_commits} "
              f"commits)", flush=True)
        repo = os.path.join(self.tmp, "history")
        info = hist.make_history(repo, args.history_entities, args.history_commits)
        diff_rows = []
        fail_on = ["--fail-on", "breaking"]
        probe = self.once([self.tool("govcheck"), "diff", "main...change-1"] + fail_on, repo)
        if probe[1] == 2:
            alt = self.once([self.tool("govcheck"), "diff", "main...change-1"], repo)
            if alt[1] in (0, 1):
                fail_on = []
                self.notes.append("`govcheck diff --fail-on breaking` exited 2; diff was "
                                  "timed without `--fail-on`.")
        for size in hist.BRANCH_SIZES:
            cmd = [self.tool("govcheck"), "diff", f"main...change-{size}"] + fail_on
            diff_rows.append((size, self.time_cmds(f"govcheck diff main...change-{size}",
                                                   [cmd], repo, runs)))
        self.sections.append(section_diff(info, diff_rows, fail_on))

        # ---- targets first, then everything else
        self.sections.insert(0, section_targets(startup, rows, mem_rows, diff_rows))
        report = render(self.sections, versions, self.notes, self.failures, args)
        print()
        print(report)
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(report)
        print(f"(written to {os.path.relpath(args.output)})")
        if args.keep:
            print(f"(estates kept in {self.tmp})")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return 1 if self.failures else 0


# ---------------------------------------------------------------------- reporting

def machine_line() -> str:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh
                        if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kb = int(fh.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"nproc {usable}{mem}, {cpu or platform.machine()}, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}, "
            f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")


def fmt(t: Timing | None) -> str:
    if t is None:
        return "—"
    if not t.ok:
        return t.note or "failed"
    return f"{t.median:.3f}"


def ratio(a: Timing | None, b: Timing | None) -> str:
    if a is None or b is None or not a.ok or not b.ok or b.median == 0:
        return "—"
    return f"{a.median / b.median:.1f}×"


def timing_row(name: str, t: Timing, extra: list[str] | None = None) -> str:
    cells = [name, fmt(t), f"{t.lo:.3f}" if t.ok else "—", f"{t.hi:.3f}" if t.ok else "—",
             str(len(t.times)), t.code] + (extra or [])
    return "| " + " | ".join(cells) + " |"


def section_startup(startup: list[Timing], eco: str) -> str:
    lines = ["## Start-up", "", "| command | median s | min s | max s | runs | exit |",
             "|---|---:|---:|---:|---:|---|"]
    lines += [timing_row(f"`{t.label}`", t) for t in startup]
    lines += ["", f"`govcheck check` on the repository's own `ecosystem/`: {eco}."]
    return "\n".join(lines)


def section_throughput(rows: list[dict[str, Any]], layout: str) -> str:
    mine = [r for r in rows if r["est"]["layout"] == layout]
    if not mine:
        return ""
    lines = [f"## `govcheck check` throughput, {layout} layout", "",
             ("One file per entity in kind folders." if layout == "files" else
              f"Multi-document files of {gen.BUNDLE_SIZE} entities; check-jsonschema reads "
              f"one document per file, so it runs on the files layout only."), "",
             "| entities | files | MB | tool | median s | min s | max s | runs | exit "
             "| ÷ govcheck cold | ÷ floor |",
             "|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|"]
    for r in mine:
        est = r["est"]
        head = [str(est["n"]), str(est["files"]), f"{est['bytes'] / 1e6:.1f}"]
        for key, name in (("floor", "floor (read bytes)"), ("cold", "govcheck cold"),
                          ("warm", "govcheck warm (cached)"), ("cjs", "check-jsonschema"),
                          ("yamllint", "yamllint -d relaxed")):
            t = r.get(key)
            if t is None:
                continue
            cells = [name, fmt(t), f"{t.lo:.3f}" if t.ok else "—",
                     f"{t.hi:.3f}" if t.ok else "—", str(len(t.times)), t.code,
                     ratio(t, r["cold"]) if key not in ("cold", "floor") else
                     ("1.0×" if key == "cold" else "—"),
                     ratio(t, r["floor"]) if key != "floor" else "1.0×"]
            lines.append("| " + " | ".join(head + cells) + " |")
    lines += ["", "Findings on these clean estates (untimed `--format json` run): " +
              "; ".join(f"{r['est']['n']}: {r['clean']}" for r in mine) + "."]
    return "\n".join(lines)


def section_defects(defect_rows: list[tuple[dict[str, Any], Timing, str]]) -> str:
    lines = ["## Estates with 1% planted defects (files layout)", "",
             "| entities | planted defects | govcheck cold median s | min s | max s | "
             "result |", "|---:|---:|---:|---:|---:|---|"]
    for est, t, summary in defect_rows:
        lines.append(f"| {est['n']} | {est['defects']} | {fmt(t)} | "
                     f"{t.lo:.3f} | {t.hi:.3f} | {summary} |" if t.ok else
                     f"| {est['n']} | {est['defects']} | {fmt(t)} | — | — | {summary} |")
    return "\n".join(lines)


def section_scaling(rows: list[dict[str, Any]]) -> str:
    lines = ["## Scaling curve (govcheck check, medians)", "",
             "| entities | files cold s | s per 1,000 | files warm s | bundled cold s | "
             "s per 1,000 | bundled warm s |", "|---:|---:|---:|---:|---:|---:|---:|"]
    by = {(r["est"]["n"], r["est"]["layout"]): r for r in rows}
    for n in sorted({r["est"]["n"] for r in rows}):
        cells = [str(n)]
        for layout in ("files", "bundled"):
            r = by.get((n, layout))
            if r is None:
                cells += ["—", "—", "—"]
                continue
            cold = r["cold"]
            cells += [fmt(cold),
                      f"{cold.median / n * 1000:.3f}" if cold.ok else "—", fmt(r["warm"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section_memory(n: int, mem_rows: list[tuple[str, str, float, int]]) -> str:
    lines = [f"## Peak memory, govcheck check at {n} entities", "",
             "| layout | cache | max RSS MiB | exit |", "|---|---|---:|---|"]
    lines += [f"| {layout} | {mode} | {mib:.0f} | {code} |" for layout, mode, mib, code
              in mem_rows]
    lines += ["", "Measured with `resource.getrusage(RUSAGE_CHILDREN)` in a fresh wrapper "
                  "process around one govcheck run."]
    return "\n".join(lines)


def section_diff(info: dict[str, Any], diff_rows: list[tuple[int, Timing]],
                 fail_on: list[str]) -> str:
    lines = ["## `govcheck diff` on a git history", "",
             f"History repo: {info['entities']} entities at HEAD, {info['commits']} commits "
             f"on main; each branch is one commit touching N manifests. Command: "
             f"`govcheck diff main...change-N {' '.join(fail_on)}`.", "",
             "| change | median s | min s | max s | runs | exit |",
             "|---|---:|---:|---:|---:|---|"]
    lines += [timing_row(f"{size} file{'s' if size > 1 else ''}", t) for size, t in diff_rows]
    return "\n".join(lines)


def section_targets(startup: list[Timing], rows: list[dict[str, Any]],
                    mem_rows: list[tuple[str, str, float, int]],
                    diff_rows: list[tuple[int, Timing]]) -> str:
    lines = ["## Targets (issue: fast enough to run on every commit)", "",
             "| target | measured | limit | met |", "|---|---:|---:|---|"]

    def add(name: str, value: float | None, limit: float, unit: str, less: bool = True
            ) -> None:
        if value is None or value != value:
            lines.append(f"| {name} | not measured | {limit:g}{unit} | — |")
            return
        met = value <= limit if less else value >= limit
        lines.append(f"| {name} | {value:.3g}{unit} | {'≤' if less else '≥'} {limit:g}{unit} "
                     f"| {'yes' if met else '**no**'} |")

    add("`govcheck --version`", startup[0].median if startup[0].ok else None, 0.15, " s")
    add("`govcheck check` on bundled `ecosystem/`",
        startup[1].median if startup[1].ok else None, 0.15, " s")
    by = {(r["est"]["n"], r["est"]["layout"]): r for r in rows}
    for n, limit in ((1000, 0.5), (10000, 3.0)):
        for layout in ("files", "bundled"):
            r = by.get((n, layout))
            if r is None:
                continue
            add(f"{n:,} entities cold, {layout}", r["cold"].median if r["cold"].ok else None,
                limit, " s")
        r = by.get((n, "files"))
        if r is not None and r.get("cjs") and r["cjs"].ok and r["cold"].ok:
            add(f"{n:,} entities: check-jsonschema ÷ govcheck cold",
                r["cjs"].median / r["cold"].median, 8, "×", less=False)
    for (n, layout), r in sorted(by.items()):
        if layout == "files" and r["warm"].ok and r["floor"].ok and n >= 1000:
            add(f"{n:,} entities warm ÷ floor (files)", r["warm"].median / r["floor"].median,
                3, "×")
    for layout, mode, mib, _ in mem_rows:
        if mode == "cold":
            add(f"peak memory, largest size, {layout}", mib, 1024, " MiB")
    # start-up dominates below 1,000 entities: compare the two largest sizes >= 1,000
    files_rows = sorted((n, r) for (n, lay), r in by.items() if lay == "files" and
                        r["cold"].ok and n >= 1000)
    if len(files_rows) >= 2:
        (n0, r0), (n1, r1) = files_rows[-2], files_rows[-1]
        per0, per1 = r0["cold"].median / n0, r1["cold"].median / n1
        lines.append(f"| linear growth: s per entity at {n1:,} ÷ at {n0:,} (cold, files) | "
                     f"{per1 / per0:.2f} | ≤ 1.3 | "
                     f"{'yes' if per1 / per0 <= 1.3 else '**no**'} |")
    else:
        lines.append("| linear growth | not measured (needs two sizes ≥ 1,000) | ≤ 1.3 | — |")
    if diff_rows and all(t.ok for _, t in diff_rows):
        t1, t500 = diff_rows[0][1].median, diff_rows[-1][1].median
        lines.append(f"| diff: 500 files ÷ 1 file | {t500 / t1:.1f}× | (proportional to "
                     f"the change plus one parse per revision) | — |")
    return "\n".join(lines)


def render(sections: list[str], versions: dict[str, str], notes: list[str],
           failures: list[str], args: argparse.Namespace) -> str:
    head = ["# govcheck benchmark results", "",
            f"Produced by `python bench/run.py --sizes {','.join(map(str, args.sizes))} "
            f"--runs {args.runs}`. Times are wall-clock seconds of whole processes "
            f"(start-up included); median of the runs, with min and max.", "",
            f"- Machine: {machine_line()}",
            *(f"- {k}: {v}" for k, v in versions.items()),
            f"- Estates: bench/generate.py (seed 1), checked with `--as-of {AS_OF}`; "
            f"peers run once per estate above {PEER_RUN_LIMIT:,} entities.",
            "- Ratios: a peer's median ÷ govcheck's cold median on the same files "
            "(higher = govcheck faster); ÷ floor: ÷ one Python process reading every "
            "file's bytes."]
    tail = []
    if notes:
        tail += ["## Notes", ""] + [f"- {n}" for n in notes]
    if failures:
        tail += ["", "## Failures", ""] + [f"- {f}" for f in failures]
    return "\n\n".join(["\n".join(head)] + [s for s in sections if s] +
                       (["\n".join(tail)] if tail else [])) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000,50000",
                    help="comma-separated entity counts")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="--sizes 100,1000 --runs 3")
    ap.add_argument("--no-install", action="store_true",
                    help="reuse bench/.venv as it is (no pip)")
    ap.add_argument("--editable", action="store_true",
                    help="install govcheck with pip install -e (default: a regular "
                         "install of the repository, as users get it)")
    ap.add_argument("--keep", action="store_true", help="keep the generated estates")
    ap.add_argument("--history-entities", type=int, default=1000)
    ap.add_argument("--history-commits", type=int, default=300)
    ap.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = "100,1000", 3
    args.sizes = sorted(int(s) for s in str(args.sizes).split(",") if s.strip())
    if args.runs < 1 or not args.sizes:
        ap.error("--runs must be at least 1 and --sizes not empty")
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
