"""Generate a git repository with a realistic history of a govcheck estate.

Usage:
    python bench/history.py REPO_DIR [--entities 1000] [--commits 300] [--seed 1]
                            [--branches 1,50,500] [--force]

Creates REPO_DIR as a git repository (branch ``main``; local user.name/email,
commit.gpgsign=false) whose ``ecosystem/`` is an estate from generate.py (files
layout), plus a small ``govcheck.yaml``.  Then it makes COMMITS commits of
realistic edits that keep the estate valid: a field added to a dataset, a
schedule changed, an integration or a dataset or a person added, an owner
changed, a file moved, a description reworded, a review recorded.  About a
third of the commit messages carry ``Approved-by:`` trailers.

Finally it creates three branches off the last commit of ``main``, each one
commit that touches 1, 50 and 500 manifest files (a non-required field added
to datasets, then descriptions reworded on other entities):
``change-1``, ``change-50``, ``change-500``.  Time them with, in REPO_DIR:

    govcheck diff main...change-50 --fail-on breaking

git runs as a subprocess, never through a shell.  Needs only the standard
library and git.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
from typing import Any, ClassVar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as gen

BRANCH_SIZES = (1, 50, 500)
CONFIG_TEMPLATE = """\
ecosystem: ecosystem
change_control:
  governance_approvers: [team:{team}]
  signoff_sources: [github, trailers, cli]
