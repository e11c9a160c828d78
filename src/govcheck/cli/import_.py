"""`govcheck import FORMAT SOURCE...`: manifests from a Backstage catalog, CSV inventories or
data contracts (the work is app.imports.run_import)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from govcheck.app.imports import FORMATS, ImportResult, run_import
from govcheck.app.project import open_project
from govcheck.cli.options import config_option
from govcheck.errors import EXIT_OK, EXIT_USAGE
from govcheck.model.text import plural

KIND_WORDS = {"team": ("team", "teams"), "person": ("person", "people"),
              "system": ("system", "systems"), "dataset": ("dataset", "datasets"),
              "integration": ("integration", "integrations")}


@click.command("import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(list(FORMATS)))
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option("--into", metavar="DIR",
              help="Where to write the manifests (default: the ecosystem folder).")
@click.option("--partial", is_flag=True,
              help="Write what is right even when some of the input is wrong.")
@config_option()
def import_command(format_name: str, sources: tuple[str, ...], into: str | None, partial: bool,
                   config_file: str | None) -> None:
    """Write govcheck manifests from a Backstage catalog (backstage), systems and
    integrations inventories (csv) or data contracts (datacontract). Never overwrites; what the
    input cannot say is TODO, which 'govcheck check' reports (GOV020)."""
    cwd = Path.cwd()
    target = Path(into) if into else open_project(cwd, config_file).ecosystem
    result = run_import(format_name, [Path(source) for source in sources], target, partial, cwd)
    for problem in result.problems:
        click.echo(f"govcheck: error: {problem}", err=True)
    if result.problems and not partial:
        click.echo(f"govcheck: nothing written: fix the {plural(len(result.problems), 'problem')}"
                   " above, or --partial writes the rest", err=True)
        sys.exit(EXIT_USAGE)
    for line in _report(result):
        click.echo(line)
    sys.exit(EXIT_OK)


def _report(result: ImportResult) -> list[str]:
    lines = [f"wrote {path} ({key})" for key, path in result.written]
    lines += [f"skipped {item.key}: {item.reason}" for item in result.skipped]
    lines += [f"note: {note}" for note in result.notes]
    kinds = ", ".join(plural(count, *KIND_WORDS.get(kind, (kind, kind + "s")))
                      for kind, count in sorted(result.kinds.items()))
    summary = (f"imported {plural(len(result.written), 'entity', 'entities')}"
               f"{f' ({kinds})' if kinds else ''} into {result.into}")
    if result.skipped:
        summary += f"; {len(result.skipped)} skipped"
    lines.append(summary + f"; {plural(result.todos, 'decision')} left as TODO")
    if result.written:
        lines.append("next: 'govcheck check' lists the governance work still to do; "
                     "'govcheck baseline' accepts it for now, so that CI fails only on new "
                     "findings")
    return lines
