"""Open action items across every incident under a folder (``hotwash followups``).

Items are listed overdue first, then by owner, priority and due date. An overdue item of
high priority (P0, P1) that names a ``sponsor`` is escalated to that sponsor: by e-mail
when an address is known for the sponsor, and to every chat webhook.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from hotwash.document import DOCUMENT_NAME, load
from hotwash.errors import DocumentError, Location
from hotwash.model import ActionItem
from hotwash.publish.issue import incident_key, needs_issue
from hotwash.publish.notify.base import Notice, Notifier
from hotwash.publish.notify.email import EmailNotifier
from hotwash.redact import RedactionPolicy, redact_text

__all__ = [
    "HIGH_PRIORITIES",
    "Escalation",
    "EscalationResult",
    "Followup",
    "FollowupReport",
    "collect_followups",
    "escalate",
    "escalations",
]

HIGH_PRIORITIES = ("P0", "P1")


@dataclass(frozen=True)
class Followup:
    """One open action item and the incident it belongs to."""

    incident: str
    incident_title: str
    path: Path
    item: ActionItem
    days_overdue: int
    """Days past ``due`` (0 when not overdue or no due date)."""

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def sort_key(self) -> tuple[Any, ...]:
        item = self.item
        return (
            not self.overdue,
            (item.owner or "~").lower(),
            item.priority or "P9",
            item.due or date.max,
            self.incident,
            item.id,
        )

    def to_json(self) -> dict[str, Any]:
        item = self.item
        return {
            "incident": self.incident,
            "incident_title": self.incident_title,
            "path": str(self.path),
            "id": item.id,
            "action": item.action,
            "owner": item.owner,
            "due": item.due.isoformat() if item.due else None,
            "priority": item.priority,
            "status": item.status.value,
            "overdue": self.overdue,
            "days_overdue": self.days_overdue,
            "sponsor": item.sponsor,
            "tracker": item.tracker.model_dump(mode="json") if item.tracker else None,
        }


@dataclass
class FollowupReport:
    items: list[Followup] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """One line per document that could not be read (file and reason)."""

    @property
    def overdue(self) -> list[Followup]:
        return [f for f in self.items if f.overdue]


def _documents(root: Path) -> Iterator[Path]:
    if not root.exists():
        raise DocumentError("no such file or folder", Location(str(root)))
    if (root / DOCUMENT_NAME).is_file() or root.is_file():
        yield root / DOCUMENT_NAME if root.is_dir() else root
        return
    yield from sorted(root.rglob(DOCUMENT_NAME))


def collect_followups(root: Path, today: date) -> FollowupReport:
    """The open action items of every ``incident.yaml`` under ``root``, sorted."""
    report = FollowupReport()
    for path in _documents(root):
        try:
            doc = load(path)
        except DocumentError as exc:
            report.unreadable.append(str(exc))
            continue
        key = incident_key(doc.incident, path)
        for item in doc.incident.action_items:
            if needs_issue(item):
                late = (today - item.due).days if item.due else 0
                report.items.append(Followup(key, doc.incident.title, path, item, max(0, late)))
    report.items.sort(key=Followup.sort_key)
    return report


@dataclass(frozen=True)
class Escalation:
    """An overdue high-priority item and the notice that goes to its sponsor."""

    followup: Followup
    notice: Notice


@dataclass(frozen=True)
class EscalationResult:
    """One escalation through one notifier: sent, previewed (dry run) or skipped."""

    item_id: str
    incident: str
    channel: str
    recipients: tuple[str, ...]
    sent: bool
    preview: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None


def escalations(report: FollowupReport, policy: RedactionPolicy | None = None) -> list[Escalation]:
    """A notice for each overdue P0/P1 item with a sponsor (redacted before it leaves)."""
    return [
        Escalation(f, _escalation_notice(f, policy))
        for f in report.overdue
        if f.item.priority in HIGH_PRIORITIES and f.item.sponsor
    ]


def _escalation_notice(followup: Followup, policy: RedactionPolicy | None) -> Notice:
    item = followup.item
    action = redact_text(item.action, policy).text
    subject = (
        f"Overdue {item.priority} action item {item.id} of {followup.incident} "
        f"({followup.days_overdue} days)"
    )
    text = (
        f"{action}\n\nOwner: {item.owner or 'none'}; due {item.due}; sponsor {item.sponsor}.\n"
        f"Post-mortem: {followup.incident_title}"
    )
    facts = (
        ("Owner", item.owner or "-"),
        ("Due", str(item.due)),
        ("Days overdue", str(followup.days_overdue)),
        ("Sponsor", item.sponsor or "-"),
    )
    link = item.tracker.url if item.tracker else None
    return Notice("escalation", subject, text, summary=action, facts=facts, link=link)


def escalate(
    found: list[Escalation], notifiers: list[Notifier], dry_run: bool = False
) -> list[EscalationResult]:
    """Send each escalation by e-mail to its sponsor and to every chat webhook."""
    return [_escalate_one(e, n, dry_run) for e in found for n in notifiers]


def _escalate_one(escalation: Escalation, notifier: Notifier, dry_run: bool) -> EscalationResult:
    item, notice = escalation.followup.item, escalation.notice
    result = EscalationResult(item.id, escalation.followup.incident, notifier.kind, (), False)
    if isinstance(notifier, EmailNotifier):
        address = notifier.address_for(item.sponsor or "")
        if address is None:
            why = f"no e-mail address for sponsor {item.sponsor} ([notify.email.addresses])"
            return replace(result, skipped=why)
        notice = replace(notice, recipients=(address,))
    preview = notifier.preview(notice)
    if dry_run:
        to = preview.get("to") or []
        return replace(
            result, recipients=tuple(to if isinstance(to, list) else [to]), preview=preview
        )
    return replace(result, recipients=tuple(notifier.send(notice)), sent=True, preview=preview)
