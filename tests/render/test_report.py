"""Markdown and HTML reports of a fixed document: snapshots, section order, evidence links."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from hotwash.document import load
from hotwash.errors import RenderError
from hotwash.redact import RedactionPolicy
from hotwash.render import render_text

from .conftest import DATA, NOW

SNAPSHOTS = DATA / "snapshots"
UPDATE = bool(os.environ.get("HOTWASH_UPDATE_SNAPSHOTS"))

MARKDOWN_ORDER = [
    "# Post-Mortem: ",
    "**Date**: ",
    "**Duration**: ",
    "**Severity**: ",
    "**Authors**: ",
    "**Reviewed**: ",
    "## Summary",
    "## Impact",
    "## Root Cause",
    "## Timeline",
    "## Contributing Factors",
    "### Immediate Cause",
    "### Contributing Factors",
    "### Systemic Issues",
    "## Five Whys",
    "## Action Items",
    "## What Went Well",
    "## What Went Poorly",
    "## Where We Got Lucky",
    "## Lessons Learned",
    "## Prevention",
    "## Customer Communication",
    "## Evidence and Data Gaps",
    "### Durations",
    "### Findings",
]


def snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {name} was missing and has been written; run again")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; HOTWASH_UPDATE_SNAPSHOTS=1"


def positions(text: str, markers: list[str]) -> list[int]:
    found = []
    for marker in markers:
        index = text.find(marker, found[-1] + 1 if found else 0)
        assert index >= 0, f"{marker!r} missing or out of order"
        found.append(index)
    return found


def test_markdown_snapshot(workspace: Path) -> None:
    snapshot("report.md", render_text(load(workspace), "markdown", now=NOW))


def test_html_snapshot_without_charts(workspace: Path) -> None:
    snapshot("report.html", render_text(load(workspace), "html", now=NOW, charts=False))


def test_markdown_sections_follow_the_template_order(workspace: Path) -> None:
    text = render_text(load(workspace), "markdown", now=NOW)
    positions(text, MARKDOWN_ORDER)
    assert text.startswith(
        "# Post-Mortem: Checkout API errors after the v2.31.0 rollout (2024-05-14)\n"
    )
    assert (
        "| 2024-05-14 14:02:01 UTC | Deployment shop/checkout-api starts rolling out v2.31.0 |"
        in text
    )
    assert (
        "| ID | Action | Owner | Deadline | Priority | Type | Status | Factors | Tracker |" in text
    )


def test_markdown_table_cells_escape_pipes_and_newlines(workspace: Path) -> None:
    doc = load(workspace)
    doc.incident.timeline[0].title = "a | b\nc"
    text = render_text(doc, "markdown", now=NOW)
    assert "| a \\| b c |" in text


def test_html_sections_in_design_order(workspace: Path) -> None:
    html = render_text(load(workspace), "html", now=NOW, charts=False)
    ids = re.findall(r'<section id="([a-z-]+)"', html)
    assert ids == [
        "summary", "impact", "root-cause", "detection", "resolution", "timeline", "factors",
        "five-whys", "action-items",
        "went-well", "went-poorly", "lucky", "lessons", "prevention", "evidence",
    ]  # fmt: skip
    assert html.index("Customer Communication") < html.index('id="evidence"')


def test_timeline_links_to_escaped_evidence_excerpts(workspace: Path) -> None:
    html = render_text(load(workspace), "html", now=NOW, charts=False)
    anchors = set(re.findall(r'href="#(ev-[^"]+)"', html))
    assert anchors, "no evidence link"
    for anchor in anchors:
        assert f'id="{anchor}"' in html
    assert "pool exhausted after 30000ms active=10 idle=0 waiting=212" in html
    assert "the evidence blob is not in this workspace" in html


def test_secrets_in_evidence_and_document_are_redacted(workspace: Path) -> None:
    html = render_text(load(workspace), "html", now=NOW, charts=False)
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dc" not in html
    assert "Zq8!vR2mT7xL" not in html
    assert "deploy.corp.example.com" not in html  # [redact] hostnames of the fixture's toml
    assert "[REDACTED:stripe-key]" in html


def test_html_is_self_contained(workspace: Path) -> None:
    html = render_text(load(workspace), "html", now=NOW)
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?!#)', html), "an external reference"
    assert "@import" not in html and "url(http" not in html
    assert html.count("<svg") >= 5


def test_chart_ids_are_unique_and_output_deterministic(workspace: Path) -> None:
    first = render_text(load(workspace), "html", now=NOW)
    second = render_text(load(workspace), "html", now=NOW)
    assert first == second
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert len(ids) == len(set(ids))
    assert "<?xml" not in first


def test_charts_without_data_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "incident.yaml").write_text("title: Quiet\nsummary: nothing happened\n")
    html = render_text(load(tmp_path), "html", now=NOW)
    assert "<svg" not in html
    assert 'id="charts"' not in html


def test_user_template_is_used_and_its_errors_are_clear(workspace: Path, tmp_path: Path) -> None:
    good = tmp_path / "mine.md.j2"
    good.write_text("{{ incident.title }} / {{ durations.resolve | duration }}\n")
    assert render_text(load(workspace), "markdown", template=good, now=NOW) == (
        "Checkout API errors after the v2.31.0 rollout / 43m 53s\n"
    )
    bad = tmp_path / "bad.md.j2"
    bad.write_text("{{ incident.nope }}\n")
    with pytest.raises(RenderError, match=r"bad\.md\.j2"):
        render_text(load(workspace), "markdown", template=bad, now=NOW)


def test_markdown_imports_back_to_the_same_document(workspace: Path, tmp_path: Path) -> None:
    original = load(workspace)
    target = tmp_path / "postmortem.md"
    text = render_text(original, "markdown", now=NOW, policy=RedactionPolicy())
    target.write_text(text, encoding="utf-8")
    back = load(target).incident
    same = ["title", "id", "severity", "status", "owner", "authors", "reviewers", "milestones",
            "impact", "summary", "trigger", "root_causes", "detection", "resolution", "whys",
            "went_well", "went_poorly", "lucky", "lessons", "prevention",
            "extra_sections"]  # fmt: skip
    for name in same:
        assert getattr(back, name) == getattr(original.incident, name), name
    assert [(e.at, e.title, e.actor) for e in back.timeline] == [
        (e.at, e.title, e.actor) for e in original.incident.timeline
    ]
    assert [(f.id, f.kind, f.category, f.text) for f in back.factors] == [
        (f.id, f.kind, f.category, f.text) for f in original.incident.factors
    ]
    assert [(a.id, a.action, a.owner, a.due) for a in back.action_items] == [
        (a.id, a.action, a.owner, a.due) for a in original.incident.action_items
    ]


def test_evidence_coverage_and_gaps_from_the_manifest(workspace: Path) -> None:
    manifest = {
        "version": 1,
        "evidence": [
            {
                "sha256": "39f702e5af08f83098f20d1b9ab55d089a4556a6f8c612c2521d79ac06e65944",
                "source": "app-logs",
                "kind": "file",
                "format": "text",
                "window_asked": {"start": "2024-05-14T13:30:00Z", "end": "2024-05-14T15:30:00Z"},
                "fetched_at": "2024-05-14T16:00:00Z",
                "size": 1391,
                "records": 12,
                "gaps": [
                    {
                        "start": "2024-05-14T14:04:03Z",
                        "end": "2024-05-14T14:29:40Z",
                        "reason": "no lines",
                    }
                ],
            }
        ],
    }
    (workspace / "evidence" / "manifest.json").write_text(json.dumps(manifest))
    text = render_text(load(workspace), "markdown", now=NOW)
    assert "### Evidence Coverage" in text
    assert (
        "| app-logs | file | 2024-05-14 13:30:00 UTC – 2024-05-14 15:30:00 UTC | 12 | "
        "2024-05-14 14:04:03 UTC – 2024-05-14 14:29:40 UTC: no lines |"
    ) in text


def test_hotwash_render_stays_callable_after_the_package_is_imported(workspace: Path) -> None:
    import hotwash
    import hotwash.render

    assert hotwash.render(load(workspace), "markdown", now=NOW).startswith("# Post-Mortem: ")


def test_unreadable_records_leave_the_charts_out_with_a_note(workspace: Path) -> None:
    (workspace / "records" / "fixture.parquet").write_bytes(b"PAR1 this is not parquet")
    html = render_text(load(workspace), "html", now=NOW)
    assert "charts of records/ left out: the records cannot be read" in html
    assert 'aria-label="Timeline by source"' in html  # the document's own charts remain
