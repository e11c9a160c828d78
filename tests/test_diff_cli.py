"""`govcheck diff` as a user runs it: the installed command line in real git repositories."""
from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from diff_helpers import (
    CONFIG,
    DiffRepo,
    Manifests,
    new_repo,
    remove_phone,
    run_govcheck,
    starter,
)
from git_helpers import GitRepo, isolate_git

LEAD = "dataset/lead"
LEAD_FILE = "ecosystem/datasets/lead.yaml"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def without_phone() -> Manifests:
    manifests = starter()
    remove_phone(manifests)
    return manifests


@pytest.fixture
def feature(tmp_path: Path) -> DiffRepo:
    """main: the starter estate; branch feature: the phone field removed."""
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit_estate(without_phone(), "Drop the phone field")
    return repo


def line_of(repo: GitRepo, path: str, text: str) -> int:
    return (repo.path / path).read_text().splitlines().index(text) + 1


def short(repo: GitRepo, revision: str) -> str:
    return repo.sha(revision)[:12]


# -- reports and exit codes ----------------------------------------------------------------

def test_text_report_of_a_missing_signoff_exits_1(feature: DiffRepo) -> None:
    result = run_govcheck(feature, "main...feature")
    fields = line_of(feature, LEAD_FILE, "  fields:")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"{LEAD_FILE}:{fields}: breaking dataset.field.removed dataset/lead — field 'phone' "
        "removed\n"
        "  needs: dataset/lead approvers (min 1 of jane): MISSING\n"
        "1 governance change (1 breaking, 0 major, 0 minor) from "
        f"main ({short(feature, 'main')}) to feature ({short(feature, 'feature')}): "
        "1 required sign-off missing\n")


def test_text_report_signed_off_exits_0(feature: DiffRepo) -> None:
    result = run_govcheck(feature, "main...feature", "--approved-by", "jane@example.com")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:] == [
        "  needs: dataset/lead approvers (min 1 of jane): approved by jane",
        ("1 governance change (1 breaking, 0 major, 0 minor) from "
        f"main ({short(feature, 'main')}) to feature ({short(feature, 'feature')}): "
        "every required sign-off is present")]


def test_json_report(feature: DiffRepo) -> None:
    result = run_govcheck(feature, "--base", "main", "--head", "feature", "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "version": 1, "base": feature.sha("main"), "head": feature.sha("feature"),
        "changes": [{"type": "dataset.field.removed", "class": "breaking",
                     "entity": "dataset/lead", "detail": "field 'phone' removed",
                     "file": LEAD_FILE, "line": line_of(feature, LEAD_FILE, "  fields:"),
                     "requires": [{"group": "dataset/lead approvers", "people": ["person/jane"],
                                   "min": 1, "approved_by": [], "satisfied": False,
                                   "not_counted": []}]}],
        "summary": {"changes": 1, "breaking": 1, "major": 0, "minor": 0, "unsatisfied": 1},
        "evidence": [], "notes": []}


def test_table_and_markdown_reports(feature: DiffRepo) -> None:
    table = run_govcheck(feature, "main...feature", "--format", "table")
    assert table.returncode == 1
    location = f"{LEAD_FILE}:{line_of(feature, LEAD_FILE, '  fields:')}"
    assert table.stdout == (
        f"change                        class     {'location':<{len(location)}}  sign-off\n"
        f"----------------------------  --------  {'-' * len(location)}  ------------------------\n"
        f"dataset/lead                  breaking  {location}  dataset/lead approvers\n"
        f"dataset.field.removed: field            {'':<{len(location)}}  (min 1 of jane): MISSING\n"
        f"'phone' removed\n"
        f"\n"
        f"1 governance change (1 breaking, 0 major, 0 minor) from main ({short(feature, 'main')}) "
        f"to feature ({short(feature, 'feature')}): 1 required sign-off missing\n")
    assert max(len(line) for line in table.stdout.splitlines()[:5]) <= 100
    markdown = run_govcheck(feature, "main...feature", "--format", "markdown").stdout
    fields = line_of(feature, LEAD_FILE, "  fields:")
    assert markdown.splitlines()[:8] == [
        "## govcheck diff: ❌ 1 required sign-off missing", "",
        (f"1 governance change (1 breaking, 0 major, 0 minor) from main "
        f"({short(feature, 'main')}) to feature ({short(feature, 'feature')}): "
        "1 required sign-off missing"), "",
        "### Missing sign-off", "",
        ("- `dataset/lead` **dataset\\.field\\.removed** (breaking): field 'phone' removed — needs "
        "dataset/lead approvers (min 1 of jane): MISSING"), ""]
    assert markdown.splitlines()[-1] == (
        f"| ❌ | `dataset.field.removed` field 'phone' removed | `dataset/lead` | breaking | "
        f"`{LEAD_FILE}:{fields}` | dataset/lead approvers (min 1 of jane)\\: MISSING |")


