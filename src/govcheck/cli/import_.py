"""`govcheck import`: manifests from where the facts already are (placeholder)."""
from __future__ import annotations

import click


@click.command("import")
def import_command() -> None:
    """Write govcheck manifests from a Backstage catalog, CSV inventories or data contracts."""
