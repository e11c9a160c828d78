"""The parse cache: same findings warm as cold, and never an answer it cannot prove."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from estates import add_a_policy_folder, change_the_config, copy_example_estate

from govcheck.app.check import run_check
from govcheck.app.project import open_project
from govcheck.load.cache import ParseCache, Seal, key_file

AS_OF = dt.date(2027, 1, 15)


@pytest.fixture
def estate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_example_estate(tmp_path / "repo")
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path / "cache"))
    lead = root / "ecosystem" / "datasets" / "lead.yaml"
    lead.write_text(lead.read_text().replace("owner: sales-ops", "owner: sales-opps"))
    return root


def _findings(root: Path, use_cache: bool) -> list[dict[str, object]]:
    report = run_check(open_project(root), None, AS_OF, use_cache=use_cache).report
    return [finding.to_dict() for finding in report.findings]


def _cache_file(tmp_path: Path) -> Path:
    files = list((tmp_path / "cache").glob("parse-*.json"))
    assert len(files) == 1
    return files[0]


def _seal() -> Seal:
    seal = Seal.for_user(Path("/nonexistent-project"))
    assert seal is not None
    return seal


def read_sealed(path: Path) -> Any:
    body = _seal().unwrap(path.read_bytes())
    assert body is not None, f"{path} is not sealed by this user's secret"
    return json.loads(body)


def write_sealed(path: Path, value: Any) -> None:
    path.write_bytes(_seal().wrap(json.dumps(value).encode()))


def test_warm_run_reports_exactly_what_a_cold_run_does(estate: Path, tmp_path: Path) -> None:
    cold = _findings(estate, use_cache=False)
    assert not (tmp_path / "cache").exists()
    first = _findings(estate, use_cache=True)
    warm = _findings(estate, use_cache=True)
    assert cold == first == warm
    assert [f["rule"] for f in cold] == ["GOV004"]
    assert (cold[0]["line"], cold[0]["column"]) == (11, 10)


def test_an_edited_file_is_parsed_again(estate: Path) -> None:
    _findings(estate, use_cache=True)
    lead = estate / "ecosystem" / "datasets" / "lead.yaml"
    lead.write_text(lead.read_text().replace("owner: sales-opps", "owner: sales-ops"))
    assert _findings(estate, use_cache=True) == []


def test_a_moved_file_keeps_its_new_name_in_findings(estate: Path) -> None:
    _findings(estate, use_cache=True)
    (estate / "ecosystem" / "datasets" / "lead.yaml").rename(estate / "ecosystem" / "lead-moved.yaml")
    findings = _findings(estate, use_cache=True)
    assert findings[0]["file"] == "ecosystem/lead-moved.yaml"


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"salt": "other", "entries": {}}',
                                     b'{"key": 1, "findings": [{}]}', b"\x00\xff garbage"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(estate: Path, tmp_path: Path,
                                                           content: bytes) -> None:
    expected = _findings(estate, use_cache=True)
    for stored in (tmp_path / "cache").glob("*.json"):
        stored.write_bytes(content)
    lead = estate / "ecosystem" / "datasets" / "lead.yaml"
    lead.write_text(lead.read_text() + "\n")   # a new run result, so the parse cache is read
    assert _findings(estate, use_cache=True) == expected
    assert read_sealed(_cache_file(tmp_path))["entries"]


def test_a_damaged_entry_is_parsed_again(estate: Path, tmp_path: Path) -> None:
    expected = _findings(estate, use_cache=True)
    stored = read_sealed(_cache_file(tmp_path))
    stored["entries"] = {key: {"documents": [["broken"]], "problems": []}
                         for key in stored["entries"]}
    write_sealed(_cache_file(tmp_path), stored)
    _result_file(tmp_path).unlink()
    assert _findings(estate, use_cache=True) == expected


def _result_file(tmp_path: Path) -> Path:
    files = list((tmp_path / "cache").glob("result-*.json"))
    assert len(files) == 1
    return files[0]


def test_an_unchanged_run_is_answered_from_the_last_result(estate: Path, tmp_path: Path) -> None:
    expected = _findings(estate, use_cache=True)
    _cache_file(tmp_path).unlink()              # nothing can be parsed from the cache now
    assert _findings(estate, use_cache=True) == expected
    assert not list((tmp_path / "cache").glob("parse-*.json"))


@pytest.mark.parametrize("change", ["as_of", "config", "policy", "manifest"])
def test_the_last_result_is_not_reused_when_an_input_changed(estate: Path, tmp_path: Path,
                                                             change: str) -> None:
    before = _findings(estate, use_cache=True)
    as_of = AS_OF
    if change == "as_of":
        as_of = dt.date(2030, 1, 1)              # reviews are overdue by then
    elif change == "config":
        change_the_config(estate)
    elif change == "policy":
        add_a_policy_folder(estate)
    else:
        (estate / "ecosystem" / "datasets" / "lead.yaml").unlink()
    cached = run_check(open_project(estate), None, as_of, use_cache=True).report
    fresh = run_check(open_project(estate), None, as_of, use_cache=False).report
    assert cached.findings == fresh.findings
    assert (cached.entities, cached.files) == (fresh.entities, fresh.files)
    assert [f.to_dict() for f in cached.findings] != before   # the change made a difference


def test_cache_key_is_the_content_not_the_name(tmp_path: Path) -> None:
    from govcheck.load.discover import SourceFile

    assert ParseCache.key(SourceFile("a.yaml", b"x: 1\n")) == ParseCache.key(SourceFile("b.yaml", b"x: 1\n"))
    assert ParseCache.key(SourceFile("a.yaml", b"x: 1\n")) != ParseCache.key(SourceFile("a.yaml", b"x: 2\n"))


def test_no_cache_option_writes_nothing(estate: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govcheck.cli import cli

    result = CliRunner().invoke(cli, ["check", str(estate / "ecosystem"), "--no-cache",
                                      "--as-of", "2027-01-15"])
    assert result.exit_code == 1
    assert not (tmp_path / "cache").exists()


def test_concurrent_runs_leave_a_valid_cache(estate: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "govcheck", "check", str(estate / "ecosystem"),
               "--as-of", "2027-01-15"]
    env = {"GOVCHECK_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
           "XDG_STATE_HOME": os.environ["XDG_STATE_HOME"]}
    runs = [subprocess.Popen(command, cwd=estate, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1, 1]
    assert len({out for out, _ in outputs}) == 1
    assert read_sealed(_cache_file(tmp_path))["entries"]


def test_a_file_that_cannot_be_read_is_one_finding_warm_as_cold(estate: Path, tmp_path: Path) -> None:
    team = estate / "ecosystem" / "teams" / "finance.yaml"
    team.write_text(team.read_text().replace("spec:\n", "spec:\n\tfoo: 1\n"))
    cold = _findings(estate, use_cache=False)
    first = _findings(estate, use_cache=True)
    (_result_file(tmp_path)).unlink()            # answer from the parse cache, not the memo
    warm = _findings(estate, use_cache=True)
    assert cold == first == warm
    assert [(f["rule"], f["file"]) for f in cold] == [
        ("GOV004", "ecosystem/datasets/lead.yaml"), ("GOV000", "ecosystem/teams/finance.yaml")]


# -- a cache can never change an answer ----------------------------------------------------
#
# The attacker can write the cache folder (a shared runner, a restored CI cache) and knows
# the format and the public salt, but not the user's secret, which lives outside the cache
# folder and the repository. Each attack plants what would hide the estate's GOV004: the
# clean parse of lead.yaml filed under the broken file's content hash, and a remembered
# result with no findings under the run's real key.

LEAD = Path("ecosystem") / "datasets" / "lead.yaml"


def _lead_key(root: Path) -> str:
    from govcheck.load.discover import SourceFile

    return ParseCache.key(SourceFile(LEAD.as_posix(), (root / LEAD).read_bytes()))


def _forged_records(estate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parse cache and the run result an attacker would plant, as plain records."""
    broken_key, broken = _lead_key(estate), (estate / LEAD).read_text()
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path / "scratch"))
    _findings(estate, use_cache=True)                      # the broken run's real memo key
    memo_key = read_sealed(next((tmp_path / "scratch").glob("result-*.json")))["key"]
    (estate / LEAD).write_text(broken.replace("owner: sales-opps", "owner: sales-ops"))
    clean_key = _lead_key(estate)
    _findings(estate, use_cache=True)
    parse = read_sealed(next((tmp_path / "scratch").glob("parse-*.json")))
    (estate / LEAD).write_text(broken)
    parse["entries"][broken_key] = parse["entries"][clean_key]
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path / "cache"))
    return parse, {"key": memo_key, "entities": 71, "files": 71, "findings": []}


