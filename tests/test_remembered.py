"""The repeat run: `govcheck check` answered from the remembered result before click, the YAML
loader or the rules are imported, saying exactly what the full command says; and
`govcheck --version` the same way. Whatever the remembered result cannot answer goes to the
full command line."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from estates import add_a_policy_folder, change_the_config, copy_example_estate

from govcheck.__main__ import _check_options
from govcheck.app.remembered import remembered_report
from govcheck.cli import cli
from govcheck.load.cache import Seal
from govcheck.model.findings import Severity

AS_OF = "2027-01-15"
HEAVY = {"click", "yaml", "jsonschema", "platform", "tempfile", "secrets"}
LEAD = Path("ecosystem/datasets/lead.yaml")


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The example estate with one dangling reference (GOV004)."""
    root = copy_example_estate(tmp_path / "repo")
    (root / LEAD).write_text((root / LEAD).read_text().replace("owner: sales-ops",
                                                               "owner: sales-opps"))
    return root


def govcheck(args: list[str], cwd: Path, **environ: str) -> tuple[int, str, set[str]]:
    """Run the installed entry point's code in a fresh interpreter: the exit code, standard
    output and the top-level modules it imported."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "govcheck", *args],
                            cwd=cwd, capture_output=True, text=True, check=False,
                            env={**os.environ, **environ}, timeout=120)
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, imported


def test_version_says_what_click_says_without_importing_it(tmp_path: Path) -> None:
    code, output, imported = govcheck(["--version"], tmp_path)
    assert (code, output) == (0, CliRunner().invoke(cli, ["--version"]).output)
    assert output.startswith("govcheck, version ")
    assert not HEAVY & imported


def test_a_repeat_run_says_the_same_without_click_yaml_or_rules(estate: Path) -> None:
    first = govcheck(["check", "--as-of", AS_OF], estate)
    again = govcheck(["check", "--as-of", AS_OF], estate)
    cold = govcheck(["check", "--as-of", AS_OF, "--no-cache"], estate)
    assert first[:2] == again[:2] == cold[:2]
    assert first[0] == 1 and "GOV004" in first[1]
    assert {"click", "yaml"} <= first[2]   # the first run did the work
    assert not HEAVY & again[2]          # the repeat run only read bytes
    assert "govcheck.rules.engine" not in again[2]


@pytest.mark.parametrize("options", [["--show-waived"], ["--fail-on", "warning"],
                                     ["--format=text"], ["ecosystem"]])
def test_the_repeat_run_honours_the_options_it_answers(estate: Path, options: list[str]) -> None:
    first = govcheck(["check", "--as-of", AS_OF, *options], estate)
    again = govcheck(["check", "--as-of", AS_OF, *options], estate)
    assert first[:2] == again[:2]
    assert not HEAVY & again[2]


def _change(estate: Path, change: str) -> dict[str, str]:
    """Make one change after a remembered run; the environment the next run gets."""
    if change == "manifest":
        (estate / LEAD).write_text((estate / LEAD).read_text().replace("sales-opps", "sales-ops"))
    elif change == "config":
        change_the_config(estate)
    elif change == "policy":
        add_a_policy_folder(estate)
    elif change == "new file":
        (estate / "ecosystem" / "extra.yaml").write_text("kind: Nonsense\n")
    elif change == "github actions":
        return {"GITHUB_ACTIONS": "true"}
    return {}


@pytest.mark.parametrize("change", ["manifest", "config", "policy", "new file", "github actions"])
def test_any_change_runs_the_full_check(estate: Path, change: str) -> None:
    govcheck(["check", "--as-of", AS_OF], estate)
    environ = _change(estate, change)
    code, output, imported = govcheck(["check", "--as-of", AS_OF], estate, **environ)
    assert (code, output) == govcheck(["check", "--as-of", AS_OF, "--no-cache"], estate,
                                      **environ)[:2]
    assert "click" in imported


@pytest.mark.parametrize("args", [["--as-of", "2030-01-01"], ["--format", "json"],
                                  ["--config", "other.yaml"], ["ecosystem/datasets"]])
def test_other_runs_are_not_answered_from_this_one(estate: Path, args: list[str]) -> None:
    (estate / "govcheck.yaml").write_text("ecosystem: ecosystem\n")
    (estate / "other.yaml").write_text("ecosystem: ecosystem\n")
    govcheck(["check", "--as-of", AS_OF], estate)
    run = ["check", "--as-of", AS_OF, *args] if args[0] != "--as-of" else ["check", *args]
    code, output, imported = govcheck(run, estate)
    assert (code, output) == govcheck([*run, "--no-cache"], estate)[:2]
    assert "click" in imported


def test_the_config_found_or_named_is_the_same_run(estate: Path) -> None:
    (estate / "govcheck.yaml").write_text("ecosystem: ecosystem\n")
    first = govcheck(["check", "--as-of", AS_OF], estate)
    named = govcheck(["check", "--as-of", AS_OF, "--config", "govcheck.yaml"], estate)
    from_below = govcheck(["check", "--as-of", AS_OF], estate / "ecosystem")
    assert first[:2] == named[:2] == from_below[:2]
    assert not HEAVY & (named[2] | from_below[2])


def _memo(cache: Path) -> Path:
    files = list(cache.glob("result-*.json"))
    assert len(files) == 1
    return files[0]


@pytest.mark.parametrize("seal_with", ["nothing", "another secret"])
def test_a_planted_result_is_not_believed(estate: Path, isolated_cache: Path,
                                          seal_with: str) -> None:
    govcheck(["check", "--as-of", AS_OF], estate)
    user_seal = Seal.for_user(Path("/nonexistent-project"))
    assert user_seal is not None
    memo = _memo(isolated_cache)
    body = user_seal.unwrap(memo.read_bytes())
    assert body is not None
    record: dict[str, Any] = json.loads(body)
    record["findings"] = []                         # the attacker hides the finding
    forged = json.dumps(record).encode()
    memo.write_bytes(forged if seal_with == "nothing" else Seal(os.urandom(32)).wrap(forged))
    assert remembered_report(estate, None, None, dt.date.fromisoformat(AS_OF)) is None
    code, output, _ = govcheck(["check", "--as-of", AS_OF], estate)
    assert code == 1 and "GOV004" in output
    # control: sealed with this user's secret, the same record would be believed
    memo.write_bytes(user_seal.wrap(forged))
    report = remembered_report(estate, None, None, dt.date.fromisoformat(AS_OF), Severity.ERROR)
    assert report is not None and report.findings == ()


@pytest.mark.parametrize(("args", "expected"), [
    ([], {}),
    (["eco"], {"path": "eco"}),
    (["eco", "--as-of", "2027-01-15"], {"path": "eco", "--as-of": "2027-01-15"}),
    (["--as-of=2027-01-15", "--fail-on", "info"], {"--as-of": "2027-01-15", "--fail-on": "info"}),
    (["--show-waived", "--config", "g.yaml"], {"--show-waived": "", "--config": "g.yaml"}),
    (["--no-cache"], None),
    (["--output", "report.txt"], None),
    (["--report", "sarif=out.sarif"], None),
    (["-h"], None),
    (["--help"], None),
    (["--"], None),
    (["a", "b"], None),
    (["--as-of"], None),
    (["--as-of="], None),
    (["--show-waived=yes"], None),
    (["--fail-on", "error", "--fail-on", "info"], None),
])
def test_only_options_a_remembered_run_answers_are_taken(args: list[str],
                                                        expected: dict[str, str] | None) -> None:
    assert _check_options(args) == expected


def test_a_bad_option_value_gets_the_command_lines_message(estate: Path) -> None:
    govcheck(["check", "--as-of", AS_OF], estate)
    result = subprocess.run([sys.executable, "-m", "govcheck", "check", "--as-of", "tomorrow"],
                            cwd=estate, capture_output=True, text=True, check=False, timeout=120)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "govcheck: error: --as-of 'tomorrow' is not a date (YYYY-MM-DD)\n"


def test_a_repeat_run_applies_the_baseline_as_the_full_run_does(estate: Path) -> None:
    """The memo keeps the findings before the baseline, the baseline file and the rules that
    did not run; the repeat run reads the baseline as it is now (an edit to it counts)."""
    (estate / "govcheck.yaml").write_text("ignore: [GOV012]\n")
    assert govcheck(["baseline", "--as-of", AS_OF], estate)[0] == 0
    first = govcheck(["check", "--as-of", AS_OF], estate)
    again = govcheck(["check", "--as-of", AS_OF], estate)
    assert first[:2] == again[:2] == (0, "0 errors, 0 warnings, 0 info (1 baselined) in 71 "
                                         "entities from 61 files (as of 2027-01-15)\n")
    assert not HEAVY & again[2]
    baseline = estate / ".govcheck-baseline.json"
    baseline.write_text(baseline.read_text().replace('"GOV004"', '"GOV012"'))
    edited = govcheck(["check", "--as-of", AS_OF], estate)
    cold = govcheck(["check", "--as-of", AS_OF, "--no-cache"], estate)
    assert edited[:2] == cold[:2]
    assert edited[0] == 1 and "GOV004" in edited[1]
    assert not HEAVY & edited[2]
    # an entry of a rule that did not run is never reported fixed, remembered or not
    assert "fixed" not in edited[1]
    baseline.write_text("{ not json")
    broken = govcheck(["check", "--as-of", AS_OF], estate)
    assert broken[0] == 2 and "click" in broken[2]   # the full command reports it
