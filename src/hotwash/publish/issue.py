"""What an action item looks like as a tracker issue: title, body, labels, marker.

The draft is tracker-neutral (Markdown body, owner handle, due date, priority); each
tracker turns it into its own request. The marker ``<!-- hotwash:INC-2024-0514/AI-001 -->``
at the end of the body is how a lost tracker reference is found again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hotwash.errors import DocumentError
from hotwash.model import ActionItem, ActionStatus, Incident

__all__ = [
    "IssueDraft",
    "draft_issue",
    "incident_date",
    "incident_key",
    "incident_label",
    "marker_for",
    "markers_in",
    "needs_issue",
    "short_title",
]

TITLE_LIMIT = 80
_MARKER_RE = re.compile(r"hotwash:([A-Za-z0-9._-]+/[A-Z]{1,6}-\d{1,5})")


@dataclass(frozen=True)
class IssueDraft:
    """One issue to create, before any tracker-specific shaping (labels: all of them)."""

    item_id: str
    marker: str
    title: str
    body: str
    labels: tuple[str, ...]
    owner: str | None
    due: date | None
    priority: str | None
    type: str | None


def incident_key(incident: Incident, path: Path | None = None) -> str:
    """The stable name of an incident in markers and UIDs: its ``id``, else its folder name."""
    if incident.id:
        return incident.id
    if path is not None:
        folder = path.parent if path.suffix else path
        return folder.name
    raise DocumentError("the incident has no id and no folder; give it an id: in incident.yaml")


def marker_for(key: str, item_id: str) -> str:
    """``hotwash:INC-2024-0514/AI-001``: written into the issue body, searched on re-runs."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-") or "incident"
    return f"hotwash:{safe}/{item_id}"


def markers_in(text: str) -> list[str]:
    """Every hotwash marker found in an issue body (any format: Markdown, ADF as JSON)."""
    return [f"hotwash:{m}" for m in _MARKER_RE.findall(text or "")]


def incident_date(incident: Incident) -> date | None:
    """The day the incident started (impact start, else detection, else creation)."""
    m = incident.milestones
    for instant in (m.impact_started, m.detected, incident.created, m.resolved):
        if instant is not None:
            return instant.date()
    return None


def incident_label(incident: Incident) -> str:
    """``sev2-20240514``: the severity and the incident date, one label per incident."""
    severity = re.sub(r"[^a-z0-9]+", "", (incident.severity or "incident").lower()) or "incident"
    day = incident_date(incident)
    return f"{severity}-{day:%Y%m%d}" if day else severity


def needs_issue(item: ActionItem) -> bool:
    """Open and in-progress items get an issue; done and declined ones do not."""
    return item.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def short_title(action: str, limit: int = TITLE_LIMIT) -> str:
    """The action on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(action.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-")
    return f"{cut}…"


def draft_issue(
    incident: Incident,
    item: ActionItem,
    key: str,
    labels: tuple[str, ...] = (),
    report_url: str | None = None,
) -> IssueDraft:
    """The issue for ``item``: title, Markdown body with its factors and marker, labels."""
    marker = marker_for(key, item.id)
    all_labels = tuple(dict.fromkeys((*labels, incident_label(incident))))
    return IssueDraft(
        item_id=item.id,
        marker=marker,
        title=short_title(item.action),
        body=_body(incident, item, key, report_url) + f"\n\n<!-- {marker} -->\n",
        labels=all_labels,
        owner=item.owner,
        due=item.due,
        priority=item.priority,
        type=item.type.value if item.type else None,
    )


def _body(incident: Incident, item: ActionItem, key: str, report_url: str | None) -> str:
    lines = [
        item.action,
        "",
        f'Action item {item.id} of the post-mortem "{incident.title}" ({key}).',
    ]
    factors = _factor_lines(incident, item)
    if factors:
        lines += ["", "Addresses:", *factors]
    lines += ["", *_detail_lines(item)]
    if report_url:
        lines += ["", f"Post-mortem: {report_url}"]
    return "\n".join(lines)


def _factor_lines(incident: Incident, item: ActionItem) -> list[str]:
    by_id = {f.id: f for f in incident.factors if f.id}
    lines = []
    for ref in item.factors:
        factor = by_id.get(ref)
        text = f"{factor.kind.value}, {factor.category}: {factor.text}" if factor else "(unknown)"
        lines.append(f"- {ref}: {text}")
    return lines


def _detail_lines(item: ActionItem) -> list[str]:
    details = [
        ("Owner", f"`{item.owner}`" if item.owner else None),
        ("Due", item.due.isoformat() if item.due else None),
        ("Priority", item.priority),
        ("Type", item.type.value if item.type else None),
    ]
    return [f"- {name}: {value}" for name, value in details if value]