def _plant(tmp_path: Path, estate: Path, parse: dict[str, Any], result: dict[str, Any],
           seal: Seal | None, truncate: bool = False) -> None:
    """Write the forged records where this user's next run looks, sealed with `seal`
    (None: unsealed, as a pre-seal govcheck wrote them)."""
    _findings(estate, use_cache=True)                       # makes the files' names
    for path, record in ((_cache_file(tmp_path), parse), (_result_file(tmp_path), result)):
        body = json.dumps(record).encode()
        data = seal.wrap(body) if seal is not None else body
        path.write_bytes(data[:len(data) // 2] if truncate else data)


def _attacker_seal() -> Seal:
    return Seal(os.urandom(32))


@pytest.mark.parametrize("attack", ["unsealed", "crafted", "foreign", "stale", "truncated"])
def test_a_planted_cache_cannot_hide_a_finding(estate: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               attack: str) -> None:
    expected = _findings(estate, use_cache=False)
    assert [f["rule"] for f in expected] == ["GOV004"]
    parse, result = _forged_records(estate, tmp_path, monkeypatch)
    seal: Seal | None = _seal()
    if attack == "unsealed":
        seal = None
    elif attack == "crafted":
        seal = _attacker_seal()
    elif attack == "foreign":                # another user's genuine secret
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "other-user"))
        seal = _seal()
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "this-user"))
    elif attack == "stale":                  # sealed by this user, but by another govcheck
        parse["salt"] = "an older govcheck"
        result["key"] = "an older run"
    _plant(tmp_path, estate, parse, result, seal, truncate=attack == "truncated")
    assert _findings(estate, use_cache=True) == expected


