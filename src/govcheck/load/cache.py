"""The parse cache and the last run's result, kept so that unchanged files are not re-parsed.

A pre-commit hook checks an unchanged estate again and again; parsing and schema-checking
every file each time is most of the cost. The cache keeps, per file content, the documents'
plain data and their schema problems, as JSON (never pickle: a cache must not be a way to run
code), and the last check result keyed by every input.

A cache must never change an answer, so it is trusted only as far as it can be proven:
- every file is sealed with a keyed BLAKE2b MAC under a per-user secret that lives outside
  the cache folder and outside the repository (`$XDG_STATE_HOME/govcheck/cache.key`); a
  crafted, foreign, stale or truncated file fails the seal and is ignored, and the run
  parses afresh. Whoever can write the cache folder cannot forge an entry without the key.
- a cache folder inside the repository is refused: a commit could plant one.
- files are rewritten atomically (write, then rename); a temporary file never outlives a
  failed write, and concurrent runs at worst redo each other's work.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import govcheck
from govcheck import __version__
from govcheck.errors import GovcheckError
from govcheck.load.collector import collector_paused
from govcheck.load.discover import SourceFile
from govcheck.model.findings import Finding, Severity

# A remembered run is answered from this module without the YAML loader (load.parse and
# load.documents import it), without tempfile and without secrets, which only writes need:
# those are imported where they are used.
if TYPE_CHECKING:
    from govcheck.load.parse import ParsedFile

FORMAT = 2
KEY_BYTES = 32
_MAGIC = b"govcheck-cache-v2\n"
_MAC_HEX = 64   # a 32-byte BLAKE2b MAC, in hex, on the second line


def default_cache_dir() -> Path:
    """$GOVCHECK_CACHE_DIR, else $XDG_CACHE_HOME/govcheck, else ~/.cache/govcheck."""
    override = os.environ.get("GOVCHECK_CACHE_DIR")
    if override:
        return Path(override).absolute()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).absolute() / "govcheck"


def key_file() -> Path:
    """Where the per-user secret lives: $XDG_STATE_HOME/govcheck, else ~/.local/state."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).absolute() / "govcheck" / "cache.key"


def cache_folder(project_root: Path) -> Path:
    """The cache folder for a project; refused when it lies inside the repository."""
    folder = default_cache_dir()
    if _inside(folder, project_root):
        raise GovcheckError(f"the cache folder '{folder}' is inside the repository "
                            f"'{project_root}': a commit could plant cache entries there; set "
                            "GOVCHECK_CACHE_DIR to a folder outside it, or pass --no-cache")
    return folder


def _inside(path: Path, root: Path) -> bool:
    return os.path.realpath(path).startswith(os.path.realpath(root).rstrip(os.sep) + os.sep) \
        or os.path.realpath(path) == os.path.realpath(root)


@functools.cache
def _salt() -> str:
    """Changes whenever what a run yields could change: the version, the schemas and the code
    itself (an editable or development install changes without a new version)."""
    digest = hashlib.blake2b(f"{FORMAT}:{__version__}".encode(), digest_size=16)
    for name, data in _package_sources(Path(govcheck.__file__).parent, ""):
        digest.update(name.encode() + data)
    return digest.hexdigest()


