"""`hotwash timeline`: the table, --json, --accept into incident.yaml, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from hotwash.cli import main
from hotwash.document import load, save
from hotwash.errors import StaleWriteError
from hotwash.timeline import accept_into, build_for_workspace, choose

DOCUMENT = """\
# The checkout incident. Times are UTC.
title: Checkout errors
milestones:
  impact_started: null
  detected: 2024-05-14T14:06:30Z   # set by hand
  acknowledged: null
  mitigated: null
  resolved: null
timeline:
  - at: 2024-05-14T14:06:30Z
    title: CheckoutHighErrorRate firing   # written by the on-call
    kind: alert
"""


@pytest.fixture
def workspace(tmp_path: Path, rec: ModuleType) -> Path:
    root = tmp_path / "incident"
    (root / "records").mkdir(parents=True)
    rec.scenario().write_parquet(root / "records" / f"{rec.sha('all')}.parquet")
    (root / "incident.yaml").write_text(DOCUMENT, encoding="utf-8")
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_table_shows_dates_sources_milestones(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "timeline", str(workspace))
    assert code == 0
    assert "2024-05-14 14:09:12 UTC  opsgenie,pagerduty" in out
    assert "Page acknowledged" in out
    assert "  resolved        2024-05-14 14:47:05 UTC" in out
    assert "time to acknowledge" in out
    firing = [
        line for line in out.splitlines() if line.endswith("CheckoutHighErrorRate firing (x5)")
    ]
    # the written entry, not a duplicate, with the sources that confirm it
    assert len(firing) == 1 and " doc " in firing[0] and "alertmanager,prometheus" in firing[0]


def test_json_output(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", str(workspace), "--json", "--since", "2024-05-14T14:09Z")
    data = json.loads(out)
    assert code == 0
    assert all(e["at"] >= "2024-05-14T14:09:00Z" for e in data["events"])
    assert {m["name"] for m in data["milestones"]} >= {"detected", "acknowledged", "resolved"}
    assert data["durations"]["acknowledge"] == 162.0


def test_accept_writes_auto_entries_keeps_comments_and_never_duplicates(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "timeline", str(workspace), "--accept")
    assert code == 0
    text = (workspace / "incident.yaml").read_text(encoding="utf-8")
    assert "# written by the on-call" in text and "# set by hand" in text
    incident = load(workspace).incident
    auto = [e for e in incident.timeline if e.auto]
    assert auto and all(e.evidence and e.confidence for e in auto)
    assert [e.at for e in incident.timeline] == sorted(e.at for e in incident.timeline)
    assert sum(e.title == "CheckoutHighErrorRate firing" for e in incident.timeline) == 1
    assert incident.milestones.detected is not None
    assert incident.milestones.detected.isoformat() == "2024-05-14T14:06:30+00:00"
    assert incident.milestones.acknowledged is not None and incident.milestones.resolved
    before = len(incident.timeline)
    code, _, _ = run(capsys, "timeline", str(workspace), "--accept")
    assert code == 0 and len(load(workspace).incident.timeline) == before


def test_accept_chosen_ids_only(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = build_for_workspace(workspace)
    wanted = next(e.id for e in result.entries if e.event.title == "Page acknowledged")
    code, out, _ = run(capsys, "timeline", str(workspace), "--accept", wanted)
    assert code == 0 and "accepted 1 of the entries" in out
    titles = [e.title for e in load(workspace).incident.timeline]
    assert titles == ["CheckoutHighErrorRate firing", "Page acknowledged"]


def test_unknown_id_and_naive_since_are_one_line_errors(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (workspace / "incident.yaml").read_text(encoding="utf-8")
    code, _, err = run(capsys, "timeline", str(workspace), "--accept", "nope")
    assert code == 2 and "no timeline entry with id nope" in err and "Traceback" not in err
    code, _, err = run(capsys, "timeline", str(workspace), "--since", "2024-05-14T14:00:00")
    assert code == 2 and "--since" in err and len(err.strip().splitlines()) == 1
    assert (workspace / "incident.yaml").read_text(encoding="utf-8") == before


def test_a_file_changed_meanwhile_is_not_overwritten(workspace: Path) -> None:
    document = load(workspace)
    result = build_for_workspace(workspace, incident=document.incident)
    accept_into(document, choose(result, None), result)
    (workspace / "incident.yaml").write_text(DOCUMENT + "# edited by someone else\n")
    with pytest.raises(StaleWriteError):
        save(document)
    assert (workspace / "incident.yaml").read_text().endswith("# edited by someone else\n")


def test_workspace_without_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "incident.yaml").write_text(DOCUMENT, encoding="utf-8")
    code, out, _ = run(capsys, "timeline", str(tmp_path))
    assert code == 0 and "CheckoutHighErrorRate firing" in out


def test_missing_workspace_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "timeline", str(tmp_path / "nope"))
    assert code == 2 and "no such workspace folder" in err


def test_conflicting_milestones_refuse_the_accept_and_write_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = workspace / "incident.yaml"
    document.write_text(DOCUMENT.replace("resolved: null", "resolved: 2024-05-14T14:07:00Z"))
    before = document.read_text(encoding="utf-8")
    code, _, err = run(capsys, "timeline", str(workspace), "--accept")
    assert code == 2 and "conflict with the written ones" in err
    assert document.read_text(encoding="utf-8") == before
