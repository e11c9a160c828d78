"""From drafts to manifest files: checked against the kind schemas, never over an existing
manifest or an entity the estate already defines, each file created whole or not at all."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govcheck.app.imports.drafts import Draft, Problem, Reading
from govcheck.load import schema
from govcheck.load.discover import discover
from govcheck.load.documents import entity_key, load_bytes
from govcheck.model.estate import todos


@dataclass(frozen=True)
class Skipped:
    """A draft not written, and why."""

    key: str
    path: str
    reason: str


@dataclass
class Plan:
    writes: list[tuple[Draft, Path]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def existing_entities(into: Path, root: Path) -> dict[str, str]:
    """kind/name → the file that defines it, for every manifest already under `into`."""
    if not into.exists():
        return {}
    found: dict[str, str] = {}
    sources, _ = discover(into, root)
    for source in sources:
        documents, _ = load_bytes(source.path, source.data)
        for document in documents:
            key = entity_key(document.data)
            if key:
                found.setdefault(key, source.path)
    return found


def plan_import(reading: Reading, into: Path, display: str, existing: dict[str, str]) -> Plan:
    """What to write where, what to skip and why, and what is wrong with the drafts (a draft
    with a problem, or defined twice, is never written)."""
    plan = Plan(problems=list(reading.problems))
    first: dict[str, Draft] = {}
    twice: set[str] = set()
    for draft in reading.drafts:
        if draft.key in first:
            twice.add(draft.key)
            plan.problems.append(Problem(draft.origin, f"{draft.kind} '{draft.name}' is defined "
                                                       f"twice (first at {first[draft.key].origin})"))
        first.setdefault(draft.key, draft)
    for key, draft in first.items():
        problems = [Problem(draft.origin, f"{key}: {problem.message}")
                    for problem in schema.validate(draft.document(), draft.kind)]
        plan.problems += problems
        if problems or key in twice:
            continue
        target = into / draft.path
        if key in existing:
            plan.skipped.append(Skipped(key, f"{display}/{draft.path}",
                                        f"already defined in {existing[key]}"))
        elif target.exists():
            plan.skipped.append(Skipped(key, f"{display}/{draft.path}",
                                        "the file exists (govcheck import never overwrites)"))
        else:
            plan.writes.append((draft, target))
    plan.problems.sort(key=lambda problem: (problem.origin.file, problem.origin.line))
    plan.skipped.sort(key=lambda skipped: skipped.key)
    return plan


# libyaml's emitter when there is one (ten times faster); both write the same text.
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def manifest_text(draft: Draft) -> str:
    """The manifest as YAML; long texts stay on one line (a TODO is read whole)."""
    text: str = yaml.dump(draft.document(), Dumper=_DUMPER, sort_keys=False, allow_unicode=True,
                          width=10_000)
    return text


def todo_count(draft: Draft) -> int:
    return sum(1 for _ in todos(draft.document()))


def write_new(path: Path, text: str) -> bool:
    """Create `path` with `text`, whole, unless it exists (then False): written to a temporary
    file first and linked into place, which fails rather than replace a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.govcheck-tmp")
    temporary.write_text(text, encoding="utf-8")
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True
