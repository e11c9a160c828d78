"""Find the manifest files under a folder and read their bytes."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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


def discover(target: Path, root: Path) -> tuple[list[SourceFile], list[LoadProblem]]:
    """Every manifest file under `target` (a folder or one file), read from disk.

    Hidden folders are skipped; symlinks that leave the repository are reported, not read."""
    real_root = os.path.realpath(root)
    sources: list[SourceFile] = []
    problems: list[LoadProblem] = []
    if target.is_file():
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
        with open(path, "rb") as stream:
            sources.append(SourceFile(name, stream.read()))
    except OSError as error:
        problems.append(LoadProblem(name, 1, 1, f"cannot read the file: {error.strerror}"))
