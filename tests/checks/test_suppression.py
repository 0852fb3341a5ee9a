"""Inline suppression: a stated reason removes the finding; no reason keeps it."""

from __future__ import annotations

from pathlib import Path

from hotwash.checks.rule import CheckContext
from hotwash.checks.runner import run_checks
from hotwash.document import load

DATA = Path(__file__).resolve().parents[1] / "data" / "rules"
LINE = '  - "@dana pushed a bad config."'


def _check(tmp_path: Path, suffix: str) -> tuple[list[str], list[str]]:
    text = (DATA / "B002" / "pass.yaml").read_text()
    text = text.replace("went_poorly:\n", f"went_poorly:\n{LINE}{suffix}\n")
    file = tmp_path / "incident.yaml"
    file.write_text(text)
    result = run_checks(load(file), CheckContext(), ["B001"])
    return [f.message for f in result.findings], [why for _, why in result.suppressed]


def test_suppression_with_a_reason_removes_the_finding(tmp_path: Path) -> None:
    reason = "quoting the deploy log verbatim"
    findings, suppressed = _check(tmp_path, f"  # hotwash: ignore[B001] -- {reason}")
    assert findings == []
    assert suppressed == [reason]


def test_suppression_without_a_reason_keeps_the_finding(tmp_path: Path) -> None:
    findings, suppressed = _check(tmp_path, "  # hotwash: ignore[B001]")
    assert len(findings) == 1
    assert "give a reason" in findings[0]
    assert suppressed == []
