"""`govcheck diff`: classify the governance changes between two revisions and check their
sign-off (the work is app.diff.run_diff)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from govcheck.app.diff import DiffOptions, run_diff
from govcheck.changes.report import FAIL_ON_CLASSES, FAIL_ON_UNSIGNED, ChangeClass
from govcheck.cli.options import (
    color_option,
    config_option,
    format_option,
    no_cache_option,
    output_option,
    quiet_option,
    report_option,
)
from govcheck.errors import EXIT_FINDINGS, EXIT_OK
from govcheck.model.document import MANIFEST_SUFFIXES
from govcheck.outputs import DIFF_FORMATS, FormatOptions
from govcheck.outputs.publish import (
    Destination,
    PublishRequest,
    default_format,
    parse_reports,
    publish,
)

FAIL_ON_CHOICES = [*(change_class.value for change_class in FAIL_ON_CLASSES), FAIL_ON_UNSIGNED]


@click.command()
@click.argument("revision_range", metavar="[RANGE]", required=False)
@click.option("--base", metavar="REF", help="Base revision (default: $GITHUB_BASE_REF, the "
              "upstream, or main; compared from the merge base).")
@click.option("--head", metavar="REF", help="Head revision (default: HEAD).")
@click.option("--worktree", is_flag=True, help="Compare with the uncommitted files.")
@click.option("--staged", is_flag=True, help="Compare with the index (pre-commit).")
@click.option("--approved-by", "approved_by", multiple=True, metavar="WHO",
              help="A person who signed off: name, email or GitHub login (repeatable).")
@click.option("--reviews", "reviews_file", metavar="FILE",
              help="Pull-request reviews saved from the GitHub REST API (JSON).")
@click.option("--require-fresh", is_flag=True,
              help="Count only GitHub approvals given on the head commit.")
@format_option(list(DIFF_FORMATS), None,
               "Output format (default: text; github annotations in GitHub Actions).")
@output_option()
@report_option("sarif=diff.sarif")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default=FAIL_ON_UNSIGNED,
              show_default=True, help="Also fail (exit 1) on changes of this class or worse; "
              "a missing required sign-off always fails.")
@config_option("govcheck.yaml to use, read at each revision.")
@no_cache_option
@quiet_option
@color_option
def diff(revision_range: str | None, base: str | None, head: str | None, worktree: bool,
         staged: bool, approved_by: tuple[str, ...], reviews_file: str | None,
         require_fresh: bool, format_name: str | None, output: str | None,
         reports: tuple[str, ...], fail_on: str, config_file: str | None,
         no_cache: bool, quiet: bool, color: bool | None) -> None:
    """Classify the governance changes between two revisions and check their sign-off."""
    destinations = [Destination(default_format(format_name, os.environ), output),
                    *parse_reports(reports, DIFF_FORMATS)]
    threshold = None if fail_on == FAIL_ON_UNSIGNED else ChangeClass(fail_on)
    options = DiffOptions(revision_range, base, head, worktree, staged, approved_by,
                          reviews_file, require_fresh, threshold, config_file, not no_cache)
    report, protected = run_diff(options, Path.cwd(), os.environ)

    publish(PublishRequest(report, "diff", DIFF_FORMATS, destinations, FormatOptions(quiet=quiet),
                           lambda target: _is_governance_file(target, protected), color),
            os.environ)
    sys.exit(EXIT_FINDINGS if report.failed else EXIT_OK)


def _is_governance_file(target: Path, protected: set[Path]) -> bool:
    """--output never replaces the config or a manifest."""
    resolved = target.resolve()
    return resolved in protected or (resolved.suffix in MANIFEST_SUFFIXES and any(
        folder in resolved.parents for folder in protected))


