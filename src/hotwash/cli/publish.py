"""Commands of follow-through: publish, sync, followups."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import httpx

    from hotwash.publish.followups import EscalationResult, FollowupReport

_NOW = click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"]),
    default=None,
    help="Act as of this UTC instant (for reproducible runs).",
)
_DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Show exactly what would be created or sent; write nothing."
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


@contextmanager
def _http_client() -> Iterator[httpx.Client]:
    import httpx

    from hotwash import __version__

    headers = {"User-Agent": f"hotwash/{__version__}"}
    with httpx.Client(timeout=30.0, headers=headers, follow_redirects=False) as client:
        yield client


def _echo(lines: list[str], data: Any, as_json: bool) -> None:
    click.echo(json.dumps(data, indent=2, default=str) if as_json else "\n".join(lines))


@click.command()
@click.argument("workspace", type=click.Path(path_type=Path), default=Path("."))
@click.option("--trackers", is_flag=True, help="Create one tracker issue per open action item.")
@click.option("--tracker", "tracker_name", help="Which [trackers.<name>] to use (if several).")
@click.option("--notify", is_flag=True, help="Send the report by e-mail and to chat webhooks.")
@click.option("--calendar", is_flag=True, help="Write out/reminders.ics (weekly and follow-up).")
@click.option("--invite", is_flag=True, help="E-mail the reminders as a calendar invitation.")
@click.option("--all", "everything", is_flag=True, help="Same as --trackers --calendar --notify.")
@_DRY_RUN
@_JSON
@_NOW
def publish(
    workspace: Path,
    trackers: bool,
    tracker_name: str | None,
    notify: bool,
    calendar: bool,
    invite: bool,
    everything: bool,
    dry_run: bool,
    as_json: bool,
    now: datetime | None,
) -> None:
    """Turn action items into tracker issues, distribute the report, write reminders.

    Safe to run again: items that have an issue get no second one. Configured in the
    [trackers], [notify], [reminders] and [publish] tables of hotwash.toml (docs/publish.md).
    """
    from hotwash.publish.pipeline import PublishRequest
    from hotwash.publish.pipeline import publish as run_publish
    from hotwash.publish.present import publish_json, publish_lines

    request = PublishRequest(
        trackers=trackers or everything,
        notify=notify or everything,
        calendar=calendar or everything,
        invite=invite,
        tracker=tracker_name,
        dry_run=dry_run,
        now=_utc(now),
    )
    with _http_client() as client:
        result = run_publish(workspace, request, client=client)
    _echo(publish_lines(result, dry_run), publish_json(result, dry_run), as_json)


@click.command()
@click.argument("workspace", type=click.Path(path_type=Path), default=Path("."))
@click.option("--tracker", "tracker_name", help="Which [trackers.<name>] to read (if several).")
@_DRY_RUN
@_JSON
@_NOW
def sync(
    workspace: Path, tracker_name: str | None, dry_run: bool, as_json: bool, now: datetime | None
) -> None:
    """Read each linked tracker issue back: closed marks the item done, reopened reopens it."""
    from hotwash.config import load_settings
    from hotwash.document import load
    from hotwash.publish.present import sync_lines
    from hotwash.publish.sync import sync_items
    from hotwash.publish.trackers.registry import build_tracker

    doc = load(workspace)
    settings = load_settings(doc.path.parent if doc.path else workspace)
    with _http_client() as client:
        tracker = build_tracker(settings, tracker_name, client)
        changes = sync_items(doc, tracker, _utc(now), dry_run=dry_run)
    data = [c.__dict__ for c in changes]
    _echo(sync_lines(changes, dry_run), data, as_json)


@click.command()
@click.argument("root", type=click.Path(path_type=Path), default=Path("."))
@click.option("--escalate", is_flag=True, help="Tell the sponsor of each overdue P0/P1 item.")
@_DRY_RUN
@_JSON
@_NOW
def followups(
    root: Path, escalate: bool, dry_run: bool, as_json: bool, now: datetime | None
) -> None:
    """Open action items of every incident under ROOT, overdue first.

    Exits 1 when any item is overdue (for a scheduled job), 2 when a document is unreadable.
    """
    from hotwash.publish.followups import collect_followups
    from hotwash.publish.present import escalation_lines, followup_lines

    today = _utc(now).date()
    report = collect_followups(root, today)
    for problem in report.unreadable:
        click.echo(f"hotwash: error: {problem}", err=True)
    escalated = _escalate(root, report, dry_run) if escalate else []
    data = {"today": today.isoformat(), "items": [f.to_json() for f in report.items]}
    data["escalations"] = [
        {k: v for k, v in e.__dict__.items() if k != "preview" or dry_run} for e in escalated
    ]
    _echo(followup_lines(report, today) + escalation_lines(escalated), data, as_json)
    if report.unreadable:
        sys.exit(2)
    if report.overdue:
        sys.exit(1)


def _escalate(root: Path, report: FollowupReport, dry_run: bool) -> list[EscalationResult]:
    """Escalate overdue P0/P1 items through the [notify] channels of ROOT's hotwash.toml."""
    from hotwash.config import load_settings
    from hotwash.publish.followups import escalate, escalations
    from hotwash.publish.notify.base import build_notifiers
    from hotwash.redact import RedactionPolicy

    settings = load_settings(root)
    with _http_client() as client:
        notifiers = build_notifiers(settings, client)
        found = escalations(report, RedactionPolicy.from_settings(settings))
        return escalate(found, notifiers, dry_run)
