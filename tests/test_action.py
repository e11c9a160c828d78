"""The Action's own scripts turn a pull request's check red until the approval, then green.

action.yml's steps run as a GitHub runner runs them (tests/action_runner.py) in a clone of a
real git repository, with an event file shaped like GitHub's (tests/events/, the payloads'
structure as GitHub sends them, shas filled in per test) and the reviews API served on
127.0.0.1 (GITHUB_API_URL). The install step is the one step replaced: it would need a package
index, and tests/test_installed.py proves the package installs; here the test environment's
`govcheck` goes on GITHUB_PATH instead.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from action_runner import Runner, StepRun, UnsupportedExpression, evaluate
from diff_helpers import DiffRepo, Manifests, new_repo, remove_phone, starter
from git_helpers import GitRepo, isolate_git
from recorded_api import RecordedApi, Reply, serve

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EVENTS = Path(__file__).resolve().parent / "events"
REVIEWS = "/repos/acme/estate/pulls/7/reviews?per_page=100"
TOKEN = "ghs_runner_token"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


@pytest.fixture
def api() -> Iterator[RecordedApi]:
    yield from serve()


def estate() -> Manifests:
    """The diff tests' estate, made clean for `govcheck check` (no data ping-pong)."""
    manifests = starter()
    manifests.spec("integration/nightly-export")["conflict_resolution"] = {
        "winner": "crm", "strategy": "system-of-record-wins"}
    return manifests


@pytest.fixture
def origin(tmp_path: Path) -> DiffRepo:
    """The repository on GitHub: main, and a pull request's branch `feature` that removes the
    phone field (jane, GitHub login janedoe, must approve); main moved on since."""
    repo = new_repo(tmp_path, "origin")
    repo.commit_estate(estate(), "starter")
    repo.git("checkout", "-q", "-b", "feature")
    without_phone = estate()
    remove_phone(without_phone)
    repo.commit_estate(without_phone, "Drop the phone field")
    repo.git("checkout", "-q", "main")
    moved_on = estate()
    moved_on.spec("dataset/lead")["fields"].append({"name": "score", "type": "number"})
    repo.commit_estate(moved_on, "Add a score")
    return repo


def checkout(origin: GitRepo, tmp_path: Path, event_name: str) -> GitRepo:
    """actions/checkout with fetch-depth: 0: the merge commit GitHub makes for a pull_request
    event, the pull request's head for a pull_request_review event."""
    workspace = GitRepo.clone(origin, tmp_path / "workspace")
    head = workspace.sha("origin/feature")
    if event_name == "pull_request":
        workspace.git("checkout", "-q", "--detach", "origin/main")
        workspace.git("merge", "-q", "--no-ff", "--no-edit", head)
    else:
        workspace.git("checkout", "-q", "--detach", head)
    return workspace


def event_file(tmp_path: Path, event_name: str, origin: GitRepo, **review: Any) -> Path:
    event = json.loads((EVENTS / f"{event_name}.json").read_text())
    event["pull_request"]["head"]["sha"] = origin.sha("feature")
    event["pull_request"]["base"]["sha"] = origin.sha("main")
    if event_name == "pull_request_review":
        event["review"].update(commit_id=origin.sha("feature"), **review)
        event["action"] = "dismissed" if review.get("state") == "dismissed" else "submitted"
    path = tmp_path / f"event-{len(list(tmp_path.glob('event-*')))}.json"
    path.write_text(json.dumps(event))
    return path


def review(review_id: int, state: str, commit: str, minute: int) -> dict[str, Any]:
    return {"id": review_id, "user": {"login": "janedoe", "id": 1001, "type": "User"},
            "body": "", "state": state, "commit_id": commit, "author_association": "MEMBER",
            "submitted_at": f"2026-11-23T10:{minute:02}:00Z"}


def run_action(tmp_path: Path, workspace: GitRepo, event_name: str, event: Path,
               api: RecordedApi, inputs: dict[str, str] | None = None) -> dict[str, StepRun]:
    temp = tmp_path / f"runner-temp-{len(list(tmp_path.glob('runner-temp-*')))}"
    temp.mkdir()
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "RUNNER_", "ACTIONS_"))}
    environment["NO_COLOR"] = "1"
    runner = Runner(
        action_path=PROJECT_ROOT, workspace=workspace.path, temp=temp, event_name=event_name,
        event_path=event, environment=environment,
        github={"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/estate",
                "GITHUB_API_URL": api.url, "GITHUB_REF": "refs/pull/7/merge",
                "GITHUB_SHA": workspace.sha("HEAD"),  # what actions/checkout checked out
                "GITHUB_BASE_REF": "main" if event_name == "pull_request" else ""},
        replaced={"Install govcheck": put_this_govcheck_on_the_path},
        used_outputs={"actions/setup-python": {"python-path": sys.executable}})
    return {run.name: run for run in runner.run(inputs or {})}


def put_this_govcheck_on_the_path(env: dict[str, str]) -> None:
    with open(env["GITHUB_PATH"], "a", encoding="utf-8") as path_file:
        path_file.write(f"{Path(sys.executable).parent}\n")


def verdict(steps: dict[str, StepRun]) -> tuple[str | None, str | None, int | None]:
    """(check exit code, diff exit code, the job's last step's exit code)."""
    return (steps["govcheck check"].outputs.get("exit-code"),
            steps["govcheck diff (sign-off)"].outputs.get("exit-code"),
            steps["Verdict"].exit_code)


