"""`hotwash collect`: gather the incident window's evidence into the workspace."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from hotwash.collect import CollectResult, Progress


def _instant(text: str | None, option: str) -> datetime | None:
    from hotwash.errors import ConfigError
    from hotwash.timeutil import parse_instant

    if text is None:
        return None
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise ConfigError(f"{option}: {exc}") from exc


@click.command()
@click.argument("workspace", type=click.Path(path_type=Path), default=Path("."))
@click.option("--source", "sources", multiple=True, help="Collect only this source (repeatable).")
@click.option("--since", help="Window start, ISO-8601 with a zone (default: from milestones).")
@click.option("--until", help="Window end, ISO-8601 with a zone (default: from milestones).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def collect(
    workspace: Path, sources: tuple[str, ...], since: str | None, until: str | None, as_json: bool
) -> None:
    """Collect the evidence of the incident window from every configured source.

    Keeps an exact copy of each artefact in evidence/, parses it into records/, and
    says what each source covers and where it has gaps. Exits 1 when a source failed.
    """
    from hotwash.collect import collect as run_collect

    progress, stop = _progress(quiet=as_json)
    try:
        result = run_collect(
            workspace,
            since=_instant(since, "--since"),
            until=_instant(until, "--until"),
            only=sources,
            progress=progress,
        )
    finally:
        stop()
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        _print_summary(result)
    if not result.ok:
        sys.exit(1)


def _progress(quiet: bool) -> tuple[Progress | None, Callable[[], None]]:
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    bar.start()
    tasks: dict[str, TaskID] = {}

    def report(name: str, what: str) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=None)
        done = what in {"done", "failed"}
        bar.update(tasks[name], description=f"{name}: {what}", completed=1 if done else 0)

    return report, bar.stop


def _print_summary(result: CollectResult) -> None:
    from rich.console import Console

    from hotwash.collect.summary import summary_table

    Console(width=max(120, Console().width), soft_wrap=True).print(summary_table(result))
