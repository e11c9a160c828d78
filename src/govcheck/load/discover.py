"""Find the manifest files under a folder and read their bytes."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from govcheck.errors import GovcheckError
from govcheck.model.document import LoadProblem

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A manifest file's bytes, named relative to the project root (POSIX separators)."""

    path: str
    data: bytes


def relative_name(path: Path | str, root: Path | str) -> str:
    """`path` relative to `root` with POSIX separators (absolute when outside it)."""
    path, root = os.path.abspath(path), os.path.abspath(root)
    if path.startswith(root + os.sep):
        path = path[len(root) + 1:]
    return path.replace(os.sep, "/")


def exists(path: Path) -> bool:
    """Whether `path` exists; a GovcheckError when the system refuses its very name (longer
    than a file name may be), which pathlib raises instead of answering."""
    try:
        return path.exists()
    except OSError as error:
        raise GovcheckError(f"cannot use the path '{path}': {error.strerror}") from None


def discover(target: Path, root: Path) -> tuple[list[SourceFile], list[LoadProblem]]:
    """Every manifest file under `target` (a folder or one file), read from disk.

    Hidden folders are skipped; symlinks that leave the repository are reported, not read."""
    real_root = os.path.realpath(root)
    sources: list[SourceFile] = []
    problems: list[LoadProblem] = []
    if not target.is_dir():
        _read(str(target), str(root), real_root, sources, problems)
        return sources, problems
    for folder, subfolders, names in os.walk(target):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for link in [name for name in subfolders if os.path.islink(os.path.join(folder, name))]:
            problem = _escaping_link(os.path.join(folder, link), str(root), real_root)
            if problem is not None:
                problems.append(problem)
                subfolders.remove(link)
        for name in sorted(names):
            if name.endswith(SUFFIXES):
                _read(os.path.join(folder, name), str(root), real_root, sources, problems)
    return sources, problems


def _escaping_link(path: str, root: str, real_root: str) -> LoadProblem | None:
    resolved = os.path.realpath(path)
    if resolved == real_root or resolved.startswith(real_root + os.sep):
        return None
    return LoadProblem(relative_name(path, root), 1, 1,
                       f"symlink points outside the repository ({resolved}): not followed")


def _read(path: str, root: str, real_root: str, sources: list[SourceFile],
          problems: list[LoadProblem]) -> None:
    name = relative_name(path, root)
    if os.path.islink(path):
        problem = _escaping_link(path, root, real_root)
        if problem is not None:
            problems.append(problem)
            return
    try:
        data = read_regular_file(path)
    except NotAFile as refused:
        problems.append(LoadProblem(name, 1, 1, f"{refused.what}, not a manifest file: skipped"))
    except OSError as error:
        problems.append(LoadProblem(name, 1, 1, f"cannot read the file: {error.strerror}"))
    else:
        sources.append(SourceFile(name, data))


class NotAFile(Exception):
    """A path named like a manifest that is not a regular file (a FIFO, a device...)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


# What a path is, by its file type, for the finding that skips it.
_FILE_TYPES = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
               (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"))


def file_type(mode: int) -> str:
    return next((what for test, what in _FILE_TYPES if test(mode)), "a special file")


def read_regular_file(path: str) -> bytes:
    """The bytes of a regular file (symlinks followed); `NotAFile` for anything else.

    A FIFO is never opened (opening one for reading waits for a writer), and the file is
    checked again once open, non-blocking, in case it was swapped in between."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise NotAFile(f"a dangling symlink (to {os.readlink(path)})") from None
        raise
    if not stat.S_ISREG(mode):
        raise NotAFile(file_type(mode))
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(file_type(mode))
        return stream.read()
