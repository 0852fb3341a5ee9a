"""`hotwash check` and `hotwash rule` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "rules"
NOW = "2024-05-24T12:00:00Z"


def hotwash(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotwash", *args], capture_output=True, text=True, check=False
    )


def test_json_output_lists_findings_and_exits_1_on_errors() -> None:
    proc = hotwash("check", str(DATA / "planted.yaml"), "--now", NOW, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    (report,) = json.loads(proc.stdout)
    codes = {f["code"] for f in report["findings"]}
    assert {"B001", "A001", "D004"} <= codes
    b001 = next(f for f in report["findings"] if f["code"] == "B001")
    assert b001["line"] == 63 and b001["words"] == "@lee ignored" and b001["hint"]


def test_select_and_ignore_narrow_the_rules() -> None:
    proc = hotwash(
        "check",
        str(DATA / "planted.yaml"),
        "--now",
        NOW,
        "--json",
        "--select",
        "B",
        "--ignore",
        "B005",
    )
    codes = {f["code"] for f in json.loads(proc.stdout)[0]["findings"]}
    assert codes == {"B001", "B002", "B003", "B004", "B006"}


def test_warnings_only_exit_0() -> None:
    proc = hotwash("check", str(DATA / "planted.yaml"), "--now", NOW, "--select", "B005")
    assert proc.returncode == 0, proc.stdout
    assert "B005 [warning]" in proc.stdout


def test_github_format_is_workflow_commands() -> None:
    proc = hotwash(
        "check", str(DATA / "planted.yaml"), "--now", NOW, "--format", "github", "--select", "A001"
    )
    assert proc.stdout.startswith("::error file=")
    assert ",line=89,title=A001 missing-owner::AI-003 has no owner" in proc.stdout


def test_unknown_selector_is_one_clear_error() -> None:
    proc = hotwash("check", str(DATA / "planted.yaml"), "--select", "Z9")
    assert proc.returncode == 2
    assert "unknown rule selector 'Z9'" in proc.stderr and "Traceback" not in proc.stderr


def test_rule_prints_the_documentation() -> None:
    proc = hotwash("rule", "B003")
    assert proc.returncode == 0
    for heading in ("What it checks", "Why it matters", "Example", "Instead"):
        assert heading in proc.stdout
