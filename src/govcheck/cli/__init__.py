"""The command line: the table of commands, and the one place that turns errors into exit
codes (0 ok, 1 findings or a failed gate, 2 a usage or input error, 3 a bug in govcheck).

Each command is a module of this package, imported only when it runs (fast start-up); the
table below names, for each, the function that imports it."""
from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from govcheck import __version__
from govcheck.errors import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, GovcheckError


def _baseline() -> click.Command:
    from govcheck.cli.baseline import baseline
    return baseline


def _check() -> click.Command:
    from govcheck.cli.check import check
    return check


def _codeowners() -> click.Command:
    from govcheck.cli.codeowners import codeowners
    return codeowners


def _diff() -> click.Command:
    from govcheck.cli.diff import diff
    return diff


def _explain() -> click.Command:
    from govcheck.cli.explain import explain
    return explain


def _graph() -> click.Command:
    from govcheck.cli.graph import graph
    return graph


def _impact() -> click.Command:
    from govcheck.cli.impact import impact
    return impact


def _import() -> click.Command:
    from govcheck.cli.import_ import import_command
    return import_command


def _init() -> click.Command:
    from govcheck.cli.init import init
    return init


def _rules() -> click.Command:
    from govcheck.cli.rules import rules
    return rules


def _show() -> click.Command:
    from govcheck.cli.show import show
    return show


def _schema() -> click.Command:
    from govcheck.cli.schema import schema
    return schema


def _site() -> click.Command:
    from govcheck.cli.site import site
    return site


# Every command, and its one-line description for `govcheck --help` (kept here so that the
# list needs no command imported, and never cut mid-word).
COMMANDS: dict[str, tuple[Callable[[], click.Command], str]] = {
    "baseline": (_baseline, "Accept today's findings: check then fails only on new ones."),
    "check": (_check, "Check the manifests against the rules."),
    "codeowners": (_codeowners, "Print, write or check CODEOWNERS from the manifests."),
    "diff": (_diff, "Classify governance changes between revisions; check sign-off."),
    "explain": (_explain, "Show a rule's rationale, remediation and an example."),
    "graph": (_graph, "The ecosystem map: Mermaid, Markdown or Graphviz DOT."),
    "impact": (_impact, "What an outage or a replacement of a system touches."),
    "import": (_import, "Write manifests from a Backstage catalog, CSV or data contracts."),
    "init": (_init, "Write a small, valid starter ecosystem."),
    "rules": (_rules, "List the rules, or test them against their cases."),
    "schema": (_schema, "JSON Schemas of the manifest kinds, for editors."),
    "show": (_show, "Everything the estate says about one entity."),
    "site": (_site, "The estate as a static web site that works offline."),
}


class Commands(click.Group):
    """The group of the table's commands."""

    def invoke(self, ctx: click.Context) -> Any:
        """What the user must fix is one line on stderr and exit 2, for every command (also
        when the group is invoked directly, as tests do)."""
        try:
            return super().invoke(ctx)
        except GovcheckError as error:
            _error(error)
            ctx.exit(EXIT_USAGE)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = entry[0]()
        command.short_help = entry[1]
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in
                                sorted(COMMANDS.items())])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`--version` before any command prints and exits; `-v` beside it says more (both
        orders, so the flags are read here rather than one at a time by click)."""
        leading = _leading_options(args)
        if "--version" in leading and not ctx.resilient_parsing:
            from govcheck.cli.version import version_lines

            verbose = any(arg in ("-v", "--verbose") for arg in leading)
            for line in version_lines(verbose, Path.cwd()):
                click.echo(line)
            ctx.exit(EXIT_OK)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from govcheck.load.schema import suggest

            raise click.UsageError(f"no such command '{name}'{suggest(name, COMMANDS)}; "
                                   f"one of {', '.join(sorted(COMMANDS))}", ctx)
        return super().resolve_command(ctx, args)


def _leading_options(args: list[str]) -> list[str]:
    """The arguments before the command."""
    leading = []
    for arg in args:
        if not arg.startswith("-"):
            break
        leading.append(arg)
    return leading


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"],
                                             "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False,
              help="Show the version and exit; with -v also Python, the libraries and the "
                   "policy packs in use.")
@click.option("-v", "--verbose", is_flag=True, expose_value=False,
              help="With --version: the versions a bug report needs.")
def cli() -> None:
    """Governance-as-code checks for business-platform integrations."""


def _usage_error(error: click.UsageError) -> str:
    """click's usage errors in govcheck's one error style, with where to read more; what
    they quote (an argument) made printable."""
    from govcheck.outputs.escape import printable

    command = error.ctx.command_path if error.ctx is not None else "govcheck"
    # click lays out a list of choices on indented lines: one line here
    message = error.format_message().replace("\n\t", " ")
    return f"govcheck: error: {printable(message)} (see '{command} --help')"


def _error(error: GovcheckError) -> None:
    """One line on stderr; what the error quotes (a file name, an argument) made printable."""
    from govcheck.outputs.escape import printable

    click.echo(f"govcheck: error: {printable(str(error))}", err=True)


def _bug(error: BaseException) -> NoReturn:
    import platform
    from importlib.metadata import version

    import yaml

    from govcheck.outputs.escape import printable

    versions = (f"govcheck {__version__}, Python {platform.python_version()}, "
                f"PyYAML {yaml.__version__}, click {version('click')}")
    click.echo(f"govcheck: internal error (this is a bug, please report it with the command "
               f"you ran): {type(error).__name__}: {printable(str(error))} [{versions}]",
               err=True)
    sys.exit(EXIT_INTERNAL)


def _full_disk(error: OSError) -> NoReturn:
    """No room left to write (a command's output onto a full disk) is not a bug: one line,
    exit 2. Standard output goes nowhere from here, or the flush at exit would fail again."""
    from govcheck.outputs.publish import discard_stdout

    discard_stdout()
    click.echo(f"govcheck: error: cannot write: {error.strerror}", err=True)
    sys.exit(EXIT_USAGE)


def _unusable_path(error: OSError) -> NoReturn:
    """A path the system refuses by its very name (pathlib raises, where a missing file only
    answers False): the user's to fix, whichever option named it. One line, exit 2."""
    from govcheck.outputs.escape import printable

    click.echo(f"govcheck: error: cannot use the path '{printable(str(error.filename))}': "
               f"{error.strerror}", err=True)
    sys.exit(EXIT_USAGE)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one line on stderr for anything that stops govcheck doing its job."""
    try:
        # Without standalone mode click returns the code of ctx.exit() instead of exiting.
        code: Any = cli.main(args=argv, prog_name="govcheck", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.UsageError as error:
        click.echo(_usage_error(error), err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        from govcheck.outputs.escape import printable

        click.echo(f"govcheck: error: {printable(error.format_message())}", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("govcheck: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except GovcheckError as error:
        _error(error)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            _unusable_path(error)
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            _bug(error)
        _full_disk(error)
    except Exception as error:  # noqa: BLE001 - the one place that turns bugs into a message
        _bug(error)
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
