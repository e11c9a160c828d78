"""`govcheck graph`: the ecosystem map as Mermaid, Markdown (fenced Mermaid), Graphviz DOT, or
SVG drawn by Graphviz."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from govcheck.app.project import Project, load_estate, open_project, report_for
from govcheck.cli import parse_as_of
from govcheck.model.findings import Severity
from govcheck.outputs.publish import write as emit
from govcheck.views.graph import MAP_FORMATS, EcosystemMap, build_map


def project_map(project: Project, as_of: dt.date) -> EcosystemMap:
    """The map of a project's estate, with the findings of a check as of `as_of`."""
    estate = load_estate(project, project.ecosystem)
    report = report_for(estate, project, project.rules(), as_of, Severity.ERROR)
    return build_map(estate, report.findings)


@click.command()
@click.option("--format", "format_name", type=click.Choice(list(MAP_FORMATS)),
              default="mermaid", show_default=True,
              help="Mermaid flowchart, a Markdown page with it, Graphviz DOT, or SVG drawn by "
                   "Graphviz (its dot program must be installed).")
@click.option("--output", metavar="FILE", help="Write the map to FILE instead of stdout.")
@click.option("--config", "config_file", metavar="FILE", help="govcheck.yaml to use.")
@click.option("--as-of", metavar="DATE",
              help="Judge dates (for highlighted findings) as of this day (YYYY-MM-DD).")
def graph(format_name: str, output: str | None, config_file: str | None,
          as_of: str | None) -> None:
    """The ecosystem map: systems by category, integrations, systems of record, findings."""
    date = parse_as_of(as_of)
    project = open_project(Path.cwd(), config_file)
    ecosystem_map = project_map(project, date)
    text = MAP_FORMATS[format_name](ecosystem_map, date.isoformat())
    emit(text, output, lambda target: target.suffix in (".yaml", ".yml"))
