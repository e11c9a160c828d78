"""Change control of the baseline, in real git repositories: a pull request that adds a defect
and accepts it into the baseline in the same change passes `check`, but `diff` fails until the
governance approvers (read at BASE) sign off; a fixed finding leaving the baseline needs
nobody."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import AS_OF, run
from diff_helpers import DiffRepo, Manifests, new_repo, run_govcheck, starter
from git_helpers import isolate_git

BASELINE = ".govcheck-baseline.json"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def commit_with_baseline(repo: DiffRepo, manifests: Manifests, message: str, *options: str) -> None:
    """Commit the estate, then its baseline (written by the installed govcheck)."""
    repo.write_estate(manifests)
    result = run(["baseline", "--as-of", AS_OF, *options], repo.path)
    assert result.returncode == 0, result.stderr
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", message)


@pytest.fixture
def adopted(tmp_path: Path) -> DiffRepo:
    """main: the starter estate (1 error and 8 warnings today) with all of them baselined."""
    repo = new_repo(tmp_path)
    commit_with_baseline(repo, starter(), "Adopt govcheck: baseline today's findings")
    assert run(["check", "--as-of", AS_OF], repo.path).returncode == 0
    return repo


def smuggled() -> Manifests:
    manifests = starter()
    del manifests.spec("integration/website-leads")["fallback"]
    return manifests


def changes_of(repo: DiffRepo, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = run_govcheck(repo, "main...feature", "--format", "json", *args)
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)["changes"]


def unsigned(changes: list[dict[str, Any]]) -> list[str]:
    return [change["type"] for change in changes
            if not all(requirement["satisfied"] for requirement in change["requires"])]


def test_a_defect_baselined_in_the_same_change_needs_the_governance_approvers(
        adopted: DiffRepo) -> None:
    adopted.git("checkout", "-q", "-b", "feature")
    commit_with_baseline(adopted, smuggled(), "Drop the fallback (and accept it)", "--force")
    # check is green: the baseline hides the new defect...
    assert run(["check", "--as-of", AS_OF], adopted.path).returncode == 0
    assert run(["check", "--as-of", AS_OF, "--no-baseline"], adopted.path).returncode == 1

    # ...but the diff sees the baseline grow and asks the governance approvers at BASE
    code, changes = changes_of(adopted)
    assert code == 1
    added = next(change for change in changes if change["type"] == "baseline.entries.added")
    assert added == {
        "type": "baseline.entries.added", "class": "major", "entity": "baseline",
        "detail": ("GOV003 on integration/website-leads accepted into the baseline: real-time "
                   "integration has no fallback for when crm is down or rate-limited: "
                   "spec.fallback missing"),
        "file": BASELINE, "line": 5,
        "requires": [{"group": "governance approvers", "people": ["person/dave"], "min": 1,
                      "approved_by": [], "satisfied": False, "not_counted": []}]}
    assert sorted(unsigned(changes)) == ["baseline.entries.added", "integration.fallback.changed"]

    # the integration's owners signing off the fallback change is not enough
    code, changes = changes_of(adopted, "--approved-by", "erin", "--approved-by", "carol")
    assert (code, unsigned(changes)) == (1, ["baseline.entries.added"])

    # the governance approver signs off: green
    code, changes = changes_of(adopted, "--approved-by", "erin", "--approved-by", "carol",
                               "--approved-by", "dave")
    assert (code, unsigned(changes)) == (0, [])


def test_the_text_report_names_the_baseline_entry_and_who_must_sign(adopted: DiffRepo) -> None:
    adopted.git("checkout", "-q", "-b", "feature")
    commit_with_baseline(adopted, smuggled(), "Drop the fallback (and accept it)", "--force")
    result = run_govcheck(adopted, "main...feature", "--approved-by", "erin",
                          "--approved-by", "carol")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    at = lines.index(f"{BASELINE}:5: major baseline.entries.added baseline — GOV003 on "
                     "integration/website-leads accepted into the baseline: real-time "
                     "integration has no fallback for when crm is down or rate-limited: "
                     "spec.fallback missing")
    assert lines[at + 1] == "  needs: governance approvers (min 1 of dave): MISSING"


def test_a_fixed_finding_leaving_the_baseline_needs_nobody(adopted: DiffRepo) -> None:
    adopted.git("checkout", "-q", "-b", "feature")
    fixed = starter()
    fixed.spec("integration/nightly-export")["success_measures"] = [
        {"metric": "leads visible on the website", "target": "100%"}]
    adopted.write_estate(fixed)
    assert run(["baseline", "--as-of", AS_OF, "--prune"], adopted.path).stdout.startswith(
        f"pruned {BASELINE}: 1 fixed finding removed, 8 still accepted")
    adopted.git("add", "-A")
    adopted.git("commit", "-q", "-m", "Measure the nightly export")
    code, changes = changes_of(adopted, "--approved-by", "carol")
    removed = next(change for change in changes if change["type"] == "baseline.entries.removed")
    assert (removed["class"], removed["requires"]) == ("none", [])
    assert removed["detail"].startswith("GOV009 on integration/nightly-export removed from the "
                                        "baseline")
    assert code == 0


def test_moving_the_baseline_to_another_file_is_compared_entry_by_entry(adopted: DiffRepo) -> None:
    adopted.git("checkout", "-q", "-b", "feature")
    (adopted.path / BASELINE).rename(adopted.path / "accepted.json")
    config = (adopted.path / "govcheck.yaml").read_text() + "baseline: accepted.json\n"
    adopted.commit_estate(starter(), "Move the baseline", config=config)
    code, changes = changes_of(adopted, "--approved-by", "dave")
    assert [change["type"] for change in changes] == ["config.changed"]   # no entry added
    assert code == 0
