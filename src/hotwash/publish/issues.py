"""One tracker issue per open action item, idempotently.

Items that already have a tracker reference are left alone. For the others the tracker is
first searched for the marker of each item (an earlier run may have created the issue and
been interrupted before saving its reference); only items still not found get a new
issue. The reference is saved into the document after *each* issue, so an interruption
loses at most the reference of one issue, which the next run finds again by its marker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotwash.document import Document, save
from hotwash.model import TrackerRef
from hotwash.publish.issue import IssueDraft, draft_issue, incident_key, incident_label, needs_issue
from hotwash.publish.options import require_writable
from hotwash.publish.trackers.base import Tracker
from hotwash.redact import RedactionPolicy, redact_incident

__all__ = ["IssueOutcome", "plan_issues", "publish_issues"]


@dataclass(frozen=True)
class IssueOutcome:
    """What happened to one action item."""

    item_id: str
    outcome: str
    """``created``, ``found`` (by its marker), ``linked`` (had a ref), ``skipped`` (done or
    declined) or, in a dry run, ``would-create``."""
    ref: TrackerRef | None = None
    draft: IssueDraft | None = None
    request: dict[str, Any] | None = None


def plan_issues(
    doc: Document,
    tracker: Tracker,
    report_url: str | None = None,
    policy: RedactionPolicy | None = None,
) -> list[IssueOutcome]:
    """What :func:`publish_issues` would do, without calling the tracker (``--dry-run``)."""
    key = incident_key(doc.incident, doc.path)
    redacted, _ = redact_incident(doc.incident, policy)
    outcomes = []
    for item in redacted.action_items:
        if not needs_issue(item):
            outcomes.append(IssueOutcome(item.id, "skipped"))
        elif doc.incident.action_items[_index(doc, item.id)].tracker is not None:
            outcomes.append(IssueOutcome(item.id, "linked", ref=_ref(doc, item.id)))
        else:
            draft = draft_issue(redacted, item, key, tracker.labels, report_url)
            outcomes.append(
                IssueOutcome(item.id, "would-create", None, draft, tracker.preview(draft))
            )
    return outcomes


def publish_issues(
    doc: Document,
    tracker: Tracker,
    report_url: str | None = None,
    policy: RedactionPolicy | None = None,
    write: Callable[[Document], Path] = save,
) -> list[IssueOutcome]:
    """Create the missing issues and save each reference into ``doc`` as it is made.

    ``write`` saves the document (``hotwash.document.save``: atomic, refuses a stale write).
    """
    require_writable(doc)
    planned = plan_issues(doc, tracker, report_url, policy)
    pending = [p for p in planned if p.outcome == "would-create"]
    existing = tracker.find(incident_label(doc.incident)) if pending else {}
    outcomes = []
    for plan in planned:
        if plan.draft is None:
            outcomes.append(plan)
            continue
        ref = existing.get(plan.draft.marker)
        outcome = "found" if ref is not None else "created"
        ref = ref or tracker.publish(plan.draft)
        doc.incident.action_items[_index(doc, plan.item_id)].tracker = ref
        write(doc)
        outcomes.append(IssueOutcome(plan.item_id, outcome, ref, plan.draft, plan.request))
    return outcomes


def _index(doc: Document, item_id: str) -> int:
    return next(i for i, a in enumerate(doc.incident.action_items) if a.id == item_id)


def _ref(doc: Document, item_id: str) -> TrackerRef | None:
    return doc.incident.action_items[_index(doc, item_id)].tracker
