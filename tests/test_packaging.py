"""The distribution as PyPI would get it: built, checked by twine, and its metadata complete.

`python -m build --no-isolation` builds the sdist and, from it, the wheel, offline, with the
setuptools of this environment; the build must print no warning. `twine check --strict` is
PyPI's own rendering check. The long description is the README, and PyPI shows it without
the repository around it, so every link in it must be absolute.
"""
from __future__ import annotations

import email
import email.message
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import govcheck

pytest.importorskip("build", reason="build is not installed (pip install '.[test]')")
pytest.importorskip("twine", reason="twine is not installed (pip install '.[test]')")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = "https://github.com/govcheck/govcheck"
LINK = re.compile(r"\]\(([^)\s]+)\)|href=\"([^\"]+)\"")


def _copy_project(target: Path) -> Path:
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(PROJECT_ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(PROJECT_ROOT / "src", target / "src", ignore=ignore)
    shutil.copytree(PROJECT_ROOT / "policies", target / "policies", ignore=ignore)
    return target


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONDONTWRITEBYTECODE, when the caller sets it, makes setuptools warn that it cannot
    # byte-compile: a warning about this environment, not about the package.
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    return subprocess.run([sys.executable, *args], check=False, cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built from a copy of the project."""
    root = tmp_path_factory.mktemp("packaging")
    project = _copy_project(root / "project")
    done = _run("-m", "build", "--no-isolation", "--outdir", str(root / "dist"), str(project),
                cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in (done.stdout + done.stderr).splitlines()
                if re.search(r"warning", line, re.IGNORECASE)]
    assert warnings == [], "\n".join(warnings)
    return root / "dist"


def _wheel(dist: Path) -> Path:
    return next(dist.glob("govcheck-*.whl"))


def _metadata(dist: Path) -> email.message.Message:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        name = next(item for item in wheel.namelist() if item.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(wheel.read(name))


def test_both_distributions_carry_the_package_version(dist: Path) -> None:
    version = govcheck.__version__
    assert sorted(path.name for path in dist.iterdir()) == [
        f"govcheck-{version}-py3-none-any.whl", f"govcheck-{version}.tar.gz"]


def test_twine_check_strict_passes(dist: Path) -> None:
    done = _run("-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir())),
                cwd=dist)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_metadata_names_the_licence_links_and_audience(dist: Path) -> None:
    metadata = _metadata(dist)
    assert metadata["Version"] == govcheck.__version__
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Description-Content-Type"] == "text/markdown"
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    assert all(url.startswith(REPOSITORY) for url in urls.values())
    classifiers = metadata.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in (10, 11, 12, 13)} <= set(
        classifiers)
    assert not any(classifier.startswith("License ::") for classifier in classifiers)
    assert "governance-as-code" in (metadata["Keywords"] or "").split(",")


def test_the_wheel_ships_the_licence_rules_schemas_and_types(dist: Path) -> None:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = set(wheel.namelist())
    version = govcheck.__version__
    assert f"govcheck-{version}.dist-info/licenses/LICENSE" in names
    assert "govcheck/py.typed" in names
    assert {f"govcheck/policies/{path.name}" for path in (PROJECT_ROOT / "policies").glob(
        "*.yaml")} <= names
    package = PROJECT_ROOT / "src" / "govcheck"
    shipped = {f"govcheck/{path.relative_to(package).as_posix()}" for path in package.rglob("*")
               if path.is_file() and "__pycache__" not in path.parts}
    assert {name for name in shipped if name.endswith(".json")} >= {
        f"govcheck/load/schema/{kind}.json" for kind in ("dataset", "system", "team")}
    assert shipped - names == set()     # every module, schema and template of the package
    assert {"govcheck/outputs/site/page.html", "govcheck/outputs/site/site.css",
            "govcheck/outputs/site/filter.js"} <= names


def test_the_sdist_carries_the_licence_and_the_readme(dist: Path) -> None:
    with tarfile.open(next(dist.glob("govcheck-*.tar.gz"))) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "policies/gov000-manifests.yaml"} <= names


def test_the_licence_is_the_apache_2_text() -> None:
    text = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[:2] == ["Apache License", "Version 2.0, January 2004"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in lines
    assert "END OF TERMS AND CONDITIONS" in lines
    assert 'license = "Apache-2.0"' in (PROJECT_ROOT / "pyproject.toml").read_text()


def test_every_link_in_the_long_description_is_absolute_and_leads_somewhere() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    targets = [first or second for first, second in LINK.findall(readme)]
    assert targets
    relative = [target for target in targets if not re.match(r"https?://|#", target)]
    assert relative == [], "relative links break on PyPI"
    for target in targets:
        match = re.fullmatch(rf"{re.escape(REPOSITORY)}/(?:blob|tree)/main/(.+)", target)
        if match:
            assert (PROJECT_ROOT / match.group(1)).exists(), target
