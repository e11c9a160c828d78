"""The command line. Every user-facing error is caught here, once, and becomes exit 2."""
from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import click

from govcheck import __version__
from govcheck.cli.selection import selection_options
from govcheck.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, GovcheckError
from govcheck.model.findings import Severity

CHECK_FORMAT_NAMES = ["text", "table", "json", "sarif", "github", "markdown", "junit"]


def parse_as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GovcheckError(f"--as-of '{value}' is not a date (YYYY-MM-DD)") from None


class LazyGroup(click.Group):
    """Commands defined in their own modules, imported only when run (fast start-up)."""

    lazy: ClassVar[dict[str, str]] = {"diff": "cli.diff:diff", "graph": "cli.graph:graph",
            "codeowners": "cli.codeowners:codeowners", "baseline": "cli.baseline:baseline",
            "import": "cli.import_:import_command"}

    def invoke(self, ctx: click.Context) -> Any:
        """What the user must fix is one line on stderr and exit 2, for every command."""
        try:
            return super().invoke(ctx)
        except GovcheckError as error:
            click.echo(f"govcheck: error: {error}", err=True)
            ctx.exit(EXIT_USAGE)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module_name, _, attribute = self.lazy[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(f"govcheck.{module_name}"),
                                             attribute)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="govcheck")
def cli() -> None:
    """Governance-as-code checks for business-platform integrations."""


@cli.command()
@click.argument("path", required=False)
@click.option("--config", "config_file", metavar="FILE", help="govcheck.yaml to use.")
@click.option("--format", "format_name", type=click.Choice(CHECK_FORMAT_NAMES), default=None,
              help="Output format (default: text; github annotations in GitHub Actions).")
@click.option("--output", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--report", "reports", metavar="FORMAT=FILE", multiple=True,
              help="Also write the report in FORMAT to FILE (repeatable), e.g. sarif=out.sarif.")
@click.option("--as-of", metavar="DATE", help="Judge dates as of this day (YYYY-MM-DD).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error",
              show_default=True, help="Lowest severity that fails the run (exit 1).")
@click.option("--show-waived", is_flag=True, help="List waived findings in text output too.")
@click.option("--no-cache", is_flag=True,
              help="Parse every file afresh (the cache lives in the user cache folder).")
@selection_options
@click.option("--baseline", "baseline_file", metavar="FILE",
              help="The baseline to use (default: 'baseline:' in govcheck.yaml, else "
                   ".govcheck-baseline.json).")
@click.option("--no-baseline", is_flag=True, help="Report every finding, the baselined too.")
def check(path: str | None, config_file: str | None, format_name: str | None,
          output: str | None, reports: tuple[str, ...], as_of: str | None, fail_on: str,
          show_waived: bool, no_cache: bool, select: tuple[str, ...], ignore: tuple[str, ...],
          baseline_file: str | None, no_baseline: bool) -> None:
    """Check the manifests under PATH (default: the ecosystem folder)."""
    from govcheck.app.project import CheckOptions, load_estate, open_project, run_check
    from govcheck.changes.report import FormatOptions
    from govcheck.outputs import CHECK_FORMATS
    from govcheck.outputs.publish import (
        Destination,
        default_format,
        parse_reports,
        publish,
    )
    from govcheck.rules.selection import split_selectors

    date = parse_as_of(as_of)
    destinations = [Destination(default_format(format_name, os.environ), output),
                    *parse_reports(reports, CHECK_FORMATS)]
    project = open_project(Path.cwd(), config_file)
    target = Path(path) if path else project.ecosystem
    options = CheckOptions(split_selectors(select), split_selectors(ignore), baseline_file,
                           not no_baseline)
    report = run_check(project, target, date, Severity(fail_on), not no_cache, options)
    reasons = {f"waiver:{w.get('rule')}:{w.get('entity')}": str(w.get("reason", ""))
               for w in project.config.waivers}

    def render(function: Callable[..., str], color: bool) -> str:
        return function(report, FormatOptions(color=color, show_waived=show_waived, extra=reasons))

    def ecosystem_map() -> str:
        from govcheck.views.graph import build_map, graph_markdown

        estate = load_estate(project, target, not no_cache)
        return "### Ecosystem map\n\n" + graph_markdown(build_map(estate, report.findings))

    publish(report, CHECK_FORMATS, destinations, render, "check",
            lambda target: _is_manifest(target, project.ecosystem, project.config.root), os.environ,
            ecosystem_map)
    sys.exit(EXIT_FINDINGS if report.failed else EXIT_OK)


