"""The parse cache: same findings warm as cold, safe against corruption and poisoning."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from estates import copy_example_estate

from govcheck.cache import ParseCache
from govcheck.project import open_project, run_check

AS_OF = dt.date(2027, 1, 15)


@pytest.fixture
def estate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_example_estate(tmp_path / "repo")
    monkeypatch.setenv("GOVCHECK_CACHE_DIR", str(tmp_path / "cache"))
    lead = root / "ecosystem" / "datasets" / "lead.yaml"
    lead.write_text(lead.read_text().replace("owner: sales-ops", "owner: sales-opps"))
    return root


def _findings(root: Path, use_cache: bool) -> list[dict[str, object]]:
    report = run_check(open_project(root), None, AS_OF, use_cache=use_cache)
    return [finding.to_dict() for finding in report.findings]


def _cache_file(tmp_path: Path) -> Path:
    files = list((tmp_path / "cache").glob("parse-*.json"))
    assert len(files) == 1
    return files[0]


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
    assert json.loads(_cache_file(tmp_path).read_bytes())["entries"]


def test_a_damaged_entry_is_parsed_again(estate: Path, tmp_path: Path) -> None:
    expected = _findings(estate, use_cache=True)
    stored = json.loads(_cache_file(tmp_path).read_bytes())
    stored["entries"] = {key: {"documents": [["broken"]], "problems": []}
                         for key in stored["entries"]}
    _cache_file(tmp_path).write_text(json.dumps(stored))
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
        (estate / "govcheck.yaml").write_text("rules:\n  GOV004: {severity: warning}\n")
    elif change == "policy":
        (estate / "policies").mkdir()
        (estate / "policies" / "acme.yaml").write_text(
            "id: ACME001\ntitle: Systems name a vendor\nseverity: info\nrationale: r\n"
            "remediation: r\nchecks:\n  - {function: required, kind: System, paths: [spec.x-vendor]}\n")
        (estate / "govcheck.yaml").write_text("policies: [policies]\n")
    else:
        (estate / "ecosystem" / "datasets" / "lead.yaml").unlink()
    cached = run_check(open_project(estate), None, as_of, use_cache=True)
    fresh = run_check(open_project(estate), None, as_of, use_cache=False)
    assert cached.findings == fresh.findings
    assert (cached.entities, cached.files) == (fresh.entities, fresh.files)
    assert [f.to_dict() for f in cached.findings] != before   # the change made a difference


def test_cache_key_is_the_content_not_the_name(tmp_path: Path) -> None:
    from govcheck.manifests import SourceFile

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
    env = {"GOVCHECK_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen(command, cwd=estate, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1, 1]
    assert len({out for out, _ in outputs}) == 1
    assert json.loads(_cache_file(tmp_path).read_bytes())["entries"]


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
