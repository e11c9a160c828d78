"""Find the files a run reads (govcheck.yaml, the manifests, the policy files) and read
their bytes. Nothing here parses YAML: a remembered run is recognised from these bytes alone."""
from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from govcheck.errors import GovcheckError
from govcheck.model.document import MANIFEST_SUFFIXES, LoadProblem

SUFFIXES = MANIFEST_SUFFIXES
CONFIG_NAME = "govcheck.yaml"


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
    real_root, absolute_root = os.path.realpath(root), os.path.abspath(root)
    sources: list[SourceFile] = []
    problems: list[LoadProblem] = []
    if not target.is_dir():
        path = str(target)
        _read(path, relative_name(path, absolute_root), real_root, sources, problems)
        return sources, problems
    for folder, subfolders, names in os.walk(os.path.abspath(target)):
        # The folder's name relative to the root once, not each file's (os.walk's folders
        # are absolute and normal here, so a file's is the folder's plus its own name).
        prefix = "" if folder == absolute_root else relative_name(folder, absolute_root) + "/"
        # Hidden folders are pruned, as `in_hidden_folder` says for the files of a revision.
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for link in [name for name in subfolders if os.path.islink(os.path.join(folder, name))]:
            problem = _escaping_link(os.path.join(folder, link), prefix + link, real_root)
            if problem is not None:
                problems.append(problem)
                subfolders.remove(link)
        for name in sorted(names):
            if name.endswith(SUFFIXES):
                _read(os.path.join(folder, name), prefix + name, real_root, sources, problems)
    return sources, problems


def _escaping_link(path: str, name: str, real_root: str) -> LoadProblem | None:
    resolved = os.path.realpath(path)
    if resolved == real_root or resolved.startswith(real_root + os.sep):
        return None
    return LoadProblem(name, 1, 1,
                       f"symlink points outside the repository ({resolved}): not followed")


def _read(path: str, name: str, real_root: str, sources: list[SourceFile],
          problems: list[LoadProblem]) -> None:
    """Read the file at `path`, known in reports as `name`, into `sources`, or say why not."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            problem = _escaping_link(path, name, real_root)
            if problem is not None:
                problems.append(problem)
                return
            data = read_regular_file(path)
        else:
            data = read_regular_file(path, mode)
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


def read_regular_file(path: str, mode: int | None = None) -> bytes:
    """The bytes of a regular file (symlinks followed); `NotAFile` for anything else. `mode`
    is the path's own (`lstat`) mode when the caller has it and it is not a symlink's.

    A FIFO is never opened (opening one for reading waits for a writer), and the file is
    checked again once open, non-blocking, in case it was swapped in between."""
    if mode is None:
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


def find_config(start: Path, top: Path | None = None) -> Path | None:
    """govcheck.yaml in `start` or its parents, up to the repository root: `top` when given
    (git's top-level), else the first folder with a .git."""
    for folder in [start, *start.parents]:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if folder == top or (top is None and (folder / ".git").exists()):
            return None
    return None


def project_root(start: Path) -> Path:
    """The repository root above `start`, or `start` itself outside a repository."""
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return start


def policy_files(extra_folders: Iterable[Path] = (), root: Path | None = None
                 ) -> list[tuple[str, bytes]]:
    """Every policy file: the built-in pack's, then each folder's, as (name, bytes)."""
    files = builtin_policy_files()
    for folder in extra_folders:
        files.extend(folder_policy_files(folder, root))
    return files


def builtin_policy_files() -> list[tuple[str, bytes]]:
    """The built-in pack, shipped inside the package as govcheck.policies."""
    package = importlib.import_module("govcheck.policies")   # data, shipped as a package
    folder = Path(package.__file__ or "").parent
    return sorted((f"<built-in>/{entry.name}", entry.read_bytes()) for entry in folder.iterdir()
                  if entry.name.endswith(SUFFIXES))


def folder_policy_files(folder: Path, root: Path | None = None) -> list[tuple[str, bytes]]:
    """A policy folder's YAML files, named relative to `root` when they are inside it."""
    if not exists(folder) or not folder.is_dir():
        raise GovcheckError(f"policy folder '{folder}' does not exist")
    paths = sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and not p.is_dir())
    return [(policy_name(path, root), _read_policy(path, root)) for path in paths]


def _read_policy(path: Path, root: Path | None) -> bytes:
    try:
        return read_regular_file(str(path))
    except NotAFile as refused:
        raise GovcheckError(f"{refused.what}, not a policy file", policy_name(path, root)) from None
    except OSError as error:
        raise GovcheckError(f"cannot read the policy file: {error.strerror}",
                            policy_name(path, root)) from None


def policy_name(path: Path, root: Path | None) -> str:
    """A policy file's name in messages: relative to `root` when given and inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() if root else path.as_posix()
    except ValueError:
        return path.as_posix()


def display_name(path: Path, root: Path) -> str:
    """A file's name in messages (a config, a baseline, an inventory): relative to `root`
    when inside it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
