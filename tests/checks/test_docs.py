"""The docs are generated from the code and tested: headings, freshness, coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotwash.checks.rule import all_rules
from hotwash.cli import COMMANDS, cli
from hotwash.config import SETTINGS
from hotwash.docs import main, render_rules, render_settings, stale_docs

HEADINGS = ("What it checks", "Why it matters", "Example", "Instead")
SOURCES = re.compile(r"Google|PagerDuty|Atlassian|Etsy|Allspaw|Dekker|incident\.io|VOID")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_documents_the_four_headings_and_cites_a_source(rule: type) -> None:
    """Every rule has the headings in order; the T, F, A, B, D rules cite their source."""
    doc = rule.documentation()
    positions = [doc.find(f"\n{h}\n") if i else doc.find(h) for i, h in enumerate(HEADINGS)]
    assert -1 not in positions and positions == sorted(positions), rule.code
    why = doc.split("Why it matters", 1)[1].split("Example", 1)[0]
    if rule.code[0] in "TFABD":
        assert SOURCES.search(why), f"{rule.code}: cite the practice source in Why it matters"


def test_generated_docs_are_current() -> None:
    assert stale_docs() == [], "run: python -m hotwash.docs"


def test_every_rule_and_setting_is_in_the_docs() -> None:
    rules_page, settings_page = render_rules(), render_settings()
    for rule in all_rules():
        assert f"## {rule.code} {rule.name}" in rules_page
    for setting in SETTINGS:
        assert f"| `{setting.name}` |" in settings_page and setting.help in settings_page


def test_check_mode_reports_stale_docs_and_writes_nothing(tmp_path: Path) -> None:
    assert main(["--check", "--out", str(tmp_path)]) == 1
    assert list(tmp_path.iterdir()) == []
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--check", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "rules.md").read_text().startswith("# Rules")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_a_help_summary(command: str) -> None:
    result = CliRunner().invoke(cli, ["--help"])
    line = next(row for row in result.output.splitlines() if row.strip().startswith(command))
    assert len(line.split(None, 1)) == 2, f"`hotwash {command}` has no one-line summary"
