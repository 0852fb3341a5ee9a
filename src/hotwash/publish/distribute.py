"""Distribution: the report to its readers, and calendar invitations, recorded in the document.

Every delivery is recorded as a :class:`~hotwash.model.Distribution` (to, at, channel,
audience) and saved after each notifier, so that the D rules see who got the report and
when, and a failure of one channel does not lose the record of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hotwash.config import Settings
from hotwash.document import Document, save
from hotwash.errors import ConfigError
from hotwash.model import Distribution
from hotwash.publish.calendar import Reminder, to_ics
from hotwash.publish.issue import incident_key
from hotwash.publish.notify.base import Notice, Notifier
from hotwash.publish.notify.email import EmailNotifier
from hotwash.publish.notify.report import report_notice
from hotwash.publish.options import report_url
from hotwash.redact import RedactionHit

__all__ = ["Delivery", "distribute_report", "invite"]


@dataclass(frozen=True)
class Delivery:
    """One notifier's delivery, sent or (dry run) previewed."""

    name: str
    channel: str
    audience: str
    recipients: tuple[str, ...]
    preview: dict[str, Any]
    sent: bool


def distribute_report(
    doc: Document,
    settings: Settings,
    notifiers: list[Notifier],
    now: datetime,
    dry_run: bool = False,
    write: Callable[[Document], Path] = save,
) -> tuple[list[Delivery], list[RedactionHit]]:
    """Send the report through every notifier (redacted per audience) and record each one."""
    if not notifiers:
        raise ConfigError("nothing to notify: add [notify.email] or [notify.webhooks.<name>]")
    for notifier in notifiers:
        notifier.validate(sending=not dry_run)
    link = report_url(settings, incident_key(doc.incident, doc.path))
    pdf = not dry_run and any("pdf" in n.attach for n in notifiers if isinstance(n, EmailNotifier))
    notices: dict[str, tuple[Notice, list[RedactionHit]]] = {}
    deliveries = []
    for notifier in notifiers:
        audience = notifier.audience
        if audience not in notices:
            notices[audience] = report_notice(doc, settings, audience, link, now, pdf)
        notice = notices[audience][0]
        deliveries.append(_deliver(doc, notifier, notice, now, dry_run, write))
    hits = [hit for _, found in notices.values() for hit in found]
    return deliveries, hits


def _deliver(
    doc: Document,
    notifier: Notifier,
    notice: Notice,
    now: datetime,
    dry_run: bool,
    write: Callable[[Document], Path],
) -> Delivery:
    preview = notifier.preview(notice)
    if dry_run:
        recipients = tuple(preview.get("to") or [])
        return Delivery(notifier.name, notifier.kind, notifier.audience, recipients, preview, False)
    sent = tuple(notifier.send(notice))
    for to in sent:
        record = Distribution(to=to, at=now, channel=notifier.kind, audience=notifier.audience)
        doc.incident.distribution.append(record)
    write(doc)
    return Delivery(notifier.name, notifier.kind, notifier.audience, sent, preview, True)


def invite(
    doc: Document,
    settings: Settings,
    notifier: EmailNotifier,
    reminders: list[Reminder],
    now: datetime,
    dry_run: bool = False,
) -> Delivery:
    """E-mail the reminders as an invitation (``METHOD:REQUEST``) to ``[reminders] attendees``."""
    attendees = tuple(settings.section("reminders").get("attendees") or ())
    attendees = attendees or notifier.recipients(Notice("invitation", "", ""))
    organizer = notifier.options.text("from")
    ics = to_ics(reminders, now, "REQUEST", _address(organizer), attendees)
    title = doc.incident.title
    notice = Notice(
        kind="invitation",
        subject=f"Invitation: post-mortem reviews for {title}",
        text="\n".join(f"- {r.summary}, from {r.start:%Y-%m-%d %H:%M} UTC" for r in reminders),
        recipients=attendees,
        calendar=ics,
    )
    preview = notifier.preview(notice) | {"events": [r.summary for r in reminders]}
    if dry_run:
        return Delivery(notifier.name, "email", "internal", attendees, preview, False)
    return Delivery(notifier.name, "email", "internal", tuple(notifier.send(notice)), preview, True)


def _address(sender: str) -> str:
    from email.utils import parseaddr

    return parseaddr(sender)[1] or sender
