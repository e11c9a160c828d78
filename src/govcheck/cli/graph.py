"""`govcheck graph`: the ecosystem map as Mermaid, Markdown (fenced Mermaid) or Graphviz DOT."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.graph import project_map
from govcheck.app.project import open_project
from govcheck.cli.options import as_of_option, config_option, output_option, parse_as_of
from govcheck.outputs.publish import write as emit
from govcheck.views.graph import markdown_page, to_dot, to_mermaid

MAP_FORMATS = ["mermaid", "markdown", "dot"]


@click.command()
@click.option("-f", "--format", "format_name", type=click.Choice(MAP_FORMATS),
              default="mermaid", show_default=True,
              help="Mermaid flowchart, a Markdown page with it, or Graphviz DOT.")
@output_option("Write the map to FILE instead of stdout.")
@config_option()
@as_of_option("Judge dates (for highlighted findings) as of this day (YYYY-MM-DD).")
def graph(format_name: str, output: str | None, config_file: str | None,
          as_of: str | None) -> None:
    """The ecosystem map: systems by category, integrations, systems of record, findings."""
    date = parse_as_of(as_of)
    project = open_project(Path.cwd(), config_file)
    ecosystem_map = project_map(project, date)
    if format_name == "dot":
        text = to_dot(ecosystem_map)
    elif format_name == "markdown":
        text = markdown_page(ecosystem_map, date.isoformat())
    else:
        text = to_mermaid(ecosystem_map)
    emit(text, output, lambda target: target.suffix in (".yaml", ".yml"))