def _package_sources(folder: Path, prefix: str) -> Iterator[tuple[str, bytes]]:
    """Every module and schema of the package, in a stable order, with its path in it."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and entry.name != "__pycache__":
            yield from _package_sources(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith((".py", ".json")):
            yield f"{prefix}{entry.name}", entry.read_bytes()


class Seal:
    """Authenticates cache files with the per-user secret, so that only this user's own
    govcheck runs can have written an entry that is believed."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def for_user(cls, project_root: Path) -> Seal | None:
        """The user's seal, creating the secret on first use; None when there is no secret
        this run can trust (then nothing is read from or written to disk)."""
        path = key_file()
        if _inside(path, project_root):
            return None
        secret = _read_secret(path)
        if secret is None:
            secret = _create_secret(path)
        return cls(secret) if secret is not None else None

    def hasher(self) -> Any:
        """A keyed BLAKE2b to feed a body to piece by piece; `hexdigest()` is its seal."""
        return hashlib.blake2b(key=self._secret, digest_size=32, person=b"govcheck-cache")

    def _mac(self, body: bytes) -> bytes:
        digest = self.hasher()
        digest.update(body)
        return str(digest.hexdigest()).encode("ascii")

    def wrap(self, body: bytes) -> bytes:
        return _MAGIC + self._mac(body) + b"\n" + body

    def unwrap(self, data: bytes) -> bytes | None:
        """The body of a sealed file; None unless this user's secret sealed exactly it."""
        if not data.startswith(_MAGIC):
            return None
        start = len(_MAGIC)
        mac, body = data[start:start + _MAC_HEX], data[start + _MAC_HEX + 1:]
        if data[start + _MAC_HEX:start + _MAC_HEX + 1] != b"\n":
            return None
        return body if hmac.compare_digest(mac, self._mac(body)) else None


def _read_secret(path: Path) -> bytes | None:
    """The secret, if it exists and only this user could have written it."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022 or (
                hasattr(os, "geteuid") and info.st_uid != os.geteuid()):
            return None
        secret = os.read(descriptor, KEY_BYTES + 1)
    finally:
        os.close(descriptor)
    return secret if len(secret) == KEY_BYTES else None


def _create_secret(path: Path) -> bytes | None:
    """A new random secret, published atomically: a concurrent run either wins the race and
    its secret is read back, or loses it and reads the winner's."""
    import secrets
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=".cache.key-", dir=path.parent)
    except OSError:
        return None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_BYTES))
        os.link(temporary, path)
    except FileExistsError:
        pass
    except OSError:
        return None
    finally:
        _remove(temporary)
    return _read_secret(path)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class SealedFile:
    """One JSON file of the cache folder, sealed with the user's secret."""

    def __init__(self, path: Path, seal: Seal) -> None:
        self.path = path
        self.seal = seal

    def read(self) -> Any:
        """The stored value; None when the file is missing, unreadable or not sealed by
        this user's secret (crafted, foreign, truncated)."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        body = self.seal.unwrap(data)
        if body is None:
            return None
        try:
            with collector_paused():   # a large cache is millions of small containers
                return json.loads(body)
        except ValueError:
            return None

    def write(self, value: dict[str, Any]) -> None:
        """Write, then rename: a reader sees the old file or the new one, never half of one.
        A cache that cannot be written only costs speed, so failures are silent, and the
        temporary file is removed whatever happens."""
        import tempfile

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(prefix=f".{self.path.stem}-", dir=self.path.parent)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as stream:
                self._write_sealed(stream, value)
            os.replace(temporary, self.path)
        except OSError:
            _remove(temporary)

    def _write_sealed(self, stream: BinaryIO, value: dict[str, Any]) -> None:
        """The body goes out in pieces, sealed as it goes, and the seal is written into the
        header's place last: a large cache is never one string (or two) in memory."""
        stream.write(_MAGIC + b"0" * _MAC_HEX + b"\n")
        digest = self.seal.hasher()
        for piece in json_pieces(value):
            data = piece.encode("utf-8")
            digest.update(data)
            stream.write(data)
        stream.seek(len(_MAGIC))
        stream.write(str(digest.hexdigest()).encode("ascii"))


_BATCH = 1000   # entries of a large member dict encoded at once


