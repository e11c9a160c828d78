"""`govcheck graph`: the ecosystem map as Mermaid, Markdown (fenced Mermaid), Graphviz DOT, or
SVG drawn by Graphviz."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.graph import project_map
from govcheck.app.project import open_project
from govcheck.cli.options import (
    as_of_option,
    config_option,
    manifest_named,
    output_option,
    parse_as_of,
)
from govcheck.outputs.publish import write as emit
from govcheck.views.graph import MAP_FORMATS


@click.command()
@click.option("-f", "--format", "format_name", type=click.Choice(list(MAP_FORMATS)),
              default="mermaid", show_default=True,
              help="Mermaid flowchart, a Markdown page with it, Graphviz DOT, or SVG drawn by "
                   "Graphviz (its dot program must be installed).")
@output_option("Write the map to FILE instead of stdout.")
@config_option()
@as_of_option("Judge dates (for highlighted findings) as of this day (YYYY-MM-DD).")
def graph(format_name: str, output: str | None, config_file: str | None,
          as_of: str | None) -> None:
    """The ecosystem map: systems by category, integrations, systems of record, findings."""
    date = parse_as_of(as_of)
    project = open_project(Path.cwd(), config_file)
    ecosystem_map = project_map(project, date)
    text = MAP_FORMATS[format_name](ecosystem_map, date.isoformat())
    emit(text, output, manifest_named)
