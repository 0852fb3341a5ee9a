"""Each common template imports to the fields a reader sees in it, unknown sections kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import hotwash
from hotwash.document import load
from hotwash.model import FactorKind

DATA = Path(__file__).resolve().parents[1] / "data" / "markdown"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-errors"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def words(text: str) -> list[str]:
    """Prose compared as a reader sees it: Markdown line breaks inside a paragraph are spaces."""
    return text.split()


def test_seed_template_imports_the_checkout_example() -> None:
    doc = load(DATA / "seed-checkout.md")
    expected = load(EXAMPLE).incident
    got = doc.incident
    assert doc.format == "markdown"
    for name in ("title", "severity", "owner", "authors", "reviewers", "status", "trigger"):
        assert getattr(got, name) == getattr(expected, name), name
    assert got.milestones == expected.milestones
    assert got.impact.model_copy(update={"description": ""}) == expected.impact.model_copy(
        update={"description": ""}
    )
    for prose in ("summary", "root_causes", "prevention"):
        assert words(getattr(got, prose)) == words(getattr(expected, prose)), prose
    assert words(got.impact.description) == words(expected.impact.description)
    assert [(e.at, e.source, e.actor) for e in got.timeline] == [
        (e.at, e.source, e.actor) for e in expected.timeline
    ]
    assert got.factors == expected.factors
    assert got.action_items == expected.action_items
    assert got.went_well == expected.went_well
    assert got.lessons == expected.lessons


def test_seed_template_keeps_unknown_section_verbatim() -> None:
    doc = load(DATA / "seed-checkout.md")
    [extra] = doc.incident.extra_sections
    assert extra.title == "Customer Communication"
    assert extra.body.splitlines() == [
        "Support posted a status page update at 14:15 UTC and an all-clear at 14:50 UTC.",
        "The template for the update is in the support wiki.",
    ]


def test_seed_fields_point_at_their_markdown_lines() -> None:
    doc = load(DATA / "seed-checkout.md")
    lines = doc.text.splitlines()

    def line_of(path: tuple[str | int, ...]) -> str:
        found = doc.locate(path).line
        assert found is not None, path
        return lines[found - 1]

    assert line_of(("title",)).startswith("# Post-Mortem:")
    assert line_of(("severity",)) == "**Severity**: SEV2"
    assert line_of(("summary",)).startswith("Version 2.31.0 of checkout-api")
    assert line_of(("timeline", 3, "at")).startswith("| 14:03:41 | Readiness probes")
    assert line_of(("action_items", 1, "owner")).startswith("| AI-002 |")
    assert (
        line_of(("went_well", 1)) == "- The rollback path was practised and took under two minutes."
    )
    assert line_of(("factors", 3)).startswith("- CF-4 [change]")
    assert doc.original(("timeline", 3, "at")) == "14:03:41"


def test_google_sre_template() -> None:
    incident = load(DATA / "google-sre-sonnet.md").incident
    assert incident.title == "Verse Search Overload"
    assert incident.id == "812"
    assert incident.status.value == "published"
    assert incident.authors == ["ophelia", "rosalind", "horatio"]
    assert incident.summary.startswith("Verse Search was down for 71 minutes")
    assert incident.impact.description.startswith("About 1.4 million search queries failed")
    assert incident.root_causes.startswith("A query for a term present in no document")
    assert incident.trigger.startswith("A twelvefold rise in traffic")
    assert incident.resolution.startswith("The team added the poem")
    assert incident.detection.startswith("The MemoryPressureHigh alert paged")
    assert len(incident.went_well) == 2 and len(incident.went_poorly) == 2
    assert incident.lucky == [
        "A reader of the poem mailing list sent us the text before it was public."
    ]
    items = incident.action_items
    assert [a.id for a in items] == ["AI-001", "AI-002", "AI-003", "AI-004"]
    assert [a.type.value if a.type else None for a in items] == [
        "prevent",
        "mitigate",
        "process",
        None,
    ]
    assert items[0].tracker is not None and items[0].tracker.key == "6612001"
    assert [s.title for s in incident.extra_sections] == ["Supporting Information"]


def test_google_bullet_timeline_rolls_over_midnight() -> None:
    incident = load(DATA / "google-sre-sonnet.md").incident
    times = [e.at for e in incident.timeline]
    assert times == sorted(times)
    assert times[0] == utc("2023-04-23T22:51:00")
    assert times[-2:] == [utc("2023-04-24T00:02:00"), utc("2023-04-24T00:05:00")]
    ms = incident.milestones
    assert ms.impact_started == utc("2023-04-23T22:54:00")  # "OUTAGE BEGINS"
    assert ms.acknowledged == utc("2023-04-23T22:58:00")  # "acknowledges the page"
    assert ms.mitigated == utc("2023-04-23T23:47:00")  # "OUTAGE MITIGATED"
    assert ms.resolved == utc("2023-04-24T00:05:00")  # "OUTAGE ENDS", after midnight


def test_pagerduty_template() -> None:
    doc = load(DATA / "pagerduty-payments.md")
    incident = doc.incident
    assert incident.severity == "SEV1"
    assert doc.original(("severity",)) == "Sev 1"
    assert incident.authors == ["Priya Raman", "Tom Okafor"]
    assert incident.summary.startswith("Payment confirmation webhooks")
    assert [f.kind for f in incident.factors] == [FactorKind.CONTRIBUTING] * 2
    assert incident.went_poorly == ["The alert delay hid 30 minutes of impact."]
    assert incident.timeline[0].evidence == ["[broker log](https://logs.example.com/broker/9912)"]
    assert incident.milestones.impact_started == utc("2024-05-14T09:13:00")
    assert incident.time_to_detect is not None
    assert incident.time_to_detect.total_seconds() == 30 * 60
    first, second = incident.action_items
    assert (first.id, first.priority, first.due) == ("AI-001", "P1", date(2024, 5, 21))
    assert first.tracker is not None and first.tracker.system == "jira"
    assert doc.original(("action_items", 0, "id")) == "1"
    assert (second.id, doc.original(("action_items", 1, "id"))) == ("AI-002", "AI2")
    titles = [s.title for s in incident.extra_sections]
    assert titles == ["What Happened", "Responders", "Messaging"]
    messaging = incident.extra_sections[2].body
    assert "### Internal" in messaging and "No payments are lost." in messaging


def test_atlassian_template_reads_local_times_in_the_declared_zone() -> None:
    doc = load(DATA / "atlassian-search.md")
    incident = doc.incident
    assert incident.timezone == "Europe/Berlin"
    assert incident.id == "HOT-2049"
    # 09:14 in Berlin in March (CET, UTC+1) is 08:14 UTC.
    assert incident.timeline[0].at == utc("2024-03-02T08:14:00")
    assert doc.original(("timeline", 0, "at")) == "2024-03-02 09:14"
    assert incident.trigger.startswith("The rollout of the `search-v2` flag")
    assert incident.resolution.startswith("Turning the `search-v2` flag off")
    [chain] = incident.whys
    assert chain.problem == "Logged-in users saw empty search results."
    assert len(chain.whys) == 5
    assert chain.whys[-1].startswith("Our release process has no readiness check")
    assert [a.owner for a in incident.action_items] == ["@ken", "@mei"]
    titles = [s.title for s in incident.extra_sections]
    assert titles == ["Leadup", "Response", "Backlog check", "Recurrence"]


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.md")))
def test_every_fixture_keeps_an_unknown_section(name: str) -> None:
    incident = hotwash.load(DATA / name).incident
    assert incident.extra_sections, name
    assert all(s.body.strip() for s in incident.extra_sections)
