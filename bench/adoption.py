"""Time the adoption path on a generated organisation: import it, baseline it, check it.

Usage:
    python bench/adoption.py [--entities 1000] [--runs 3] [--govcheck PATH] [--keep DIR]

Writes what an organisation already keeps, deterministically: a Backstage catalog (groups,
users, systems and the components, APIs and resources that belong to them), an integrations
inventory as Excel exports it (semicolons, a byte-order mark, CRLF), and data contracts in
both standards. Of the N entities about 4% are teams, 16% people, 10% systems, 30% datasets
and 40% integrations, the shares bench/generate.py uses. Then, in a fresh repository each
run, it times `govcheck import` for each format, `govcheck baseline`, and `govcheck check`
with the baseline in force (which must pass), and prints the median and range of each step.
Standard library only.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARES = {"Team": 0.04, "Person": 0.16, "System": 0.10, "Dataset": 0.30}
MODES = ["real-time", "scheduled", "scheduled", "manual"]
TYPES = ["string", "long", "timestamp", "decimal", "boolean", "date"]


def counts(n: int) -> dict[str, int]:
    split = {kind: max(1, round(n * share)) for kind, share in SHARES.items()}
    split["Integration"] = n - sum(split.values())
    return split


def write_catalog(folder: Path, teams: int, people: int, systems: int, rng: random.Random) -> None:
    """One catalog file per team: the group, its users, its systems and their parts."""
    folder.mkdir(parents=True)
    per_team_people = [people // teams + (1 if i < people % teams else 0) for i in range(teams)]
    per_team_systems = [systems // teams + (1 if i < systems % teams else 0) for i in range(teams)]
    person = system = 0
    for team in range(teams):
        docs = [f"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{team}\n"
                f"  annotations:\n    github.com/team-slug: org/team-{team}\n"
                f"spec:\n  type: team\n  profile:\n    displayName: Team {team}\n"
                f"    email: team-{team}@example.com\n  children: []\n"]
        for _ in range(per_team_people[team]):
            docs.append(f"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n"
                        f"  name: person-{person}\n  annotations:\n"
                        f"    github.com/user-login: login-{person}\nspec:\n  profile:\n"
                        f"    displayName: Person {person}\n    email: p{person}@example.com\n"
                        f"  memberOf: [team-{team}]\n")
            person += 1
        for _ in range(per_team_systems[team]):
            docs.append(f"apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n"
                        f"  name: system-{system}\n  description: Platform number {system}\n"
                        f"spec:\n  owner: team-{team}\n")
            for part in ("web", "api", "db"):
                kind = {"web": "Component", "api": "API", "db": "Resource"}[part]
                docs.append(f"apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n"
                            f"  name: system-{system}-{part}\nspec:\n  type: service\n"
                            f"  lifecycle: production\n  owner: team-{team}\n"
                            f"  system: system-{system}\n")
            system += 1
        (folder / f"team-{team}.yaml").write_text("---\n".join(docs), encoding="utf-8")
    del rng


def write_inventory(path: Path, integrations: int, systems: int, datasets: int,
                    teams: int, rng: random.Random) -> None:
    rows = ["Integration;Source;Target;Datasets;Mode;Schedule;Owner;Purpose"]
    for i in range(integrations):
        source, target = rng.sample(range(systems), 2)
        mode = rng.choice(MODES)
        schedule = "PT1H" if mode == "scheduled" else ""
        carried = ", ".join(f"dataset-{d}" for d in rng.sample(range(datasets), 2))
        rows.append(f"link-{i};system-{source};system-{target};{carried};{mode};{schedule};"
                    f"team-{rng.randrange(teams)};\"Keeps {carried} in step; number {i}\"")
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")


def write_contracts(folder: Path, datasets: int, teams: int, rng: random.Random) -> None:
    """Five models per contract, alternating the two standards."""
    folder.mkdir(parents=True)
    for start in range(0, datasets, 5):
        names = [f"dataset-{d}" for d in range(start, min(start + 5, datasets))]
        team = f"Team {rng.randrange(teams)}"
        if (start // 5) % 2 == 0:
            models = "".join(
                f"  {name}:\n    description: Data number {name}\n    fields:\n"
                + "".join(f"      field_{f}:\n        type: {rng.choice(TYPES)}\n"
                          + ("        pii: true\n" if f == 1 else "")
                          for f in range(8))
                for name in names)
            text = (f"dataContractSpecification: 1.1.0\nid: urn:contract:{start}\n"
                    f"info:\n  title: Contract {start}\n  version: 1.0.0\n  owner: {team}\n"
                    f"models:\n{models}")
        else:
            objects = "".join(
                f"  - name: {name}\n    logicalType: object\n    properties:\n"
                + "".join(f"      - name: field_{f}\n        logicalType: string\n"
                          + ("        classification: confidential\n" if f == 1 else "")
                          for f in range(8))
                for name in names)
            text = (f"apiVersion: v3.0.2\nkind: DataContract\nid: c{start}\nversion: 1.0.0\n"
                    f"team:\n  name: {team}\nschema:\n{objects}")
        (folder / f"contract-{start}.yaml").write_text(text, encoding="utf-8")


def timed(command: list[str], cwd: Path, expect: int = 0) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != expect:
        sys.exit(f"{' '.join(command)} exited {done.returncode}, expected {expect}:\n"
                 f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def one_run(inputs: Path, govcheck: str, as_of: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="govcheck-adoption-") as workdir:
        repo = Path(workdir)
        (repo / ".git").mkdir()
        (repo / "govcheck.yaml").write_text("change_control:\n  governance_approvers: "
                                            "[team:team-0]\n", encoding="utf-8")
        steps = {
            "import backstage": timed([govcheck, "import", "backstage", str(inputs / "catalog")],
                                      repo),
            "import csv": timed([govcheck, "import", "csv", str(inputs / "integrations.csv")],
                                repo),
            "import datacontract": timed([govcheck, "import", "datacontract",
                                          str(inputs / "contracts")], repo),
            "baseline": timed([govcheck, "baseline", "--as-of", as_of], repo),
            "check (baselined)": timed([govcheck, "check", "--as-of", as_of, "--no-cache"], repo),
        }
        steps["import + baseline"] = sum(value for key, value in steps.items()
                                         if key.startswith(("import", "baseline")))
        return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--govcheck", default=shutil.which("govcheck") or "govcheck")
    parser.add_argument("--as-of", default="2027-01-15")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="DIR", help="Write the inputs here and keep them.")
    args = parser.parse_args(argv)
    split = counts(args.entities)
    rng = random.Random(args.seed)
    inputs = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="govcheck-inputs-"))
    try:
        write_catalog(inputs / "catalog", split["Team"], split["Person"], split["System"], rng)
        write_inventory(inputs / "integrations.csv", split["Integration"], split["System"],
                        split["Dataset"], split["Team"], rng)
        write_contracts(inputs / "contracts", split["Dataset"], split["Team"], rng)
        results = [one_run(inputs, args.govcheck, args.as_of) for _ in range(args.runs)]
    finally:
        if not args.keep:
            shutil.rmtree(inputs, ignore_errors=True)
    print(f"{args.entities} entities ({', '.join(f'{v} {k}' for k, v in split.items())}), "
          f"{args.runs} runs, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for step in results[0]:
        values = [result[step] for result in results]
        print(f"  {step:<22} median {statistics.median(values):6.2f} s   "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
