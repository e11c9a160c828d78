"""`govcheck init`: a small, valid starter ecosystem."""
from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path

import click

from govcheck.app.starter import write_starter


@click.command()
@click.argument("directory", default=".", required=False)
@click.option("--force", is_flag=True, help="Write into a non-empty folder, replacing files.")
def init(directory: str, force: bool) -> None:
    """Write a small, valid starter ecosystem into DIRECTORY (never overwrites)."""
    for path in write_starter(Path(directory), dt.date.today(), force):
        click.echo(f"wrote {path}")
    click.echo(f"next: {next_step(Path(directory), Path.cwd())}")


def next_step(directory: Path, cwd: Path) -> str:
    """What to type next, from where the user stands."""
    if directory.resolve() == cwd.resolve():
        return "run 'govcheck check'"
    return f"run 'cd {shlex.quote(str(directory))} && govcheck check'"
