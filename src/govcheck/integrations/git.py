"""Every git call govcheck makes, returning plain data.

The diff logic asks this module for a revision range, the manifest files at a revision, the
paths that changed and the commits of a range; it never sees a GitPython object. GitPython is
imported lazily, so `govcheck check` runs without touching git at all.

git is never run through a shell, revisions from the command line are validated before they
reach it, and each of its failures becomes a `GovcheckError` that says what to do.
"""
from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from govcheck.errors import GovcheckError
from govcheck.model.document import MANIFEST_SUFFIXES, in_hidden_folder

if TYPE_CHECKING:
    import git as gitpython

HeadKind = Literal["commit", "worktree", "index"]

SYMLINK_MODE = "120000"
REGULAR_FILE_MODES = frozenset({"100644", "100755"})

_NO_GIT = ("git is not installed or not on PATH: install git (or set GIT_PYTHON_GIT_EXECUTABLE "
           "to its full path) to use govcheck diff")
_SHALLOW_HINT = ("fetch more history, e.g. actions/checkout with fetch-depth: 0, "
                 "or git fetch --unshallow")
# One commit per record (-z), NUL-separated fields. The trailer block is found by git itself
# (%(trailers:only,unfold)), so govcheck follows git's own trailer rules exactly; the
# signature is verified by git itself (%G?: G good, U good but of unknown validity, N none...).
_LOG_FORMAT = ("%H%x00%an%x00%ae%x00%ce%x00%B%x00%(trailers:only,unfold)%x00%T%x00%P"
               "%x00%G?%x00%GS%x00%GF%x00%GP")
_LOG_FIELDS = 12
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_VALIDSIG = re.compile(r"^\[GNUPG:\] VALIDSIG (?P<key>[0-9A-F]+)\b(?:.* (?P<primary>[0-9A-F]{40}))?",
                       re.MULTILINE)


@dataclass(frozen=True)
class Revision:
    """One side of a comparison: a commit, the index or the working tree."""

    kind: HeadKind
    sha: str | None = None  # None for the index and the working tree


@dataclass(frozen=True)
class RevisionRange:
    """The two revisions `govcheck diff` compares, resolved to commit ids."""

    base_sha: str            # for BASE...HEAD and defaulted bases: the merge base
    head_sha: str | None     # None when the head is the index or the working tree
    base_label: str          # as the user gave it (or the default that was chosen)
    head_label: str          # "HEAD", a user revision, "worktree" or "index"
    head_kind: HeadKind
    head_commit_sha: str | None = None  # the commit the head builds on (HEAD for index/worktree)

    @property
    def base(self) -> Revision:
        return Revision("commit", self.base_sha)

    @property
    def head(self) -> Revision:
        return Revision(self.head_kind, self.head_sha)


@dataclass(frozen=True)
class GitFile:
    """A file at a revision. Symlinks are reported, never followed: `data` is then None."""

    path: str                # POSIX, relative to the top-level of the work tree
    blob_id: str | None      # None for files read from the working tree
    data: bytes | None       # None for a symlink


@dataclass(frozen=True)
class Signature:
    """What git made of a commit's signature: `status` is git's %G? letter (G good, U good
    but of unknown validity, B bad, E cannot be checked, N none...); `signer` the SSH
    principal that the allowed-signers file names for the key; the fingerprints of a GPG key
    (its own and its primary key's)."""

    status: str = "N"
    signer: str = ""
    fingerprint: str = ""
    primary_fingerprint: str = ""


@dataclass(frozen=True)
class Commit:
    """A commit of a range, with the trailers of its message (`Approved-by: ...`)."""

    sha: str
    author_name: str
    author_email: str
    committer_email: str
    message: str
    trailers: tuple[tuple[str, str], ...]
    signature: Signature = Signature()
    changes_files: bool = True    # False for an empty commit (an approval, say)

    def trailer_values(self, key: str) -> tuple[str, ...]:
        """The values of every trailer named `key`, compared case-insensitively."""
        return _trailer_values(self.trailers, key)