@pytest.mark.parametrize("event_name", ["pull_request_review", "pull_request"])
def test_red_until_the_approving_review_then_green(origin: DiffRepo, tmp_path: Path,
                                                   api: RecordedApi, event_name: str) -> None:
    workspace = checkout(origin, tmp_path, event_name)
    head = origin.sha("feature")

    # Before approval: jane has only commented.
    api.replies[REVIEWS] = Reply(body=[review(1, "COMMENTED", head, 1)])
    event = event_file(tmp_path, event_name, origin, state="commented")
    before = run_action(tmp_path, workspace, event_name, event, api)

    assert verdict(before) == ("0", "1", 1)
    diff_output = before["govcheck diff (sign-off)"].stdout
    assert "dataset/lead approvers" in diff_output and "::error " in diff_output
    assert "field 'phone' removed" in diff_output
    assert "field 'score'" not in diff_output  # judged from the merge base, not main's tip
    assert ("::error title=govcheck::govcheck diff failed (exit 1): a required sign-off is "
            "missing or the diff could not run") in before["Verdict"].stdout
    assert api.requests[-1][0] == REVIEWS
    assert api.requests[-1][1]["authorization"] == f"Bearer {TOKEN}"

    # The approval arrives: GitHub sends pull_request_review (submitted) and the API lists it.
    api.replies[REVIEWS] = Reply(body=[review(1, "COMMENTED", head, 1),
                                       review(2, "APPROVED", head, 5)])
    event = event_file(tmp_path, event_name, origin, id=2, state="approved")
    after = run_action(tmp_path, workspace, event_name, event, api)

    assert verdict(after) == ("0", "0", 0), after["govcheck diff (sign-off)"].stdout
    assert "::error" not in after["govcheck diff (sign-off)"].stdout
    assert "::error" not in after["Verdict"].stdout


def test_a_dismissed_approval_turns_the_check_red_again(origin: DiffRepo, tmp_path: Path,
                                                       api: RecordedApi) -> None:
    workspace = checkout(origin, tmp_path, "pull_request_review")
    head = origin.sha("feature")
    api.replies[REVIEWS] = Reply(body=[review(2, "APPROVED", head, 5),
                                       review(3, "DISMISSED", head, 9)])
    event = event_file(tmp_path, "pull_request_review", origin, id=3, state="dismissed")

    steps = run_action(tmp_path, workspace, "pull_request_review", event, api)

    assert verdict(steps) == ("0", "1", 1)


def test_outside_a_pull_request_only_the_check_runs(origin: DiffRepo, tmp_path: Path,
                                                    api: RecordedApi) -> None:
    workspace = GitRepo.clone(origin, tmp_path / "workspace")
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"ref": "refs/heads/main", "after": origin.sha("main")}))

    steps = run_action(tmp_path, workspace, "push", push, api)

    assert steps["govcheck diff (sign-off)"].exit_code is None  # skipped
    assert verdict(steps) == ("0", None, 0)
    assert api.requests == []


def push_event(tmp_path: Path, origin: GitRepo) -> Path:
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"ref": "refs/heads/main", "after": origin.sha("main")}))
    return push


def test_the_site_is_written_and_handed_to_upload_artifact(origin: DiffRepo, tmp_path: Path,
                                                           api: RecordedApi) -> None:
    workspace = GitRepo.clone(origin, tmp_path / "workspace")

    steps = run_action(tmp_path, workspace, "push", push_event(tmp_path, origin), api,
                       {"site": "public/governance", "site-artifact": "estate-site"})

    written = steps["govcheck site"]
    assert written.exit_code == 0, written.stderr
    folder = workspace.path.resolve() / "public" / "governance"
    assert written.outputs == {"path": str(folder)}
    assert written.stdout.startswith("wrote ") and (folder / "dataset" / "lead.html").is_file()
    assert steps["Upload the site"].inputs == {"name": "estate-site", "path": str(folder),
                                               "if-no-files-found": "error"}
    assert verdict(steps) == ("0", None, 0)


def test_no_site_unless_one_is_asked_for(origin: DiffRepo, tmp_path: Path, api: RecordedApi) -> None:
    workspace = GitRepo.clone(origin, tmp_path / "workspace")
    steps = run_action(tmp_path, workspace, "push", push_event(tmp_path, origin), api)
    assert steps["govcheck site"].exit_code is None and steps["Upload the site"].exit_code is None
    assert verdict(steps) == ("0", None, 0)


def test_a_site_that_cannot_be_written_fails_the_action(origin: DiffRepo, tmp_path: Path,
                                                        api: RecordedApi) -> None:
    workspace = GitRepo.clone(origin, tmp_path / "workspace")
    (workspace.path / "taken").write_text("a file, not a folder")

    steps = run_action(tmp_path, workspace, "push", push_event(tmp_path, origin), api, {"site": "taken"})

    assert steps["govcheck site"].exit_code == 2
    assert "'taken' exists and is not a folder" in steps["govcheck site"].stderr
    assert "Upload the site" not in steps      # a failed step ends the composite action


@pytest.mark.parametrize(("expression", "value"), [
    ("github.event.pull_request.head.sha != ''", False),     # absent is null, and null == ''
    ("inputs.diff == 'TRUE'", True),                          # strings compare ignoring case
    ("inputs.diff == 'true' && github.event_name", "push"),   # && gives its last operand
    ("github.event.number || github.ref", "refs/heads/main"),
    ("!(inputs.diff == 'true')", False),
])
def test_the_runner_evaluates_expressions_as_github_does(expression: str, value: Any) -> None:
    contexts = {"inputs": {"diff": "true"}, "github": {"event_name": "push", "event": {},
                                                       "ref": "refs/heads/main"}}
    assert evaluate(expression, contexts) == value


def test_the_runner_refuses_what_it_does_not_understand() -> None:
    with pytest.raises(UnsupportedExpression, match="function always"):
        evaluate("always() && inputs.diff", {"inputs": {}})
