"""Publish results as lines for people and as JSON for programs (CLI and demo share them)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hotwash.publish.calendar import ReminderFile
from hotwash.publish.distribute import Delivery
from hotwash.publish.followups import EscalationResult, FollowupReport
from hotwash.publish.issues import IssueOutcome
from hotwash.publish.pipeline import PublishResult
from hotwash.publish.sync import SyncChange

__all__ = [
    "escalation_lines",
    "followup_lines",
    "publish_json",
    "publish_lines",
    "sync_lines",
]


def issue_line(outcome: IssueOutcome) -> str:
    """``would create AI-001 "title" labels: a, b; assignee: x; due 2024-05-24``."""
    ref = outcome.ref
    if outcome.outcome == "skipped":
        return f"skip {outcome.item_id} (done or declined)"
    if outcome.outcome == "linked" and ref is not None:
        return f"keep {outcome.item_id} -> {ref.system}:{ref.key}"
    draft, request = outcome.draft, outcome.request or {}
    assert draft is not None
    parts = [f'"{draft.title}"', f"labels: {', '.join(_labels(request) or draft.labels)}"]
    assignee = _assignee(request)
    parts.append(f"assignee: {assignee or '-'}")
    parts.append(f"due: {draft.due or '-'}")
    if ref is not None:
        verb = "found" if outcome.outcome == "found" else "created"
        return f"{verb} {outcome.item_id} -> {ref.url or ref.key}  " + "; ".join(parts)
    return f"would create {outcome.item_id} " + "; ".join(parts)


def _labels(request: dict[str, Any]) -> list[str]:
    labels = request.get("labels") or request.get("fields", {}).get("labels") or []
    return labels.split(",") if isinstance(labels, str) else [str(label) for label in labels]


def _assignee(request: dict[str, Any]) -> str | None:
    for key in ("assignees", "assignee_ids"):
        if request.get(key):
            return ", ".join(str(a) for a in request[key])
    field = request.get("fields", {}).get("assignee") or request.get("assignee")
    return str(field.get("accountId")) if isinstance(field, dict) else field


def delivery_line(delivery: Delivery) -> str:
    to = ", ".join(delivery.recipients) or "-"
    verb = "sent" if delivery.sent else "would send"
    if delivery.channel == "email":
        subject = delivery.preview.get("subject", "")
        files = "attachments: " + (", ".join(delivery.preview.get("attachments") or []) or "none")
        if delivery.preview.get("invitation"):
            files = "calendar invitation, METHOD:REQUEST"
        return f'{verb} e-mail to {to}: "{subject}" ({files})'
    payload = json.dumps(delivery.preview.get("payload"), ensure_ascii=False)
    return f"{verb} {delivery.channel} webhook {to} ({delivery.audience}): {payload}"


def reminder_lines(file: ReminderFile, dry_run: bool) -> list[str]:
    lines = [f"{'would write' if dry_run else 'wrote'} {file.path}"]
    for r in file.reminders:
        when = f"{r.start:%Y-%m-%d %H:%M} UTC"
        if r.until is not None:
            when = f"weekly from {when} until {r.until:%Y-%m-%d}"
        lines.append(f"  {r.summary}: {when}  (UID {r.uid})")
    if file.follow_up_recorded:
        verb = "would record" if dry_run else "recorded"
        follow_up = file.reminders[-1].start
        lines.append(f"{verb} follow_up_review: {follow_up:%Y-%m-%dT%H:%M:%SZ}")
    return lines


def publish_lines(result: PublishResult, dry_run: bool) -> list[str]:
    """What publish did (or would do), section by section."""
    suffix = " (dry run: nothing written or sent)" if dry_run else ""
    lines: list[str] = []
    if result.tracker is not None:
        lines.append(f"== issues on {result.tracker}{suffix}")
        lines += [issue_line(o) for o in result.issues]
    if result.reminders is not None:
        lines.append(f"== reminders{suffix}")
        lines += reminder_lines(result.reminders, dry_run)
    if result.deliveries:
        lines.append(f"== distribution{suffix}")
        lines += [delivery_line(d) for d in result.deliveries]
    if result.redactions:
        kinds = sorted({hit.kind for hit in result.redactions})
        lines.append(
            f"redacted {len(result.redactions)} span(s) before sending: {', '.join(kinds)}"
        )
    return lines


def publish_json(result: PublishResult, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "tracker": result.tracker,
        "issues": [_issue_json(o) for o in result.issues],
        "reminders": _reminders_json(result.reminders),
        "deliveries": [
            {
                "name": d.name,
                "channel": d.channel,
                "audience": d.audience,
                "to": list(d.recipients),
                "sent": d.sent,
                "preview": d.preview,
            }
            for d in result.deliveries
        ],
        "redactions": len(result.redactions),
    }


def _issue_json(outcome: IssueOutcome) -> dict[str, Any]:
    return {
        "id": outcome.item_id,
        "outcome": outcome.outcome,
        "ref": outcome.ref.model_dump(mode="json") if outcome.ref else None,
        "request": outcome.request,
    }


def _reminders_json(file: ReminderFile | None) -> dict[str, Any] | None:
    if file is None:
        return None
    events = [
        {
            "uid": r.uid,
            "summary": r.summary,
            "start": r.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "until": r.until.strftime("%Y-%m-%dT%H:%M:%SZ") if r.until else None,
        }
        for r in file.reminders
    ]
    return {"path": str(file.path), "events": events}


def sync_lines(changes: list[SyncChange], dry_run: bool) -> list[str]:
    if not changes:
        return ["no action item is linked to this tracker"]
    lines = []
    for change in changes:
        what = "; ".join(change.changes) or "unchanged"
        lines.append(f"{change.item_id} {change.key} {change.state}: {what}")
    if dry_run:
        lines.append("(dry run: incident.yaml not written)")
    return lines


def followup_lines(report: FollowupReport, today: date) -> list[str]:
    """One line per open item: overdue marker, owner, priority, due, incident, action."""
    lines = []
    for f in report.items:
        item = f.item
        flag = f"OVERDUE {f.days_overdue}d" if f.overdue else "open"
        lines.append(
            f"{flag:<12} {item.owner or '-':<10} {item.priority or '-':<3} "
            f"{item.due or '-'!s:<10}  {f.incident} {item.id}  {item.action}"
        )
    total, late = len(report.items), len(report.overdue)
    lines.append(f"{total} open action item(s), {late} overdue (as of {today})")
    return lines


def escalation_lines(results: list[EscalationResult]) -> list[str]:
    lines = []
    for r in results:
        if r.skipped:
            lines.append(
                f"escalation of {r.incident} {r.item_id} by {r.channel}: skipped, {r.skipped}"
            )
            continue
        verb = "escalated" if r.sent else "would escalate"
        lines.append(f"{verb} {r.incident} {r.item_id} by {r.channel} to {', '.join(r.recipients)}")
    return lines