@pytest.mark.parametrize(("fail_on", "code"), [("unsigned", 0), ("minor", 1), ("major", 1),
                                               ("breaking", 1)])
def test_fail_on_a_class_fails_even_when_signed_off(feature: DiffRepo, fail_on: str,
                                                    code: int) -> None:
    result = run_govcheck(feature, "main...feature", "--approved-by", "jane", "--fail-on",
                          fail_on)
    assert result.returncode == code


def test_fail_on_breaking_passes_a_signed_off_minor_change(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter")
    head = starter()
    head.spec(LEAD)["fields"].append({"name": "score", "type": "number"})
    repo.commit_estate(head, "Add a score")
    signed_off = ("--approved-by", "jane")
    assert run_govcheck(repo, "HEAD~1..HEAD", "--fail-on", "breaking", *signed_off).returncode == 0
    assert run_govcheck(repo, "HEAD~1..HEAD", "--fail-on", "minor", *signed_off).returncode == 1


def test_no_governance_change_exits_0(feature: DiffRepo) -> None:
    feature.commit_estate(without_phone(), "Reword nothing")
    result = run_govcheck(feature, "HEAD~1..HEAD")
    assert (result.returncode, result.stdout) == (
        0, (f"no governance changes from HEAD~1 ({short(feature, 'HEAD~1')}) to HEAD "
           f"({short(feature, 'HEAD')})\n"))


def test_output_file_and_never_over_a_manifest(feature: DiffRepo) -> None:
    result = run_govcheck(feature, "main...feature", "--format", "json", "--output",
                          "report.json")
    assert (result.returncode, result.stdout) == (1, "")
    assert json.loads((feature.path / "report.json").read_text())["summary"]["changes"] == 1
    both = run_govcheck(feature, "main...feature", "--report", "sarif=diff.sarif")
    assert both.returncode == 1 and both.stdout.startswith(f"{LEAD_FILE}:")
    assert json.loads((feature.path / "diff.sarif").read_text())["version"] == "2.1.0"
    before = (feature.path / LEAD_FILE).read_text()
    refused = run_govcheck(feature, "main...feature", "--output", LEAD_FILE)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.startswith("govcheck: error: ") and refused.stderr.count("\n") == 1
    assert refused.stderr.endswith("is a manifest or config file: refusing to overwrite it\n")
    assert (feature.path / LEAD_FILE).read_text() == before


# -- revisions -----------------------------------------------------------------------------

@pytest.fixture
def diverged(feature: DiffRepo) -> DiffRepo:
    """main moved on after feature branched: it added a field 'score'."""
    feature.git("checkout", "-q", "main")
    main = starter()
    main.spec(LEAD)["fields"].append({"name": "score", "type": "number"})
    feature.commit_estate(main, "Add a score")
    feature.git("checkout", "-q", "feature")
    return feature


def changes_in(repo: GitRepo, *args: str) -> list[str]:
    document = json.loads(run_govcheck(repo, *args, "--format", "json").stdout)
    return [f"{change['type']} {change['detail']}" for change in document["changes"]]


def test_three_dots_compare_from_the_merge_base(diverged: DiffRepo) -> None:
    assert changes_in(diverged, "main...feature") == [("dataset.field.removed field 'phone' "
                                                      "removed")]


def test_two_dots_compare_the_two_tips(diverged: DiffRepo) -> None:
    assert changes_in(diverged, "main..feature") == [
        "dataset.field.removed field 'phone' removed",
        "dataset.field.removed field 'score' removed"]


def test_without_a_range_the_base_is_main_from_the_merge_base(diverged: DiffRepo) -> None:
    assert changes_in(diverged) == ["dataset.field.removed field 'phone' removed"]


def test_github_base_ref_gives_the_base(diverged: DiffRepo) -> None:
    diverged.git("branch", "release", "main~1")
    diverged.git("checkout", "-q", "main")
    result = run_govcheck(diverged, "--format", "json", env={"GITHUB_BASE_REF": "release"})
    changes = json.loads(result.stdout)["changes"]
    assert [change["detail"] for change in changes] == ["field 'score' added"]


def test_worktree_and_staged_heads(feature: DiffRepo) -> None:
    staged = without_phone()
    staged.spec(LEAD)["fields"].append({"name": "score", "type": "number"})
    feature.write_estate(staged)
    feature.git("add", "-A")
    unstaged = copy.deepcopy(staged)
    unstaged.spec(LEAD).update(owner="web")
    feature.write_estate(unstaged)
    assert changes_in(feature, "HEAD", "--staged") == ["dataset.field.added field 'score' added"]
    assert changes_in(feature, "--base", "HEAD", "--worktree") == [
        "dataset.owner.changed owner sales-ops → web", "dataset.field.added field 'score' added"]
    worktree = json.loads(run_govcheck(feature, "main", "--worktree", "--format",
                                       "json").stdout)
    assert (worktree["base"], worktree["head"]) == (feature.sha("main"), "worktree")
    assert len(worktree["changes"]) == 3


def test_the_config_is_read_at_each_revision_not_from_the_work_tree(feature: DiffRepo) -> None:
    (feature.path / "govcheck.yaml").write_text(CONFIG.replace("ecosystem: ecosystem",
                                                               "ecosystem: elsewhere"))
    assert changes_in(feature, "main...feature") == [("dataset.field.removed field 'phone' "
                                                     "removed")]


# -- what stops the tool -------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["main...nope"], "revision 'nope' does not exist in this repository"),
    (["--base", "missing-branch"], "revision 'missing-branch' does not exist in this repository"),
    (["--base=-x", "--head", "feature"],
     "invalid git revision '-x': a revision cannot start with '-'"),
    (["--", "--output=x..HEAD"],
     "invalid git revision '--output=x': a revision cannot start with '-'"),
    (["main", "--worktree", "--staged"], "--worktree and --staged cannot be used together"),
    (["main...feature", "--approved-by", "eve"],
     ("--approved-by 'eve' matches no person at the base revision: give a person's name, email "
     "or GitHub login")),
])
def test_what_the_user_must_fix_is_one_line_and_exit_2(feature: DiffRepo, args: list[str],
                                                        message: str) -> None:
    result = run_govcheck(feature, *args)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"govcheck: error: {message}\n")


