"""`govcheck --version`, and with `-v` the versions a bug report needs: Python, the libraries,
and the policy packs the project in this folder extends."""
from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from govcheck import __version__

LIBRARIES = ("PyYAML", "jsonschema", "click", "GitPython", "tabulate")


def version_lines(verbose: bool, cwd: Path) -> list[str]:
    """`govcheck, version 0.1.0`; verbose: the runtime and every pack (a broken config
    raises)."""
    lines = [f"govcheck, version {__version__}"]   # as the quick answer in __main__ says it
    if not verbose:
        return lines
    libraries = ", ".join(f"{name} {_installed(name)}" for name in LIBRARIES)
    lines.append(f"Python {platform.python_version()}, {libraries}")
    from govcheck.app.project import open_project

    project = open_project(cwd)
    packs = project.packs
    lines += [f"policy pack {pack.describe()}" for pack in packs] or [
        "policy packs: none (govcheck.yaml extends nothing)"]
    return lines


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
