"""GitLab issues (REST v4).

::

    [trackers.gitlab]
    project = "acme/shop"               # path or numeric id
    url = "https://gitlab.com"          # default
    labels = ["post-mortem"]
    token_env = "GITLAB_TOKEN"          # default; sent as PRIVATE-TOKEN
    [trackers.gitlab.assignees]
    "@dana" = 4211                      # GitLab user ids (the API assigns by id)

The due date goes into GitLab's ``due_date``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from hotwash.model import TrackerRef
from hotwash.publish.issue import IssueDraft, markers_in
from hotwash.publish.trackers.base import IssueState, Tracker
from hotwash.publish.trackers.http import ApiClient
from hotwash.publish.trackers.registry import register

__all__ = ["GitLabTracker"]


@register
class GitLabTracker(Tracker):
    name = "gitlab"
    default_token_env = "GITLAB_TOKEN"

    @property
    def project(self) -> str:
        return self.options.text("project")

    @property
    def _project_path(self) -> str:
        return f"/api/v4/projects/{quote(self.project, safe='')}"

    def connect(self, client: httpx.Client) -> ApiClient:
        var, token = self.options.secret("token_env", self.default_token_env)
        return ApiClient(
            tracker=self.name,
            client=client,
            base_url=str(self.options.table.get("url", "https://gitlab.com")),
            headers={"PRIVATE-TOKEN": token},
            token_env=var,
        )

    def account_for(self, owner: str | None) -> str | None:
        """GitLab assigns by user id: only mapped owners are assigned."""
        mapped = self.assignees.get(owner or "")
        return str(mapped) if mapped is not None else None

    def preview(self, draft: IssueDraft) -> dict[str, Any]:
        account = self.account_for(draft.owner)
        body: dict[str, Any] = {
            "title": draft.title,
            "description": draft.body,
            "labels": ",".join(draft.labels),
        }
        if account:
            body["assignee_ids"] = [int(account) if account.isdigit() else account]
        if draft.due:
            body["due_date"] = draft.due.isoformat()
        return body

    def publish(self, draft: IssueDraft) -> TrackerRef:
        issue = self.api.json("POST", f"{self._project_path}/issues", json=self.preview(draft))
        return self._ref(issue)

    def find(self, label: str) -> dict[str, TrackerRef]:
        found: dict[str, TrackerRef] = {}
        for issue in self._pages(label):
            for marker in markers_in(str(issue.get("description") or "")):
                found.setdefault(marker, self._ref(issue))
        return found

    def fetch(self, ref: TrackerRef) -> IssueState:
        iid = ref.key.rpartition("#")[2]
        issue = self.api.json("GET", f"{self._project_path}/issues/{iid}")
        assignee = issue.get("assignee") or {}
        closed = issue.get("closed_at")
        return IssueState(
            state="closed" if issue.get("state") == "closed" else "open",
            assignee=str(assignee.get("id")) if isinstance(assignee, dict) and assignee else None,
            closed_at=datetime.fromisoformat(closed.replace("Z", "+00:00")) if closed else None,
            url=issue.get("web_url"),
        )

    def _pages(self, label: str) -> Iterator[dict[str, Any]]:
        """Every issue with ``label``, following GitLab's ``X-Next-Page`` header."""
        page = "1"
        while page:
            params = {"labels": label, "scope": "all", "per_page": 100, "page": page}
            response = self.api.request("GET", f"{self._project_path}/issues", params=params)
            yield from (i for i in response.json() if isinstance(i, dict))
            page = response.headers.get("x-next-page", "").strip()

    def _ref(self, issue: dict[str, Any]) -> TrackerRef:
        state = issue.get("state")
        return TrackerRef(
            system=self.name,
            key=f"{self.project}#{issue['iid']}",
            url=issue.get("web_url"),
            state="open" if state == "opened" else state,
        )

    def owner_for(self, account: str | None) -> str | None:
        """Only mapped GitLab user ids are known owners."""
        for handle, mapped in self.assignees.items():
            if account is not None and str(mapped) == account:
                return handle
        return None
