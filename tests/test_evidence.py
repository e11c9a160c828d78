"""Sign-off evidence that means something: signed approvals verified by git against the keys
BASE lists, authors known by every identity they have, and every piece of evidence that does
not count reported with its reason, in every format. Real git, real SSH and GPG signatures."""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from diff_helpers import DiffRepo, Manifests, new_repo, remove_phone, starter
from git_helpers import isolate_git
from markdown_render import rendered_text

from govcheck.app.diff import DiffOptions, run_diff
from govcheck.changes.report import DiffReport
from govcheck.outputs import DIFF_FORMATS, FormatOptions, formatter

LEAD = "dataset/lead"
AUTHOR = "authored a commit in the range: nobody approves their own change"
TRAILERS_OFF = ("an unsigned trailer, and the trailers source is switched off in "
                "change_control.signoff_sources: sign the commit with a key in the approver's "
                "signing_keys")


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def ssh_key(tmp_path: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key pair: the private key's path and the public key's text."""
    private = tmp_path / "keys" / name
    private.parent.mkdir(exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@laptop",
                    "-f", str(private)], check=True)
    return private, private.with_suffix(".pub").read_text().strip()


def with_keys(manifests: Manifests, **keys: str) -> Manifests:
    for person, key in keys.items():
        manifests.spec(f"person/{person}")["signing_keys"] = [key]
    return manifests


def sign(repo: DiffRepo, key: Path, *args: str) -> None:
    """A git command that signs with `key` (SSH)."""
    repo.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", *args)


def approve(repo: DiffRepo, key: Path, trailer: str = "Jane <jane@example.com>",
            author: str = "Jane <jane@example.com>") -> None:
    """An empty commit, signed with `key`, that says `Approved-by: trailer`."""
    sign(repo, key, "commit", "-q", "-S", "--allow-empty", "--author", author,
         "-m", f"Approve\n\nApproved-by: {trailer}")


def without_phone(base: Manifests) -> Manifests:
    head = copy.deepcopy(base)
    remove_phone(head)
    return head


@pytest.fixture
def jane_key(tmp_path: Path) -> tuple[Path, str]:
    return ssh_key(tmp_path, "jane")


def keyed_repo(tmp_path: Path, jane_key: tuple[Path, str], author: str | None = None) -> DiffRepo:
    """BASE: the starter estate, jane's SSH key listed; then a commit that drops phone."""
    repo = new_repo(tmp_path)
    base = with_keys(starter(), jane=jane_key[1])
    repo.commit_estate(base, "starter")
    repo.commit_estate(without_phone(base), "Drop the phone field", author=author)
    return repo


def report_of(repo: DiffRepo, *approved_by: str, reviews: str | None = None,
              range_: str | None = None) -> DiffReport:
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    options = DiffOptions(range_ or f"{first}..HEAD", approved_by=approved_by,
                          reviews_file=reviews)
    return run_diff(options, repo.path, {})[0]


def evidence(report: DiffReport) -> list[tuple[str, str, str]]:
    return [(approval.source, approval.person, approval.reason) for approval in report.evidence]


# -- signed approvals ----------------------------------------------------------------------

def test_an_approval_signed_with_the_approvers_key_counts(tmp_path: Path,
                                                           jane_key: tuple[Path, str]) -> None:
    repo = keyed_repo(tmp_path, jane_key)
    approve(repo, jane_key[0])
    report = report_of(repo)
    assert report.changes[0].satisfied and not report.failed
    assert evidence(report) == [("signed", "person/jane", "")]
    assert report.notes == ()


def test_an_approval_signed_with_another_key_does_not(tmp_path: Path,
                                                      jane_key: tuple[Path, str]) -> None:
    repo = keyed_repo(tmp_path, jane_key)
    approve(repo, ssh_key(tmp_path, "mallory")[0])
    report = report_of(repo)
    assert report.failed
    assert evidence(report) == [("trailers", "person/jane", TRAILERS_OFF + "; signed, but not "
                                 "with a key that jane lists in signing_keys at the base "
                                 "revision")]


def test_a_key_added_in_the_range_does_not_sign_for_the_range(tmp_path: Path) -> None:
    private, public = ssh_key(tmp_path, "jane")
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter")
    repo.commit_estate(with_keys(without_phone(starter()), jane=public), "Drop phone, add a key")
    approve(repo, private)
    report = report_of(repo)
    assert not report.changes[0].satisfied
    assert evidence(report) == [("trailers", "person/jane", TRAILERS_OFF)]


def test_a_signed_approval_naming_someone_else_counts_for_nobody(
        tmp_path: Path, jane_key: tuple[Path, str]) -> None:
    repo = keyed_repo(tmp_path, jane_key)
    approve(repo, jane_key[0], trailer="Bob <bob@example.com>")
    assert evidence(report_of(repo)) == [("trailers", "person/bob", TRAILERS_OFF)]


def test_an_approval_in_a_signed_tag_counts(tmp_path: Path, jane_key: tuple[Path, str]) -> None:
    repo = keyed_repo(tmp_path, jane_key)
    sign(repo, jane_key[0], "tag", "-s", "approved-by-jane", "-m",
         "Reviewed the field removal\n\nApproved-by: Jane <jane@example.com>")
    report = report_of(repo)
    assert report.changes[0].satisfied
    assert [(a.source, a.where, a.person) for a in report.evidence] == [
        ("signed", "tag approved-by-jane", "person/jane")]


def test_a_tag_signed_with_another_key_does_not_count(tmp_path: Path,
                                                      jane_key: tuple[Path, str]) -> None:
    repo = keyed_repo(tmp_path, jane_key)
    sign(repo, ssh_key(tmp_path, "mallory")[0], "tag", "-s", "fake", "-m",
         "Approved\n\nApproved-by: Jane <jane@example.com>")
    assert not report_of(repo).changes[0].satisfied


@pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")
def test_an_approval_signed_with_a_listed_gpg_key_counts(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         request: pytest.FixtureRequest) -> None:
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    request.addfinalizer(lambda: subprocess.run(["gpgconf", "--kill", "gpg-agent"],
                                                env={**os.environ, "GNUPGHOME": str(home)},
                                                check=False, capture_output=True))
    subprocess.run(["gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key",
                    "Jane <jane@example.com>", "ed25519", "sign", "never"], check=True,
                   capture_output=True)
    listing = subprocess.run(["gpg", "--batch", "--with-colons", "--list-keys"], check=True,
                             capture_output=True, text=True).stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines()
                       if line.startswith("fpr:"))
    repo = new_repo(tmp_path)
    spaced = " ".join(fingerprint[i:i + 4] for i in range(0, 40, 4))
    base = with_keys(starter(), jane=spaced)
    repo.commit_estate(base, "starter")
    repo.commit_estate(without_phone(base), "Drop the phone field")
    repo.git("-c", f"user.signingkey={fingerprint}", "commit", "-q", "-S", "--allow-empty",
             "-m", "Approve\n\nApproved-by: Jane <jane@example.com>")
    assert evidence(report_of(repo)) == [("signed", "person/jane", "")]


