"""`govcheck impact SYSTEM (--down DURATION | --replace)`: what an outage or a replacement of
one system means: what stops, goes stale, must be rebuilt, and who is alerted or signs off."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from govcheck.app.impact import run_impact
from govcheck.app.project import open_project
from govcheck.cli.options import (
    as_of_option,
    config_option,
    manifest_named,
    output_option,
    parse_as_of,
)
from govcheck.outputs import FormatOptions
from govcheck.outputs.impact import IMPACT_RENDERERS
from govcheck.outputs.publish import use_color, write


@click.command()
@click.argument("system")
@click.option("--down", metavar="DURATION",
              help="The system is down this long (ISO-8601 duration: PT4H, PT24H, P2D).")
@click.option("--replace", "replace_system", is_flag=True,
              help="The system is replaced (by spec.lifecycle.replaced_by, when it names one).")
@click.option("-f", "--format", "format_name", type=click.Choice(list(IMPACT_RENDERERS)),
              default="text", show_default=True)
@output_option("Write the answer to FILE instead of stdout.")
@config_option()
@as_of_option("Count contract months from this day (YYYY-MM-DD).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing (--output is still written).")
@click.option("--color/--no-color", default=None,
              help="Colour the text output (default: on a terminal, unless NO_COLOR is set).")
def impact(system: str, down: str | None, replace_system: bool, format_name: str,
           output: str | None, config_file: str | None, as_of: str | None, quiet: bool,
           color: bool | None) -> None:
    """What stops, goes stale, must be rebuilt, and who is alerted or signs off, if SYSTEM is
    down for a while (--down) or replaced (--replace)."""
    date = parse_as_of(as_of)
    project = open_project(Path.cwd(), config_file)
    result = run_impact(project, system, down, replace_system, date)
    painted = output is None and use_color(sys.stdout, os.environ, color)
    text = IMPACT_RENDERERS[format_name](result, FormatOptions(color=painted))
    if output is not None:
        write(text, output, manifest_named)
    elif not quiet:
        click.echo(text, nl=False, color=painted)
