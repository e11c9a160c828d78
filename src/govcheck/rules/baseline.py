"""The baseline: findings accepted as they were on the day a project adopted govcheck.

`govcheck baseline` writes the findings of today into a versioned, sorted JSON file, one entry
per line so that a pull request shows each accepted finding as one line. `govcheck check` then
marks the findings the file lists as baselined: they are reported, but do not fail the run.

An entry is a finding's identity — its rule, its entity and its message, never its line — and
a count when the same finding occurs more than once, so editing or moving a file keeps it,
and a second finding of the same rule on the same entity is new. A baseline never accepts
GOV000 (a file that cannot be read), and with an expiry it stops accepting anything after it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from govcheck.errors import GovcheckError
from govcheck.load.discover import display_name
from govcheck.model.findings import Finding

BASELINE_VERSION = 1
NEVER_BASELINED = frozenset({"GOV000"})
PRUNE_COMMAND = "govcheck baseline --prune"
Identity = tuple[str, str, str]

_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
BASELINE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "tool", "entries"],
    "additionalProperties": False,
    "patternProperties": {"^x-": {}},
    "properties": {
        "version": {"type": "integer"},
        "tool": {"const": "govcheck"},
        "expires": {"type": "string", "pattern": _DATE},
        "entries": {"type": "array", "items": {
            "type": "object",
            "required": ["rule", "entity", "message"],
            "additionalProperties": False,
            "properties": {"rule": {"type": "string", "minLength": 1},
                           "entity": {"type": "string"},
                           "message": {"type": "string"},
                           "count": {"type": "integer", "minimum": 2}},
        }},
    },
}


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding, by identity, and how many times it occurs."""

    rule: str
    entity: str          # kind/name, or file:PATH for a finding outside every entity
    message: str
    count: int = 1
    line: int = field(default=1, compare=False)   # where it stands in the baseline file

    @property
    def identity(self) -> Identity:
        return self.rule, self.entity, self.message

    def to_dict(self) -> dict[str, object]:
        entry: dict[str, object] = {"rule": self.rule, "entity": self.entity,
                                    "message": self.message}
        if self.count > 1:
            entry["count"] = self.count
        return entry

    def describe(self) -> str:
        times = f" (x{self.count})" if self.count > 1 else ""
        return f"{self.rule} {self.message} [{self.entity}]{times}"


@dataclass(frozen=True)
class Baseline:
    """A baseline file's entries, sorted, each identity once."""

    entries: tuple[BaselineEntry, ...] = ()
    expires: dt.date | None = None

    @property
    def size(self) -> int:
        return sum(entry.count for entry in self.entries)

    def counts(self) -> dict[Identity, int]:
        return {entry.identity: entry.count for entry in self.entries}


def baseline_from(counts: Counter[Identity] | dict[Identity, int],
                  expires: dt.date | None = None) -> Baseline:
    entries = (BaselineEntry(*identity, count) for identity, count in counts.items() if count > 0)
    return Baseline(tuple(sorted(entries, key=lambda entry: entry.identity)), expires)


def accepted(findings: Iterable[Finding]) -> Counter[Identity]:
    """The findings a baseline may accept: active ones, never GOV000."""
    return Counter(finding.identity for finding in findings
                   if not finding.waived and finding.rule not in NEVER_BASELINED)


# -- the file --------------------------------------------------------------------------------

def baseline_text(baseline: Baseline) -> str:
    """The canonical file: sorted, one entry per line, stable from run to run."""
    lines = ["{", f'  "version": {BASELINE_VERSION},', '  "tool": "govcheck",']
    if baseline.expires is not None:
        lines.append(f'  "expires": "{baseline.expires.isoformat()}",')
    if not baseline.entries:
        return "\n".join([*lines, '  "entries": []', "}"]) + "\n"
    entries = [f"    {json.dumps(entry.to_dict(), ensure_ascii=False)}" for entry in baseline.entries]
    return "\n".join([*lines, '  "entries": [', ",\n".join(entries), "  ]", "}"]) + "\n"


def baseline_display(path: Path, root: Path) -> str:
    """A baseline's name in messages: relative to the repository root when inside it."""
    return display_name(path, root)