@dataclass(frozen=True)
class Tag:
    """An annotated tag whose commit is in the range, with the trailers of its message."""

    name: str
    sha: str                 # the tag object
    commit: str              # the commit it points at
    trailers: tuple[tuple[str, str], ...]

    def trailer_values(self, key: str) -> tuple[str, ...]:
        return _trailer_values(self.trailers, key)


def _trailer_values(trailers: tuple[tuple[str, str], ...], key: str) -> tuple[str, ...]:
    wanted = key.casefold()
    return tuple(value for name, value in trailers if name.casefold() == wanted)


@dataclass(frozen=True)
class _TreeEntry:
    path: str
    mode: str
    blob_id: str
    stage: str = "0"  # 1-3: an unresolved merge conflict in the index


def open_repository(path: Path) -> Repository:
    """The repository git itself works on from `path`: found from `path` upwards, or named by
    GIT_DIR and GIT_WORK_TREE (as in a git hook or some CI); a GovcheckError when there is none.

    Every git process govcheck runs afterwards is given that git folder and work tree as
    absolute paths, so they all read the same repository whatever the environment says."""
    try:
        import git as gitpython
    except ImportError as error:
        raise GovcheckError(_NO_GIT) from error
    if not path.is_dir():
        raise GovcheckError(f"'{path}' does not exist")
    locator = gitpython.Git(path)
    git_dir, bare = _ask_git(locator, path, "--absolute-git-dir", "--is-bare-repository")
    if bare == "true":
        raise GovcheckError(f"'{path}' is a bare git repository: run govcheck diff in a "
                            "clone with a work tree")
    (toplevel,) = _ask_git(locator, path, "--show-toplevel")
    environment = {"GIT_DIR": git_dir, "GIT_WORK_TREE": toplevel}
    runner = gitpython.Git(toplevel)
    runner.update_environment(**environment)
    return Repository(runner, Path(toplevel).resolve(), environment)


def _ask_git(locator: gitpython.Git, path: Path, *questions: str) -> list[str]:
    """`git rev-parse` answers, one a line, as git finds the repository from `path`."""
    from git.exc import GitCommandNotFound

    try:
        status, out, err = locator.execute(
            [str(locator.GIT_PYTHON_GIT_EXECUTABLE or "git"), "rev-parse", *questions],
            with_extended_output=True, with_exceptions=False, shell=False)
    except GitCommandNotFound as error:
        raise GovcheckError(_NO_GIT) from error
    answers = str(out).splitlines()
    if status == 0 and len(answers) == len(questions):
        return answers
    if "not a git repository" in err:
        raise GovcheckError(f"'{path}' is not inside a git repository: run govcheck diff in a "
                            "clone of the repository")
    if "must be run in a work tree" in err:
        raise GovcheckError(f"'{path}' is not in the work tree of a git repository: run "
                            "govcheck diff in a clone with a work tree")
    raise GovcheckError(_git_failure("rev-parse", err))


def validate_revision(revision: str) -> str:
    """Refuse a revision that git could take for an option or that no ref name can spell."""
    if not revision:
        raise GovcheckError("an empty git revision was given")
    if revision.startswith("-"):
        raise GovcheckError(f"invalid git revision '{revision}': a revision cannot start with '-'")
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in revision):
        raise GovcheckError(f"invalid git revision {revision!r}: a revision cannot contain "
                            "whitespace or control characters")
    return revision


