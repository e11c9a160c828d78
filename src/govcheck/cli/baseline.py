"""`govcheck baseline`: accept today's findings, so that `check` fails only on new ones."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from govcheck.app.baseline import (
    BaselineRequest,
    BaselineResult,
    write_project_baseline,
)
from govcheck.app.project import open_project
from govcheck.cli.options import as_of_option, config_option, parse_as_of, selection_options
from govcheck.errors import EXIT_FINDINGS, EXIT_OK, GovcheckError
from govcheck.model.text import plural
from govcheck.rules.selection import split_selectors


@click.command()
@click.argument("path", required=False)
@click.option("-o", "--output", metavar="FILE",
              help="The baseline file (default: 'baseline:' in govcheck.yaml, else "
                   ".govcheck-baseline.json beside it).")
@click.option("--prune", is_flag=True,
              help="Only remove the entries that no longer occur; never adds one.")
@click.option("--force", is_flag=True, help="Replace an existing baseline with today's findings.")
@click.option("--expires", metavar="DATE",
              help="After this day (YYYY-MM-DD) the baseline accepts nothing any more.")
@config_option()
@as_of_option()
@selection_options
def baseline(path: str | None, output: str | None, prune: bool, force: bool,
             expires: str | None, config_file: str | None, as_of: str | None,
             select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Record today's findings as accepted: `check` then fails only on new ones."""
    date = parse_as_of(as_of)
    project = open_project(Path.cwd(), config_file)
    request = BaselineRequest(Path(path) if path else None, output, prune, force,
                              _date(expires), split_selectors(select), split_selectors(ignore))
    result = write_project_baseline(project, request, date)
    for line in _summary(result, prune):
        click.echo(line)
    if result.never_baselined:
        count = len(result.never_baselined)
        click.echo(f"{plural(count, 'GOV000 finding')} not in the baseline: a file that "
                   "cannot be read is never accepted; 'govcheck check' lists "
                   f"{'it' if count == 1 else 'them'}", err=True)
    sys.exit(EXIT_FINDINGS if result.never_baselined else EXIT_OK)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GovcheckError(f"--expires '{value}' is not a date (YYYY-MM-DD)") from None


def _summary(result: BaselineResult, prune: bool) -> list[str]:
    size = result.baseline.size
    expiry = (f", until {result.baseline.expires.isoformat()}" if result.baseline.expires
              else "")
    if prune:
        return [(f"pruned {result.file}: {plural(result.removed, 'fixed finding')} removed, "
                f"{size} still accepted{expiry}")]
    rules = len({entry.rule for entry in result.baseline.entries})
    return [(f"wrote {result.file}: {plural(size, 'finding')} of {plural(rules, 'rule')} "
            f"accepted in {plural(result.entities, 'entity', 'entities')}{expiry}"),
            ("next: commit it; 'govcheck check' now fails only on new findings, and "
            "'govcheck diff' asks the governance approvers to sign off every entry added")]