def json_pieces(value: dict[str, Any]) -> Iterator[str]:
    """`json.dumps(value, separators=(",", ":"))` in pieces: a large member dict (the parse
    cache's entries) goes out a thousand items at a time, each batch by the C encoder."""
    yield "{"
    for index, (key, item) in enumerate(value.items()):
        yield ("," if index else "") + _dumps(key) + ":"
        if isinstance(item, dict) and len(item) > _BATCH:
            keys = list(item)
            yield "{"
            for start in range(0, len(keys), _BATCH):
                batch = _dumps({name: item[name] for name in keys[start:start + _BATCH]})
                yield ("," if start else "") + batch[1:-1]
            yield "}"
        else:
            yield _dumps(item)
    yield "}"


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _project_file(folder: Path | None, project_root: Path, prefix: str) -> SealedFile | None:
    """The sealed file `prefix-<project>.json` in `folder`; None without a folder or a
    secret (the cache then lives in memory for this run only)."""
    if folder is None:
        return None
    seal = Seal.for_user(project_root)
    if seal is None:
        return None
    name = hashlib.blake2b(str(project_root.resolve()).encode(), digest_size=12).hexdigest()
    return SealedFile(folder / f"{prefix}-{name}.json", seal)


class ParseCache:
    """Cached `ParsedFile`s of one project, loaded once and saved once per run.

    Without a folder it lives in memory only: `govcheck diff` then still parses a file that is
    the same at both revisions once."""

    def __init__(self, folder: Path | None, project_root: Path) -> None:
        self.file = _project_file(folder, project_root, "parse")
        self.salt = _salt()
        self.entries: dict[str, Any] = self._read()
        self.live: dict[tuple[str, str], ParsedFile] = {}   # this run's, by (path, content)
        self.used: set[str] = set()
        self.changed = False

    def _read(self) -> dict[str, Any]:
        stored = self.file.read() if self.file is not None else None
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
        if self.file is not None:
            self.entries[key] = _encode(parsed)
            self.changed = True

    def save(self) -> None:
        """Keep what this run used (and drop the rest once it outweighs it)."""
        if self.file is None:
            return
        if len(self.entries) > 2 * len(self.used) + 100:
            self.entries = {key: self.entries[key] for key in self.used}
            self.changed = True
        if not self.changed:
            return
        self.file.write({"salt": self.salt, "entries": self.entries})
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
    from govcheck.load.documents import source_of
    from govcheck.load.parse import ParsedDocument, ParsedFile
    from govcheck.model.document import Document, LoadProblem, SchemaProblem

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
    changed either, and reading the files to be sure is all the work there is to do. The
    memo also says where that run found its inputs (its config file, manifest folder and
    policy folders), so that the next run can gather the same bytes without parsing the
    config: the key still covers the config's bytes, so a changed config never matches."""

    def __init__(self, folder: Path, project_root: Path) -> None:
        self.file = _project_file(folder, project_root, "result")
        self._stored: dict[str, Any] | None = None
        self._loaded = False

    def _record(self) -> dict[str, Any] | None:
        if not self._loaded:
            stored = self.file.read() if self.file is not None else None
            self._stored = stored if isinstance(stored, dict) else None
            self._loaded = True
        return self._stored

    @staticmethod
    def key(parts: Iterable[bytes]) -> str:
        digest = hashlib.blake2b(_salt().encode(), digest_size=24)
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def inputs(self) -> dict[str, Any] | None:
        """Where the remembered run found its inputs, as `put` was given them."""
        stored = self._record()
        inputs = stored.get("inputs") if stored is not None else None
        return inputs if isinstance(inputs, dict) else None

    def get(self, key: str) -> tuple[list[Finding], int, int] | None:
        stored = self._record()
        if stored is None or stored.get("key") != key:
            return None
        try:
            findings = [Finding(f["rule"], Severity(f["severity"]), f["entity"], f["file"],
                                f["line"], f["column"], f["message"], f["waived"])
                        for f in stored["findings"]]
            return findings, int(stored["entities"]), int(stored["files"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, findings: Iterable[Finding], entities: int, files: int,
            inputs: dict[str, Any] | None = None) -> None:
        if self.file is not None:
            self._stored = {"key": key, "entities": entities, "files": files,
                            "findings": [finding.to_dict() for finding in findings],
                            "inputs": inputs or {}}
            self.file.write(self._stored)