class Repository:
    """A git work tree. Create it with `open_repository`."""

    def __init__(self, runner: gitpython.Git, toplevel: Path,
                 environment: Mapping[str, str]) -> None:
        self._git = runner
        self.toplevel = toplevel
        self._environment = dict(environment)  # the git folder and work tree, for every git
        self._shallow: bool | None = None
        # Blobs read so far, by id: the two revisions of a diff share nearly all their files,
        # and an object's id names its content, so each is read from git once.
        self._blobs: dict[str, bytes] = {}

    def close(self) -> None:
        """Stop GitPython's persistent `git cat-file` processes, if any."""
        self._git.clear_cache()

    # -- revisions -------------------------------------------------------------------------

    def resolve_range(self, spec: str | None, base: str | None, head: str | None,
                      worktree: bool, staged: bool, *,
                      environ: Mapping[str, str] | None = None) -> RevisionRange:
        """Resolve `BASE..HEAD`, `BASE...HEAD`, `--base/--head`, `--worktree` or `--staged`.

        Without a base: `$GITHUB_BASE_REF` (origin/<ref>, then <ref>), else the upstream of
        the current branch, else `main`; a defaulted base is the merge base with the head,
        as for a pull request.
        """
        _check_range_options(spec, base, head, worktree, staged)
        base_label, head_label, use_merge_base = _split_spec(spec, base, head)
        head_kind: HeadKind = "worktree" if worktree else "index" if staged else "commit"
        if head_kind == "commit":
            head_sha: str | None = self._commit(head_label or "HEAD")
            head_commit = head_sha
        else:
            head_sha, head_commit = None, self._head_commit()
        if base_label is None:
            base_label, use_merge_base = self._default_base(environ), True
        base_sha = self._commit(base_label)
        if use_merge_base and head_commit is not None:
            base_sha = self._merge_base(base_sha, head_commit, base_label, head_label or "HEAD")
        return RevisionRange(base_sha, head_sha, base_label,
                             head_label or ("HEAD" if head_kind == "commit" else head_kind),
                             head_kind, head_commit)

    def _commit(self, revision: str) -> str:
        validate_revision(revision)
        sha = self._rev_parse(f"{revision}^{{commit}}")
        if sha is not None:
            return sha
        if self._is_shallow():
            raise GovcheckError(f"revision '{revision}' is not in this clone, whose history is "
                                f"shallow: {_SHALLOW_HINT}")
        if self._rev_parse(revision) is not None:
            raise GovcheckError(f"revision '{revision}' is not a commit")
        raise GovcheckError(f"revision '{revision}' does not exist in this repository")

    def _rev_parse(self, revision: str) -> str | None:
        status, out, err = self._run("rev-parse", "--verify", "--quiet", "--end-of-options",
                                     revision, check=False)
        if status != 0:
            if err.strip():
                raise GovcheckError(_git_failure("rev-parse", err))
            return None
        return out.decode("ascii").strip()

    def _head_commit(self) -> str | None:
        """HEAD's commit id; None on a branch with no commit yet."""
        return self._rev_parse("HEAD^{commit}")

    def _is_shallow(self) -> bool:
        if self._shallow is None:
            out = self._run("rev-parse", "--is-shallow-repository")[1]
            self._shallow = out.strip() == b"true"
        return self._shallow

    def _default_base(self, environ: Mapping[str, str] | None) -> str:
        environment = os.environ if environ is None else environ
        base_ref = environment.get("GITHUB_BASE_REF", "").strip()
        if base_ref:
            candidates = [f"origin/{base_ref}", base_ref]
            for candidate in candidates:
                if self._rev_parse(f"{validate_revision(candidate)}^{{commit}}") is not None:
                    return candidate
            return candidates[0]  # so that the error names what was looked for
        return self._upstream() or "main"

    def _upstream(self) -> str | None:
        status, out, _ = self._run("rev-parse", "--abbrev-ref", "--symbolic-full-name",
                                   "@{upstream}", check=False)
        name = out.decode("utf-8", "replace").strip()
        return name if status == 0 and name else None

    def _merge_base(self, base_sha: str, head_sha: str, base_label: str,
                    head_label: str) -> str:
        status, out, err = self._run("merge-base", base_sha, head_sha, check=False)
        if status == 0:
            return out.decode("ascii").strip()
        if status != 1 or err.strip():
            raise GovcheckError(_git_failure("merge-base", err))
        if self._is_shallow():
            raise GovcheckError(f"cannot find the merge base of '{base_label}' and "
                                f"'{head_label}', as the history of this clone is shallow: "
                                f"{_SHALLOW_HINT}")
        raise GovcheckError(f"'{base_label}' and '{head_label}' have no common history: "
                            f"compare them with a two-dot range, {base_label}..{head_label}")

    # -- files -----------------------------------------------------------------------------

    def read_files(self, revision: Revision, under: Sequence[str],
                   suffixes: Sequence[str] = MANIFEST_SUFFIXES,
                   extra_paths: Sequence[str] = (), manifests: bool = False) -> list[GitFile]:
        """Every file below the folders `under` (relative to the top-level) ending in one of
        `suffixes`, plus each of `extra_paths` that exists, at `revision`, sorted by path.
        With `manifests`, files in hidden folders below `under` are left out, as `check`
        leaves them out.

        Commits and the index are read from git's objects through one `git cat-file` process;
        the working tree is never touched. The working tree is read from disk: tracked files
        and untracked files that are not ignored.
        """
        folders = [_normalize_folder(folder) for folder in under]
        extras = frozenset(_normalize_folder(path) for path in extra_paths)
        if not folders and not extras:
            return []
        pathspecs = [] if "" in folders else [*folders, *sorted(extras)]
        wanted = _PathFilter(tuple(folders), tuple(suffixes), extras, manifests)
        if revision.kind == "worktree":
            return self._read_worktree(pathspecs, wanted)
        entries = [entry for entry in self._list_entries(revision, pathspecs)
                   if wanted(entry.path)]
        return self._read_entries(entries)

    def _list_entries(self, revision: Revision, pathspecs: list[str]) -> list[_TreeEntry]:
        if revision.kind == "index":
            out = self._run("--literal-pathspecs", "ls-files", "--stage", "-z", "--",
                            *pathspecs)[1]
            return _parse_index_listing(out)
        if revision.sha is None:
            raise ValueError("a commit revision needs a sha")
        out = self._run("--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree",
                        revision.sha, "--", *pathspecs)[1]
        return _parse_tree_listing(out)

    def _read_entries(self, entries: list[_TreeEntry]) -> list[GitFile]:
        for entry in entries:
            if entry.stage != "0":
                raise GovcheckError("the file has unresolved merge conflicts: resolve them "
                                    "and stage the result", file=entry.path)
        regular = [entry for entry in entries if entry.mode in REGULAR_FILE_MODES]
        blobs = self._read_blobs([entry.blob_id for entry in regular])
        files = [GitFile(entry.path, entry.blob_id, None)
                 for entry in entries if entry.mode == SYMLINK_MODE]
        files += [GitFile(entry.path, entry.blob_id, blobs[entry.blob_id])
                  for entry in regular]   # submodules (160000) are not files
        return sorted(files, key=lambda file: file.path)

    def _read_blobs(self, blob_ids: list[str]) -> dict[str, bytes]:
        """Every blob through ONE `git cat-file --batch`, all ids on its standard input (those
        not read before)."""
        unique = [blob_id for blob_id in dict.fromkeys(blob_ids) if blob_id not in self._blobs]
        if unique:
            status, out, err = self._run_with_input(
                "".join(f"{blob_id}\n" for blob_id in unique).encode("ascii"), "cat-file",
                "--batch")
            if status != 0:
                raise GovcheckError(_git_failure("cat-file", err))
            self._blobs.update(_parse_batch(out, unique))
        return {blob_id: self._blobs[blob_id] for blob_id in blob_ids}

    def _read_worktree(self, pathspecs: list[str], wanted: _PathFilter) -> list[GitFile]:
        out = self._run("--literal-pathspecs", "ls-files", "-z", "--cached", "--others",
                        "--exclude-standard", "--", *pathspecs)[1]
        paths = sorted({path for path in _split_nul(out) if wanted(path)})
        files = (self._read_disk_file(path) for path in paths)
        return [file for file in files if file is not None]

    def _read_disk_file(self, path: str) -> GitFile | None:
        full_path = self.toplevel / path
        try:
            mode = full_path.lstat().st_mode
        except FileNotFoundError:
            return None  # tracked, but deleted in the working tree
        except OSError as error:
            raise GovcheckError(f"cannot read the file: {error.strerror}", file=path) from error
        # A path whose folder is a symlink leaving the repository is treated like a symlink.
        if stat.S_ISLNK(mode) or not full_path.resolve().is_relative_to(self.toplevel):
            return GitFile(path, None, None)
        if not stat.S_ISREG(mode):
            return None
        try:
            return GitFile(path, None, full_path.read_bytes())
        except OSError as error:
            raise GovcheckError(f"cannot read the file: {error.strerror}", file=path) from error

    # -- changes and commits ---------------------------------------------------------------

    def changed_paths(self, revisions: RevisionRange) -> list[str]:
        """The paths (relative to the top-level) that differ between base and head; a rename
        lists both its old and its new path."""
        diff = ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff"]
        if revisions.head_kind == "commit":
            assert revisions.head_sha is not None
            diff += [revisions.base_sha, revisions.head_sha]
        elif revisions.head_kind == "index":
            diff += ["--cached", revisions.base_sha]
        else:
            diff += [revisions.base_sha]
        paths = set(_split_nul(self._run(*diff, "--")[1]))
        if revisions.head_kind == "worktree":
            untracked = self._run("ls-files", "-z", "--others", "--exclude-standard")[1]
            paths.update(_split_nul(untracked))
        return sorted(paths)

    def commits(self, revisions: RevisionRange, allowed_signers: str = "") -> list[Commit]:
        """The commits in base..head, newest first, their signatures verified by git against
        `allowed_signers` (the text of an SSH allowed-signers file; GPG signatures against
        the user's keyring). Uncommitted changes (index, working tree) have no commit: only
        the commits up to HEAD are listed."""
        head = revisions.head_commit_sha
        if head is None:
            return []
        with _allowed_signers_file(allowed_signers) as signers:
            out = self._run("-c", "trailer.separators=:", "-c",
                            f"gpg.ssh.allowedSignersFile={signers}", "log", "-z", "--no-color",
                            "--no-show-signature", "--encoding=UTF-8", f"--format={_LOG_FORMAT}",
                            f"{revisions.base_sha}..{head}", "--")[1]
        records = list(_parse_log(out))
        parent_trees = self._parent_trees(records)
        return [record.commit(parent_trees) for record in records]

    def _parent_trees(self, records: list[_LogRecord]) -> dict[str, str]:
        """The tree of every first parent, to tell an empty commit from a change."""
        trees = {record.sha: record.tree for record in records}
        missing = sorted({record.first_parent for record in records
                          if record.first_parent and record.first_parent not in trees})
        if missing:
            out = self._run("rev-parse", *(f"{sha}^{{tree}}" for sha in missing))[1]
            trees.update(zip(missing, out.decode("ascii").split()))
        return trees

    def tags(self, commits: Sequence[Commit]) -> list[Tag]:
        """The annotated tags that point at one of `commits`."""
        wanted = {commit.sha for commit in commits}
        if not wanted:
            return []
        out = self._run("for-each-ref", "refs/tags", "--format=%(refname:short)%00%(objecttype)"
                        "%00%(objectname)%00%(*objectname)%00%(contents:body)%00%00")[1]
        tags = []
        for record in out.split(b"\0\0\n"):
            fields = record.split(b"\0")
            if len(fields) == 5 and fields[1] == b"tag" and fields[3].decode() in wanted:
                name, _, sha, target, body = (field.decode("utf-8", "replace") for field in fields)
                tags.append(Tag(name, sha, target, _last_paragraph_trailers(body)))
        return tags

    def verify_tag(self, tag: Tag, allowed_signers: str) -> tuple[bool, tuple[str, ...]]:
        """Whether git verifies the tag's signature (SSH: against `allowed_signers`; GPG:
        against the user's keyring), and the GPG key fingerprints it names (own, primary)."""
        with _allowed_signers_file(allowed_signers) as signers:
            status, _, err = self._run("-c", f"gpg.ssh.allowedSignersFile={signers}",
                                       "verify-tag", "--raw", tag.sha, check=False)
        fingerprints = tuple(fingerprint for match in _VALIDSIG.finditer(err)
                             for fingerprint in match.group("key", "primary") if fingerprint)
        return status == 0, fingerprints

    # -- running git -----------------------------------------------------------------------

    def _run_with_input(self, data: bytes, *args: str) -> tuple[int, bytes, str]:
        """Run git with `data` on its standard input (never through a shell)."""
        executable = str(self._git.GIT_PYTHON_GIT_EXECUTABLE or "git")
        try:
            done = subprocess.run([executable, *args], input=data, capture_output=True,
                                  cwd=self.toplevel, env={**os.environ, **self._environment},
                                  check=False)
        except FileNotFoundError as error:
            raise GovcheckError(_NO_GIT) from error
        return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")

    def _run(self, *args: str, check: bool = True) -> tuple[int, bytes, str]:
        """Run git (never through a shell) in the top-level; (status, stdout, stderr)."""
        from git.exc import GitCommandNotFound

        executable = str(self._git.GIT_PYTHON_GIT_EXECUTABLE or "git")
        try:
            status, out, err = self._git.execute(
                [executable, *args], with_extended_output=True, with_exceptions=False,
                stdout_as_string=False, strip_newline_in_stdout=False, shell=False)
        except GitCommandNotFound as error:
            raise GovcheckError(_NO_GIT) from error
        if check and status != 0:
            raise GovcheckError(_git_failure(_command_name(args), err))
        return status, out, err