def _is_manifest(target: Path, ecosystem: Path, config_root: Path) -> bool:
    resolved = target.resolve()
    if resolved == (config_root / "govcheck.yaml").resolve():
        return True
    return resolved.suffix in (".yaml", ".yml") and ecosystem.resolve() in resolved.parents


@cli.command()
@click.option("--format", "format_name", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--config", "config_file", metavar="FILE", help="govcheck.yaml to use.")
@click.option("--test", "case_folder", metavar="FOLDER",
              help="Run the rule cases in FOLDER (passing and failing estates with their exact "
                   "findings) against the rules, built-in and your own.")
@selection_options
def rules(format_name: str, config_file: str | None, case_folder: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """List every rule, its severity (off when not selected) and title; or test rules against
    their cases."""
    import json

    from govcheck.app.project import open_project
    from govcheck.rules.selection import split_selectors

    project = open_project(Path.cwd(), config_file)
    loaded = project.rules()
    selection = project.selection(loaded, split_selectors(select), split_selectors(ignore))
    if case_folder is not None:
        sys.exit(_test_rules(Path(case_folder), loaded))
    rows = [(rule.id, project.config.severities.get(rule.id, rule.severity.value)
             if selection.enabled(rule.id) else "off", rule.title) for rule in loaded.values()]
    if format_name == "json":
        click.echo(json.dumps([{"id": i, "severity": s, "title": t, "enabled": s != "off"}
                               for i, s, t in rows], indent=2))
        return
    for rule_id, severity, title in rows:
        click.echo(f"{rule_id}  {severity:<7}  {title}")


def _test_rules(folder: Path, loaded: dict[str, Any]) -> int:
    from govcheck.rules.cases import run_folder

    failed = passed = 0
    for result in run_folder(folder, loaded):
        if result.passed:
            passed += 1
            click.echo(f"PASS {result.rule}-{result.name}")
            continue
        failed += 1
        click.echo(f"FAIL {result.rule}-{result.name}")
        for word, findings in (("expected", result.expected), ("got", result.actual)):
            click.echo(f"  {word}:" + ("" if findings else " no findings"))
            for finding in findings:
                click.echo(f"    {finding['file']}:{finding['line']}:{finding['column']}: "
                           f"{finding['severity']} {finding['rule']} {finding['message']} "
                           f"[{finding['entity']}]{' (waived)' if finding['waived'] else ''}")
    click.echo(f"{passed} passed, {failed} failed")
    return EXIT_FINDINGS if failed or not passed else EXIT_OK


@cli.command()
@click.argument("rule_id", metavar="RULE")
@click.option("--config", "config_file", metavar="FILE", help="govcheck.yaml to use.")
def explain(rule_id: str, config_file: str | None) -> None:
    """Show a rule's rationale, remediation and an example."""
    from govcheck.app.project import open_project
    from govcheck.load.schema import suggest

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


@cli.command()
@click.argument("directory", default=".", required=False)
@click.option("--force", is_flag=True, help="Write into a non-empty folder, replacing files.")
def init(directory: str, force: bool) -> None:
    """Write a small, valid starter ecosystem into DIRECTORY (never overwrites)."""
    from govcheck.app.starter import write_starter

    for path in write_starter(Path(directory), dt.date.today(), force):
        click.echo(f"wrote {path}")
    click.echo("next: cd into the folder and run 'govcheck check'")


@cli.command()
@click.argument("kind", required=False)
@click.option("--output-dir", metavar="DIR", help="Write one <kind>.schema.json per kind here.")
def schema(kind: str | None, output_dir: str | None) -> None:
    """JSON Schemas of the manifest kinds, for editors (yaml-language-server)."""
    from govcheck.app.schema import export_schemas

    for line in export_schemas(kind, Path(output_dir) if output_dir else None):
        click.echo(line)


def _bug(error: BaseException) -> NoReturn:
    import yaml

    versions = (f"govcheck {__version__}, Python {platform.python_version()}, "
                f"PyYAML {yaml.__version__}, click {click.__version__}")
    click.echo(f"govcheck: internal error (this is a bug, please report it with the command "
               f"you ran): {type(error).__name__}: {error} [{versions}]", err=True)
    sys.exit(EXIT_USAGE)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one line and exit 2 for anything that stops govcheck doing its job."""
    try:
        # Without standalone mode click returns the code of ctx.exit() instead of exiting.
        code = cli.main(args=argv, prog_name="govcheck", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("govcheck: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except GovcheckError as error:
        click.echo(f"govcheck: error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as error:  # noqa: BLE001 - the one place that turns bugs into a message
        _bug(error)
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