def test_the_forgery_works_with_the_secret_so_the_attacks_above_are_real(
        estate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: whoever holds the secret could forge; without it, nobody can (above)."""
    parse, _ = _forged_records(estate, tmp_path, monkeypatch)
    _plant(tmp_path, estate, parse, {}, _seal())     # the parse cache alone, no remembered result
    assert _findings(estate, use_cache=True) == []


def test_the_secret_lives_outside_the_cache_folder_and_only_its_owner_may_write_it(
        estate: Path, tmp_path: Path) -> None:
    _findings(estate, use_cache=True)
    secret = key_file()
    assert secret.is_file() and secret.parent != tmp_path / "cache"
    assert secret.stat().st_mode & 0o077 == 0
    secret.chmod(0o666)                        # anyone could have written it: not trusted
    for stored in (tmp_path / "cache").glob("*.json"):
        stored.unlink()
    assert _findings(estate, use_cache=True)[0]["rule"] == "GOV004"
    assert not list((tmp_path / "cache").glob("*.json"))


def test_a_secret_inside_the_repository_is_never_used(estate: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(estate / "state"))
    assert _findings(estate, use_cache=True)[0]["rule"] == "GOV004"
    assert not (estate / "state").exists()
    assert not list((tmp_path / "cache").glob("*.json"))


@pytest.mark.parametrize("variable,value", [
    ("GOVCHECK_CACHE_DIR", ".govcheck-cache"),          # relative: lands in the repository
    ("GOVCHECK_CACHE_DIR", "ecosystem/../.cache"),
    ("XDG_CACHE_HOME", "."),
])
def test_a_cache_folder_inside_the_repository_is_refused(estate: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         variable: str, value: str) -> None:
    from click.testing import CliRunner

    from govcheck.cli import cli

    monkeypatch.chdir(estate)
    monkeypatch.delenv("GOVCHECK_CACHE_DIR")
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(cli, ["check", "--as-of", "2027-01-15"])
    folder = (estate / value / ("govcheck" if variable == "XDG_CACHE_HOME" else "")).absolute()
    folder = Path(str(folder).rstrip("/"))
    assert result.exit_code == 2
    assert result.output == (
        f"govcheck: error: the cache folder '{folder}' is inside the repository "
        f"'{estate}': a commit could plant cache entries there; set GOVCHECK_CACHE_DIR to a "
        "folder outside it, or pass --no-cache\n")
    assert not any(path.name.startswith(("parse-", "result-")) for path in estate.rglob("*"))
    assert CliRunner().invoke(cli, ["check", "--as-of", "2027-01-15", "--no-cache"]).exit_code == 1


def test_no_temporary_file_outlives_a_failed_write(estate: Path, tmp_path: Path) -> None:
    _findings(estate, use_cache=True)
    for stored in (tmp_path / "cache").glob("*.json"):  # os.replace onto a non-empty folder fails
        stored.unlink()
        stored.mkdir()
        (stored / "keep").write_text("")
    (estate / LEAD).write_text((estate / LEAD).read_text() + "\n")
    assert _findings(estate, use_cache=True)[0]["rule"] == "GOV004"
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == sorted(
        path.name for path in (tmp_path / "cache").glob("*.json"))


@pytest.mark.parametrize("seal_with", ["attacker", "this user"])
def test_a_planted_cache_cannot_hide_a_change_from_diff(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        seal_with: str) -> None:
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path / "cache"))
    """HEAD's edited dataset filed under BASE's parse: with the attacker's seal the change is
    still reported (with this user's, the control, it would vanish)."""
    from diff_helpers import changed_estate, diff_report, remove_phone
    from git_helpers import isolate_git

    isolate_git(monkeypatch, tmp_path / "home")
    repo = changed_estate(tmp_path, remove_phone)
    lead = "ecosystem/datasets/lead.yaml"
    before = [change.type for change in diff_report(repo).changes]
    assert before == ["dataset.field.removed"]
    from govcheck.load.discover import SourceFile

    base_key, head_key = (ParseCache.key(SourceFile(lead, repo.git("show", f"{rev}:{lead}").encode()))
                          for rev in ("HEAD~1", "HEAD"))
    cache_file = _cache_file(tmp_path)
    stored = read_sealed(cache_file)
    stored["entries"][head_key] = stored["entries"][base_key]
    seal = _attacker_seal() if seal_with == "attacker" else _seal()
    cache_file.write_bytes(seal.wrap(json.dumps(stored).encode()))
    after = [change.type for change in diff_report(repo).changes]
    assert after == (before if seal_with == "attacker" else [])


def test_diff_saves_the_cache_once_with_both_revisions(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """One write per run, however many revisions it parsed; the next run parses nothing."""
    from diff_helpers import changed_estate, diff_report, remove_phone
    from git_helpers import isolate_git

    from govcheck.load import cache as cache_module

    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path / "cache"))
    isolate_git(monkeypatch, tmp_path / "home")
    repo = changed_estate(tmp_path, remove_phone)
    writes: list[Path] = []
    original_write = cache_module.SealedFile.write

    def counted(self: cache_module.SealedFile, value: Any) -> None:
        writes.append(self.path)
        original_write(self, value)

    monkeypatch.setattr(cache_module.SealedFile, "write", counted)
    assert [change.type for change in diff_report(repo).changes] == ["dataset.field.removed"]
    assert writes == [_cache_file(tmp_path)]
    entries = read_sealed(_cache_file(tmp_path))["entries"]
    lead = "ecosystem/datasets/lead.yaml"
    assert {ParseCache.key(_source(lead, repo.git("show", f"{rev}:{lead}").encode()))
            for rev in ("HEAD~1", "HEAD")} <= set(entries)

    def parse_refused(source: Any) -> Any:
        raise AssertionError(f"{source.path} parsed again")

    from govcheck.load import build as build_module

    monkeypatch.setattr(build_module, "parse_file", parse_refused)
    assert [change.type for change in diff_report(repo).changes] == ["dataset.field.removed"]
    assert writes == [_cache_file(tmp_path)]     # nothing new: nothing written


def _source(path: str, data: bytes) -> Any:
    from govcheck.load.discover import SourceFile

    return SourceFile(path, data)


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 2500])
def test_a_large_cache_is_written_in_pieces_exactly_as_json(tmp_path: Path, size: int) -> None:
    """The pieces make the same JSON as one json.dumps, and the sealed file reads back."""
    from govcheck.load.cache import SealedFile, json_pieces

    value = {"salt": "s", "entries": {f"k{n}": {"documents": [[n, {"a": "é", "b": [1.5, None]}]]}
                                      for n in range(size)}, "after": [True]}
    assert "".join(json_pieces(value)) == json.dumps(value, separators=(",", ":"))
    file = SealedFile(tmp_path / "parse-x.json", _seal())
    file.write(value)
    assert file.read() == value
    assert read_sealed(file.path) == value
