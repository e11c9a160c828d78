"""`govcheck show KIND/NAME`: everything the estate says about one entity, in one place."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.project import open_project
from govcheck.app.show import show_entity
from govcheck.cli.options import (
    as_of_option,
    config_option,
    manifest_named,
    output_option,
    parse_as_of,
)
from govcheck.outputs import FormatOptions
from govcheck.outputs.publish import write
from govcheck.outputs.show import SHOW_RENDERERS


@click.command()
@click.argument("reference", metavar="KIND/NAME")
@click.option("-f", "--format", "format_name", type=click.Choice(list(SHOW_RENDERERS)),
              default="text", show_default=True)
@output_option("Write the answer to FILE instead of stdout.")
@config_option()
@as_of_option("Judge dates (findings) as of this day (YYYY-MM-DD).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing (--output is still written).")
@click.option("--color/--no-color", default=None, help="Accepted for every command; show "
              "prints no colour.")
def show(reference: str, format_name: str, output: str | None, config_file: str | None,
         as_of: str | None, quiet: bool, color: bool | None) -> None:
    """Everything the estate says about one entity (dataset/customer, system/crm, team/...,
    person/..., integration/...): owners, approvers, links, load, findings."""
    date = parse_as_of(as_of)
    project = open_project(Path.cwd(), config_file)
    view = show_entity(project, reference, date)
    text = SHOW_RENDERERS[format_name](view, FormatOptions())
    if output is not None or not quiet:
        write(text, output, manifest_named)