def _parse_batch(out: bytes, blob_ids: list[str]) -> dict[str, bytes]:
    """`git cat-file --batch` output: per object "<id> <type> <size>\\n<data>\\n"."""
    blobs: dict[str, bytes] = {}
    position = 0
    for blob_id in blob_ids:
        end = out.index(b"\n", position)
        header = out[position:end].decode("ascii", "replace").split()
        if len(header) != 3 or header[0] != blob_id:
            raise GovcheckError(f"git cannot read the object {blob_id}: {' '.join(header)}")
        size = int(header[2])
        blobs[blob_id] = out[end + 1:end + 1 + size]
        position = end + 1 + size + 1
    return blobs


@dataclass(frozen=True)
class _PathFilter:
    folders: tuple[str, ...]
    suffixes: tuple[str, ...]
    extra_paths: frozenset[str]
    manifests: bool = False

    def __call__(self, path: str) -> bool:
        if path in self.extra_paths:
            return True
        if not path.endswith(self.suffixes):
            return False
        return any(self._below(folder, path) for folder in self.folders)

    def _below(self, folder: str, path: str) -> bool:
        if folder == "":
            return not (self.manifests and in_hidden_folder(path))
        return path.startswith(folder + "/") and not (
            self.manifests and in_hidden_folder(path[len(folder) + 1:]))


