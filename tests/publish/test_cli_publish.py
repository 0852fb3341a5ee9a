"""`hotwash publish`, `sync` and the demo step, from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from hotwash.cli import cli
from hotwash.demo import DemoRun, prepare, step_publish
from hotwash.document import load, save
from hotwash.model import TrackerRef

CONFIG = """
[trackers.github]
repo = "acme/shop"
labels = ["post-mortem"]
[trackers.github.assignees]
"@dana" = "dana-k"
"""


def test_dry_run_shows_issues_and_reminders_and_writes_nothing(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    configure(CONFIG)
    before = (workspace / "incident.yaml").read_bytes()
    args = ["publish", str(workspace), "--trackers", "--calendar", "--dry-run"]
    result = CliRunner().invoke(cli, [*args, "--now", "2024-05-15T09:00:00Z"], env={})
    assert result.exit_code == 0, result.output
    assert "== issues on github (dry run: nothing written or sent)" in result.output
    assert (
        'would create AI-001 "Set the checkout-api pool size explicitly to 50 in the Helm values '
        'and fail…"; labels: post-mortem, sev2-20240514; assignee: dana-k; due: 2024-05-24'
    ) in result.output
    assert "weekly from 2024-05-21 15:00 UTC until 2024-06-12" in result.output
    assert (workspace / "incident.yaml").read_bytes() == before
    assert not (workspace / "out" / "reminders.ics").exists()


def test_dry_run_json_has_the_request_bodies(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    configure(CONFIG)
    args = ["publish", str(workspace), "--trackers", "--dry-run", "--json"]
    data = json.loads(CliRunner().invoke(cli, args).output)
    assert data["dry_run"] is True
    assert data["issues"][1]["request"]["assignees"] == ["lee"]
    assert data["issues"][1]["request"]["body"].endswith("<!-- hotwash:INC-2024-0514/AI-002 -->\n")


def test_publish_without_a_choice_or_token_is_one_clear_error(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    configure(CONFIG)
    runner = CliRunner()
    nothing = runner.invoke(cli, ["publish", str(workspace)])
    assert nothing.exit_code != 0 and "choose what to publish" in str(nothing.exception)
    unlinked = runner.invoke(cli, ["sync", str(workspace)], env={"GITHUB_TOKEN": ""})
    assert unlinked.exit_code == 0
    assert "no action item is linked to this tracker" in unlinked.output
    doc = load(workspace)
    doc.incident.action_items[0].tracker = TrackerRef(system="github", key="acme/shop#912")
    save(doc)
    no_token = runner.invoke(cli, ["sync", str(workspace)], env={"GITHUB_TOKEN": ""})
    assert "environment variable GITHUB_TOKEN is not set" in str(no_token.exception)


def test_demo_step_publish_is_a_quick_dry_run(tmp_path: Path) -> None:
    workspace = prepare(tmp_path / "demo")
    before = (workspace / "incident.yaml").read_bytes()
    run = DemoRun(workspace=workspace, echo=lambda line: None)
    step_publish(run)
    text = "\n".join(run.lines)
    assert "== publish" in text and "(dry run: nothing written or sent)" in text
    assert "would create AI-001" in text and "would create AI-004" in text
    assert "Follow-up review" in text
    assert (workspace / "incident.yaml").read_bytes() == before
