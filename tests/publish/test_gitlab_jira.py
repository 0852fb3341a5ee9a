"""GitLab (REST v4) and Jira Cloud (REST v3) through fakes that answer like the real APIs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from hotwash.config import load_settings
from hotwash.document import load, save
from hotwash.errors import PublishError
from hotwash.model import ActionStatus
from hotwash.publish.pipeline import PublishRequest, publish
from hotwash.publish.sync import sync_items
from hotwash.publish.trackers.registry import build_tracker

NOW = datetime(2024, 5, 15, 9, 0, tzinfo=UTC)
GITLAB_TOKEN = "glpat-" + "x" * 20
JIRA_TOKEN = "ATATT3xFfGF0" + "q" * 40
GITLAB = """
[trackers.gitlab]
project = "acme/shop"
labels = ["post-mortem"]
[trackers.gitlab.assignees]
"@dana" = 4211
"""
JIRA = """
[trackers.jira]
url = "https://acme.atlassian.net"
project = "OPS"
email = "bot@acme.example"
labels = ["post-mortem"]
[trackers.jira.assignees]
"@lee" = "5b10ac8d82e05b22cc7d4ef5"
"""


def run(workspace: Path, fake: Any, env: dict[str, str], sleeps: list[float] | None = None):
    request = PublishRequest(trackers=True, now=NOW)
    sleep = sleeps.append if sleeps is not None else (lambda s: None)
    return publish(workspace, request, fake.client(), env, sleep)


def tracker_for(workspace: Path, fake: Any, env: dict[str, str]):  # type: ignore[no-untyped-def]
    return build_tracker(load_settings(workspace), None, fake.client(), env)


# GitLab -----------------------------------------------------------------------------


@pytest.fixture
def gitlab(configure: Callable[[str], Path], gitlab_api: Any) -> Any:
    configure(GITLAB)
    return gitlab_api


def test_gitlab_issue_has_due_date_labels_and_assignee_id(workspace: Path, gitlab: Any) -> None:
    run(workspace, gitlab, {"GITLAB_TOKEN": GITLAB_TOKEN})
    first = json.loads(gitlab.posts()[0].content)
    assert first["due_date"] == "2024-05-24"
    assert first["labels"] == "post-mortem,sev2-20240514"
    assert first["assignee_ids"] == [4211]
    assert "assignee_ids" not in json.loads(gitlab.posts()[1].content)  # @lee is not mapped
    assert "/projects/acme%2Fshop/issues" in str(gitlab.posts()[0].url)
    ref = load(workspace).incident.action_items[0].tracker
    assert ref is not None and (ref.key, ref.url) == (
        "acme/shop#1",
        "https://gitlab.com/acme/shop/-/issues/1",
    )


def test_gitlab_finds_lost_refs_through_x_next_page(workspace: Path, gitlab: Any) -> None:
    env = {"GITLAB_TOKEN": GITLAB_TOKEN}
    run(workspace, gitlab, env)
    doc = load(workspace)
    for item in doc.incident.action_items:
        item.tracker = None
    save(doc)
    gitlab.requests.clear()
    result = run(workspace, gitlab, env)
    assert [o.outcome for o in result.issues] == ["found"] * 4
    assert len(gitlab.issues) == 4
    pages = [r for r in gitlab.requests if r.method == "GET"]
    assert [p.url.params["page"] for p in pages] == ["1", "2"]


def test_gitlab_sync_marks_closed_issue_done(workspace: Path, gitlab: Any) -> None:
    env = {"GITLAB_TOKEN": GITLAB_TOKEN}
    run(workspace, gitlab, env)
    gitlab.issues[1].update(state="closed", closed_at="2024-05-29T08:00:00.000Z")
    sync_items(load(workspace), tracker_for(workspace, gitlab, env), NOW)
    items = load(workspace).incident.action_items
    assert (items[1].status, str(items[1].done_on)) == (ActionStatus.DONE, "2024-05-29")
    assert items[0].status is ActionStatus.OPEN


def test_gitlab_missing_token_names_the_variable(workspace: Path, gitlab: Any) -> None:
    with pytest.raises(PublishError, match="GITLAB_TOKEN is not set"):
        run(workspace, gitlab, {})
    assert gitlab.requests == []


# Jira -------------------------------------------------------------------------------


@pytest.fixture
def jira(configure: Callable[[str], Path], jira_api: Any) -> Any:
    configure(JIRA)
    return jira_api


def test_jira_issue_is_adf_with_duedate_priority_labels(workspace: Path, jira: Any) -> None:
    run(workspace, jira, {"JIRA_API_TOKEN": JIRA_TOKEN})
    creates = [r for r in jira.posts() if r.url.path == "/rest/api/3/issue"]
    fields = json.loads(creates[1].content)["fields"]
    assert fields["project"] == {"key": "OPS"}
    assert fields["issuetype"] == {"name": "Task"}
    assert fields["duedate"] == "2024-05-31"
    assert fields["priority"] == {"name": "High"}
    assert fields["labels"] == ["post-mortem", "sev2-20240514"]
    assert fields["assignee"] == {"accountId": "5b10ac8d82e05b22cc7d4ef5"}
    description = fields["description"]
    assert description["type"] == "doc" and description["version"] == 1
    kinds = [node["type"] for node in description["content"]]
    assert "bulletList" in kinds and "<!--" not in json.dumps(description)
    last = description["content"][-1]["content"][0]
    assert last == {
        "type": "text",
        "text": "hotwash:INC-2024-0514/AI-002",
        "marks": [{"type": "code"}],
    }
    ref = load(workspace).incident.action_items[0].tracker
    assert ref is not None and (ref.key, ref.url) == (
        "OPS-217",
        "https://acme.atlassian.net/browse/OPS-217",
    )


def test_jira_search_follows_next_page_token(workspace: Path, jira: Any) -> None:
    env = {"JIRA_API_TOKEN": JIRA_TOKEN}
    run(workspace, jira, env)
    doc = load(workspace)
    for item in doc.incident.action_items:
        item.tracker = None
    save(doc)
    jira.requests.clear()
    result = run(workspace, jira, env)
    assert [o.outcome for o in result.issues] == ["found"] * 4
    searches = [json.loads(r.content) for r in jira.requests if r.url.path.endswith("/search/jql")]
    assert [s.get("nextPageToken") for s in searches] == [None, "2"]
    assert searches[0]["jql"] == 'project = "OPS" AND labels = "sev2-20240514"'


def test_jira_search_also_follows_start_at_and_total(workspace: Path, jira: Any) -> None:
    env = {"JIRA_API_TOKEN": JIRA_TOKEN}
    run(workspace, jira, env)
    doc = load(workspace)
    doc.incident.action_items[3].tracker = None
    save(doc)
    jira.legacy, jira.page_size = True, 3
    jira.requests.clear()
    result = run(workspace, jira, env)
    assert [o.outcome for o in result.issues] == ["linked", "linked", "linked", "found"]
    searches = [json.loads(r.content) for r in jira.requests if r.url.path.endswith("/search/jql")]
    assert [s.get("startAt") for s in searches] == [None, 3]
    assert len(jira.issues) == 4


def test_jira_429_retry_after_is_waited(workspace: Path, jira: Any) -> None:
    jira.failures = [httpx.Response(429, headers={"Retry-After": "12"}, text="Too Many Requests")]
    sleeps: list[float] = []
    run(workspace, jira, {"JIRA_API_TOKEN": JIRA_TOKEN}, sleeps)
    assert sleeps == [12.0]
    assert len(jira.issues) == 4


def test_jira_400_shows_field_errors(workspace: Path, jira: Any) -> None:
    jira.failures = [
        httpx.Response(
            400, json={"errorMessages": [], "errors": {"duedate": "Field cannot be set"}}
        )
    ]
    with pytest.raises(PublishError, match="HTTP 400: duedate: Field cannot be set"):
        run(workspace, jira, {"JIRA_API_TOKEN": JIRA_TOKEN})


def test_jira_401_names_token_variable(workspace: Path, jira: Any) -> None:
    with pytest.raises(PublishError, match=r"401.*\$JIRA_API_TOKEN"):
        run(workspace, jira, {"JIRA_API_TOKEN": "wrong-token-value"})


def test_jira_sync_resolution_date_marks_done(workspace: Path, jira: Any) -> None:
    env = {"JIRA_API_TOKEN": JIRA_TOKEN}
    run(workspace, jira, env)
    jira.resolve("OPS-218", "2024-05-30T10:15:00.000+0000")
    changes = sync_items(load(workspace), tracker_for(workspace, jira, env), NOW)
    assert [c.state for c in changes] == ["open", "closed", "open", "open"]
    item = load(workspace).incident.action_items[1]
    assert (item.status, str(item.done_on)) == (ActionStatus.DONE, "2024-05-30")