def _check_range_options(spec: str | None, base: str | None, head: str | None,
                         worktree: bool, staged: bool) -> None:
    if worktree and staged:
        raise GovcheckError("--worktree and --staged cannot be used together")
    if head is not None and (worktree or staged):
        raise GovcheckError("--head cannot be used with --worktree or --staged")
    if spec is not None and (base is not None or head is not None):
        raise GovcheckError("give either a range (BASE..HEAD) or --base/--head, not both")
    if spec is not None and ".." in spec and (worktree or staged):
        raise GovcheckError("a range already names its head: with --worktree or --staged, "
                            "give only the base")


def _split_spec(spec: str | None, base: str | None,
                head: str | None) -> tuple[str | None, str | None, bool]:
    """(base label, head label, use the merge base) from the command line's revisions."""
    if spec is None:
        return base, head, False
    for separator, use_merge_base in (("...", True), ("..", False)):
        if separator in spec:
            left, right = spec.split(separator, 1)
            return left or "HEAD", right or "HEAD", use_merge_base  # git's empty side
    return spec, None, False


def _normalize_folder(folder: str) -> str:
    """A repository-relative POSIX path; '' for the top-level itself."""
    path = PurePosixPath(folder)
    if path.is_absolute() or ".." in path.parts:
        raise GovcheckError(f"'{folder}' is outside the repository: give a path relative "
                            "to its top-level")
    text = path.as_posix()
    return "" if text == "." else text


