"""The command line: exit codes, one-line errors, help for every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotwash.cli import COMMANDS, cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotwash", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 3


def test_bad_document_is_one_line_and_exit_2(tmp_path: Path) -> None:
    file = tmp_path / "incident.yaml"
    file.write_text("title: t\ntimeline:\n  - at: 2024-05-14 14:02\n    title: x\n")
    proc = run("check", str(file))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{file}:3 (timeline[0].at)" in proc.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    proc = run("--debug", "render", str(tmp_path / "missing.yaml"))
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


def test_init_no_input_creates_a_loadable_workspace(tmp_path: Path) -> None:
    proc = run("init", str(tmp_path / "inc"), "--no-input", "--title", 'Cache "storm"')
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in (tmp_path / "inc").iterdir()} >= {"incident.yaml", "evidence", "out"}
    proc = run("check", str(tmp_path / "inc"), "--select", "T001")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert run("init", str(tmp_path / "inc"), "--no-input").returncode == 2


def test_schema_is_json_schema() -> None:
    import json

    schema = json.loads(run("schema").stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "action_items" in schema["properties"]


def test_unreadable_document_does_not_claim_all_checks_passed(tmp_path: Path) -> None:
    file = tmp_path / "incident.yaml"
    file.write_text("title: [broken\n")
    proc = run("check", str(file))
    assert proc.returncode == 2
    assert "All checks passed" not in proc.stdout
    assert "1 document could not be read" in proc.stderr
