"""`govcheck rules`: list the rules, or test them against their cases."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from govcheck.app.project import Project, open_project
from govcheck.cli.options import config_option, selection_options
from govcheck.errors import EXIT_FINDINGS, EXIT_OK, GovcheckError
from govcheck.rules.policy import BUILT_IN, rule_origin
from govcheck.rules.selection import split_selectors


@click.command()
@click.option("-f", "--format", "format_name", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
@config_option()
@click.option("--test", "case_folder", metavar="FOLDER|PACK", is_flag=False, flag_value="",
              help="Run the rule cases in FOLDER, or a pack's own cases (PACK as govcheck.yaml "
                   "extends it; --test alone: every pack's), against the rules: passing and "
                   "failing estates with their exact findings.")
@selection_options
def rules(format_name: str, config_file: str | None, case_folder: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """List every rule, its severity (off when not selected) and title; or test rules against
    their cases."""
    project = open_project(Path.cwd(), config_file)
    loaded = project.rules()
    selection = project.selection(loaded, split_selectors(select), split_selectors(ignore))
    if case_folder is not None:
        sys.exit(_test_rules(_case_folders(project, case_folder), loaded))
    rows = [(rule, project.config.severities.get(rule.id, rule.severity.value)
             if selection.enabled(rule.id) else "off") for rule in loaded.values()]
    if format_name == "json":
        click.echo(json.dumps([{"id": rule.id, "severity": severity, "title": rule.title,
                                "enabled": severity != "off", "source": rule_origin(rule)}
                               for rule, severity in rows], indent=2))
        return
    for rule, severity in rows:
        origin = rule_origin(rule)
        click.echo(f"{rule.id}  {severity:<7}  {rule.title}"
                   + ("" if origin == BUILT_IN else f"  ({origin})"))


def _case_folders(project: Project, wanted: str) -> list[Path]:
    """--test FOLDER, --test PACK (a pack govcheck.yaml extends), or --test: every pack's."""
    packs = {pack.name: pack for pack in project.packs}
    if wanted in packs:
        return [packs[wanted].cases]
    if wanted:
        return [Path(wanted)]
    folders = [pack.cases for pack in project.packs if pack.cases.is_dir()]
    if not folders:
        raise GovcheckError("no policy pack in 'extends:' has rule cases (a cases/ folder): "
                            "--test FOLDER runs the cases in a folder")
    return folders


def _test_rules(folders: list[Path], loaded: dict[str, Any]) -> int:
    from govcheck.rules.cases import run_folder

    failed = passed = 0
    for result in (result for folder in folders for result in run_folder(folder, loaded)):
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
