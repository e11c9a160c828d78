"""Shared policy packs: `extends:` in govcheck.yaml names a folder of the repository or an
installed distribution that declares the entry point group `govcheck.policies`. The example
pack in examples/acme-governance is built and pip-installed into a fresh virtual environment,
offline, and used from there end to end."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from cli_helpers import AS_OF, BASE, assert_usage_error, make_estate, run

from govcheck.rules.policy import Pack, pack_policy_files

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "acme-governance"
PACKAGE = EXAMPLE / "src" / "acme_governance"
CRM = "ecosystem/systems/crm.yaml"
ACME001 = (f"{CRM}:4:9: warning ACME001 system does not name its vendor: spec.vendor missing "
           "[system/crm]")


def with_folder_pack(root: Path, config: str = "extends: [./governance/acme]\n") -> Path:
    make_estate(root, config=config)
    shutil.copytree(PACKAGE, root / "governance" / "acme",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_a_folder_pack_adds_its_rules_to_check_rules_and_explain(tmp_path: Path) -> None:
    root = with_folder_pack(tmp_path)
    result = run(["check", "--as-of", AS_OF, "--select", "ACME001", "--fail-on", "warning"], root)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:3] == [
        ACME001, ACME001.replace("crm.yaml", "erp.yaml").replace("system/crm", "system/erp"),
        ACME001.replace("crm.yaml", "website.yaml").replace("system/crm", "system/website")]
    listed = run(["rules"], root).stdout.splitlines()
    assert listed[0] == ("ACME001  warning  Every system names its vendor  "
                         "(governance/acme/acme001-vendor.yaml)")
    assert run(["explain", "ACME002"], root).stdout.startswith(
        "ACME002: Datasets carry a data-domain label (default severity: error)")


def test_a_pack_runs_its_own_cases(tmp_path: Path) -> None:
    root = with_folder_pack(tmp_path)
    for args in (["rules", "--test"], ["rules", "--test", "./governance/acme"]):
        result = run(args, root)
        assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "4 passed, 0 failed")
    # the cases are not rules
    assert "cases" not in "".join(name for name, _ in pack_policy_files(
        Pack("acme", root / "governance" / "acme"), root))


def test_a_rule_id_that_collides_is_exit_2_naming_both_sources(tmp_path: Path) -> None:
    root = with_folder_pack(tmp_path)
    clash = (root / "governance" / "acme" / "acme001-vendor.yaml").read_text().replace(
        "id: ACME001", "id: GOV003")
    (root / "governance" / "acme" / "acme001-vendor.yaml").write_text(clash)
    assert_usage_error(run(["check"], root),
                       "govcheck: error: governance/acme/acme001-vendor.yaml: rule GOV003 is "
                       "already defined in <built-in>/gov003-realtime-fallback.yaml")
    # two packs with the same rule
    shutil.copytree(root / "governance" / "acme", root / "governance" / "other")
    (root / "govcheck.yaml").write_text("extends: [./governance/acme, ./governance/other]\n")
    (root / "governance" / "acme" / "acme001-vendor.yaml").write_text(clash.replace(
        "id: GOV003", "id: ACME001"))
    (root / "governance" / "other" / "acme001-vendor.yaml").write_text(clash.replace(
        "id: GOV003", "id: ACME001"))
    assert_usage_error(run(["rules"], root),
                       "govcheck: error: governance/other/acme001-vendor.yaml: rule ACME001 is "
                       "already defined in governance/acme/acme001-vendor.yaml")


@pytest.mark.parametrize(("config", "message"), [
    ("extends:\n  - no-such-pack\n",
     "govcheck.yaml:2:5: policy pack 'no-such-pack' is not installed: no installed distribution "
     "declares it in the entry point group govcheck.policies (pip install it; a folder of the "
     "repository is written as a path, e.g. ./no-such-pack)"),
    ("extends: [./governance/missing]\n",
     "govcheck.yaml:1:11: policy pack folder './governance/missing' does not exist"),
    ("extends: ./governance/acme\n",
     "govcheck.yaml:1:10: invalid config: extends must be a list, not a string"),
])
def test_a_pack_that_cannot_be_found_is_one_line_at_its_entry(
        tmp_path: Path, config: str, message: str) -> None:
    root = make_estate(tmp_path, config=config)
    assert_usage_error(run(["check"], root), f"govcheck: error: {message}")


def test_an_empty_pack_is_exit_2(tmp_path: Path) -> None:
    root = make_estate(tmp_path, config="extends: [./governance/empty]\n")
    (root / "governance" / "empty").mkdir(parents=True)
    assert_usage_error(run(["rules"], root),
                       "govcheck: error: policy pack './governance/empty' has no rule files "
                       f"(*.yaml) in {root / 'governance' / 'empty'}")


# -- the example pack, pip-installed into a fresh virtual environment -----------------------

def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV")
                   and not key.startswith("GOVCHECK")}
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(args, check=False, cwd=cwd, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _copy(source: Path, target: Path, *names: str) -> Path:
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", "build")
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=ignore)
        else:
            shutil.copy2(source / name, target / name)
    return target


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with govcheck and the example pack installed as wheels,
    built offline with this environment's setuptools; the dependencies (PyYAML, ...) come
    from this environment through a path file."""
    root = tmp_path_factory.mktemp("packs")
    wheels = root / "wheels"
    govcheck = _copy(REPO, root / "govcheck", "pyproject.toml", "README.md", "LICENSE", "src",
                     "policies")
    pack = _copy(EXAMPLE, root / "acme-governance", "pyproject.toml", "README.md", "src")
    for project in (govcheck, pack):
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
              "--no-index", "-w", str(wheels), str(project)], root)
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root)
    python = venv / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; "
                         "print(sysconfig.get_paths()['purelib'])"], root).stdout.strip())
    (purelib / "_govcheck_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                                     encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--ignore-installed", "--no-index", *map(str, sorted(wheels.glob("*.whl")))], root)
    return venv


