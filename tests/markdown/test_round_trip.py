"""Seed template -> import -> Markdown report -> import again: the same incident.

The Markdown report (``render/templates/report.md.j2``) follows the seed template, so a
post-mortem written in Markdown can be rendered and read back without losing what the
report carries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hotwash.checks.rule import CheckContext
from hotwash.document import Document, load
from hotwash.markdown import parse_markdown
from hotwash.model import ActionStatus, Incident, TrackerRef, WhyChain
from hotwash.render import render_text

SEED = Path(__file__).resolve().parents[1] / "data" / "markdown" / "seed-checkout.md"
NOW = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)

#: What the Markdown report writes back; ``created``, ``distribution`` and the like are not
#: part of the report.
CARRIED = {
    "title",
    "id",
    "severity",
    "status",
    "owner",
    "authors",
    "reviewers",
    "reviewed_on",
    "milestones",
    "impact",
    "summary",
    "trigger",
    "root_causes",
    "detection",
    "resolution",
    "timeline",
    "whys",
    "went_well",
    "went_poorly",
    "lucky",
    "lessons",
    "prevention",
    "action_items",
    "extra_sections",
}


def round_trip(doc: Document, tmp_path: Path) -> tuple[str, Incident]:
    text = render_text(doc, "markdown", check_context=CheckContext(now=NOW))
    report = tmp_path / "report.md"
    report.write_text(text)
    return text, load(report).incident


def test_seed_template_survives_render_and_import(tmp_path: Path) -> None:
    first = load(SEED)
    text, second = round_trip(first, tmp_path)
    assert second.model_dump(include=CARRIED) == first.incident.model_dump(include=CARRIED)
    assert second.factors == first.incident.factors
    assert "## Evidence and Data Gaps" in text  # generated appendix, not imported back


def test_five_whys_and_declined_items_survive(tmp_path: Path) -> None:
    doc = load(SEED)
    chain = {"problem": "Checkout requests failed with 503.", "whys": ["Pods left service."]}
    doc.incident = doc.incident.model_copy(
        update={
            "whys": [WhyChain.model_validate(chain)],
            "went_poorly": ["Twelve minutes passed before the rollout was suspected."],
        }
    )
    doc.incident.action_items[0].tracker = TrackerRef(system="jira", key="OPS-42", state="open")
    doc.incident.action_items[3] = doc.incident.action_items[3].model_copy(
        update={"status": ActionStatus.DECLINED, "declined_reason": "covered by AI-001"}
    )
    _, again = round_trip(doc, tmp_path)
    assert again.whys[0].model_dump() == {"id": None, **chain}
    assert again.went_poorly == doc.incident.went_poorly
    assert again.action_items[3].status.value == "declined"
    assert again.action_items[3].declined_reason == "covered by AI-001"
    assert again.action_items[0].tracker == doc.incident.action_items[0].tracker


def test_trigger_and_milestones_survive(tmp_path: Path) -> None:
    first = load(SEED).incident
    _, second = round_trip(load(SEED), tmp_path)
    assert (second.trigger, second.root_causes) == (first.trigger, first.root_causes)
    assert second.milestones == first.milestones


def test_report_of_the_yaml_example_imports(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "checkout-errors"
    yaml_doc = load(example)
    _, again = round_trip(yaml_doc, tmp_path)
    assert again.timeline == [
        e.model_copy(update={"kind": None, "id": None}) for e in yaml_doc.incident.timeline
    ]
    assert again.action_items == yaml_doc.incident.action_items
    assert again.whys == yaml_doc.incident.whys
    assert (
        again.impact
        == parse_markdown(
            render_text(yaml_doc, "markdown", check_context=CheckContext(now=NOW))
        ).incident.impact
    )
