"""Document shapes beyond the templates: front matter, notes, timelines split by day."""

from __future__ import annotations

from hotwash.markdown import parse_markdown


def test_front_matter_is_read_as_header_lines_and_lines_stay_right() -> None:
    text = (
        "---\ntitle: Disk full on db-3\nseverity: SEV2\ndate: 2024-05-14\ntimezone: UTC\n---\n\n"
        "## Timeline\n\n| Time | Event |\n|---|---|\n| 14:02 | Disk alert |\n"
    )
    doc = parse_markdown(text)
    assert (doc.incident.title, doc.incident.severity) == ("Disk full on db-3", "SEV2")
    assert doc.incident.timeline[0].at.isoformat() == "2024-05-14T14:02:00+00:00"
    assert doc.locate(("timeline", 0, "at")).line == 12
    assert doc.locate(("severity",)).line == 3


def test_text_no_field_takes_is_kept_as_notes_but_comments_are_not() -> None:
    text = (
        "# Disk full (2024-05-14)\n\n## Timeline\n\n<!-- one row per event -->\n\n"
        "Assembled from the #ops channel and the db-3 logs.\n\nAll times UTC.\n\n"
        "| Time | Event |\n|---|---|\n| 14:02 | Disk alert |\n\n"
        "## Action Items\n\nOwners agreed on 2024-05-15.\n\n"
        "| ID | Action | Owner |\n|---|---|---|\n| 1 | Alert at 80 % disk | @kim |\n"
    )
    incident = parse_markdown(text).incident
    notes = {s.title: s.body for s in incident.extra_sections}
    assert notes == {
        "Timeline (notes)": "Assembled from the #ops channel and the db-3 logs.",
        "Action Items (notes)": "Owners agreed on 2024-05-15.",
    }
    assert len(incident.timeline) == 1 and len(incident.action_items) == 1


def test_timeline_split_by_day_headings() -> None:
    text = (
        "# Replication lag (2024-05-14)\n\n## Timeline\n\nAll times UTC.\n\n"
        "### May 14\n\n- 23:40 Lag alert fires\n\n### May 15\n\n- 09:00 Replica rebuilt\n"
    )
    incident = parse_markdown(text).incident
    assert [e.at.isoformat() for e in incident.timeline] == [
        "2024-05-14T23:40:00+00:00",
        "2024-05-15T09:00:00+00:00",
    ]
    assert incident.extra_sections == []


def test_unknown_section_with_known_sub_sections() -> None:
    text = (
        "# Outage\n\n## Retrospective notes\n\nWe met on Friday.\n\n"
        "### What went well\n\n- Paging worked.\n\n### Open questions\n\n- Why 3 replicas?\n"
    )
    incident = parse_markdown(text).incident
    assert incident.went_well == ["Paging worked."]
    assert [(s.title, s.body) for s in incident.extra_sections] == [
        ("Retrospective notes", "We met on Friday."),
        ("Open questions", "- Why 3 replicas?"),
    ]


def test_numbered_headings_and_emphasis_are_matched() -> None:
    text = "# Outage\n\n## 1. **Summary**\n\nA node died.\n\n## 2) Lessons Learned:\n\n- Spares.\n"
    incident = parse_markdown(text).incident
    assert (incident.summary, incident.lessons) == ("A node died.", ["Spares."])


def test_header_variants_and_list_actions() -> None:
    text = (
        "# Outage\n\n**Date:** 2024-05-14\n**Detected**: 14:06 UTC\nStatus: Complete\n"
        "**Reviewed**: @sam (2024-05-20)\n\n"
        "## Five whys\n\n**Problem**: The site was down.\n\n1. Why? The node died.\n"
        "2. Why 2: Its disk was full.\n\n"
        "## Corrective actions\n\n- [x] Rotate logs daily\n- [ ] Alert at 80 % disk\n"
    )
    doc = parse_markdown(text)
    incident = doc.incident
    assert incident.milestones.detected is not None
    assert incident.milestones.detected.isoformat() == "2024-05-14T14:06:00+00:00"
    assert doc.original(("milestones", "detected")) == "14:06 UTC"
    assert incident.status.value == "published"
    assert (incident.reviewers, str(incident.reviewed_on)) == (["@sam"], "2024-05-20")
    assert incident.whys[0].problem == "The site was down."
    assert incident.whys[0].whys == ["The node died.", "Its disk was full."]
    assert [(a.id, a.action, a.status.value) for a in incident.action_items] == [
        ("AI-001", "Rotate logs daily", "done"),
        ("AI-002", "Alert at 80 % disk", "open"),
    ]
