"""The parse cache: what each manifest file yields, keyed by a hash of its bytes.

A pre-commit hook checks an unchanged estate again and again; parsing and schema-checking
every file each time is most of the cost. The cache keeps, per file content, the documents'
plain data and their schema problems, as JSON (never pickle: a cache must not be a way to run
code). It lives in the user's cache folder, not in the repository, so that a pull request
cannot ship a poisoned cache. It is rewritten atomically (write, then rename), a corrupt or
foreign file is ignored and rebuilt, and concurrent runs at worst redo each other's work.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .findings import Finding, Severity
from .loader import Document, LoadProblem, source_of
from .manifests import ParsedDocument, ParsedFile, SourceFile
from .schema import SchemaProblem

FORMAT = 1


def default_cache_dir() -> Path:
    """$GOVCHECK_CACHE_DIR, else $XDG_CACHE_HOME/govcheck, else ~/.cache/govcheck."""
    override = os.environ.get("GOVCHECK_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govcheck"


@functools.cache
def _salt() -> str:
    """Changes whenever what a run yields could change: the version, the schemas and the code
    itself (an editable or development install changes without a new version)."""
    digest = hashlib.blake2b(f"{FORMAT}:{__version__}".encode(), digest_size=16)
    package = resources.files("govcheck")
    for folder in (package, package.joinpath("formats"), package.joinpath("schemas")):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".py", ".json")):
                digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()


class ParseCache:
    """Cached `ParsedFile`s of one project, loaded once and saved once per run.

    Without a folder it lives in memory only: `govcheck diff` then still parses a file that is
    the same at both revisions once."""

    def __init__(self, folder: Path | None, project_root: Path) -> None:
        name = hashlib.blake2b(str(project_root.resolve()).encode(), digest_size=12).hexdigest()
        self.path = folder / f"parse-{name}.json" if folder is not None else None
        self.salt = _salt()
        self.entries: dict[str, Any] = self._read()
        self.live: dict[tuple[str, str], ParsedFile] = {}   # this run's, by (path, content)
        self.used: set[str] = set()
        self.changed = False

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            stored = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("salt") != self.salt:
            return {}
        entries = stored.get("entries")
        return entries if isinstance(entries, dict) else {}

    @staticmethod
    def key(source: SourceFile) -> str:
        return hashlib.blake2b(source.data, digest_size=20).hexdigest()

    def get(self, source: SourceFile) -> ParsedFile | None:
        key = self.key(source)
        parsed = self.live.get((source.path, key))
        entry = self.entries.get(key) if parsed is None else None
        if entry is not None:
            try:
                parsed = _decode(source, entry)
            except (TypeError, ValueError, KeyError, IndexError):
                return None  # a damaged entry: parse the file again
        if parsed is not None:
            self.used.add(key)
            self.live[(source.path, key)] = parsed
        return parsed

    def put(self, source: SourceFile, parsed: ParsedFile) -> None:
        key = self.key(source)
        self.live[(source.path, key)] = parsed
        self.used.add(key)
        if self.path is not None:
            self.entries[key] = _encode(parsed)
            self.changed = True

    def save(self) -> None:
        """Keep what this run used (and drop the rest once it outweighs it)."""
        if self.path is None:
            return
        if len(self.entries) > 2 * len(self.used) + 100:
            self.entries = {key: self.entries[key] for key in self.used}
            self.changed = True
        if not self.changed:
            return
        _write_atomically(self.path, {"salt": self.salt, "entries": self.entries})
        self.changed = False


def _encode(parsed: ParsedFile) -> dict[str, Any]:
    return {
        "documents": [[item.document.index, item.document.data, list(item.document.start),
                       item.document.damaged, item.kind,
                       [[list(p.path), p.message, p.at_key, p.missing] for p in item.problems]]
                      for item in parsed.documents],
        "problems": [[p.line, p.column, p.message, p.entity] for p in parsed.problems],
        "unreadable_names": list(parsed.unreadable_names),
    }


def _decode(source: SourceFile, entry: dict[str, Any]) -> ParsedFile:
    text = source_of(source.data)
    documents = []
    for index, data, start, damaged, kind, problems in entry["documents"]:
        document = Document(source.path, index, data, (start[0], start[1]), text, damaged)
        documents.append(ParsedDocument(document, kind, [
            SchemaProblem(tuple(path), message, at_key, missing)
            for path, message, at_key, missing in problems]))
    problems = [LoadProblem(source.path, line, column, message, entity)
                for line, column, message, entity in entry["problems"]]
    return ParsedFile(documents, problems, tuple(entry["unreadable_names"]))


class RunMemo:
    """The last check result of a project, keyed by everything the result depends on.

    The pre-commit case runs the same check on the same files again and again: when no
    manifest, policy, config, option or govcheck version changed, the findings cannot have
    changed either, and reading the files to be sure is all the work there is to do."""

    def __init__(self, folder: Path, project_root: Path) -> None:
        name = hashlib.blake2b(str(project_root.resolve()).encode(), digest_size=12).hexdigest()
        self.path = folder / f"result-{name}.json"

    @staticmethod
    def key(parts: Iterable[bytes]) -> str:
        digest = hashlib.blake2b(_salt().encode(), digest_size=24)
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def get(self, key: str) -> tuple[list[Finding], int, int] | None:
        try:
            stored = json.loads(self.path.read_bytes())
            if stored.get("key") != key:
                return None
            findings = [Finding(f["rule"], Severity(f["severity"]), f["entity"], f["file"],
                                f["line"], f["column"], f["message"], f["waived"])
                        for f in stored["findings"]]
            return findings, int(stored["entities"]), int(stored["files"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, findings: Iterable[Finding], entities: int, files: int) -> None:
        record = {"key": key, "entities": entities, "files": files,
                  "findings": [finding.to_dict() for finding in findings]}
        _write_atomically(self.path, record)


def _write_atomically(path: Path, record: dict[str, Any]) -> None:
    """Write, then rename: a reader sees the old file or the new one, never half of one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(record, stream, separators=(",", ":"))
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs speed
