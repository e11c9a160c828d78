"""Sign-off: each evidence source satisfying and not satisfying a requirement, the sources
switched off, and the ways a change could try to approve itself, on real git."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from diff_helpers import (
    CONFIG,
    DiffRepo,
    Manifests,
    changed_estate,
    diff_report,
    new_repo,
    remove_phone,
    starter,
)
from git_helpers import isolate_git

from govcheck.app.diff import DiffOptions
from govcheck.changes.report import DiffReport
from govcheck.errors import GovcheckError

LEAD = "dataset/lead"
RANGE = "HEAD~1..HEAD"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def signoffs(report: DiffReport) -> list[tuple[str, str, list[str], bool]]:
    """(change type, group, approved by, satisfied) for every requirement."""
    return [(change.type, requirement.group,
             [person.removeprefix("person/") for person in requirement.approved_by],
             requirement.satisfied)
            for change in report.changes for requirement in change.requires]


def review(review_id: int, login: str, state: str, commit: str, minute: int = 0
           ) -> dict[str, Any]:
    """A review as the GitHub REST API returns it."""
    return {"id": review_id, "user": {"login": login, "id": review_id}, "state": state,
            "commit_id": commit, "submitted_at": f"2026-05-01T10:{minute:02d}:00Z", "body": ""}


def reviews_file(tmp_path: Path, *reviews: dict[str, Any]) -> str:
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(list(reviews)))
    return str(path)


def with_commit(repo: DiffRepo, message: str, author: str | None = None) -> None:
    """An extra commit in the range (an edit of the phone field's type, so never empty)."""
    manifests = starter()
    remove_phone(manifests)
    manifests.spec(LEAD)["fields"].append({"name": "note", "type": "string"})
    repo.commit_estate(manifests, message, author=author)


# -- the cli source ------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["jane", "JANE@example.com", "JaneDoe", "@janedoe", "Jane"])
def test_approved_by_a_name_email_login_or_title_satisfies(tmp_path: Path, who: str) -> None:
    report = diff_report(changed_estate(tmp_path, remove_phone), DiffOptions(RANGE,
                                                                            approved_by=(who,)))
    assert signoffs(report) == [("dataset.field.removed", "dataset/lead approvers", ["jane"],
                                 True)]
    assert not report.failed


def test_approved_by_someone_outside_the_group_does_not_satisfy(tmp_path: Path) -> None:
    report = diff_report(changed_estate(tmp_path, remove_phone),
                         DiffOptions(RANGE, approved_by=("bob",)))
    assert signoffs(report) == [("dataset.field.removed", "dataset/lead approvers", [], False)]
    assert report.failed


def test_approved_by_nobody_known_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(GovcheckError) as raised:
        diff_report(changed_estate(tmp_path, remove_phone),
                    DiffOptions(RANGE, approved_by=("eve@example.com",)))
    assert str(raised.value) == ("--approved-by 'eve@example.com' matches no person at the base "
                                 "revision: give a person's name, email or GitHub login")


def test_min_approvals_needs_that_many_distinct_people(tmp_path: Path) -> None:
    base = starter()
    base.spec(LEAD)["change_control"] = {"approvers": ["person:jane", "team:sales-ops"],
                                         "min_approvals": 2}
    repo = changed_estate(tmp_path, remove_phone, base=base)
    one = diff_report(repo, DiffOptions(RANGE, approved_by=("jane", "jane@example.com")))
    assert [(r.minimum, r.approved_by, r.satisfied) for r in one.changes[0].requires] == [
        (2, ("person/jane",), False)]
    two = diff_report(repo, DiffOptions(RANGE, approved_by=("jane", "bob")))
    assert signoffs(two) == [("dataset.field.removed", "dataset/lead approvers",
                              ["bob", "jane"], True)]


# -- the trailers source (off unless listed) ------------------------------------------------

WITH_TRAILERS = CONFIG + "  signoff_sources: [github, signed, trailers, cli]\n"


def trailer_estate(tmp_path: Path, message: str, config: str = WITH_TRAILERS) -> DiffRepo:
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter", config)
    repo.commit_estate(without_phone(), message, config)
    return repo


def without_phone() -> Manifests:
    manifests = starter()
    remove_phone(manifests)
    return manifests


@pytest.mark.parametrize(("trailer", "approved"), [
    ("Approved-by: Jane Doe <jane@example.com>", ["jane"]),   # by email
    ("Approved-by: JANE@example.com", ["jane"]),               # a bare email
    ("Approved-by: jane", ["jane"]),                           # by name, exactly
    ("Approved-by: @janedoe", ["jane"]),                       # by GitHub login
    ("approved-by: Jane <not-her@example.com>", []),           # email unknown: no name fallback
    ("Approved-by: Jane", []),                                 # a title is not an identity
    ("Approved-by: Bob <bob@example.com>", []),                # not in the group
    ("Reviewed-by: Jane <jane@example.com>", []),              # another trailer
])
def test_approved_by_trailers_when_listed(tmp_path: Path, trailer: str,
                                          approved: list[str]) -> None:
    repo = trailer_estate(tmp_path, f"Drop the phone field\n\n{trailer}")
    assert signoffs(diff_report(repo)) == [("dataset.field.removed", "dataset/lead approvers",
                                            approved, bool(approved))]


def test_trailers_are_off_unless_listed(tmp_path: Path) -> None:
    repo = trailer_estate(tmp_path, "Drop phone\n\nApproved-by: Jane <jane@example.com>", CONFIG)
    report = diff_report(repo)
    assert signoffs(report) == [("dataset.field.removed", "dataset/lead approvers", [], False)]
    assert [(a.source, a.person, a.reason) for a in report.evidence] == [
        ("trailers", "person/jane", ("an unsigned trailer, and the trailers source is switched "
         "off in change_control.signoff_sources: sign the commit with a key in the approver's "
         "signing_keys"))]


def test_a_trailer_in_any_commit_of_the_range_counts(tmp_path: Path) -> None:
    repo = trailer_estate(tmp_path, "Drop phone")
    manifests = without_phone()
    manifests.spec(LEAD)["fields"].append({"name": "note", "type": "string"})
    repo.commit_estate(manifests, "Add a note field\n\nApproved-by: Jane <jane@example.com>",
                       WITH_TRAILERS)
    report = diff_report(repo, DiffOptions("HEAD~2..HEAD"))
    assert {satisfied for *_, satisfied in signoffs(report)} == {True}
    assert report.notes == (("sign-off from an Approved-by trailer counted: anyone can type a "
                            "trailer, so it proves nothing without a signature (prefer signed "
                            "commits or pull-request reviews)"),)


def test_an_author_cannot_approve_by_trailer(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter", WITH_TRAILERS)
    repo.commit_estate(without_phone(), "Drop phone\n\nApproved-by: Jane <jane@example.com>",
                       WITH_TRAILERS, author="Jane <jane@example.com>")
    report = diff_report(repo)
    assert [approved for *_, approved, _ in signoffs(report)] == [[]]
    assert report.changes[0].requires[0].not_counted[0].reason == (
        "authored a commit in the range: nobody approves their own change")


def test_a_trailer_never_counts_for_a_change_to_the_configuration(tmp_path: Path) -> None:
    """The weakest evidence cannot switch a rule off, add a waiver or turn trailers on."""
    head_config = WITH_TRAILERS + "rules:\n  GOV012: {severity: 'off'}\n"
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter", WITH_TRAILERS)
    repo.commit_estate(without_phone(), "Quiet GOV012\n\nApproved-by: Dave <dave@example.com>\n"
                       "Approved-by: Jane <jane@example.com>", head_config)
    report = diff_report(repo)
    assert signoffs(report) == [
        ("dataset.field.removed", "dataset/lead approvers", ["jane"], True),
        ("config.changed", "governance approvers", [], False)]
    assert [item.describe() for item in report.changes[1].requires[0].not_counted] == [
        ("dave (trailer): an unsigned trailer does not count for a change to govcheck's "
        "configuration")]


# -- the github source ---------------------------------------------------------------------

def test_an_approving_review_satisfies_and_another_reviewer_does_not(tmp_path: Path) -> None:
    repo = changed_estate(tmp_path, remove_phone)
    head = repo.sha("HEAD")
    approved = reviews_file(tmp_path, review(1, "JaneDoe", "APPROVED", head))
    assert signoffs(diff_report(repo, DiffOptions(RANGE, reviews_file=approved))) == [
        ("dataset.field.removed", "dataset/lead approvers", ["jane"], True)]
    other = reviews_file(tmp_path, review(1, "bobby", "APPROVED", head),
                         review(2, "janedoe", "COMMENTED", head))
    assert signoffs(diff_report(repo, DiffOptions(RANGE, reviews_file=other))) == [
        ("dataset.field.removed", "dataset/lead approvers", [], False)]


@pytest.mark.parametrize(("states", "counts"), [
    (["APPROVED", "CHANGES_REQUESTED"], False),
    (["CHANGES_REQUESTED", "APPROVED"], True),
    (["APPROVED", "DISMISSED"], False),
    (["APPROVED", "COMMENTED"], True),
])
def test_the_latest_review_of_a_reviewer_wins(tmp_path: Path, states: list[str],
                                              counts: bool) -> None:
    repo = changed_estate(tmp_path, remove_phone)
    head = repo.sha("HEAD")
    # Listed newest first, to prove that order comes from submitted_at, not the file.
    saved = reviews_file(tmp_path, *[review(index + 1, "janedoe", state, head, minute=index)
                                     for index, state in reversed(list(enumerate(states)))])
    report = diff_report(repo, DiffOptions(RANGE, reviews_file=saved))
    assert report.changes[0].satisfied is counts


@pytest.mark.parametrize("author_email", ["jane@example.com", "janedoe@users.noreply.github.com",
                                          "4242+JaneDoe@users.noreply.github.com"])
def test_a_reviewer_who_authored_a_commit_in_the_range_does_not_count(
        tmp_path: Path, author_email: str) -> None:
    repo = changed_estate(tmp_path, lambda m: None)
    with_commit(repo, "Drop phone", author=f"Jane <{author_email}>")
    saved = reviews_file(tmp_path, review(1, "janedoe", "APPROVED", repo.sha("HEAD")))
    report = diff_report(repo, DiffOptions(RANGE, reviews_file=saved))
    assert [approved for *_, approved, _ in signoffs(report)] == [[], []]


def test_require_fresh_counts_only_approvals_of_the_head_commit(tmp_path: Path) -> None:
    repo = changed_estate(tmp_path, remove_phone)
    old = repo.sha("HEAD")
    repo.git("commit", "-q", "--allow-empty", "-m", "later push")
    saved = reviews_file(tmp_path, review(1, "janedoe", "APPROVED", old))
    stale = DiffOptions("HEAD~2..HEAD", reviews_file=saved, require_fresh=True)
    assert not diff_report(repo, stale).changes[0].satisfied
    assert diff_report(repo, DiffOptions("HEAD~2..HEAD", reviews_file=saved)).changes[0].satisfied
    fresh = reviews_file(tmp_path, review(1, "janedoe", "APPROVED", repo.sha("HEAD")))
    again = DiffOptions("HEAD~2..HEAD", reviews_file=fresh, require_fresh=True)
    assert diff_report(repo, again).changes[0].satisfied


def test_require_fresh_compares_with_the_pull_requests_head_in_a_workflow(
        tmp_path: Path) -> None:
    repo = changed_estate(tmp_path, remove_phone)
    branch_head = repo.sha("HEAD")
    repo.git("commit", "-q", "--allow-empty", "-m", "GitHub's merge commit")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": branch_head}}}))
    saved = reviews_file(tmp_path, review(1, "janedoe", "APPROVED", branch_head))
    options = DiffOptions("HEAD~2..HEAD", reviews_file=saved, require_fresh=True)
    assert diff_report(repo, options, {"GITHUB_EVENT_PATH": str(event)}).changes[0].satisfied


# -- switching sources off -----------------------------------------------------------------

ONLY_CLI = CONFIG + "  signoff_sources: [cli]\n"
ONLY_GITHUB = CONFIG + "  signoff_sources: [github]\n"


def test_a_switched_off_source_does_not_count(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter", ONLY_CLI)
    repo.commit_estate(without_phone(), "Drop phone\n\nApproved-by: Jane <jane@example.com>",
                       ONLY_CLI)
    assert not diff_report(repo).changes[0].satisfied
    assert diff_report(repo, DiffOptions(RANGE, approved_by=("jane",))).changes[0].satisfied
    with pytest.raises(GovcheckError, match="^--reviews was given, but the github source of "
                       "sign-off is switched off in change_control.signoff_sources$"):
        diff_report(repo, DiffOptions(RANGE, reviews_file=reviews_file(tmp_path)))


def test_approved_by_with_the_cli_source_off_stops_the_run(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter", ONLY_GITHUB)
    repo.commit_estate(starter(), "nothing", ONLY_GITHUB)
    with pytest.raises(GovcheckError, match="^--approved-by was given, but the cli source"):
        diff_report(repo, DiffOptions(RANGE, approved_by=("jane",)))


def test_the_sources_come_from_the_base_config_not_head(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter", ONLY_CLI)
    repo.commit_estate(without_phone(), "Drop phone\n\nApproved-by: Jane <jane@example.com>",
                       WITH_TRAILERS)
    report = diff_report(repo)
    assert [change.type for change in report.changes] == ["dataset.field.removed",
                                                           "config.changed"]
    assert not any(change.satisfied for change in report.changes)


# -- a change cannot approve itself --------------------------------------------------------

def test_adding_an_approver_does_not_let_them_approve(tmp_path: Path) -> None:
    def mutate(m: Manifests) -> None:
        remove_phone(m)
        m.spec(LEAD)["change_control"]["approvers"] = ["person:mallory"]
    repo = changed_estate(tmp_path, mutate, message="Drop phone\n\nApproved-by: Mallory "
                                                    "<mallory@example.com>")
    saved = reviews_file(tmp_path, review(1, "mallory-gh", "APPROVED", repo.sha("HEAD")))
    report = diff_report(repo, DiffOptions(RANGE, approved_by=("mallory",),
                                           reviews_file=saved))
    assert signoffs(report) == [
        ("dataset.field.removed", "dataset/lead approvers", [], False),
        ("dataset.approvers.changed", "dataset/lead approvers", [], False)]
    assert report.changes[1].requires[0].people == ("person/jane",)


def test_joining_an_approving_team_does_not_let_the_author_approve(tmp_path: Path) -> None:
    base = starter()
    base.spec(LEAD)["change_control"]["approvers"] = ["team:sales-ops"]

    def mutate(m: Manifests) -> None:
        remove_phone(m)
        m.spec("team/sales-ops")["members"].append("mallory")
    repo = changed_estate(tmp_path, mutate, base=base)
    report = diff_report(repo, DiffOptions(RANGE, approved_by=("mallory",)))
    assert [(c.type, r.people, r.satisfied) for c in report.changes for r in c.requires] == [
        ("dataset.field.removed", ("person/bob",), False),
        ("team.members.changed", ("person/bob", "person/dave"), False)]


def test_swapping_a_github_login_does_not_pass_review(tmp_path: Path) -> None:
    def mutate(m: Manifests) -> None:
        remove_phone(m)
        m.spec("person/jane")["github"] = "mallory-gh"
        m.spec("person/mallory")["github"] = "someone-else"
    repo = changed_estate(tmp_path, mutate)
    head = repo.sha("HEAD")
    by_mallory = reviews_file(tmp_path, review(1, "mallory-gh", "APPROVED", head))
    report = diff_report(repo, DiffOptions(RANGE, reviews_file=by_mallory))
    assert [(c.type, c.satisfied) for c in report.changes] == [
        ("dataset.field.removed", False), ("person.identity.changed", False),
        ("person.identity.changed", False)]
    by_jane = reviews_file(tmp_path, review(1, "janedoe", "APPROVED", head))
    field_removed = diff_report(repo, DiffOptions(RANGE, reviews_file=by_jane)).changes[0]
    assert field_removed.satisfied  # her login at BASE still speaks for her


def test_a_change_to_the_governance_approvers_needs_the_old_ones(tmp_path: Path) -> None:
    repo = changed_estate(tmp_path, lambda m: None,
                          head_config=CONFIG.replace("team:architecture", "team:web"))
    assert not diff_report(repo, DiffOptions(RANGE, approved_by=("erin",))).changes[0].satisfied
    assert diff_report(repo, DiffOptions(RANGE, approved_by=("dave",))).changes[0].satisfied
