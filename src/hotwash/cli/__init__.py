"""The command line: thin over the library. Each command lives in a small module.

Errors reach the user here and only here: a :class:`~hotwash.errors.HotwashError` becomes
one line on stderr and a non-zero exit; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from importlib import import_module

import click

from hotwash import __version__
from hotwash.errors import HotwashError

#: command name -> "module:function", in the order of a post-mortem (and of --help).
#: Modules are imported only when needed.
COMMANDS: dict[str, str] = {
    "init": "hotwash.cli.document:init",
    "collect": "hotwash.cli.collect:collect",
    "timeline": "hotwash.cli.timeline:timeline",
    "check": "hotwash.cli.document:check",
    "rule": "hotwash.cli.document:rule",
    "render": "hotwash.cli.document:render",
    "publish": "hotwash.cli.publish:publish",
    "sync": "hotwash.cli.publish:sync",
    "followups": "hotwash.cli.publish:followups",
    "schema": "hotwash.cli.document:schema",
    "demo": "hotwash.cli.demo:demo",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, keeping start-up fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command = getattr(import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotwash")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Blameless post-mortems: evidence, UTC timeline, checks, reports, follow-through.

    Start with `hotwash demo` to see the whole pipeline on the bundled example, or
    `hotwash init INCIDENT-FOLDER` to start a post-mortem.
    """
    ctx.obj = {"debug": debug}


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn Hotwash errors into one line and exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="hotwash", standalone_mode=False)
        return None
    except HotwashError as exc:
        if debug:
            raise
        click.echo(f"hotwash: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("hotwash: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("hotwash: interrupted", err=True)
        sys.exit(130)
