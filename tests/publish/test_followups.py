"""Open action items across incidents, overdue first; escalation of overdue P0/P1 items."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from hotwash.cli import cli
from hotwash.publish.followups import collect_followups, escalate, escalations
from hotwash.publish.notify.base import NotifyOptions
from hotwash.publish.notify.email import EmailNotifier
from hotwash.publish.notify.recording import RecordingNotifier

SECOND = """\
title: Search index lagging behind writes
id: INC-2024-0602
severity: SEV3
milestones:
  impact_started: 2024-06-02T08:00:00Z
  resolved: 2024-06-02T09:10:00Z
action_items:
  - id: AI-001
    action: Page on indexer lag above 5 minutes
    owner: "@ana"
    due: 2024-05-30
    priority: P0
    sponsor: "@vp-eng"
  - id: AI-002
    action: Document the reindex procedure in the runbook
    owner: "@zed"
    due: 2024-06-03
    priority: P3
  - id: AI-003
    action: Remove the legacy indexer
    owner: "@ana"
    status: done
"""


def second_incident(root: Path) -> Path:
    folder = root / "2024-06-02-search-lag"
    folder.mkdir()
    (folder / "incident.yaml").write_text(SECOND, encoding="utf-8")
    return folder


def test_overdue_first_then_owner_and_priority(workspace: Path) -> None:
    root = workspace.parent
    second_incident(root)
    report = collect_followups(root, date(2024, 6, 1))
    rows = [(f.incident, f.item.id, f.days_overdue) for f in report.items]
    assert rows == [
        ("INC-2024-0602", "AI-001", 2),  # @ana
        ("INC-2024-0514", "AI-001", 8),  # @dana
        ("INC-2024-0514", "AI-002", 1),  # @lee
        ("INC-2024-0514", "AI-004", 0),  # @dana, P3
        ("INC-2024-0514", "AI-003", 0),  # @sam
        ("INC-2024-0602", "AI-002", 0),  # @zed
    ]


def test_cli_json_and_exit_code_for_a_scheduled_job(workspace: Path) -> None:
    root = workspace.parent
    runner = CliRunner()
    late = runner.invoke(cli, ["followups", str(root), "--json", "--now", "2024-06-01T00:00:00Z"])
    assert late.exit_code == 1
    data = json.loads(late.output)
    assert data["today"] == "2024-06-01"
    assert [(i["id"], i["overdue"]) for i in data["items"][:2]] == [
        ("AI-001", True),
        ("AI-002", True),
    ]
    assert data["items"][0]["incident"] == "INC-2024-0514"
    early = runner.invoke(cli, ["followups", str(root), "--now", "2024-05-20"])
    assert early.exit_code == 0
    assert "4 open action item(s), 0 overdue (as of 2024-05-20)" in early.output


def test_an_unreadable_document_is_reported_and_the_rest_listed(workspace: Path) -> None:
    broken = workspace.parent / "broken"
    broken.mkdir()
    (broken / "incident.yaml").write_text("title: [unclosed\n")
    result = CliRunner().invoke(cli, ["followups", str(workspace.parent), "--now", "2024-05-20"])
    assert result.exit_code == 2
    assert "broken/incident.yaml" in result.output and "invalid YAML" in result.output
    assert "4 open action item(s)" in result.output


def test_overdue_high_priority_items_are_escalated_to_their_sponsor(workspace: Path) -> None:
    second_incident(workspace.parent)
    report = collect_followups(workspace.parent, date(2024, 6, 1))
    found = escalations(report)
    assert [(e.followup.incident, e.followup.item.id) for e in found] == [
        ("INC-2024-0602", "AI-001")
    ]
    options = NotifyOptions(
        "notify.email",
        {
            "host": "smtp.example.com",
            "from": "pm@example.com",
            "to": ["x@example.com"],
            "addresses": {"@vp-eng": "vp-eng@example.com"},
        },
        {},
    )
    chat = RecordingNotifier("incidents")
    results = escalate(found, [EmailNotifier("email", options), chat], dry_run=True)
    assert [(r.channel, r.recipients, r.sent) for r in results] == [
        ("email", ("vp-eng@example.com",), False),
        ("recording", ("incidents",), False),
    ]
    assert chat.sent == []
    escalate(found, [chat])
    (notice,) = chat.sent
    assert notice.subject == "Overdue P0 action item AI-001 of INC-2024-0602 (2 days)"
    assert ("Sponsor", "@vp-eng") in notice.facts


def test_escalation_without_an_address_is_skipped_with_the_reason(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    second_incident(workspace.parent)
    configure('[notify.email]\nhost = "smtp.example.com"\nfrom = "pm@x.org"\nto = ["x@x.org"]')
    result = CliRunner().invoke(
        cli, ["followups", str(workspace.parent), "--escalate", "--dry-run", "--now", "2024-06-01"]
    )
    assert result.exit_code == 1
    assert "skipped, no e-mail address for sponsor @vp-eng" in result.output
