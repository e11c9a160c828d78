"""`govcheck check`: the rules over the manifests (the work is app.check.run_check)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from govcheck.app.check import CheckOptions, CheckResult, run_check
from govcheck.app.project import open_project
from govcheck.cli.options import (
    as_of_option,
    color_option,
    config_option,
    format_option,
    manifest_named,
    no_cache_option,
    output_option,
    parse_as_of,
    quiet_option,
    report_option,
    selection_options,
)
from govcheck.errors import EXIT_FINDINGS, EXIT_OK
from govcheck.model.findings import Severity
from govcheck.outputs import CHECK_FORMATS, FormatOptions
from govcheck.outputs.publish import (
    Destination,
    PublishRequest,
    default_format,
    parse_reports,
    publish,
)
from govcheck.rules.selection import split_selectors


@click.command()
@click.argument("path", required=False)
@config_option()
@format_option(list(CHECK_FORMATS), None,
               "Output format (default: text; github annotations in GitHub Actions).")
@output_option()
@report_option("sarif=out.sarif")
@as_of_option()
@click.option("--fail-on", type=click.Choice([severity.value for severity in Severity]),
              default=Severity.ERROR.value, show_default=True,
              help="Lowest severity that fails the run (exit 1).")
@click.option("--show-waived", is_flag=True, help="List waived findings in text output too.")
@no_cache_option
@quiet_option
@color_option
@selection_options
@click.option("--baseline", "baseline_file", metavar="FILE",
              help="The baseline to use (default: 'baseline:' in govcheck.yaml, else "
                   ".govcheck-baseline.json).")
@click.option("--no-baseline", is_flag=True, help="Report every finding, the baselined too.")
def check(path: str | None, config_file: str | None, format_name: str | None,
          output: str | None, reports: tuple[str, ...], as_of: str | None, fail_on: str,
          show_waived: bool, no_cache: bool, quiet: bool, color: bool | None,
          select: tuple[str, ...], ignore: tuple[str, ...], baseline_file: str | None,
          no_baseline: bool) -> None:
    """Check the manifests under PATH (default: the ecosystem folder)."""
    date = parse_as_of(as_of)
    destinations = [Destination(default_format(format_name, os.environ), output),
                    *parse_reports(reports, CHECK_FORMATS)]
    project = open_project(Path.cwd(), config_file)
    target = Path(path) if path else project.ecosystem
    choices = CheckOptions(split_selectors(select), split_selectors(ignore), baseline_file,
                           not no_baseline)
    result = run_check(project, target, date, Severity(fail_on), not no_cache, choices)
    reasons = {f"waiver:{w.get('rule')}:{w.get('entity')}": str(w.get("reason", ""))
               for w in project.config.waivers}
    options = FormatOptions(show_waived=show_waived, extra=reasons, quiet=quiet)
    publish(PublishRequest(result.report, "check", CHECK_FORMATS, destinations, options,
                           lambda file: _is_manifest(file, project.ecosystem,
                                                     project.config.root),
                           color, lambda: _map_summary(result)), os.environ)
    sys.exit(EXIT_FINDINGS if result.report.failed else EXIT_OK)


def _map_summary(result: CheckResult) -> str:
    """The ecosystem map for the step summary, from the estate the check judged."""
    from govcheck.views.graph import build_map, graph_markdown

    return "### Ecosystem map\n\n" + graph_markdown(build_map(result.estate(),
                                                              result.report.findings))


def _is_manifest(target: Path, ecosystem: Path, config_root: Path) -> bool:
    resolved = target.resolve()
    if resolved == (config_root / "govcheck.yaml").resolve():
        return True
    return manifest_named(resolved) and ecosystem.resolve() in resolved.parents
