"""GitHub issues (REST v3).

::

    [trackers.github]
    repo = "acme/shop"
    labels = ["post-mortem"]
    token_env = "GITHUB_TOKEN"          # default
    # api_url = "https://github.example.com/api/v3"   (GitHub Enterprise Server)
    [trackers.github.assignees]
    "@dana" = "dana-k"                  # unmapped "@name" handles are used as logins

GitHub issues have no due date: the due date, priority and type are in the body.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from hotwash.errors import PublishError
from hotwash.model import TrackerRef
from hotwash.publish.issue import IssueDraft, markers_in
from hotwash.publish.trackers.base import IssueState, Tracker
from hotwash.publish.trackers.http import ApiClient
from hotwash.publish.trackers.registry import register

__all__ = ["GitHubTracker"]


@register
class GitHubTracker(Tracker):
    name = "github"
    default_token_env = "GITHUB_TOKEN"

    @property
    def repo(self) -> str:
        repo = self.options.text("repo")
        if repo.count("/") != 1:
            raise PublishError(f"github: repo must be owner/name, got {repo!r}")
        return repo

    def connect(self, client: httpx.Client) -> ApiClient:
        var, token = self.options.secret("token_env", self.default_token_env)
        return ApiClient(
            tracker=self.name,
            client=client,
            base_url=str(self.options.table.get("api_url", "https://api.github.com")),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
            token_env=var,
        )

    def preview(self, draft: IssueDraft) -> dict[str, Any]:
        account = self.account_for(draft.owner)
        return {
            "title": draft.title,
            "body": draft.body,
            "labels": list(draft.labels),
            "assignees": [account] if account else [],
        }

    def publish(self, draft: IssueDraft) -> TrackerRef:
        issue = self.api.json("POST", f"/repos/{self.repo}/issues", json=self.preview(draft))
        return self._ref(issue)

    def find(self, label: str) -> dict[str, TrackerRef]:
        found: dict[str, TrackerRef] = {}
        for issue in self._pages(f"/repos/{self.repo}/issues", label):
            for marker in markers_in(str(issue.get("body") or "")):
                found.setdefault(marker, self._ref(issue))
        return found

    def fetch(self, ref: TrackerRef) -> IssueState:
        repo, _, number = ref.key.rpartition("#")
        issue = self.api.json("GET", f"/repos/{repo or self.repo}/issues/{number}")
        assignee = issue.get("assignee") or {}
        closed = issue.get("closed_at")
        return IssueState(
            state=str(issue.get("state", "open")),
            assignee=assignee.get("login") if isinstance(assignee, dict) else None,
            closed_at=datetime.fromisoformat(closed.replace("Z", "+00:00")) if closed else None,
            url=issue.get("html_url"),
        )

    def _pages(self, path: str, label: str) -> Iterator[dict[str, Any]]:
        """Every issue of every page, following the ``Link: <...>; rel="next"`` header."""
        url: str | None = path
        params: dict[str, Any] | None = {"state": "all", "labels": label, "per_page": 100}
        while url:
            response = self.api.request("GET", url, params=params)
            yield from (i for i in response.json() if isinstance(i, dict))
            url = response.links.get("next", {}).get("url")
            params = None

    def _ref(self, issue: dict[str, Any]) -> TrackerRef:
        return TrackerRef(
            system=self.name,
            key=f"{self.repo}#{issue['number']}",
            url=issue.get("html_url"),
            state=issue.get("state"),
        )