def _split_nul(out: bytes) -> list[str]:
    return [os.fsdecode(item) for item in out.split(b"\0") if item]


def _parse_tree_listing(out: bytes) -> list[_TreeEntry]:
    """`git ls-tree -z` records: `<mode> SP <type> SP <id> TAB <path>`. Decoded whole: the
    separators are ASCII, so this is each path's os.fsdecode, without a call per path."""
    entries = []
    for record in os.fsdecode(out).split("\0"):
        if record:
            info, _, path = record.partition("\t")
            mode, _, blob_id = info.split(" ")
            entries.append(_TreeEntry(path, mode, blob_id))
    return entries


def _parse_index_listing(out: bytes) -> list[_TreeEntry]:
    """`git ls-files --stage -z` records: `<mode> SP <id> SP <stage> TAB <path>`."""
    entries = []
    for record in out.split(b"\0"):
        if record:
            info, _, raw_path = record.partition(b"\t")
            mode, blob_id, stage = info.decode("ascii").split(" ")
            entries.append(_TreeEntry(os.fsdecode(raw_path), mode, blob_id, stage))
    return entries


@dataclass(frozen=True)
class _LogRecord:
    """One record of `git log` in _LOG_FORMAT, before the parents' trees are known."""

    sha: str
    author_name: str
    author_email: str
    committer_email: str
    message: str
    trailers: str
    tree: str
    parents: str
    signature: Signature

    @property
    def first_parent(self) -> str:
        return self.parents.split(" ")[0] if self.parents else ""

    def commit(self, trees: Mapping[str, str]) -> Commit:
        parent_tree = trees.get(self.first_parent, "") if self.first_parent else _EMPTY_TREE
        return Commit(self.sha, self.author_name, self.author_email, self.committer_email,
                      self.message, _parse_trailers(self.trailers), self.signature,
                      changes_files=self.tree != parent_tree)


