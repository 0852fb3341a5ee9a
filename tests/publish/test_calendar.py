"""Reminders as iCalendar: weekly review until the last due date, follow-up review, stable UIDs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from hotwash.config import load_settings
from hotwash.document import load, save
from hotwash.model import ActionStatus
from hotwash.publish.calendar import to_ics, write_reminders

NOW = datetime(2024, 5, 15, 9, 0, tzinfo=UTC)


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_weekly_review_recurs_until_the_last_due_date(workspace: Path) -> None:
    result = write_reminders(load(workspace), load_settings(workspace), NOW)
    ics = (workspace / "out" / "reminders.ics").read_bytes().decode("utf-8")
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and "METHOD:PUBLISH" in lines
    assert "UID:INC-2024-0514-weekly-review@hotwash" in lines
    assert "DTSTART:20240521T150000Z" in lines
    assert "RRULE:FREQ=WEEKLY;UNTIL=20240612T235959Z" in lines
    assert "DURATION:PT30M" in lines
    assert "UID:INC-2024-0514-follow-up-review@hotwash" in lines
    assert "DTSTART:20240611T150000Z" in lines  # the document's follow_up_review
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert not result.follow_up_recorded


def test_follow_up_review_is_computed_and_recorded(workspace: Path) -> None:
    doc = load(workspace)
    doc.incident.follow_up_review = None
    save(doc)
    result = write_reminders(load(workspace), load_settings(workspace), NOW)
    assert result.follow_up_recorded
    saved = load(workspace)
    assert saved.incident.follow_up_review == datetime(2024, 6, 11, 15, 0, tzinfo=UTC)
    assert "# CheckoutHighErrorRate firing" in (workspace / "incident.yaml").read_text()


def test_follow_up_on_a_weekend_moves_to_monday_at_the_configured_time(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    configure('follow_up_review_days = 26\n[reminders]\ntime = "09:30"\nduration_minutes = 45\n')
    doc = load(workspace)
    doc.incident.follow_up_review = None
    result = write_reminders(doc, load_settings(workspace), NOW, dry_run=True)
    follow_up = result.reminders[-1]
    assert follow_up.start == datetime(2024, 6, 10, 9, 30, tzinfo=UTC)  # 06-09 is a Sunday
    assert "DURATION:PT45M" in result.ics


def test_uids_are_stable_and_done_items_do_not_extend_the_review(workspace: Path) -> None:
    settings = load_settings(workspace)
    first = write_reminders(load(workspace), settings, NOW, dry_run=True)
    doc = load(workspace)
    doc.incident.action_items[3].status = ActionStatus.DONE
    later = write_reminders(doc, settings, datetime(2024, 5, 20, tzinfo=UTC), dry_run=True)
    assert [r.uid for r in first.reminders] == [r.uid for r in later.reminders]
    assert "UNTIL=20240607T235959Z" in later.ics


def test_dry_run_writes_nothing(workspace: Path) -> None:
    doc = load(workspace)
    doc.incident.follow_up_review = None
    save(doc)
    before = (workspace / "incident.yaml").read_bytes()
    result = write_reminders(load(workspace), load_settings(workspace), NOW, dry_run=True)
    assert result.follow_up_recorded and not result.path.exists()
    assert (workspace / "incident.yaml").read_bytes() == before


def test_long_text_is_escaped_and_folded_without_breaking_characters(workspace: Path) -> None:
    doc = load(workspace)
    doc.incident.title = "Paiement refusé; «checkout», erreurs 503 — " * 3
    result = write_reminders(doc, load_settings(workspace), NOW, dry_run=True)
    ics = to_ics(result.reminders, NOW)
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    summary = next(line for line in unfold(ics) if line.startswith("SUMMARY:Follow-up"))
    assert summary.startswith("SUMMARY:Follow-up review: Paiement refusé\\; «checkout»\\, erreurs")
