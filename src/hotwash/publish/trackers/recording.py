"""A tracker that keeps issues in memory: for tests, the demo, and trying a configuration.

::

    [trackers.recording]
    labels = ["post-mortem"]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from hotwash.errors import PublishError
from hotwash.model import TrackerRef
from hotwash.publish.issue import IssueDraft
from hotwash.publish.trackers.base import IssueState, Tracker, TrackerOptions
from hotwash.publish.trackers.http import ApiClient
from hotwash.publish.trackers.registry import register

__all__ = ["RecordedIssue", "RecordingTracker"]


@dataclass
class RecordedIssue:
    number: int
    draft: IssueDraft
    payload: dict[str, Any]
    state: str = "open"
    assignee: str | None = None
    closed_at: datetime | None = None


@register
class RecordingTracker(Tracker):
    """Records every created issue in :attr:`issues`; :meth:`close` plays the assignee."""

    name = "recording"
    default_token_env = ""

    def __init__(self, options: TrackerOptions | None = None, **kwargs: Any) -> None:
        super().__init__(options or TrackerOptions("recording", {}, {}), **kwargs)
        self.issues: dict[str, RecordedIssue] = {}

    def check_ready(self) -> None:
        """Always ready: nothing to connect to."""

    def connect(self, client: httpx.Client) -> ApiClient:
        raise PublishError("recording: keeps issues in memory and needs no HTTP client")

    def preview(self, draft: IssueDraft) -> dict[str, Any]:
        return {
            "title": draft.title,
            "labels": list(draft.labels),
            "assignee": self.account_for(draft.owner),
            "due": draft.due.isoformat() if draft.due else None,
        }

    def publish(self, draft: IssueDraft) -> TrackerRef:
        number = len(self.issues) + 1
        issue = RecordedIssue(
            number, draft, self.preview(draft), assignee=self.account_for(draft.owner)
        )
        self.issues[str(number)] = issue
        return self._ref(issue)

    def find(self, label: str) -> dict[str, TrackerRef]:
        return {
            i.draft.marker: self._ref(i) for i in self.issues.values() if label in i.draft.labels
        }

    def fetch(self, ref: TrackerRef) -> IssueState:
        issue = self.issues.get(ref.key)
        if issue is None:
            raise PublishError(f"recording: no issue {ref.key}")
        return IssueState(issue.state, issue.assignee, issue.closed_at, ref.url)

    def close(self, key: str, at: datetime) -> None:
        """Close issue ``key`` at ``at`` (what its assignee would do in a real tracker)."""
        self.issues[key].state = "closed"
        self.issues[key].closed_at = at

    def _ref(self, issue: RecordedIssue) -> TrackerRef:
        return TrackerRef(
            system=self.name,
            key=str(issue.number),
            url=f"memory://issues/{issue.number}",
            state=issue.state,
        )