"""


class Repo:
    def __init__(self, path: str) -> None:
        self.path = path
        self.env = dict(os.environ)
        for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            self.env.pop(var, None)

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(["git", *args], cwd=self.path, env=env or self.env,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"history.py: git {' '.join(args)} failed:\n"
                             f"{proc.stdout}{proc.stderr}")
        return proc.stdout


class History:
    def __init__(self, repo_dir: str, entities: int, seed: int) -> None:
        self.root = repo_dir
        self.repo = Repo(repo_dir)
        self.builder = gen.Builder(entities, seed)
        self.estate = self.builder.build()
        gen.assign_paths(self.estate)
        for e in self.estate.entities:
            e.path = "ecosystem/" + e.path
        self.rng = random.Random(seed * 104729 + 7)
        self.clock = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.timezone.utc)
        self.dirty: dict[str, gen.Entity] = {}
        self.removed: list[str] = []
        self.serial = 0

    # -- files
    def touch(self, e: gen.Entity) -> None:
        self.dirty[e.path] = e

    def flush(self) -> None:
        for path in self.removed:
            full = os.path.join(self.root, path)
            if os.path.exists(full):
                os.remove(full)
        for path, e in self.dirty.items():
            full = os.path.join(self.root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as fh:
                fh.write(gen.render_entity(e))
        self.dirty.clear()
        self.removed.clear()

    def commit(self, message: str, author: gen.Entity | None = None) -> None:
        self.flush()
        self.repo.git("add", "-A", "--", ".")
        self.clock += dt.timedelta(hours=self.rng.randint(2, 60))
        env = dict(self.repo.env)
        stamp = self.clock.isoformat()
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        if author is not None:
            env.update(GIT_AUTHOR_NAME=author.doc["metadata"].get("title", author.name),
                       GIT_AUTHOR_EMAIL=author.doc["spec"]["email"])
        # --allow-empty: an edit may rarely rewrite a value with the same value
        self.repo.git("commit", "-q", "--no-verify", "--allow-empty", "-m", message, env=env)

    # -- edits: each keeps the estate valid and returns a one-line summary
    def _pick(self, kind: str, cond: Any = None) -> gen.Entity | None:
        items = [e for e in self.estate.entities
                 if e.kind == kind and (cond is None or cond(e))]
        return self.rng.choice(items) if items else None

    def edit_add_field(self) -> str:
        ds = self._pick("Dataset")
        assert ds is not None
        self.serial += 1
        name = f"{self.rng.choice(['preferred', 'legacy', 'partner', 'loyalty', 'gdpr'])}" \
               f"_{self.rng.choice(['code', 'flag', 'ref', 'level', 'date'])}_{self.serial}"
        ftype = {"code": "string", "flag": "boolean", "ref": "string", "level": "integer",
                 "date": "date"}[name.split("_")[1]]
        ds.doc["spec"]["fields"].append({"name": name, "type": ftype})
        self.touch(ds)
        return f"Add {name} to the {ds.name} dataset"

    def edit_schedule(self) -> str:
        e = self._pick("Integration", lambda e: e.doc["spec"]["mode"] == "scheduled")
        if e is None:
            return self.edit_description()
        current = e.doc["spec"].get("schedule")
        choice = dict(self.rng.choice([s for s in gen.SCHEDULES if s != current]))
        e.doc["spec"]["schedule"] = choice
        self.touch(e)
        return f"Run {e.name} on {next(iter(choice.values()))}"

    def edit_add_integration(self) -> str:
        e = self.builder.add_integration()
        if e is None:
            return self.edit_description()
        e.path = f"ecosystem/integrations/{e.name}.yaml"
        self.estate.entities.append(e)
        self.touch(e)
        return f"Add integration {e.name}"

    def edit_add_dataset(self) -> str:
        e = self.builder.add_dataset(len(self.builder.datasets))
        e.path = f"ecosystem/datasets/{e.name}.yaml"
        self.estate.entities.append(e)
        self.touch(e)
        return f"Register the {e.name} dataset"

    def edit_add_person(self) -> str:
        p = self.builder.add_person(len(self.builder.people))
        p.path = f"ecosystem/people/{p.name}.yaml"
        self.estate.entities.append(p)
        self.touch(p)
        team = next(t for t in self.builder.teams if t.name == p.doc["spec"]["team"])
        self.touch(team)
        return f"Welcome {p.name} to {team.name}"

    def edit_owner(self) -> str:
        kind = self.rng.choice(["Dataset", "System", "Integration"])
        e = self._pick(kind)
        assert e is not None
        team = self.rng.choice(self.builder.teams).name
        while team == e.doc["spec"]["owner"]:
            team = self.rng.choice(self.builder.teams).name
        e.doc["spec"]["owner"] = team
        self.touch(e)
        return f"Hand {kind.lower()} {e.name} over to {team}"

    def edit_move(self) -> str:
        e = self._pick(self.rng.choice(["Dataset", "Integration", "System"]))
        assert e is not None
        folder = gen.KIND_FOLDER[e.kind]
        if e.kind == "Dataset":
            sub = e.doc["spec"]["system_of_record"]
        elif e.kind == "Integration":
            sub = e.doc["spec"]["source"]
        else:
            sub = e.doc["spec"]["category"]
        new = f"ecosystem/{folder}/{sub}/{e.name}.yaml"
        if new == e.path:
            new = f"ecosystem/{folder}/{e.name}.yaml"
        self.removed.append(e.path)
        self.dirty.pop(e.path, None)
        e.path = new
        self.touch(e)
        return f"Move {e.kind.lower()} {e.name} under {os.path.dirname(new)}"

    def edit_description(self) -> str:
        e = self._pick(self.rng.choice(["Dataset", "System", "Integration", "Team"]))
        assert e is not None
        self.serial += 1
        e.doc["metadata"]["description"] = (
            f"{self.rng.choice(['Reviewed', 'Clarified', 'Documented'])} with the owners "
            f"in workshop {self.serial}")
        self.touch(e)
        return f"Describe {e.kind.lower()} {e.name}"

    def edit_review(self) -> str:
        e = self._pick("Integration", lambda e: "review" in e.doc["spec"])
        assert e is not None
        days = self.rng.randint(30, 90)
        e.doc["spec"]["review"]["last_reviewed"] = gen.Date(
            (gen.AS_OF - dt.timedelta(days=days)).isoformat())
        self.touch(e)
        return f"Record the review of {e.name}"

    def edit_fallback(self) -> str:
        e = self._pick("Integration", lambda e: "fallback" in e.doc["spec"])
        if e is None:
            return self.edit_description()
        e.doc["spec"]["fallback"]["max_delay"] = self.rng.choice(["PT30M", "PT2H", "PT8H"])
        self.touch(e)
        return f"Tighten the fallback delay of {e.name}"

    EDITS: ClassVar[list[tuple[str, int]]] = [("edit_add_field", 5), ("edit_schedule", 3), ("edit_add_integration", 3),
             ("edit_add_dataset", 1), ("edit_add_person", 1), ("edit_owner", 2),
             ("edit_move", 2), ("edit_description", 4), ("edit_review", 2),
             ("edit_fallback", 1)]

    def run(self, commits: int, branch_sizes: tuple[int, ...] = BRANCH_SIZES) -> None:
        repo = self.repo
        os.makedirs(self.root, exist_ok=True)
        repo.git("init", "-q", "-b", "main")
        for key, value in (("user.name", "Bench Bot"), ("user.email", "bench@example.com"),
                           ("commit.gpgsign", "false"), ("tag.gpgsign", "false"),
                           ("core.autocrlf", "false")):
            repo.git("config", key, value)
        tech = next((t for t in self.builder.teams
                     if t.doc["spec"]["function"] == "technology"), self.builder.teams[0])
        with open(os.path.join(self.root, "govcheck.yaml"), "w", encoding="utf-8") as fh:
            fh.write(CONFIG_TEMPLATE.format(team=tech.name))
        with open(os.path.join(self.root, ".gitignore"), "w", encoding="utf-8") as fh:
            fh.write(".govcheck_cache/\n")
        for e in self.estate.entities:
            self.touch(e)
        self.commit("Describe the current estate as manifests")
        names, weights = zip(*self.EDITS)
        people = self.builder.people
        for _ in range(commits):
            summaries = [getattr(self, name)() for name in
                         self.rng.choices(names, weights, k=self.rng.choice([1, 1, 2, 3, 4]))]
            message = summaries[0] if len(summaries) == 1 else \
                f"{summaries[0]} and {len(summaries) - 1} more\n\n" + \
                "\n".join(f"- {s}" for s in summaries)
            if self.rng.random() < 0.35:
                approvers = self.rng.sample(people, self.rng.choice([1, 1, 2]))
                message += "\n\n" + "\n".join(
                    f"Approved-by: {p.doc['metadata']['title']} <{p.doc['spec']['email']}>"
                    for p in approvers)
            self.commit(message, author=self.rng.choice(people))
        self.branches(branch_sizes)

    def branches(self, sizes: tuple[int, ...]) -> None:
        repo = self.repo
        head = repo.git("rev-parse", "HEAD").strip()
        for size in sizes:
            repo.git("checkout", "-q", "-b", f"change-{size}", head)
            datasets = [e for e in self.estate.entities if e.kind == "Dataset"]
            others = [e for e in self.estate.entities if e.kind != "Dataset"]
            chosen = datasets[:size] + others[:max(0, size - len(datasets))]
            if len(chosen) < size:
                print(f"history.py: only {len(chosen)} manifests for change-{size}",
                      file=sys.stderr)
            saved = [copy.deepcopy(e.doc) for e in chosen]
            for e in chosen:
                if e.kind == "Dataset":
                    e.doc["spec"]["fields"].append({"name": f"review_note_{size}",
                                                    "type": "string"})
                else:
                    e.doc["metadata"]["description"] = f"Reviewed in change batch {size}"
                self.touch(e)
            self.commit(f"Batch change touching {len(chosen)} manifests")
            # restore the model so that the next branch starts from main's content
            for e, doc in zip(chosen, saved):
                e.doc = doc
            repo.git("checkout", "-q", "main")
            self.dirty.clear()


def make_history(repo_dir: str, entities: int = 1000, commits: int = 300,
                 seed: int = 1, branch_sizes: tuple[int, ...] = BRANCH_SIZES
                 ) -> dict[str, Any]:
    """Create the repository; returns a small summary.  Each of `branch_sizes` is a branch
    change-N off main's last commit, one commit that touches N manifests."""
    if os.path.exists(repo_dir) and os.listdir(repo_dir):
        raise SystemExit(f"history.py: {repo_dir} is not empty (use --force)")
    hist = History(repo_dir, entities, seed)
    hist.run(commits, branch_sizes)
    count = int(hist.repo.git("rev-list", "--count", "main").strip())
    return {"repo": repo_dir, "commits": count, "entities": len(hist.estate.entities),
            "branches": [f"change-{n}" for n in branch_sizes]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repo_dir")
    ap.add_argument("--entities", type=int, default=1000)
    ap.add_argument("--commits", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--branches", default=",".join(map(str, BRANCH_SIZES)),
                    help="sizes N of the change-N branches (default %(default)s)")
    ap.add_argument("--force", action="store_true", help="delete REPO_DIR first")
    args = ap.parse_args(argv)
    if args.force and os.path.exists(args.repo_dir):
        shutil.rmtree(args.repo_dir)
    branches = tuple(int(n) for n in args.branches.split(",") if n.strip())
    info = make_history(args.repo_dir, args.entities, args.commits, args.seed, branches)
    print(f"created {info['repo']}: {info['commits']} commits on main, "
          f"{info['entities']} entities at HEAD, branches {', '.join(info['branches'])}")
    print(f"  time with: cd {info['repo']} && govcheck diff main...{info['branches'][-1]} "
          f"--fail-on breaking")
    return 0


if __name__ == "__main__":
    sys.exit(main())
