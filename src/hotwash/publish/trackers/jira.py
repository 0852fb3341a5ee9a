"""Jira Cloud issues (REST v3: ADF descriptions, ``duedate``, priority, labels; JQL search).

::

    [trackers.jira]
    url = "https://acme.atlassian.net"
    project = "OPS"
    issue_type = "Task"                 # default
    email = "postmortem-bot@acme.example"
    token_env = "JIRA_API_TOKEN"        # default; Basic auth with email:token
    labels = ["post-mortem"]
    [trackers.jira.assignees]
    "@dana" = "5b10ac8d82e05b22cc7d4ef5"   # Atlassian account ids
    [trackers.jira.priorities]          # defaults shown
    P0 = "Highest"
    P1 = "High"
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from hotwash.model import TrackerRef
from hotwash.publish.issue import IssueDraft, markers_in
from hotwash.publish.trackers.adf import to_adf
from hotwash.publish.trackers.base import IssueState, Tracker
from hotwash.publish.trackers.http import ApiClient
from hotwash.publish.trackers.registry import register

__all__ = ["JiraTracker"]

DEFAULT_PRIORITIES = {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low", "P4": "Lowest"}


@register
class JiraTracker(Tracker):
    name = "jira"
    default_token_env = "JIRA_API_TOKEN"

    @property
    def base_url(self) -> str:
        return self.options.text("url").rstrip("/")

    @property
    def project(self) -> str:
        return self.options.text("project")

    def connect(self, client: httpx.Client) -> ApiClient:
        var, token = self.options.secret("token_env", self.default_token_env)
        basic = base64.b64encode(f"{self.options.text('email')}:{token}".encode()).decode()
        return ApiClient(
            tracker=self.name,
            client=client,
            base_url=self.base_url,
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            token_env=var,
        )

    def account_for(self, owner: str | None) -> str | None:
        """Jira assigns by account id: only mapped owners are assigned."""
        mapped = self.assignees.get(owner or "")
        return str(mapped) if mapped is not None else None

    def owner_for(self, account: str | None) -> str | None:
        for handle, mapped in self.assignees.items():
            if account is not None and str(mapped) == account:
                return handle
        return None

    def preview(self, draft: IssueDraft) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "project": {"key": self.project},
            "issuetype": {"name": str(self.options.table.get("issue_type", "Task"))},
            "summary": draft.title,
            "description": to_adf(draft.body, draft.marker),
            "labels": [label.replace(" ", "-") for label in draft.labels],
        }
        priorities = DEFAULT_PRIORITIES | {
            k: str(v) for k, v in self.options.mapping("priorities").items()
        }
        if draft.priority in priorities:
            fields["priority"] = {"name": priorities[draft.priority]}
        if draft.due:
            fields["duedate"] = draft.due.isoformat()
        account = self.account_for(draft.owner)
        if account:
            fields["assignee"] = {"accountId": account}
        return {"fields": fields}

    def publish(self, draft: IssueDraft) -> TrackerRef:
        created = self.api.json("POST", "/rest/api/3/issue", json=self.preview(draft))
        return self._ref(str(created["key"]), "open")

    def find(self, label: str) -> dict[str, TrackerRef]:
        found: dict[str, TrackerRef] = {}
        for issue in self._search(f'project = "{self.project}" AND labels = "{label}"'):
            fields = issue.get("fields") or {}
            text = json.dumps(fields.get("description") or {})
            for marker in markers_in(text):
                found.setdefault(marker, self._ref(str(issue["key"]), _state(fields)))
        return found

    def fetch(self, ref: TrackerRef) -> IssueState:
        params = {"fields": "status,assignee,resolutiondate"}
        fields = self.api.json("GET", f"/rest/api/3/issue/{ref.key}", params=params)["fields"]
        assignee = fields.get("assignee") or {}
        resolved = fields.get("resolutiondate")
        return IssueState(
            state=_state(fields),
            assignee=assignee.get("accountId") if isinstance(assignee, dict) else None,
            closed_at=_jira_time(resolved) if resolved else None,
            url=f"{self.base_url}/browse/{ref.key}",
        )

    def _search(self, jql: str) -> Iterator[dict[str, Any]]:
        """Every issue matching ``jql``, following ``nextPageToken`` (or ``startAt``/``total``)."""
        body: dict[str, Any] = {"jql": jql, "fields": ["description", "status"], "maxResults": 100}
        while True:
            page = self.api.json("POST", "/rest/api/3/search/jql", json=body)
            issues = [i for i in page.get("issues", []) if isinstance(i, dict)]
            yield from issues
            if page.get("nextPageToken") and not page.get("isLast", False):
                body = body | {"nextPageToken": page["nextPageToken"]}
            elif (
                "total" in page and body.get("startAt", 0) + len(issues) < page["total"] and issues
            ):
                body = body | {"startAt": body.get("startAt", 0) + len(issues)}
            else:
                return

    def _ref(self, key: str, state: str | None) -> TrackerRef:
        return TrackerRef(
            system=self.name, key=key, url=f"{self.base_url}/browse/{key}", state=state
        )


def _state(fields: dict[str, Any]) -> str:
    status = fields.get("status") or {}
    category = (status.get("statusCategory") or {}).get("key")
    return "closed" if category == "done" else "open"


def _jira_time(text: str) -> datetime:
    """Jira writes ``2024-05-20T10:00:00.000+0000``."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
