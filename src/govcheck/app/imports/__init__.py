"""`govcheck import`: manifests from the inventories an organisation already keeps.

One module per format, each a `read(sources, cwd) -> Reading` in the table below; `write`
turns the drafts into files. Nothing is written when the input has a problem, unless the run
is partial; an existing manifest is never overwritten; what a format cannot say is TODO, so
that `govcheck check` lists the governance work still to do (GOV020 and the rules that find
a missing block).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from govcheck.app.imports import backstage, contracts, inventory
from govcheck.app.imports.drafts import Problem, Reading
from govcheck.app.imports.write import (
    Skipped,
    existing_entities,
    manifest_text,
    plan_import,
    todo_count,
    write_new,
)
from govcheck.errors import GovcheckError
from govcheck.load.discover import relative_name

Reader = Callable[[Iterable[Path], Path], Reading]
FORMATS: dict[str, Reader] = {
    "backstage": backstage.read,
    "csv": inventory.read,
    "datacontract": contracts.read,
}


@dataclass
class ImportResult:
    """What an import wrote, skipped and found wrong."""

    into: str
    written: list[tuple[str, str]] = field(default_factory=list)   # (kind/name, file)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    todos: int = 0

    @property
    def kinds(self) -> Counter[str]:
        return Counter(key.partition("/")[0] for key, _ in self.written)


def run_import(format_name: str, sources: Sequence[Path], into: Path, partial: bool,
               cwd: Path) -> ImportResult:
    """Read the sources, plan, and write the new manifests under `into`: all of them, or none
    when the input has a problem and the import is not `partial`."""
    reader = FORMATS.get(format_name)
    if reader is None:
        raise GovcheckError(f"unknown import format '{format_name}': one of {', '.join(FORMATS)}")
    for source in sources:
        if not source.exists():
            raise GovcheckError(f"no such file or folder: '{source}'")
    reading = reader(sources, cwd)
    display = relative_name(into, cwd)
    plan = plan_import(reading, into, display, existing_entities(into, cwd))
    result = ImportResult(display, skipped=plan.skipped, problems=plan.problems,
                          notes=reading.notes)
    if plan.problems and not partial:
        return result
    for draft, target in sorted(plan.writes, key=lambda item: item[1]):
        if _write(target, manifest_text(draft)):
            result.written.append((draft.key, relative_name(target, cwd)))
            result.todos += todo_count(draft)
        else:
            result.skipped.append(Skipped(draft.key, relative_name(target, cwd),
                                          "the file appeared while importing: not overwritten"))
    return result


def _write(target: Path, text: str) -> bool:
    try:
        return write_new(target, text)
    except OSError as error:
        raise GovcheckError(f"cannot write '{target}': {error.strerror}") from None