# -- an author is known by every identity they have ----------------------------------------

def test_an_author_who_signs_under_another_email_is_still_the_author(
        tmp_path: Path, jane_key: tuple[Path, str]) -> None:
    repo = new_repo(tmp_path)
    base = with_keys(starter(), jane=jane_key[1])
    repo.commit_estate(base, "starter")
    repo.write_estate(without_phone(base))
    repo.git("add", "-A")
    sign(repo, jane_key[0], "commit", "-q", "-S", "--author", "J <jane.personal@example.org>",
         "-m", "Drop phone")
    approve(repo, jane_key[0])
    report = report_of(repo)
    assert not report.changes[0].satisfied
    assert evidence(report) == [("signed", "person/jane", AUTHOR)]


def test_a_co_author_is_an_author(tmp_path: Path, jane_key: tuple[Path, str]) -> None:
    repo = new_repo(tmp_path)
    base = with_keys(starter(), jane=jane_key[1])
    repo.commit_estate(base, "starter")
    repo.commit_estate(without_phone(base), "Drop phone\n\nCo-authored-by: Jane "
                       "<jane@example.com>")
    approve(repo, jane_key[0])
    assert evidence(report_of(repo)) == [("signed", "person/jane", AUTHOR)]


def test_a_meeting_does_not_let_the_author_approve_either(tmp_path: Path,
                                                          jane_key: tuple[Path, str]) -> None:
    repo = keyed_repo(tmp_path, jane_key, author="Jane <jane@example.com>")
    report = report_of(repo, "jane")
    assert report.failed
    assert evidence(report) == [("cli", "person/jane", AUTHOR)]


# -- every discarded piece of evidence, with its reason, in every format -------------------

