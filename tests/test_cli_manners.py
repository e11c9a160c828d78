"""Command-line manners shared by every command: short flags, quiet, colour switches, one
error style, did-you-mean. Run as the installed entry point, asserting whole outputs."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_cli_check import AS_OF, GOV003, GOV009, make_estate, run, two_findings

RED, YELLOW, RESET = "\x1b[31m", "\x1b[33m", "\x1b[0m"


def test_short_flags_are_the_long_ones(tmp_path: Path) -> None:
    root = make_estate(tmp_path, two_findings())
    (root / "other.yaml").write_text((root / "govcheck.yaml").read_text(encoding="utf-8")
                                     if (root / "govcheck.yaml").exists() else "ecosystem: ecosystem\n",
                                     encoding="utf-8")
    long = run(["check", "--as-of", AS_OF, "--format", "json", "--output", "long.json",
                "--config", "other.yaml"], root)
    short = run(["check", "--as-of", AS_OF, "-f", "json", "-o", "short.json", "-c", "other.yaml"],
                root)
    assert (long.returncode, short.returncode) == (1, 1)
    assert (root / "short.json").read_text(encoding="utf-8") == \
        (root / "long.json").read_text(encoding="utf-8")


def test_quiet_prints_only_the_findings(tmp_path: Path) -> None:
    result = run(["check", "--as-of", AS_OF, "-q"], make_estate(tmp_path, two_findings()))
    assert (result.returncode, result.stdout, result.stderr) == (1, f"{GOV009}\n{GOV003}\n", "")


def test_quiet_prints_nothing_when_all_is_well(tmp_path: Path) -> None:
    result = run(["check", "--as-of", AS_OF, "--quiet"], make_estate(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(("args", "env", "colored"), [
    (["--color"], {}, True),
    (["--color"], {"NO_COLOR": "1"}, True),          # the flag wins over the environment
    ([], {"FORCE_COLOR": "1"}, True),
    ([], {"FORCE_COLOR": "0"}, False),
    ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),   # NO_COLOR is checked first
    (["--no-color"], {"FORCE_COLOR": "1"}, False),
    ([], {}, False),                                  # not a terminal
])
def test_colour_switches(tmp_path: Path, args: list[str], env: dict[str, str],
                         colored: bool) -> None:
    result = run(["check", "--as-of", AS_OF, *args], make_estate(tmp_path, two_findings()), env)
    assert (f": {YELLOW}warning{RESET} GOV009 " in result.stdout) is colored
    assert (f": {RED}error{RESET} GOV003 " in result.stdout) is colored
    assert ("\x1b[" in result.stdout) is colored
    assert result.stdout.replace(YELLOW, "").replace(RED, "").replace(RESET, "").startswith(
        f"{GOV009}\n{GOV003}\n")


@pytest.mark.parametrize(("args", "stderr"), [
    (["chek"], "govcheck: error: no such command 'chek' (did you mean 'check'?); one of "
               "baseline, check, codeowners, diff, explain, graph, impact, import, init, rules, "
               "schema, show, site (see 'govcheck --help')\n"),
    (["check", "--formt", "json"], "govcheck: error: No such option '--formt'. (Did you mean one "
                                   "of: '--format', '--report'?) (see 'govcheck check --help')\n"),
    (["check", "--fail-on", "fatal"],
     "govcheck: error: Invalid value for '--fail-on': 'fatal' is not one of 'error', 'warning', "
     "'info'. (see 'govcheck check --help')\n"),
    (["explain"], "govcheck: error: Missing argument 'RULE'. (see 'govcheck explain --help')\n"),
    (["import"], "govcheck: error: Missing argument 'FORMAT'. Choose from: backstage, csv, "
                 "datacontract (see 'govcheck import --help')\n"),
])
def test_usage_errors_are_one_line_in_govcheck_style(tmp_path: Path, args: list[str],
                                                     stderr: str) -> None:
    result = run(args, make_estate(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (2, "", stderr)


def test_top_level_help_lines_are_whole_sentences(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    commands = result.stdout.split("Commands:\n")[1].splitlines()
    assert [line.split()[0] for line in commands] == [
        "baseline", "check", "codeowners", "diff", "explain", "graph", "impact", "import", "init",
        "rules", "schema", "show", "site"]
    assert all(line.endswith(".") and "..." not in line for line in commands)


def test_table_groups_by_file_and_fits_100_columns(tmp_path: Path) -> None:
    root = make_estate(tmp_path, two_findings())
    result = run(["check", "--as-of", AS_OF, "-f", "table"], root)
    assert result.stdout == (
        "ecosystem/integrations/crm-customers-to-erp.yaml\n"
        "  4:9  warning  GOV009  integration has no measurable success       "
        "integration/crm-customers-to-erp\n"
        "                        criterion: spec.success_measures missing\n"
        "ecosystem/integrations/website-leads-to-crm.yaml\n"
        "  4:9  error    GOV003  real-time integration has no fallback for   "
        "integration/website-leads-to-crm\n"
        "                        when crm is down or rate-limited:\n"
        "                        spec.fallback missing\n"
        "\n"
        "1 error, 1 warning, 0 info in 13 entities from 11 files (as of 2026-11-23)\n")
    assert max(len(line) for line in result.stdout.splitlines()) <= 100