def test_a_pip_installed_pack_is_found_through_its_entry_point(venv: Path,
                                                               tmp_path: Path) -> None:
    govcheck = str(venv / "bin" / "govcheck")
    root = make_estate(tmp_path / "repo", config="extends: [acme-governance]\n")
    checked = subprocess.run([govcheck, "check", "--as-of", AS_OF, "--select", "ACME"],
                             cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 1, checked.stderr
    assert checked.stdout.splitlines()[0] == (
        "ecosystem/datasets/customer.yaml:4:9: error ACME002 dataset has no data-domain label: "
        "metadata.labels missing [dataset/customer]")
    assert ACME001 in checked.stdout.splitlines()

    explained = _run([govcheck, "explain", "ACME001"], root)
    assert explained.stdout.startswith("ACME001: Every system names its vendor")
    listed = _run([govcheck, "rules"], root).stdout.splitlines()
    assert listed[0] == ("ACME001  warning  Every system names its vendor  "
                         "(acme-governance 1.0.0)")
    tested = _run([govcheck, "rules", "--test", "acme-governance"], root)
    assert tested.stdout.splitlines()[-1] == "4 passed, 0 failed"

    version = _run([govcheck, "--version", "-v"], root).stdout.splitlines()
    assert version[0].startswith("govcheck, version ")
    assert version[2].startswith("policy pack acme-governance 1.0.0 (distribution "
                                 "acme-governance, entry point group govcheck.policies, ")


def test_the_installed_pack_is_named_with_its_version(venv: Path, tmp_path: Path) -> None:
    """The version is part of every pack file's name, so of a cached run's key: upgrading a
    pack can never serve the findings of the old one."""
    root = make_estate(tmp_path / "repo", config="extends: [acme-governance]\n")
    names = _run([str(venv / "bin" / "python"), "-c",
                  "from pathlib import Path; from govcheck.app.project import open_project; "
                  "print([n for n, _ in open_project(Path.cwd()).policy_files if 'acme' in n])"],
                 root).stdout
    assert names.strip() == ("['<acme-governance 1.0.0>/acme001-vendor.yaml', "
                             "'<acme-governance 1.0.0>/acme002-domain-label.yaml']")
    assert BASE["files"]  # the estate the pack's rules judged above is the rule cases' base


def test_version_and_version_verbose(tmp_path: Path) -> None:
    root = with_folder_pack(tmp_path)
    plain = run(["--version"], root)
    assert (plain.returncode, plain.stdout.splitlines()) == (0, [plain.stdout.strip()])
    assert plain.stdout.startswith("govcheck, version ")
    for args in (["--version", "-v"], ["-v", "--version"]):
        verbose = run(args, root).stdout.splitlines()
        assert verbose[1].startswith("Python ") and "PyYAML " in verbose[1]
        assert verbose[2] == (f"policy pack ./governance/acme (folder "
                              f"{root / 'governance' / 'acme'})")
    (root / "govcheck.yaml").write_text("extends: [missing-pack]\n")
    broken = run(["--version", "-v"], root)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert broken.stderr.startswith("govcheck: error: govcheck.yaml:1:11: policy pack "
                                    "'missing-pack' is not installed")


def test_a_change_to_a_folder_pack_is_a_governance_change(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from diff_helpers import CONFIG, new_repo, run_govcheck, starter
    from git_helpers import isolate_git

    isolate_git(monkeypatch, tmp_path / "home")
    repo = new_repo(tmp_path)
    pack = {f"governance/acme/{path.name}": path.read_text() for path in PACKAGE.glob("*.yaml")}
    config = CONFIG + "extends: [./governance/acme]\n"
    repo.commit_estate(starter(), "starter", config=config, extra=pack)
    repo.git("checkout", "-q", "-b", "feature")
    loosened = {**pack, "governance/acme/acme002-domain-label.yaml": pack[
        "governance/acme/acme002-domain-label.yaml"].replace("severity: error", "severity: info")}
    repo.commit_estate(starter(), "Relax ACME002", config=config, extra=loosened)
    result = run_govcheck(repo, "main...feature")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "governance/acme/acme002-domain-label.yaml:1: major config.changed config — policy "
        "file changed",
        "  needs: governance approvers (min 1 of dave): MISSING"]
