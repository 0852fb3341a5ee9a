"""Each rule on its own fixture: fail.yaml gives the snapshot, pass.yaml gives nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hotwash.checks.rule import CheckContext, all_rules
from hotwash.checks.runner import run_checks
from hotwash.document import load

DATA = Path(__file__).resolve().parents[1] / "data" / "rules"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-errors"
NOW = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)
FAMILIES = ("T", "F", "A", "B", "D")
CODES = sorted(p.name for p in DATA.iterdir() if p.is_dir())


def _fixture(code: str, name: str) -> Path:
    """``fail.yaml`` (or ``fail.md``, a Markdown post-mortem, for rules about its tables)."""
    yaml = DATA / code / f"{name}.yaml"
    return yaml if yaml.exists() else DATA / code / f"{name}.md"


def _findings(path: Path, select: list[str], now: datetime = NOW) -> list[dict[str, object]]:
    result = run_checks(load(path), CheckContext(now=now), select)
    return [
        {"code": f.code, "line": f.location.line, "message": f.message} for f in result.findings
    ]


@pytest.mark.parametrize("code", CODES)
def test_fail_fixture_matches_its_snapshot(code: str) -> None:
    expected = json.loads((DATA / code / "fail.expected.json").read_text())
    assert expected, "a fail fixture must produce at least one finding"
    assert _findings(_fixture(code, "fail"), [code]) == expected


@pytest.mark.parametrize("code", CODES)
def test_pass_fixture_is_clean(code: str) -> None:
    assert _findings(_fixture(code, "pass"), [code]) == []


def test_every_rule_of_this_area_has_fixtures() -> None:
    ours = {r.code for r in all_rules() if r.code[0] in FAMILIES}
    assert ours <= set(CODES)


def test_one_planted_problem_per_rule_gives_exactly_those_findings() -> None:
    now = datetime(2024, 5, 24, 12, 0, tzinfo=UTC)
    result = run_checks(load(DATA / "planted.yaml"), CheckContext(now=now), list(FAMILIES))
    found = sorted([f.code, f.location.line] for f in result.findings)
    assert found == json.loads((DATA / "planted.expected.json").read_text())
    assert len({code for code, _ in found}) == len(found)


def test_the_bundled_example_is_clean_three_days_after_resolution() -> None:
    doc = load(EXAMPLE)
    resolved = doc.incident.milestones.resolved
    assert resolved is not None
    result = run_checks(doc, CheckContext(now=resolved + timedelta(days=3)))
    assert [f"{f.code} {f.message}" for f in result.findings] == []


def test_markdown_times_under_a_utc_column_are_fine_but_a_declared_zone_is_flagged() -> None:
    utc = _findings(DATA / "T002" / "markdown-utc.md", ["T002"])
    berlin = _findings(DATA / "T002" / "markdown-berlin.md", ["T002"])
    assert utc == []
    assert [f["line"] for f in berlin] == [18, 19, 20, 26, 27]
    assert all("has no zone" in str(f["message"]) for f in berlin)
