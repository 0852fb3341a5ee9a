"""`hotwash timeline`: build the timeline from the collected evidence; accept it on request."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import click

from hotwash.errors import HotwashError


def _instant(value: str | None, name: str) -> datetime | None:
    from hotwash.timeutil import parse_instant

    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise HotwashError(f"{name}: {exc}") from exc


@click.command()
@click.argument("workspace", type=click.Path(path_type=Path), default=Path("."))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--accept",
    "accept",
    is_flag=False,
    flag_value="*",
    default=None,
    metavar="[ID,ID]",
    help="Write entries and the proposed milestones into incident.yaml: all entries at or "
    "above --min-confidence, or only the listed ids.",
)
@click.option("--since", help="Show only entries at or after this time (ISO-8601 with a zone).")
@click.option("--until", help="Show only entries at or before this time (ISO-8601 with a zone).")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Hide (and do not accept) detections below this confidence.",
)
@click.option("--correct-skew", is_flag=True, help="Shift skewed sources by their estimate.")
@click.option(
    "--skew-threshold",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds of estimated clock skew from which a source is flagged.",
)
@click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Read every log line again instead of the aggregates kept in records/aggregates/ "
    "by an earlier run of the same records and settings.",
)
def timeline(
    workspace: Path,
    as_json: bool,
    accept: str | None,
    since: str | None,
    until: str | None,
    min_confidence: float,
    correct_skew: bool,
    skew_threshold: float,
    no_cache: bool,
) -> None:
    """Build the UTC timeline of WORKSPACE from its collected evidence.

    Detected events are merged with the hand-written ones of incident.yaml (one entry per
    happening, listing every source), with proposed milestones, durations, clock-skew
    flags and suggestions. Nothing is written unless --accept is given.
    """
    from hotwash.timeline import TimelineOptions, accept_in_workspace, build_for_workspace
    from hotwash.timeline.text import format_result

    progress, stop = _progress(quiet=as_json)
    options = TimelineOptions(
        skew_threshold=timedelta(seconds=skew_threshold),
        correct_skew=correct_skew,
        min_confidence=min_confidence,
        since=_instant(since, "--since"),
        until=_instant(until, "--until"),
        cache=not no_cache,
        progress=progress,
    )
    try:
        if accept is None:
            result = build_for_workspace(workspace, options)
        else:
            ids = None if accept == "*" else [i.strip() for i in accept.split(",") if i.strip()]
            result, done, path = accept_in_workspace(workspace, ids, options)
    finally:
        stop()
    click.echo(json.dumps(result.to_json(), indent=2) if as_json else format_result(result))
    if accept is not None:
        click.echo(
            f"accepted {len(done.added)} of the entries into {path} "
            f"({len(done.skipped)} already there); milestones filled: "
            f"{', '.join(done.milestones) or 'none'}",
            err=as_json,
        )


def _progress(quiet: bool) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """On a terminal (and without --json): a bar on stderr while the log records files are
    read, gone when the timeline is printed."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("reading log records"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("logs", total=None)
    started = False

    def report(done: int, files: int) -> None:
        nonlocal started
        if not started:
            bar.start()
            started = True
        bar.update(task, completed=done, total=files)

    return report, bar.stop
