"""GitHub issues through a fake that answers like the REST v3 API."""

from __future__ import annotations

import json
import time
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
from hotwash.publish.issues import publish_issues
from hotwash.publish.pipeline import PublishRequest, publish
from hotwash.publish.sync import sync_items
from hotwash.publish.trackers.registry import build_tracker

CONFIG = """
[publish]
report_url = "https://wiki.example.com/pm/{id}"

[trackers.github]
repo = "acme/shop"
labels = ["post-mortem"]

[trackers.github.assignees]
"@dana" = "dana-k"
"""
NOW = datetime(2024, 5, 15, 9, 0, tzinfo=UTC)
TOKEN = "ghp_" + "A1b2C3d4" * 5  # the token the fake GitHub accepts (see conftest)
FakeGitHub = Any


def run(workspace: Path, fake: FakeGitHub, sleeps: list[float] | None = None, token: str = TOKEN):
    request = PublishRequest(trackers=True, now=NOW)
    sleep = sleeps.append if sleeps is not None else (lambda s: None)
    return publish(workspace, request, fake.client(), {"GITHUB_TOKEN": token}, sleep)


@pytest.fixture
def github(configure: Callable[[str], Path], github_api: FakeGitHub) -> FakeGitHub:
    configure(CONFIG)
    return github_api


def test_one_issue_per_open_item_with_labels_assignee_and_body(
    workspace: Path, github: FakeGitHub
) -> None:
    doc = load(workspace)
    doc.incident.action_items[3].status = ActionStatus.DONE
    save(doc)
    result = run(workspace, github)
    assert [o.outcome for o in result.issues] == ["created", "created", "created", "skipped"]
    first = json.loads(github.posts()[0].content)
    assert first["labels"] == ["post-mortem", "sev2-20240514"]
    assert first["assignees"] == ["dana-k"]
    assert first["title"].startswith("Set the checkout-api pool size explicitly to 50")
    assert len(first["title"]) <= 80
    body = first["body"]
    assert "CF-1: trigger, change: The v2.31.0 rollout changed the pool size default" in body
    assert "Post-mortem: https://wiki.example.com/pm/INC-2024-0514" in body
    assert "- Due: 2024-05-24" in body and "- Priority: P1" in body
    assert body.rstrip().endswith("<!-- hotwash:INC-2024-0514/AI-001 -->")
    assert github.posts()[1].headers["x-github-api-version"] == "2022-11-28"


def test_refs_are_written_back_with_comments_kept(workspace: Path, github: FakeGitHub) -> None:
    run(workspace, github)
    text = (workspace / "incident.yaml").read_text()
    assert "# CheckoutHighErrorRate firing" in text
    refs = [a.tracker for a in load(workspace).incident.action_items]
    assert [r.key for r in refs if r] == [f"acme/shop#{n}" for n in (912, 913, 914, 915)]
    assert refs[0] is not None and refs[0].url == "https://github.com/acme/shop/issues/912"
    assert TOKEN not in text


def test_running_again_creates_nothing(workspace: Path, github: FakeGitHub) -> None:
    run(workspace, github)
    before = (workspace / "incident.yaml").read_bytes()
    again = run(workspace, github)
    assert [o.outcome for o in again.issues] == ["linked"] * 4
    assert len(github.issues) == 4
    assert (workspace / "incident.yaml").read_bytes() == before


def test_crash_between_create_and_save_leaves_one_issue_per_item(
    workspace: Path, github: FakeGitHub
) -> None:
    saves = 0

    def crash_on_second_save(doc):  # type: ignore[no-untyped-def]
        nonlocal saves
        saves += 1
        if saves == 2:
            raise KeyboardInterrupt("power cut after creating the second issue")
        return save(doc)

    settings = load_settings(workspace)
    tracker = build_tracker(settings, None, github.client(), {"GITHUB_TOKEN": TOKEN})
    with pytest.raises(KeyboardInterrupt):
        publish_issues(load(workspace), tracker, write=crash_on_second_save)
    assert len(github.issues) == 2
    saved = load(workspace).incident.action_items
    assert saved[0].tracker is not None and saved[1].tracker is None

    result = run(workspace, github)
    assert [o.outcome for o in result.issues] == ["linked", "found", "created", "created"]
    assert len(github.issues) == 4
    numbers = [a.tracker.key for a in load(workspace).incident.action_items if a.tracker]
    assert numbers == ["acme/shop#912", "acme/shop#913", "acme/shop#914", "acme/shop#915"]


