"""E rules on fixture workspaces: fail/ gives the snapshot, pass/ gives nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotwash.checks.rule import CheckContext, all_rules
from hotwash.checks.runner import run_checks
from hotwash.document import load
from hotwash.evidence.store import workspace_evidence

from .conftest import COLLECT_DATA

RULES = COLLECT_DATA / "rules"
NOW = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)
CODES = ("E001", "E002", "E003", "E004")


def findings(workspace: Path, code: str) -> list[dict[str, object]]:
    ctx = CheckContext(now=NOW, evidence=workspace_evidence(workspace))
    result = run_checks(load(workspace), ctx, [code])
    return [
        {"code": f.code, "line": f.location.line, "message": f.message} for f in result.findings
    ]


@pytest.mark.parametrize("code", CODES)
def test_fail_fixture_matches_its_snapshot(code: str) -> None:
    expected = json.loads((RULES / code / "fail.expected.json").read_text())
    assert expected
    assert findings(RULES / code / "fail", code) == expected


@pytest.mark.parametrize("code", CODES)
def test_pass_fixture_is_clean(code: str) -> None:
    assert findings(RULES / code / "pass", code) == []


@pytest.mark.parametrize("code", CODES)
def test_no_evidence_collected_means_no_evidence_finding(code: str) -> None:
    result = run_checks(load(RULES / code / "fail"), CheckContext(now=NOW), [code])
    assert result.findings == []


def test_every_e_rule_is_documented_and_has_fixtures() -> None:
    ours = [r for r in all_rules() if r.code.startswith("E")]
    assert {r.code for r in ours} == set(CODES)
    for rule in ours:
        doc = rule.documentation()
        for heading in ("What it checks", "Why it matters", "Example", "Instead"):
            assert heading in doc, (rule.code, heading)


def test_retention_already_past_at_collection_is_reported(tmp_path: Path) -> None:
    import shutil

    workspace = tmp_path / "ws"
    shutil.copytree(RULES / "E004" / "fail", workspace)
    path = workspace / "evidence" / "manifest.json"
    data = json.loads(path.read_text())
    data["evidence"][1]["meta"]["retention_drops_at"] = "2024-05-14T13:03:12Z"
    path.write_text(json.dumps(data))
    (found,) = findings(workspace, "E004")
    assert "had already dropped data of the window when collected" in str(found["message"])
