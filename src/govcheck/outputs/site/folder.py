"""Writing the site's folder safely.

- A new folder is written beside its final place and renamed into it: it appears whole or
  not at all.
- In an existing folder each file is written beside its final name and renamed over it, so a
  reader never sees half a page. `.govcheck-site.json` records every file govcheck wrote
  there with a hash of its content: the next run replaces and removes only those files, and
  only while they are unchanged. Anything else in the folder is never deleted, and the run
  stops rather than overwrite it, unless `--force` says to.
- The record is written before the pages (naming both the old and the new content of each)
  and again after them, so that a run that is interrupted can simply be run again.
- A folder that is not empty and holds no such record is not a site govcheck wrote: it is
  refused unless `--force` (hidden entries such as `.git` do not count, so a checkout of a
  `gh-pages` branch is a fine place for the site).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from govcheck import __version__
from govcheck.errors import GovcheckError

RECORD = ".govcheck-site.json"
# What a site's file may be called: only such names are ever replaced or removed, whatever a
# (possibly tampered) record says.
SITE_FILE = re.compile(r"(?:[a-z]+/)?[a-z0-9_][a-z0-9._-]*\.html")
_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Written:
    written: tuple[str, ...]    # every file of the site, relative to the folder
    removed: tuple[str, ...]    # files of the previous site that are not part of this one
    kept: tuple[str, ...]       # files of the previous site edited since: left as they are


def write_site(directory: Path, files: Mapping[str, str], force: bool) -> Written:
    """Write `files` (path in the folder → text) into `directory`."""
    contents = {path: text.encode("utf-8") for path, text in files.items()}
    for path in contents:
        if not SITE_FILE.fullmatch(path):
            raise ValueError(f"not a site file name: {path!r}")
    try:
        if not directory.exists() and not directory.is_symlink():
            _write_new(directory, contents)
            return Written(tuple(sorted(contents)), (), ())
        return _write_over(directory, contents, force)
    except OSError as error:
        where = f" '{error.filename}'" if error.filename else ""
        raise GovcheckError(f"cannot write the site into '{directory}':{where} "
                            f"{error.strerror or error}") from None


def _write_new(directory: Path, contents: Mapping[str, bytes]) -> None:
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = directory.parent / f".{directory.name}.govcheck-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for path, data in contents.items():
            target = staging / path
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(data)
        _write_record(staging, {path: [_digest(data)] for path, data in contents.items()})
        os.rename(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)   # our own staging folder, nothing else
        raise


def _write_over(directory: Path, contents: Mapping[str, bytes], force: bool) -> Written:
    if not directory.is_dir():
        raise GovcheckError(f"'{directory}' exists and is not a folder: name a folder for the site")
    record = _read_record(directory)
    if record is None and not force:
        _refuse_foreign_folder(directory)
    record = record or {}
    ours = {path for path, digests in record.items() if _current_digest(directory / path) in digests}
    clashes = [path for path in sorted(contents)
               if path not in ours and ((directory / path).exists() or (directory / path).is_symlink())]
    if clashes and not force:
        raise GovcheckError(
            f"'{directory / clashes[0]}' was not written by govcheck, or was edited since"
            f"{f' (and {len(clashes) - 1} more)' if len(clashes) > 1 else ''}: refusing to "
            "overwrite it; move it away or use --force")
    stale = sorted(path for path in record if path not in contents)
    _write_record(directory, {**{path: record[path] for path in stale},
                              **{path: [*record.get(path, []), _digest(data)]
                                 for path, data in contents.items()}})
    for path, data in sorted(contents.items()):
        _replace(directory, path, data)
    removed = [path for path in stale if path in ours]
    for path in removed:
        (directory / path).unlink()
    _remove_empty_folders(directory, removed)
    _write_record(directory, {path: [_digest(data)] for path, data in contents.items()})
    kept = [path for path in stale if path not in ours and (directory / path).exists()]
    return Written(tuple(sorted(contents)), tuple(removed), tuple(kept))


def _refuse_foreign_folder(directory: Path) -> None:
    visible = sorted(entry.name for entry in directory.iterdir() if not entry.name.startswith("."))
    if visible:
        raise GovcheckError(
            f"'{directory}' is not empty ({', '.join(visible[:5])}{', ...' if len(visible) > 5 else ''}) "
            f"and holds no site govcheck wrote (no {RECORD}): refusing to write into it; "
            "use an empty or new folder, or --force (which still deletes nothing)")


def _replace(directory: Path, path: str, data: bytes) -> None:
    """Write one file beside its place and rename it over the old one."""
    target = directory / path
    folder = target.parent
    if folder != directory:
        if folder.is_symlink():
            raise GovcheckError(f"'{folder}' is a symbolic link: refusing to write the site through it")
        folder.mkdir(exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        raise GovcheckError(f"'{target}' is a folder where the site needs a page")
    staging = folder / f".{target.name}.govcheck-{secrets.token_hex(4)}"
    try:
        staging.write_bytes(data)
        os.replace(staging, target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


def _remove_empty_folders(directory: Path, removed: Iterable[str]) -> None:
    for folder in sorted({(directory / path).parent for path in removed} - {directory}):
        if not folder.is_symlink() and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _read_record(directory: Path) -> dict[str, list[str]] | None:
    """The files a previous run wrote and the hashes of their content; None when there is
    no record, or one that is not govcheck's."""
    try:
        data = json.loads((directory / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):   # nested deeper than Python's stack
        return None
    files = data.get("files") if isinstance(data, dict) and data.get("generator") == "govcheck" else None
    if not isinstance(files, dict):
        return None
    return {path: [d for d in digests if isinstance(d, str) and _HASH.fullmatch(d)]
            for path, digests in files.items()
            if isinstance(path, str) and SITE_FILE.fullmatch(path) and isinstance(digests, list)}


def _write_record(directory: Path, files: Mapping[str, list[str]]) -> None:
    text = json.dumps({"generator": "govcheck", "version": __version__,
                       "files": dict(sorted(files.items()))}, indent=1) + "\n"
    _replace(directory, RECORD, text.encode("utf-8"))


def _current_digest(path: Path) -> str | None:
    if path.is_symlink() or not path.is_file() or path.parent.is_symlink():
        return None
    return _digest(path.read_bytes())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
