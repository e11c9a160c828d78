"""`govcheck site DIR`: the estate as a static web site, for a browser, offline."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.project import open_project
from govcheck.app.site import build_site
from govcheck.cli import parse_as_of


@click.command()
@click.argument("directory", metavar="DIR")
@click.option("--config", "-c", "config_file", metavar="FILE", help="govcheck.yaml to use.")
@click.option("--as-of", metavar="DATE", help="Judge dates as of this day (YYYY-MM-DD).")
@click.option("--force", is_flag=True,
              help="Write into a folder that holds other files (replacing any a page needs; "
                   "nothing is deleted).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when it works.")
def site(directory: str, config_file: str | None, as_of: str | None, force: bool,
         quiet: bool) -> None:
    """Write the estate as a static web site into DIR: an overview with the map, the
    findings and who owns what, and a page per entity. It works opened from disk, offline."""
    date = parse_as_of(as_of)
    result = build_site(open_project(Path.cwd(), config_file), Path(directory), date, force)
    if quiet:
        return
    extra = [f"removed {len(result.removed)} old page{'s' * (len(result.removed) != 1)}"] * bool(result.removed)
    extra += [f"left {len(result.kept)} edited old file{'s' * (len(result.kept) != 1)} alone"] * bool(result.kept)
    click.echo(f"wrote {len(result.pages)} pages to {directory}"
               + "".join(f", {part}" for part in extra)
               + f" ({result.findings} finding{'s' * (result.findings != 1)} shown)")
    click.echo(f"open {Path(directory) / 'index.html'}")
