"""`govcheck rules`: list the rules, or test them against their cases."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from govcheck.app.project import open_project
from govcheck.cli.options import config_option, selection_options
from govcheck.errors import EXIT_FINDINGS, EXIT_OK
from govcheck.rules.selection import split_selectors


@click.command()
@click.option("-f", "--format", "format_name", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
@config_option()
@click.option("--test", "case_folder", metavar="FOLDER",
              help="Run the rule cases in FOLDER (passing and failing estates with their exact "
                   "findings) against the rules, built-in and your own.")
@selection_options
def rules(format_name: str, config_file: str | None, case_folder: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """List every rule, its severity (off when not selected) and title; or test rules against
    their cases."""
    project = open_project(Path.cwd(), config_file)
    loaded = project.rules()
    selection = project.selection(loaded, split_selectors(select), split_selectors(ignore))
    if case_folder is not None:
        sys.exit(_test_rules(Path(case_folder), loaded))
    rows = [(rule.id, project.config.severities.get(rule.id, rule.severity.value)
             if selection.enabled(rule.id) else "off", rule.title) for rule in loaded.values()]
    if format_name == "json":
        click.echo(json.dumps([{"id": i, "severity": s, "title": t, "enabled": s != "off"}
                               for i, s, t in rows], indent=2))
        return
    for rule_id, severity, title in rows:
        click.echo(f"{rule_id}  {severity:<7}  {title}")


def _test_rules(folder: Path, loaded: dict[str, Any]) -> int:
    from govcheck.rules.cases import run_folder

    failed = passed = 0
    for result in run_folder(folder, loaded):
        if result.passed:
            passed += 1
            click.echo(f"PASS {result.rule}-{result.name}")
            continue
        failed += 1
        click.echo(f"FAIL {result.rule}-{result.name}")
        for word, findings in (("expected", result.expected), ("got", result.actual)):
            click.echo(f"  {word}:" + ("" if findings else " no findings"))
            for finding in findings:
                click.echo(f"    {finding['file']}:{finding['line']}:{finding['column']}: "
                           f"{finding['severity']} {finding['rule']} {finding['message']} "
                           f"[{finding['entity']}]{' (waived)' if finding['waived'] else ''}")
    click.echo(f"{passed} passed, {failed} failed")
    return EXIT_FINDINGS if failed or not passed else EXIT_OK