def reviews(tmp_path: Path, *entries: tuple[int, str, str]) -> str:
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([
        {"id": review_id, "user": {"login": login}, "state": "APPROVED", "commit_id": commit,
         "submitted_at": f"2026-05-01T10:0{review_id}:00Z"}
        for review_id, login, commit in entries]))
    return str(path)


@pytest.fixture
def discarded(tmp_path: Path) -> DiffReport:
    """A pull request by mallory that drops a field: reviews from the author, from a login
    nobody has at BASE, from someone who is not an approver, and a stale one."""
    repo = new_repo(tmp_path)
    repo.commit_estate(starter(), "starter")
    repo.commit_estate(without_phone(starter()), "Drop phone",
                       author="Mallory <mallory@example.com>")
    head = repo.sha("HEAD")
    saved = reviews(tmp_path, (1, "mallory-gh", head), (2, "stranger", head), (3, "bobby", head),
                    (4, "janedoe", "0" * 40))
    options = DiffOptions("HEAD~1..HEAD", reviews_file=saved, require_fresh=True)
    return run_diff(options, repo.path, {})[0]


REASONS = {
    "bobby": "not an approver of this change",
    "janedoe": ("approval given on 000000000000, not on the head {head} (--require-fresh)"),
    "mallory-gh": AUTHOR,
    "stranger": "identity unknown at the base revision: no person has GitHub login 'stranger'",
}


def test_every_discarded_review_says_why(discarded: DiffReport) -> None:
    head = discarded.head[:12]
    assert [(a.given, a.reason) for a in discarded.evidence] == [
        ("@bobby", ""),
        ("@janedoe", REASONS["janedoe"].format(head=head)),
        ("@mallory-gh", AUTHOR),
        ("@stranger", REASONS["stranger"])]
    requirement = discarded.changes[0].requires[0]
    assert [item.describe() for item in requirement.not_counted] == [
        f"jane (review): {REASONS['janedoe'].format(head=head)}",
        "bob (review): not an approver of this change"]


@pytest.mark.parametrize("format_name", sorted(DIFF_FORMATS))
def test_every_format_says_why_each_piece_of_evidence_did_not_count(discarded: DiffReport,
                                                                    format_name: str) -> None:
    text = formatter(DIFF_FORMATS, format_name)(discarded, FormatOptions())
    if format_name == "markdown":
        text = rendered_text(text)          # what the reader sees, Markdown's escapes undone
    for login, reason in REASONS.items():
        assert reason.format(head=discarded.head[:12]) in text, (login, format_name)


def test_the_json_report_lists_the_evidence(discarded: DiffReport) -> None:
    document = json.loads(formatter(DIFF_FORMATS, "json")(discarded, FormatOptions()))
    assert document["evidence"][2] == {
        "source": "github", "given": "@mallory-gh", "where": "review 1",
        "person": "person/mallory", "counted": False, "reason": AUTHOR}
    assert document["changes"][0]["requires"][0]["not_counted"][1] == {
        "person": "person/bob", "source": "github", "reason": "not an approver of this change"}
    assert document["notes"] == []


def test_the_defaults_leave_trailers_off_in_the_example_estate_and_init(tmp_path: Path) -> None:
    from govcheck.app.starter import write_starter
    from govcheck.load.config import SIGNOFF_SOURCES, load_config

    root = Path(__file__).resolve().parent.parent
    assert SIGNOFF_SOURCES == ("github", "signed", "cli")
    assert "trailers" not in load_config(root / "govcheck.yaml", root).signoff_sources
    write_starter(tmp_path / "new", dt.date(2026, 12, 1), False)
    config = load_config(tmp_path / "new" / "govcheck.yaml", tmp_path / "new")
    assert "trailers" not in config.signoff_sources


def test_evidence_is_described_by_who_gave_it_not_by_the_commit_that_carries_it() -> None:
    from govcheck.changes.report import Approval

    assert [approval.describe() for approval in [
        Approval("github", "@janedoe", "review 42", "person/jane"),
        Approval("cli", "jane", "--approved-by", "person/jane"),
        Approval("trailers", "Jane <jane@example.com>", "commit 1a2b3c4d5e6f", "person/jane"),
        Approval("signed", "Jane <jane@example.com>", "tag v1", ""),
    ]] == ["review 42 by @janedoe (person/jane)",
           "--approved-by jane (person/jane)",
           "Approved-by: Jane <jane@example.com> in commit 1a2b3c4d5e6f (person/jane)",
           "Approved-by: Jane <jane@example.com> in tag v1"]
