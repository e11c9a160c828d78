"""`govcheck schema`: the JSON Schemas of the manifest kinds, for editors."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.schema import export_schemas


@click.command()
@click.argument("kind", required=False)
@click.option("--output-dir", metavar="DIR",
              help="Write <kind>.schema.json for each kind, manifest.schema.json (any kind) and "
                   "config.schema.json (govcheck.yaml) here.")
def schema(kind: str | None, output_dir: str | None) -> None:
    """JSON Schemas for editors (yaml-language-server): KIND is a kind, `manifest` (any kind,
    picked by `kind`) or `config` (govcheck.yaml)."""
    for line in export_schemas(kind, Path(output_dir) if output_dir else None):
        click.echo(line)
