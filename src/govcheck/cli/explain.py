"""`govcheck explain RULE`: a rule's rationale, remediation and example."""
from __future__ import annotations

from pathlib import Path

import click

from govcheck.app.project import open_project
from govcheck.cli.options import config_option
from govcheck.errors import GovcheckError
from govcheck.load.schema import suggest


@click.command()
@click.argument("rule_id", metavar="RULE")
@config_option()
def explain(rule_id: str, config_file: str | None) -> None:
    """Show a rule's rationale, remediation and an example."""
    loaded = open_project(Path.cwd(), config_file).rules()
    rule = loaded.get(rule_id.upper()) or loaded.get(rule_id)
    if rule is None:
        raise GovcheckError(f"unknown rule '{rule_id}'{suggest(rule_id.upper(), loaded)}; "
                            "'govcheck rules' lists them")
    click.echo(f"{rule.id}: {rule.title} (default severity: {rule.severity.value})\n")
    click.echo(f"Why:\n  {rule.rationale}\n\nHow to fix:\n  {rule.remediation}\n")
    if rule.example:
        example = "\n".join(f"  {line}" for line in rule.example.rstrip().splitlines())
        click.echo(f"Example:\n{example}")
