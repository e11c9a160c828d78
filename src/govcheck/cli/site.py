"""`govcheck site DIR`: the estate as a static web site, for a browser, offline."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.project import open_project
from govcheck.app.site import SiteResult, build_site
from govcheck.cli.options import as_of_option, config_option, parse_as_of, quiet_option


@click.command()
@click.argument("directory", metavar="DIR")
@config_option()
@as_of_option()
@click.option("--force", is_flag=True,
              help="Write into a folder that holds other files (replacing any a page needs; "
                   "nothing is deleted).")
@quiet_option
def site(directory: str, config_file: str | None, as_of: str | None, force: bool,
         quiet: bool) -> None:
    """Write the estate as a static web site into DIR: an overview with the map, the
    findings and who owns what, and a page per entity. It works opened from disk, offline."""
    date = parse_as_of(as_of)
    result = build_site(open_project(Path.cwd(), config_file), Path(directory), date, force)
    if not quiet:
        click.echo(summary(result, directory))


def summary(result: SiteResult, directory: str) -> str:
    """`wrote 73 pages to public (0 findings shown)` and where to open it."""
    parts = [f"wrote {len(result.pages)} pages to {directory}"]
    if result.removed:
        parts.append(f"removed {_count(len(result.removed), 'old page')}")
    if result.kept:
        parts.append(f"left {_count(len(result.kept), 'edited old file')} alone")
    return (f"{', '.join(parts)} ({_count(result.findings, 'finding')} shown)\n"
            f"open {Path(directory) / 'index.html'}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
