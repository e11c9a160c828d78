"""The installed package, not the source tree, finds its policy pack.

A wheel is built from a copy of the project (so the working tree is left untouched), installed
without dependencies into a fresh virtual environment that borrows this environment's
dependencies through a .pth file (offline, no package index), and its `govcheck` entry point is
run from an unrelated folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ALL_RULES = [f"GOV{n:03d}" for n in range(21)]


def _copy_project(target: Path) -> Path:
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    for licence in REPO.glob("LICEN[CS]E*"):
        shutil.copy2(licence, target / licence.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "src", target / "src", ignore=ignore)
    shutil.copytree(REPO / "policies", target / "policies", ignore=ignore)
    return target


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV")}
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(args, check=False, cwd=cwd, env=environment, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def test_installed_package_finds_its_policy_pack(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project")
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-w", str(wheels), str(project)], tmp_path)
    wheel = next(wheels.glob("govcheck-*.whl"))

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        tmp_path).stdout.strip())
    # The dependencies (PyYAML, jsonschema, click, ...) come from this environment; a plain
    # path line does not run this environment's .pth hooks, so its editable govcheck stays out.
    (purelib / "_govcheck_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                                     encoding="utf-8")
    # --ignore-installed: the borrowed environment may hold govcheck too (a regular install,
    # as in CI), which pip would otherwise take as already satisfied.
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--ignore-installed", "--no-index", str(wheel)], tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([str(python), "-c", ("import govcheck, govcheck.policies as p; "
                                     "print(govcheck.__file__); print(list(p.__path__)[0])")], elsewhere)
    for line in where.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(purelib.resolve()), line

    result = _run([str(venv / "bin" / "govcheck"), "rules"], elsewhere)
    assert [line.split()[0] for line in result.stdout.splitlines()] == ALL_RULES

    explained = _run([str(venv / "bin" / "govcheck"), "explain", "GOV018"], elsewhere)
    assert explained.stdout.startswith("GOV018: Waivers are justified, approved, current and used")

    # the starter estate checks clean with the installed schemas and formatters
    _run([str(venv / "bin" / "govcheck"), "init", "starter"], elsewhere)
    (elsewhere / "starter" / ".git").mkdir()
    for name in ("text", "json"):
        checked = _run([str(venv / "bin" / "govcheck"), "check", "--format", name],
                       elsewhere / "starter")
        assert "0 error" in checked.stdout or '"error": 0' in checked.stdout

    # the site, with its map, needs nothing the wheel does not carry (no Graphviz, no network)
    _run([str(venv / "bin" / "govcheck"), "site", "public"], elsewhere / "starter")
    overview = (elsewhere / "starter" / "public" / "index.html").read_text(encoding="utf-8")
    assert "<svg" in overview and "Content-Security-Policy" in overview
    assert (elsewhere / "starter" / "public" / "dataset" / "lead.html").is_file()