def _parse_log(out: bytes) -> Iterator[_LogRecord]:
    fields = out.split(b"\0")
    if len(fields) % _LOG_FIELDS == 1 and fields[-1] == b"":
        fields.pop()  # the terminator after the last record
    for start in range(0, len(fields) - _LOG_FIELDS + 1, _LOG_FIELDS):
        (sha, name, email, committer, message, trailers, tree, parents, status, signer,
         fingerprint, primary) = (field.decode("utf-8", "replace")
                                  for field in fields[start:start + _LOG_FIELDS])
        yield _LogRecord(sha.strip(), name, email, committer, message, trailers, tree.strip(),
                         parents.strip(), Signature(status.strip() or "N", signer,
                                                    fingerprint.strip(), primary.strip()))


def _last_paragraph_trailers(body: str) -> tuple[tuple[str, str], ...]:
    """The `Key: value` lines of a tag message's last paragraph (git does not find tag
    trailers before the signature block, so govcheck reads them itself)."""
    paragraphs = [part for part in body.strip().split("\n\n") if part.strip()]
    if not paragraphs:
        return ()
    lines = paragraphs[-1].splitlines()
    if not all(_TRAILER_LINE.match(line) for line in lines):
        return ()
    return _parse_trailers(paragraphs[-1])


_TRAILER_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*:\s")


@contextlib.contextmanager
def _allowed_signers_file(text: str) -> Iterator[str]:
    """A temporary SSH allowed-signers file holding `text`, removed afterwards."""
    handle, path = tempfile.mkstemp(prefix="govcheck-allowed-signers-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        yield path
    finally:
        os.unlink(path)


def _parse_trailers(block: str) -> tuple[tuple[str, str], ...]:
    """`Key: value` lines (git has already found and unfolded the trailer block)."""
    trailers = []
    for line in block.splitlines():
        key, separator, value = line.partition(":")
        if separator and key.strip():
            trailers.append((key.strip(), value.strip()))
    return tuple(trailers)


def _command_name(args: Sequence[str]) -> str:
    """The git subcommand among the arguments, past global options such as `-c key=value`."""
    remaining = iter(args)
    for arg in remaining:
        if arg == "-c":
            next(remaining, None)
        elif not arg.startswith("-"):
            return arg
    return "command"


def _git_failure(command: str, stderr: str) -> str:
    """git's own first error line, as one sentence."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    first = (errors or lines or ["no error message"])[0]
    if "dubious ownership" in first:
        first += " (mark it safe with git config --global --add safe.directory <path>)"
    return f"git {command} failed: {first}"
