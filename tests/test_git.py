"""govcheck.integrations.git against real git repositories built in tmp_path."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from git_helpers import GitRepo, isolate_git

from govcheck.errors import GovcheckError
from govcheck.integrations.git import GitFile, Repository, Revision, open_repository


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo.init(tmp_path / "repo")


def opened(repo: GitRepo) -> Repository:
    return open_repository(repo.path)


def contents(files: list[GitFile]) -> dict[str, bytes | None]:
    return {file.path: file.data for file in files}


# -- opening -------------------------------------------------------------------------------

def test_open_repository_finds_the_top_level_from_a_subfolder(repo: GitRepo) -> None:
    repo.commit("first", ("ecosystem/teams/a.yaml", "a: 1\n"))
    repository = open_repository(repo.path / "ecosystem" / "teams")
    assert repository.toplevel == repo.path.resolve()


def test_a_folder_outside_git_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(GovcheckError, match="is not inside a git repository"):
        open_repository(folder)


def test_git_missing_is_a_sentence(repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-binaries-here"))
    with pytest.raises(GovcheckError, match="git is not installed or not on PATH"):
        open_repository(repo.path)


# -- reading files -------------------------------------------------------------------------

def test_files_at_a_commit_come_from_git_objects_and_leave_the_work_tree_alone(
        repo: GitRepo) -> None:
    first = repo.commit("first", ("ecosystem/a.yaml", "version: 1\n"))
    repo.write("ecosystem/a.yaml", "version: 2\n")
    repo.write("ecosystem/new.yaml", "untracked: true\n")
    status_before = repo.git("status", "--porcelain")

    files = opened(repo).read_files(Revision("commit", first), ["ecosystem"])

    assert files == [GitFile("ecosystem/a.yaml", repo.sha("HEAD:ecosystem/a.yaml"),
                             b"version: 1\n")]
    assert (repo.path / "ecosystem/a.yaml").read_text() == "version: 2\n"
    assert repo.git("status", "--porcelain") == status_before


def test_folders_suffixes_and_extra_paths_select_the_files(repo: GitRepo) -> None:
    head = repo.commit("layout",
                       ("ecosystem/a.yaml", "a\n"), ("ecosystem/deep/er/b.yml", "b\n"),
                       ("ecosystem/readme.md", "no\n"), ("ecosystem-other/c.yaml", "no\n"),
                       ("other/d.yaml", "no\n"), ("govcheck.yaml", "config\n"),
                       ("policies/p.yaml", "policy\n"))

    files = opened(repo).read_files(Revision("commit", head), ["ecosystem/", "./policies"],
                                    extra_paths=["govcheck.yaml", "absent.yaml"])

    assert contents(files) == {"ecosystem/a.yaml": b"a\n", "ecosystem/deep/er/b.yml": b"b\n",
                               "govcheck.yaml": b"config\n", "policies/p.yaml": b"policy\n"}


def test_a_folder_outside_the_repository_is_refused(repo: GitRepo) -> None:
    head = repo.commit("first")
    with pytest.raises(GovcheckError, match="outside the repository"):
        opened(repo).read_files(Revision("commit", head), ["../elsewhere"])


def test_index_mode_reads_what_is_staged(repo: GitRepo) -> None:
    repo.commit("first", ("ecosystem/a.yaml", "committed\n"))
    repo.write("ecosystem/a.yaml", "staged\n")
    repo.write("ecosystem/b.yaml", "staged too\n")
    repo.git("add", "ecosystem")
    repo.write("ecosystem/a.yaml", "only in the work tree\n")
    repo.write("ecosystem/c.yaml", "untracked\n")

    files = opened(repo).read_files(Revision("index"), ["ecosystem"])

    assert contents(files) == {"ecosystem/a.yaml": b"staged\n",
                               "ecosystem/b.yaml": b"staged too\n"}
    assert files[0].blob_id == repo.sha(":ecosystem/a.yaml")


def test_index_mode_refuses_unresolved_merge_conflicts(repo: GitRepo) -> None:
    repo.commit("first", ("ecosystem/a.yaml", "a: 0\n"), ("other/b.yaml", "b: 0\n"))
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", ("ecosystem/a.yaml", "a: side\n"))
    repo.git("checkout", "-q", "main")
    repo.commit("main", ("ecosystem/a.yaml", "a: main\n"))
    merge = subprocess.run(["git", "merge", "-q", "side"], cwd=repo.path, check=False,
                           capture_output=True)
    assert merge.returncode != 0
    repository = opened(repo)

    with pytest.raises(GovcheckError) as raised:
        repository.read_files(Revision("index"), ["ecosystem"])

    assert str(raised.value) == ("ecosystem/a.yaml: the file has unresolved merge conflicts: "
                                 "resolve them and stage the result")
    assert contents(repository.read_files(Revision("index"), ["other"])) == {
        "other/b.yaml": b"b: 0\n"}


def test_worktree_mode_reads_tracked_and_untracked_files_but_not_ignored_ones(
        repo: GitRepo) -> None:
    repo.commit("first", (".gitignore", "ecosystem/ignored.yaml\n"),
                ("ecosystem/a.yaml", "committed\n"), ("ecosystem/gone.yaml", "deleted\n"))
    repo.write("ecosystem/a.yaml", "edited\n")
    repo.write("ecosystem/new.yaml", "untracked\n")
    repo.write("ecosystem/ignored.yaml", "ignored\n")
    (repo.path / "ecosystem/gone.yaml").unlink()

    files = opened(repo).read_files(Revision("worktree"), ["ecosystem"])

    assert contents(files) == {"ecosystem/a.yaml": b"edited\n",
                               "ecosystem/new.yaml": b"untracked\n"}
    assert all(file.blob_id is None for file in files)


def test_symlinks_are_reported_not_followed(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("secret: true\n")
    repo.write("ecosystem/a.yaml", "a\n")
    (repo.path / "ecosystem/link.yaml").symlink_to(outside / "secret.yaml")
    head = repo.commit("links")
    (repo.path / "ecosystem/outside-dir").symlink_to(outside, target_is_directory=True)
    repository = opened(repo)

    at_commit = repository.read_files(Revision("commit", head), ["ecosystem"])
    in_worktree = repository.read_files(Revision("worktree"), ["ecosystem"])

    link_id = repo.sha("HEAD:ecosystem/link.yaml")
    assert at_commit[1] == GitFile("ecosystem/link.yaml", link_id, None)
    assert in_worktree[1] == GitFile("ecosystem/link.yaml", None, None)
    assert [file.path for file in in_worktree] == ["ecosystem/a.yaml", "ecosystem/link.yaml"]


def test_hundreds_of_files_are_read_through_a_handful_of_git_processes(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    expected = {f"ecosystem/d{n % 7}/f{n:03}.yaml": f"name: f{n}\n".encode() for n in range(300)}
    for path, data in expected.items():
        repo.write(path, data.decode())
    head = repo.commit("many files")
    repo.git("rm", "-q", "--cached", "ecosystem/d0/f000.yaml")  # index differs from HEAD
    repo.write("ecosystem/d1/f001.yaml", "name: changed\n")
    repo.git("add", "ecosystem/d1/f001.yaml")
    trace = tmp_path / "trace.log"
    monkeypatch.setenv("GIT_TRACE", str(trace))  # git logs every git process it starts
    repository = opened(repo)

    at_commit = repository.read_files(Revision("commit", head), ["ecosystem"])
    in_index = repository.read_files(Revision("index"), ["ecosystem"])
    again = repository.read_files(Revision("commit", head), ["ecosystem"])

    assert contents(at_commit) == contents(again) == expected
    assert contents(in_index) == {**{path: data for path, data in expected.items()
                                     if path != "ecosystem/d0/f000.yaml"},
                                  "ecosystem/d1/f001.yaml": b"name: changed\n"}
    processes = [line for line in trace.read_text().splitlines() if "trace: built-in:" in line]
    # one batch for the commit, one for the index's new blob; blobs already read are not
    # asked for again
    assert len([line for line in processes if "cat-file --batch" in line]) == 2, processes
    assert len(processes) < 10, processes  # listing, version checks: never one per file


# -- revision ranges -----------------------------------------------------------------------

@pytest.fixture
def branching(repo: GitRepo) -> dict[str, str]:
    """main: root - main2; feature (from root): feature1."""
    shas = {"root": repo.commit("root", ("ecosystem/a.yaml", "a: 1\n"))}
    shas["main2"] = repo.commit("main moves on", ("ecosystem/a.yaml", "a: 2\n"))
    repo.git("checkout", "-q", "-b", "feature", shas["root"])
    shas["feature1"] = repo.commit("feature work", ("ecosystem/b.yaml", "b: 1\n"))
    return shas


def test_two_dot_range_compares_the_tips(repo: GitRepo, branching: dict[str, str]) -> None:
    revisions = opened(repo).resolve_range("main..feature", None, None, False, False)
    assert (revisions.base_sha, revisions.head_sha) == (branching["main2"], branching["feature1"])
    assert (revisions.base_label, revisions.head_label, revisions.head_kind) == (
        "main", "feature", "commit")


def test_three_dot_range_uses_the_merge_base(repo: GitRepo, branching: dict[str, str]) -> None:
    revisions = opened(repo).resolve_range("main...feature", None, None, False, False)
    assert (revisions.base_sha, revisions.head_sha) == (branching["root"], branching["feature1"])
    assert revisions.base_label == "main"


def test_base_and_head_options(repo: GitRepo, branching: dict[str, str]) -> None:
    revisions = opened(repo).resolve_range(None, "main", branching["root"], False, False)
    assert (revisions.base_sha, revisions.head_sha) == (branching["main2"], branching["root"])


def test_an_empty_side_of_a_range_is_head(repo: GitRepo, branching: dict[str, str]) -> None:
    revisions = opened(repo).resolve_range("main...", None, None, False, False)
    assert (revisions.base_sha, revisions.head_sha) == (branching["root"], branching["feature1"])
    assert revisions.head_label == "HEAD"


def test_worktree_and_staged_heads_have_no_sha(repo: GitRepo,
                                               branching: dict[str, str]) -> None:
    repository = opened(repo)
    worktree = repository.resolve_range(None, "main", None, True, False)
    staged = repository.resolve_range(None, "main", None, False, True)
    assert (worktree.head_kind, worktree.head_sha, worktree.head_label) == (
        "worktree", None, "worktree")
    assert (staged.head_kind, staged.head_sha, staged.head_label) == ("index", None, "index")
    assert worktree.base_sha == staged.base_sha == branching["main2"]
    assert worktree.head_commit_sha == branching["feature1"]
    assert staged.head == Revision("index")


def test_default_base_is_main_as_a_merge_base(repo: GitRepo,
                                              branching: dict[str, str]) -> None:
    revisions = opened(repo).resolve_range(None, None, None, False, False, environ={})
    assert (revisions.base_label, revisions.base_sha) == ("main", branching["root"])
    assert (revisions.head_label, revisions.head_sha) == ("HEAD", branching["feature1"])


def test_default_base_is_the_upstream_of_the_current_branch(
        repo: GitRepo, branching: dict[str, str], tmp_path: Path) -> None:
    clone = GitRepo.clone(repo, tmp_path / "clone")
    clone.git("checkout", "-q", "-b", "topic", "--track", "origin/feature")
    topic = clone.commit("topic work", ("ecosystem/c.yaml", "c: 1\n"))

    revisions = opened(clone).resolve_range(None, None, None, False, False, environ={})

    assert (revisions.base_label, revisions.base_sha) == ("origin/feature", branching["feature1"])
    assert revisions.head_sha == topic


def test_default_base_follows_github_base_ref(repo: GitRepo, branching: dict[str, str],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    clone = GitRepo.clone(repo, tmp_path / "clone")
    clone.git("checkout", "-q", "feature")
    clone.git("branch", "-q", "-f", "main", branching["root"])  # a stale local main
    monkeypatch.setenv("GITHUB_BASE_REF", "main")

    from_origin = opened(clone).resolve_range(None, None, None, False, False)
    local_only = opened(repo).resolve_range(None, None, None, False, False)

    assert from_origin.base_label == "origin/main"
    assert local_only.base_label == "main"
    assert from_origin.base_sha == local_only.base_sha == branching["root"]


def test_a_missing_revision_is_named(repo: GitRepo, branching: dict[str, str]) -> None:
    with pytest.raises(GovcheckError) as raised:
        opened(repo).resolve_range("main..no-such-branch", None, None, False, False)
    assert str(raised.value) == "revision 'no-such-branch' does not exist in this repository"


def test_a_missing_default_base_is_named(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "-b", "trunk")
    repo.commit("first")
    with pytest.raises(GovcheckError, match="revision 'main' does not exist"):
        opened(repo).resolve_range(None, None, None, False, False, environ={})


@pytest.mark.parametrize("revision", ["--output=/tmp/x", "-p", "", "main branch", "a\nb",
                                      "tab\there"])
def test_revisions_git_could_misread_are_refused(repo: GitRepo, revision: str) -> None:
    repo.commit("first")
    with pytest.raises(GovcheckError, match="git revision"):
        opened(repo).resolve_range(None, revision, None, False, False)


@pytest.mark.parametrize(("spec", "base", "head", "worktree", "staged", "message"), [
    (None, "main", None, True, True, "cannot be used together"),
    (None, "main", "HEAD", True, False, "--head cannot be used"),
    ("main..HEAD", "main", None, False, False, "not both"),
    ("main..HEAD", None, None, False, True, "already names its head"),
])
def test_conflicting_range_options_are_refused(repo: GitRepo, spec: str | None,
                                               base: str | None, head: str | None,
                                               worktree: bool, staged: bool,
                                               message: str) -> None:
    repo.commit("first")
    with pytest.raises(GovcheckError, match=message):
        opened(repo).resolve_range(spec, base, head, worktree, staged)


def test_a_shallow_clone_without_the_base_says_to_fetch_more(
        repo: GitRepo, branching: dict[str, str], tmp_path: Path) -> None:
    shallow = GitRepo.clone(repo, tmp_path / "shallow", "--depth", "1", "--branch", "feature")

    with pytest.raises(GovcheckError) as raised:
        opened(shallow).resolve_range(None, None, None, False, False,
                                      environ={"GITHUB_BASE_REF": "main"})

    assert str(raised.value).startswith("revision 'origin/main' is not in this clone, whose "
                                        "history is shallow: fetch more history")
    assert "fetch-depth: 0" in str(raised.value)


def test_a_shallow_clone_without_the_merge_base_says_to_fetch_more(
        repo: GitRepo, branching: dict[str, str], tmp_path: Path) -> None:
    shallow = GitRepo.clone(repo, tmp_path / "shallow", "--depth", "1", "--no-single-branch",
                            "--branch", "feature")

    with pytest.raises(GovcheckError) as raised:
        opened(shallow).resolve_range("origin/main...HEAD", None, None, False, False)

    assert str(raised.value).startswith("cannot find the merge base of 'origin/main' and "
                                        "'HEAD', as the history of this clone is shallow")
    assert "git fetch --unshallow" in str(raised.value)


def test_other_git_failures_carry_gits_own_message(repo: GitRepo) -> None:
    repo.commit("first")
    with pytest.raises(GovcheckError, match=r"^git ls-tree failed: fatal: not a tree object"):
        opened(repo).read_files(Revision("commit", "0" * 40), ["ecosystem"])


# -- changes and commits -------------------------------------------------------------------

def test_changed_paths_for_commits_index_and_worktree(repo: GitRepo) -> None:
    base = repo.commit("first", ("ecosystem/a.yaml", "a\n"), ("ecosystem/old.yaml", "o\n"))
    repo.git("mv", "ecosystem/old.yaml", "ecosystem/renamed.yaml")
    head = repo.commit("rename and add", ("ecosystem/b.yaml", "b\n"))
    repo.write("ecosystem/a.yaml", "staged\n")
    repo.git("add", "ecosystem/a.yaml")
    repo.write("ecosystem/untracked.yaml", "u\n")
    repository = opened(repo)

    commits = repository.resolve_range(f"{base}..{head}", None, None, False, False)
    staged = repository.resolve_range(None, head, None, False, True)
    worktree = repository.resolve_range(None, head, None, True, False)

    assert repository.changed_paths(commits) == [
        "ecosystem/b.yaml", "ecosystem/old.yaml", "ecosystem/renamed.yaml"]
    assert repository.changed_paths(staged) == ["ecosystem/a.yaml"]
    assert repository.changed_paths(worktree) == ["ecosystem/a.yaml", "ecosystem/untracked.yaml"]


def test_commits_of_a_range_with_their_trailers(repo: GitRepo) -> None:
    base = repo.commit("first")
    repo.git("-c", "user.name=Jane Doe", "-c", "user.email=jane@example.com", "commit", "-q",
             "--allow-empty", "-m", "Add the customer dataset\n\n"
             "Approved-by: in the body, not a trailer\n\n"
             "approved-BY: Bob Builder <bob@example.com>\n"
             "Approved-by: Jane Doe\n  <jane@example.com>\n"
             "Signed-off-by: Jane Doe <jane@example.com>")
    plain = repo.commit("No trailers here\n\nJust a sentence, mentioning Approved-by: Bob.")
    revisions = opened(repo).resolve_range(f"{base}..HEAD", None, None, False, False)

    newest, oldest = opened(repo).commits(revisions)

    assert (newest.sha, newest.trailers) == (plain, ())
    assert (oldest.author_name, oldest.author_email, oldest.committer_email) == (
        "Jane Doe", "jane@example.com", "jane@example.com")
    assert oldest.message.startswith("Add the customer dataset\n\nApproved-by: in the body")
    assert oldest.trailers == (("approved-BY", "Bob Builder <bob@example.com>"),
                               ("Approved-by", "Jane Doe <jane@example.com>"),
                               ("Signed-off-by", "Jane Doe <jane@example.com>"))
    assert oldest.trailer_values("APPROVED-BY") == ("Bob Builder <bob@example.com>",
                                                    "Jane Doe <jane@example.com>")


def test_a_worktree_range_lists_the_commits_up_to_head(repo: GitRepo,
                                                       branching: dict[str, str]) -> None:
    repository = opened(repo)
    revisions = repository.resolve_range("main", None, None, True, False)
    assert [commit.sha for commit in repository.commits(revisions)] == [branching["feature1"]]
