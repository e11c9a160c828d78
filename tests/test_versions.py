"""The version is written once, and every tag the docs tell users to pin agrees with it.

The package version is `govcheck.__version__`; pyproject.toml reads it from there. The README,
the hooks file and the Action name release tags (`v0.1.0`), the major tag (`@v0`) or the
package pin (`govcheck==0.1.0`); CHANGELOG.md has a section per release. Until the first
release is in the changelog, the docs must say that no tag exists and how to pin a sha.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import govcheck

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VERSION = govcheck.__version__
MAJOR = VERSION.split(".")[0]
# The files that tell users what to pin, and which of them must name the version.
PINNING_DOCS = ["README.md", ".pre-commit-hooks.yaml", "action.yml", "RELEASING.md",
                "examples/github-workflow.yml"]
MUST_NAME_THE_VERSION = ["README.md", ".pre-commit-hooks.yaml", "action.yml"]

RELEASE_TAG = re.compile(r"(?<![\w./-])v(\d+\.\d+\.\d+)\b")
PACKAGE_PIN = re.compile(r"govcheck==(\d+\.\d+\.\d+)\b")
MAJOR_TAG = re.compile(r"govcheck/govcheck@v(\d+)\b|`@?v(\d+)`")
RELEASED = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", re.MULTILINE)


def read(relative: str) -> str:
    return (PROJECT_ROOT / relative).read_text(encoding="utf-8")


def released_versions() -> list[str]:
    return RELEASED.findall(read("CHANGELOG.md"))


def test_the_version_is_a_plain_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION


def test_pyproject_reads_the_version_from_the_package() -> None:
    pyproject = read("pyproject.toml")
    project = pyproject[pyproject.index("[project]"):pyproject.index("\n[", pyproject.index(
        "[project]") + 1)]
    assert re.search(r'^dynamic = \["version"\]', project, re.MULTILINE)
    assert not re.search(r"^version\s*=", project, re.MULTILINE)
    assert 'version = {attr = "govcheck.__version__"}' in pyproject


@pytest.mark.parametrize("relative", PINNING_DOCS)
def test_every_tag_the_docs_name_is_this_version(relative: str) -> None:
    text = read(relative)
    assert set(RELEASE_TAG.findall(text)) <= {VERSION}, relative
    assert set(PACKAGE_PIN.findall(text)) <= {VERSION}, relative
    majors = {first or second for first, second in MAJOR_TAG.findall(text)}
    assert majors <= {MAJOR}, relative


@pytest.mark.parametrize("relative", MUST_NAME_THE_VERSION)
def test_the_docs_name_the_version_to_pin(relative: str) -> None:
    text = read(relative)
    assert RELEASE_TAG.search(text) or PACKAGE_PIN.search(text), relative


def test_the_changelog_has_unreleased_first_and_releases_newest_first() -> None:
    changelog = read("CHANGELOG.md")
    headings = re.findall(r"^## (.+)$", changelog, re.MULTILINE)
    assert headings[0] == "[Unreleased]"
    versions = released_versions()
    as_numbers = [tuple(int(part) for part in version.split(".")) for version in versions]
    assert as_numbers == sorted(as_numbers, reverse=True)
    assert not versions or versions[0] == VERSION, (
        f"the newest release in CHANGELOG.md is {versions[0]}, the package says {VERSION}")
    for name in ["Unreleased", *versions]:
        assert re.search(rf"^\[{re.escape(name)}\]: https://", changelog, re.MULTILINE), name


def test_before_the_first_release_the_docs_say_to_pin_a_sha() -> None:
    readme, hooks = read("README.md"), read(".pre-commit-hooks.yaml")
    workflow = yaml.safe_load(read("examples/github-workflow.yml"))
    ref = workflow["jobs"]["govcheck"]["steps"][1]["uses"].split("@")[1]
    if released_versions():
        assert "No release is tagged yet" not in readme + hooks
        assert ref == f"v{MAJOR}"
        return
    assert "**No release is tagged yet.**" in readme
    assert "git ls-remote https://github.com/govcheck/govcheck refs/heads/main" in readme
    assert ("pre-commit autoupdate --bleeding-edge --freeze --repo "
            "https://github.com/govcheck/govcheck") in readme
    assert "No release is tagged yet" in hooks
    assert ref == "main" or re.fullmatch(r"[0-9a-f]{40}", ref)
