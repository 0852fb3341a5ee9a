"""``hotwash publish`` as one library call: issues, then reminders, then distribution.

The order matters: issues first so that their links are in the document, reminders next so
that the follow-up date is, and the report last so that it carries both.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from hotwash.config import Settings, load_settings
from hotwash.document import Document, load
from hotwash.errors import ConfigError
from hotwash.publish.calendar import ReminderFile, write_reminders
from hotwash.publish.distribute import Delivery, distribute_report, invite
from hotwash.publish.issue import incident_key
from hotwash.publish.issues import IssueOutcome, plan_issues, publish_issues
from hotwash.publish.notify.base import Notifier, build_notifiers
from hotwash.publish.notify.email import EmailNotifier
from hotwash.publish.options import redaction_policy, report_url, require_writable
from hotwash.publish.trackers.base import Tracker
from hotwash.publish.trackers.registry import build_tracker
from hotwash.redact import RedactionHit

__all__ = ["PublishRequest", "PublishResult", "publish"]


@dataclass
class PublishRequest:
    """What to publish; nothing is written or sent when ``dry_run`` is set."""

    trackers: bool = False
    notify: bool = False
    calendar: bool = False
    invite: bool = False
    tracker: str | None = None
    dry_run: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class PublishResult:
    path: Path | None
    tracker: str | None = None
    issues: list[IssueOutcome] = field(default_factory=list)
    reminders: ReminderFile | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    redactions: list[RedactionHit] = field(default_factory=list)


def publish(
    path: Path | str,
    request: PublishRequest,
    client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    tracker: Tracker | None = None,
) -> PublishResult:
    """Publish the workspace at ``path`` as configured by its ``hotwash.toml``.

    Every table the request needs is checked (and, unless a dry run, every secret read)
    before the first issue is created or message sent.
    """
    if not (request.trackers or request.notify or request.calendar or request.invite):
        raise ConfigError("choose what to publish: --trackers, --notify, --calendar, --invite")
    doc = load(path)
    settings = load_settings(doc.path.parent if doc.path else Path(path))
    if request.trackers and tracker is None:
        tracker = build_tracker(settings, request.tracker, client, env, sleep)
    notifiers = build_notifiers(settings, client, env) if request.notify or request.invite else []
    email = _invitation_sender(notifiers) if request.invite else None
    _check_ready(tracker, notifiers, request.dry_run)
    if not request.dry_run:
        require_writable(doc)
    result = PublishResult(path=doc.path)
    link = report_url(settings, incident_key(doc.incident, doc.path))
    if tracker is not None:
        result.tracker = tracker.options.name
        result.issues = _issues(doc, tracker, link, settings, request)
    if request.calendar or request.invite:
        result.reminders = write_reminders(doc, settings, request.now, link, request.dry_run)
    if request.notify:
        deliveries, hits = distribute_report(doc, settings, notifiers, request.now, request.dry_run)
        result.deliveries, result.redactions = deliveries, hits
    if email is not None and result.reminders is not None:
        reminders = result.reminders.reminders
        result.deliveries.append(
            invite(doc, settings, email, reminders, request.now, request.dry_run)
        )
    return result


def _invitation_sender(notifiers: list[Notifier]) -> EmailNotifier:
    email = next((n for n in notifiers if isinstance(n, EmailNotifier)), None)
    if email is None:
        raise ConfigError("--invite sends e-mail: add a [notify.email] table")
    return email


def _check_ready(tracker: Tracker | None, notifiers: list[Notifier], dry_run: bool) -> None:
    """Fail on a wrong table or a missing secret before anything is created or sent."""
    if tracker is not None and not dry_run:
        tracker.check_ready()
    for notifier in notifiers:
        notifier.validate(sending=not dry_run)


def _issues(
    doc: Document, tracker: Tracker, link: str | None, settings: Settings, request: PublishRequest
) -> list[IssueOutcome]:
    """Issues redacted for the tracker's ``audience`` (``external`` for a public repository)."""
    audience = str(tracker.options.table.get("audience", "internal"))
    policy = redaction_policy(settings, doc.incident, audience)
    if request.dry_run:
        return plan_issues(doc, tracker, link, policy)
    return publish_issues(doc, tracker, link, policy)
