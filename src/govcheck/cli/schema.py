"""`govcheck schema`: the JSON Schemas of the manifest kinds, for editors."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.schema import export_schemas


@click.command()
@click.argument("kind", required=False)
@click.option("--output-dir", metavar="DIR", help="Write one <kind>.schema.json per kind here.")
def schema(kind: str | None, output_dir: str | None) -> None:
    """JSON Schemas of the manifest kinds, for editors (yaml-language-server)."""
    for line in export_schemas(kind, Path(output_dir) if output_dir else None):
        click.echo(line)