@pytest.mark.parametrize(("config", "column", "message"), [
    ('ecosystem: "eco\\0system"\n', 12, ("ecosystem: 'eco\\x00system' is not valid: A folder relative "
     "to govcheck.yaml (a path cannot hold a NUL character).")),
    ('policies: ["pol\\0icies"]\n', 12, ("policies[0]: 'pol\\x00icies' is not valid: A folder "
     "relative to govcheck.yaml (a path cannot hold a NUL character).")),
])
def test_a_nul_in_a_folder_of_the_head_config_is_an_invalid_config(
        feature: DiffRepo, config: str, column: int, message: str) -> None:
    """It reached git's command line as a pathspec: ValueError: embedded null byte."""
    feature.commit_estate(without_phone(), "A broken config", config=config)
    result = run_govcheck(feature, "main...feature")
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"govcheck: error: govcheck.yaml:1:{column}: invalid config: {message}\n")


def test_a_shallow_clone_says_to_fetch_more_history(feature: DiffRepo, tmp_path: Path) -> None:
    feature.commit_estate(starter(), "and back")
    clone = GitRepo.clone(feature, tmp_path / "clone", "--depth", "1", "--branch", "feature")
    result = run_govcheck(clone, "--base", feature.sha("main"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"govcheck: error: revision '{feature.sha('main')}' is not in this clone, whose "
        "history is shallow: fetch more history, e.g. actions/checkout with fetch-depth: 0, "
        "or git fetch --unshallow\n")


def test_outside_a_git_repository(tmp_path: Path) -> None:
    folder = GitRepo(tmp_path / "plain")
    folder.path.mkdir()
    result = run_govcheck(folder)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("govcheck: error: ") and "Traceback" not in result.stderr
    assert "is not inside a git repository" in result.stderr


# -- the GitHub API, live ------------------------------------------------------------------

class _Reviews(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[Any, str | None]]] = {}
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        body, link = self.pages.get(self.path, ({"message": "Not Found"}, None))
        data = json.dumps(body).encode()
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if link:
            self.send_header("Link", f'<{link}>; rel="next"')
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def github_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Reviews)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_reviews_fetched_live_in_a_pull_request_workflow(feature: DiffRepo, tmp_path: Path,
                                                         github_api: str) -> None:
    head = feature.sha("feature")
    first = "/repos/acme/estate/pulls/7/reviews?per_page=100"
    second = "/repos/acme/estate/pulls/7/reviews?per_page=100&page=2"
    _Reviews.pages = {
        first: ([{"id": 1, "user": {"login": "janedoe"}, "state": "CHANGES_REQUESTED",
                  "commit_id": head, "submitted_at": "2026-05-01T10:00:00Z"}],
                github_api + second),
        second: ([{"id": 2, "user": {"login": "janedoe"}, "state": "APPROVED",
                   "commit_id": head, "submitted_at": "2026-05-01T11:00:00Z"}], None)}
    _Reviews.seen = []
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"number": 7, "pull_request": {"number": 7,
                                                               "head": {"sha": head}}}))
    summary = tmp_path / "step-summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_API_URL": github_api,
           "GITHUB_REPOSITORY": "acme/estate", "GITHUB_EVENT_PATH": str(event),
           "GITHUB_TOKEN": "ghs_secret", "GITHUB_BASE_REF": "main",
           "GITHUB_STEP_SUMMARY": str(summary)}
    result = run_govcheck(feature, "--require-fresh", "--format", "text", env=env)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1] == ("  needs: dataset/lead approvers (min 1 of jane): "
                                             "approved by jane")
    assert _Reviews.seen == [(first, "Bearer ghs_secret"), (second, "Bearer ghs_secret")]
    assert "ghs_secret" not in result.stdout
    # In Actions the default format is annotations, with the Markdown step summary.
    annotations = run_govcheck(feature, env=env)
    assert (annotations.returncode, annotations.stderr) == (0, "")
    assert annotations.stdout.startswith(f"::notice file={LEAD_FILE},line=")
    assert summary.read_text().startswith("## ✅ govcheck diff: 1 change (1 breaking)")


def test_a_live_api_error_is_one_line(feature: DiffRepo, tmp_path: Path,
                                      github_api: str) -> None:
    _Reviews.pages = {}
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 8, "head": {"sha": "0" * 40}}}))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_API_URL": github_api,
           "GITHUB_REPOSITORY": "acme/estate", "GITHUB_EVENT_PATH": str(event)}
    result = run_govcheck(feature, "main...feature", env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("govcheck: error: GitHub found no pull request #8 in acme/estate "
                             "(HTTP 404): check GITHUB_REPOSITORY and the number, and that the "
                             "token can see the repository\n")
