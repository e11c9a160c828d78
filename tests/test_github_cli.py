"""`govcheck diff` in GitHub Actions: what the command line makes of the event and the API.

Real git repositories, the installed command line, and a reviews API on 127.0.0.1.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from diff_helpers import DiffRepo, new_repo, remove_phone, run_govcheck, starter
from git_helpers import isolate_git
from recorded_api import RecordedApi, Reply, serve

REVIEWS = "/repos/acme/estate/pulls/7/reviews?per_page=100"
DEEP = b"[" * 100_000


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


@pytest.fixture
def api() -> Iterator[RecordedApi]:
    yield from serve()


@pytest.fixture
def feature(tmp_path: Path) -> DiffRepo:
    """main: the starter estate; feature: the phone field removed (jane must approve)."""
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter")
    repo.git("checkout", "-q", "-b", "feature")
    without_phone = starter()
    remove_phone(without_phone)
    repo.commit_estate(without_phone, "Drop the phone field")
    return repo


def review_event(path: Path, head: str, base_ref: str = "main") -> Path:
    """The parts of a pull_request_review event that govcheck reads."""
    path.write_text(json.dumps({
        "action": "submitted", "review": {"id": 1, "state": "approved", "commit_id": head},
        "pull_request": {"number": 7, "head": {"ref": "feature", "sha": head},
                         "base": {"ref": base_ref}},
        "repository": {"full_name": "acme/estate"}}))
    return path


def actions_env(api: RecordedApi, event: Path) -> dict[str, str]:
    # A pull_request_review run: GitHub sets no GITHUB_BASE_REF for it.
    return {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request_review",
            "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "acme/estate",
            "GITHUB_API_URL": api.url, "GITHUB_TOKEN": "ghs_secret"}


def test_a_review_event_without_github_base_ref_compares_with_the_events_base(
        api: RecordedApi, tmp_path: Path) -> None:
    # feature branched from `release`, which added a field that main does not have: compared
    # with main (the fallback without GITHUB_BASE_REF) that field would count as added too.
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter")
    repo.git("checkout", "-q", "-b", "release")
    with_score = starter()
    with_score.spec("dataset/lead")["fields"].append({"name": "score", "type": "number"})
    repo.commit_estate(with_score, "Add a score")
    repo.git("checkout", "-q", "-b", "feature")
    remove_phone(with_score)
    repo.commit_estate(with_score, "Drop the phone field")
    api.replies[REVIEWS] = Reply(body=[])
    event = review_event(tmp_path / "event.json", repo.sha("feature"), base_ref="release")

    result = run_govcheck(repo, "--format", "json", env=actions_env(api, event))

    changes = json.loads(result.stdout)["changes"]
    assert [change["detail"] for change in changes] == ["field 'phone' removed"]
    assert result.returncode == 1  # jane has not approved


@pytest.mark.parametrize("where", ["reviews file", "event file", "API answer"])
def test_json_nested_too_deeply_is_one_line_and_exit_2(feature: DiffRepo, api: RecordedApi,
                                                       tmp_path: Path, where: str) -> None:
    event = review_event(tmp_path / "event.json", feature.sha("feature"))
    deep = tmp_path / "deep.json"
    deep.write_bytes(DEEP)
    api.replies[REVIEWS] = Reply(body=DEEP if where == "API answer" else [])
    args = ["main...feature"]
    if where == "reviews file":
        args += ["--reviews", str(deep)]
    elif where == "event file":
        event = deep

    result = run_govcheck(feature, *args, env=actions_env(api, event))

    expected = {
        "reviews file": f"{deep}: the JSON nests arrays or objects too deeply to be a GitHub "
                        "event or reviews",
        "event file": f"{deep}: the JSON nests arrays or objects too deeply to be a GitHub "
                      "event or reviews",
        "API answer": "the GitHub API answered with JSON nested too deeply to be reviews"}
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"govcheck: error: {expected[where]}\n"
