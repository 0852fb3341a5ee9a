"""Idempotent publishing and sync, with the RecordingTracker shipped in the package."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hotwash.document import load, save
from hotwash.errors import DocumentError, StaleWriteError
from hotwash.model import ActionStatus
from hotwash.publish.issue import draft_issue, short_title
from hotwash.publish.issues import plan_issues, publish_issues
from hotwash.publish.sync import sync_items
from hotwash.publish.trackers.base import TrackerOptions
from hotwash.publish.trackers.recording import RecordingTracker

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)


def tracker() -> RecordingTracker:
    return RecordingTracker(TrackerOptions("recording", {"labels": ["post-mortem"]}, {}))


def test_title_is_cut_at_a_word_and_marked() -> None:
    text = (
        "Set the checkout-api pool size explicitly to 50 in the Helm values and fail the chart lint"
    )
    title = short_title(text, 40)
    assert title == "Set the checkout-api pool size…"
    assert short_title("Short action") == "Short action"


def test_draft_names_factors_and_owner_without_mentioning_anyone(workspace: Path) -> None:
    incident = load(workspace).incident
    draft = draft_issue(incident, incident.action_items[1], "INC-2024-0514", ("post-mortem",))
    assert draft.labels == ("post-mortem", "sev2-20240514")
    assert "- CF-3: contributing, monitoring: No alert watched pool saturation" in draft.body
    assert "- Owner: `@lee`" in draft.body
    assert "Post-mortem:" not in draft.body


def test_incident_without_id_uses_its_folder_name(workspace: Path) -> None:
    doc = load(workspace)
    doc.incident.id = None
    draft = draft_issue(doc.incident, doc.incident.action_items[0], "2024-05-14-checkout-errors")
    assert draft.marker == "hotwash:2024-05-14-checkout-errors/AI-001"
    plan = plan_issues(doc, tracker())
    assert plan[0].draft is not None and plan[0].draft.marker == draft.marker


def test_done_and_declined_items_get_no_issue(workspace: Path) -> None:
    doc = load(workspace)
    doc.incident.action_items[0].status = ActionStatus.DONE
    doc.incident.action_items[1].declined_reason = "covered by the platform alert set"
    doc.incident.action_items[1].status = ActionStatus.DECLINED
    save(doc)
    fake = tracker()
    outcomes = publish_issues(load(workspace), fake)
    assert [o.outcome for o in outcomes] == ["skipped", "skipped", "created", "created"]
    assert [i.draft.item_id for i in fake.issues.values()] == ["AI-003", "AI-004"]


def test_a_stale_write_is_refused_and_the_rerun_recovers(workspace: Path) -> None:
    fake = tracker()
    doc = load(workspace)
    path = workspace / "incident.yaml"
    path.write_text(path.read_text() + "# edited by a colleague meanwhile\n")
    with pytest.raises(StaleWriteError):
        publish_issues(doc, fake)
    assert len(fake.issues) == 1
    assert "edited by a colleague" in path.read_text()
    outcomes = publish_issues(load(workspace), fake)
    assert [o.outcome for o in outcomes] == ["found", "created", "created", "created"]
    assert len(fake.issues) == 4


def test_sync_closes_reopens_and_stamps(workspace: Path) -> None:
    fake = tracker()
    publish_issues(load(workspace), fake)
    fake.close("2", datetime(2024, 5, 28, 17, 5, tzinfo=UTC))
    changes = sync_items(load(workspace), fake, NOW)
    assert [c.changes for c in changes] == [[], ["status open -> done on 2024-05-28"], [], []]
    items = load(workspace).incident.action_items
    assert items[1].status is ActionStatus.DONE and items[1].done_on == date(2024, 5, 28)
    assert all(i.tracker is not None and i.tracker.synced_at == NOW for i in items)
    assert items[1].tracker is not None and items[1].tracker.state == "closed"

    fake.issues["2"].state = "open"
    sync_items(load(workspace), fake, NOW)
    assert load(workspace).incident.action_items[1].status is ActionStatus.OPEN


def test_sync_dry_run_writes_nothing(workspace: Path) -> None:
    fake = tracker()
    publish_issues(load(workspace), fake)
    fake.close("1", NOW)
    before = (workspace / "incident.yaml").read_bytes()
    changes = sync_items(load(workspace), fake, NOW, dry_run=True)
    assert changes[0].changes == ["status open -> done on 2024-06-01"]
    assert (workspace / "incident.yaml").read_bytes() == before


def test_sync_never_overrides_a_declined_item(workspace: Path) -> None:
    fake = tracker()
    publish_issues(load(workspace), fake)
    doc = load(workspace)
    doc.incident.action_items[0].declined_reason = "superseded by AI-002"
    doc.incident.action_items[0].status = ActionStatus.DECLINED
    save(doc)
    fake.close("1", NOW)
    sync_items(load(workspace), fake, NOW)
    assert load(workspace).incident.action_items[0].status is ActionStatus.DECLINED


def test_a_markdown_postmortem_is_refused_before_any_issue(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "publish" / "markdown-postmortem.md"
    target = tmp_path / "postmortem.md"
    target.write_bytes(source.read_bytes())
    doc = load(target)
    fake = tracker()
    assert [o.outcome for o in plan_issues(doc, fake)].count("would-create") >= 1
    with pytest.raises(DocumentError, match="Markdown post-mortem is read-only"):
        publish_issues(doc, fake)
    assert fake.issues == {}
    assert target.read_bytes() == source.read_bytes()