def test_lost_refs_are_found_by_marker_across_pages(workspace: Path, github: FakeGitHub) -> None:
    run(workspace, github)
    doc = load(workspace)
    for item in doc.incident.action_items:
        item.tracker = None
    save(doc)
    github.page_size = 1
    github.requests.clear()
    result = run(workspace, github)
    assert [o.outcome for o in result.issues] == ["found"] * 4
    assert len(github.issues) == 4
    pages = [r for r in github.requests if r.method == "GET"]
    assert len(pages) == 4
    assert "page=4" in str(pages[-1].url)


def test_rate_limit_is_waited_out_until_reset(workspace: Path, github: FakeGitHub) -> None:
    reset = int(time.time()) + 30
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    github.failures = [
        httpx.Response(403, json={"message": "API rate limit exceeded"}, headers=headers),
        httpx.Response(429, json={"message": "secondary rate limit"}, headers={"Retry-After": "7"}),
    ]
    sleeps: list[float] = []
    result = run(workspace, github, sleeps)
    assert [o.outcome for o in result.issues] == ["created"] * 4
    assert 28 <= sleeps[0] <= 32 and sleeps[1] == 7
    assert len(github.issues) == 4


def test_bad_token_is_one_clear_error_naming_the_variable(
    workspace: Path, github: FakeGitHub
) -> None:
    before = (workspace / "incident.yaml").read_bytes()
    wrong = "ghp_" + "Z" * 36
    with pytest.raises(PublishError) as caught:
        run(workspace, github, token=wrong)
    message = str(caught.value)
    assert "401" in message and "$GITHUB_TOKEN" in message
    assert wrong not in message
    assert (workspace / "incident.yaml").read_bytes() == before


def test_validation_error_shows_the_api_message(workspace: Path, github: FakeGitHub) -> None:
    github.failures = [
        httpx.Response(422, json={"message": "Validation Failed", "errors": [{"message": "bad"}]})
    ]
    with pytest.raises(PublishError, match="HTTP 422: Validation Failed; bad"):
        run(workspace, github)


def test_sync_reads_closed_and_reopened_issues(workspace: Path, github: FakeGitHub) -> None:
    run(workspace, github)
    github.close(912, "2024-05-22T16:40:00Z")
    tracker = build_tracker(
        load_settings(workspace), None, github.client(), {"GITHUB_TOKEN": TOKEN}
    )
    changes = sync_items(load(workspace), tracker, NOW)
    assert changes[0].changes == ["status open -> done on 2024-05-22"]
    item = load(workspace).incident.action_items[0]
    assert (item.status, str(item.done_on)) == (ActionStatus.DONE, "2024-05-22")
    assert item.tracker is not None and item.tracker.state == "closed"
    assert item.tracker.synced_at == NOW

    github.reopen(912)
    sync_items(load(workspace), tracker, NOW)
    item = load(workspace).incident.action_items[0]
    assert (item.status, item.done_on) == (ActionStatus.OPEN, None)
    assert load(workspace).incident.action_items[0].owner == "@dana"


def test_a_missing_secret_stops_everything_before_the_first_issue(
    workspace: Path, configure: Callable[[str], Path], github_api: FakeGitHub
) -> None:
    configure(CONFIG + '\n[notify.webhooks.chat]\nkind = "slack"\nurl_env = "SLACK_URL"\n')
    before = (workspace / "incident.yaml").read_bytes()
    request = PublishRequest(trackers=True, notify=True, now=NOW)
    with pytest.raises(PublishError, match="SLACK_URL is not set"):
        publish(workspace, request, github_api.client(), {"GITHUB_TOKEN": TOKEN})
    assert github_api.requests == []
    assert (workspace / "incident.yaml").read_bytes() == before