def write_baseline(path: Path, display: str, baseline: Baseline) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.govcheck-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(baseline_text(baseline), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise GovcheckError(f"cannot write the baseline: {error.strerror}", display) from None


def read_baseline(path: Path, display: str) -> Baseline:
    """A baseline file; corrupt, foreign or newer files stop the run with one line (exit 2)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GovcheckError(f"cannot read the baseline: {error.strerror}", display) from None
    return parse_baseline(data, display)


def parse_baseline(data: bytes, display: str) -> Baseline:
    text = _decode(data, display)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise GovcheckError(f"the baseline is not valid JSON: {error.msg}; write it again with "
                            "'govcheck baseline --force'", display, error.lineno,
                            error.colno) from None
    except RecursionError:   # arrays in arrays deeper than Python's stack
        raise GovcheckError("the baseline nests deeper than any baseline does: write it again "
                            "with 'govcheck baseline --force'", display) from None
    _check_header(document, display)
    _validate(document, text, display)
    return _baseline(document, text, display)


def _decode(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GovcheckError("the baseline is not UTF-8 text", display, line) from None


def _check_header(document: Any, display: str) -> None:
    if not isinstance(document, dict) or document.get("tool") != "govcheck":
        raise GovcheckError('not a govcheck baseline (it has no "tool": "govcheck"); name '
                            "another file with 'baseline:' in govcheck.yaml or --baseline",
                            display, 1, 1)
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > BASELINE_VERSION:
        raise GovcheckError(f"the baseline was written by a newer govcheck (format version "
                            f"{version}; this govcheck reads version {BASELINE_VERSION}): "
                            "upgrade govcheck", display, 1, 1)
    if version != BASELINE_VERSION or isinstance(version, bool):
        raise GovcheckError(f"the baseline has an unknown format version {version!r} "
                            f"(expected {BASELINE_VERSION})", display, 1, 1)


def _validate(document: dict[str, Any], text: str, display: str) -> None:
    # The schema gate and the date parser are imported where a baseline is read, not with
    # this module: the report formats import it for a constant, baseline or no baseline.
    from govcheck.load.schema.gate import gate_for
    if gate_for(BASELINE_SCHEMA)(document):
        return
    import jsonschema  # only to say what is wrong with a baseline: its import is costly

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft7Validator(BASELINE_SCHEMA).iter_errors(document))
    if error is None:
        return
    path = tuple(error.absolute_path)
    where = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    line = _entry_line(text, path[1]) if path[:1] == ("entries",) and len(path) > 1 else 1
    message = (f"'{error.instance}' is not a date (YYYY-MM-DD)" if path == ("expires",)
               and error.validator == "pattern" else error.message)
    raise GovcheckError(f"invalid baseline: {where.lstrip('.') or 'document'}: {message}",
                        display, line)


_RULE_KEY = re.compile(r'"rule"\s*:')


def _entry_line(text: str, index: Any) -> int | None:
    """The line of the index-th entry: entries are the only objects with a "rule" key."""
    lines = entry_lines(text)
    return lines[index] if isinstance(index, int) and index < len(lines) else None


def entry_lines(text: str) -> list[int]:
    """The line of every entry of a baseline file, in the file's order (counted as the
    scan goes: a baseline may hold thousands of entries)."""
    lines, line, counted = [], 1, 0
    for match in _RULE_KEY.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        lines.append(line)
    return lines


def _baseline(document: dict[str, Any], text: str, display: str) -> Baseline:
    expires = None
    if "expires" in document:
        from govcheck.model.timing import parse_date  # only a baseline that expires needs it
        expires = parse_date(document["expires"])
        if expires is None:
            raise GovcheckError(f"invalid baseline: expires '{document['expires']}' is not a "
                                "date", display, 1)
    lines = entry_lines(text)
    seen: dict[Identity, int] = {}
    entries = []
    for index, item in enumerate(document["entries"]):
        line = lines[index] if index < len(lines) else 1
        entry = BaselineEntry(item["rule"], item["entity"], item["message"], item.get("count", 1),
                              line)
        if entry.identity in seen:
            raise GovcheckError(f"invalid baseline: the entry {entry.describe()} is listed twice "
                                f"(first at line {seen[entry.identity]}): keep one, with a count "
                                "if it occurs more than once", display, line)
        seen[entry.identity] = line
        entries.append(entry)
    return Baseline(tuple(sorted(entries, key=lambda entry: entry.identity)), expires)


# -- applying it ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BaselineOutcome:
    """What the baseline did in one check run."""

    file: str
    entries: int                              # findings the file accepts, counts included
    matched: int                              # findings it accepted in this run
    fixed: tuple[BaselineEntry, ...] = ()     # entries no longer found (count = how many)
    expires: dt.date | None = None
    expired: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "entries": self.entries, "baselined": self.matched,
                "fixed": [entry.to_dict() for entry in self.fixed],
                "expires": self.expires.isoformat() if self.expires else None,
                "expired": self.expired, "prune": PRUNE_COMMAND if self.fixed else None}


def apply_baseline(findings: Sequence[Finding], baseline: Baseline, file: str, as_of: dt.date,
                   judged: Callable[[str], bool]) -> tuple[list[Finding], BaselineOutcome]:
    """Mark the findings the baseline accepts. An entry whose rule was judged in this run (it
    ran, or it no longer exists) and that matched fewer findings than its count is fixed."""
    expired = baseline.expires is not None and baseline.expires < as_of
    remaining = {} if expired else baseline.counts()
    marked = []
    for finding in findings:
        identity = finding.identity
        if finding.counts and finding.rule not in NEVER_BASELINED and remaining.get(identity):
            remaining[identity] -= 1
            finding = replace(finding, baselined=True)
        marked.append(finding)
    fixed = () if expired else tuple(
        replace(entry, count=remaining[entry.identity]) for entry in baseline.entries
        if remaining[entry.identity] and judged(entry.rule))
    matched = sum(1 for finding in marked if finding.baselined)
    return marked, BaselineOutcome(file, baseline.size, matched, fixed, baseline.expires, expired)


def pruned(baseline: Baseline, fixed: Iterable[BaselineEntry]) -> Baseline:
    """The baseline without its fixed entries: pruning only ever removes."""
    counts = Counter(baseline.counts())
    counts.subtract({entry.identity: entry.count for entry in fixed})
    return baseline_from(counts, baseline.expires)
