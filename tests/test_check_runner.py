"""The check machinery: selection, suppression with a reason, output formats, registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotwash.checks.output import format_github, format_json, format_text
from hotwash.checks.rule import Rule, get_rule, iter_selected, register
from hotwash.checks.runner import run_checks
from hotwash.document import loads
from hotwash.errors import RuleError

UNOWNED = """title: t
action_items:
  - id: AI-001
    action: Add an alert on pool saturation above 90 %{comment}
"""


def _doc(comment: str = ""):  # type: ignore[no-untyped-def]
    return loads(UNOWNED.format(comment=comment), Path("incident.yaml"))


def test_missing_owner_points_at_the_item() -> None:
    result = run_checks(_doc(), select=["A001"])
    [finding] = result.findings
    assert (finding.code, finding.location.line) == ("A001", 3)
    assert not result.ok


def test_suppression_with_reason_removes_the_finding() -> None:
    doc = _doc("\n    # hotwash: ignore[A001] -- owner is assigned at the weekly review")
    text = doc.text.replace("  - id: AI-001\n", "  - id: AI-001  # hotwash: ignore[A001] -- tbd\n")
    result = run_checks(loads(text, Path("incident.yaml")), select=["A001"])
    assert result.findings == []
    assert result.suppressed[0][1] == "tbd"


def test_suppression_without_reason_keeps_the_finding() -> None:
    text = UNOWNED.format(comment="").replace(
        "- id: AI-001", "- id: AI-001  # hotwash: ignore[A001]"
    )
    [finding] = run_checks(loads(text), select=["A001"]).findings
    assert "suppression ignored" in finding.message


def test_selectors_accept_codes_prefixes_and_names() -> None:
    assert [r.code for r in iter_selected(["missing-owner"], [])] == ["A001"]
    assert all(r.code.startswith("A") for r in iter_selected(["A"], []))
    with pytest.raises(RuleError, match="unknown rule selector 'Z9'"):
        list(iter_selected(["Z9"], []))
    with pytest.raises(RuleError, match="unknown rule"):
        get_rule("X123")


def test_outputs_agree_on_the_finding() -> None:
    result = run_checks(_doc(), select=["A001"])
    assert "incident.yaml:3: A001 [error] AI-001 has no owner" in format_text([result])
    payload = json.loads(format_json([result]))
    assert payload[0]["findings"][0]["line"] == 3
    github = format_github([result])
    assert github.startswith("::error file=incident.yaml,line=3,title=A001 missing-owner::")


def test_duplicate_rule_code_fails_loudly() -> None:
    get_rule("A001")

    class Again(Rule):
        code = "A001"
        name = "another-owner-rule"

        def check(self, doc, ctx):  # type: ignore[no-untyped-def]
            return []

    with pytest.raises(RuleError, match="registered twice"):
        register(Again)
