"""Assembly: one entry per happening, repeats collapsed, hand-written entries kept,
milestones and durations proposed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import ModuleType

from hotwash.evidence.model import Evidence, Gap, Manifest, Window
from hotwash.model import Event, EventKind, Incident
from hotwash.timeline import TimelineOptions, build_timeline
from hotwash.timeline.assemble import assemble
from hotwash.timeline.text import format_result

MINE = ("alerts", "pages", "chat", "changes", "kubernetes")
OPTIONS = TimelineOptions(detectors=MINE)


def at(hms: str) -> datetime:
    return datetime.fromisoformat(f"2024-05-14T{hms}+00:00")


def test_one_alert_seen_by_four_sources_is_one_entry(rec: ModuleType) -> None:
    result = build_timeline(rec.scenario(), options=OPTIONS)
    firing = [e for e in result.entries if e.event.title == "CheckoutHighErrorRate firing"]
    assert len(firing) == 1
    event = firing[0].event
    assert set(event.sources) == {"prometheus", "alertmanager"}
    assert event.at.replace(microsecond=0) == at("14:06:30")
    resolved = next(e for e in result.entries if e.event.title == "CheckoutHighErrorRate resolved")
    assert set(resolved.event.sources) == {"alertmanager", "slack"}
    assert len(resolved.event.evidence) >= 2
    acked = next(e for e in result.entries if e.event.title == "Page acknowledged")
    assert set(acked.event.sources) == {"pagerduty", "opsgenie"}


def test_entries_are_in_time_order_with_unique_stable_ids(rec: ModuleType) -> None:
    first = build_timeline(rec.scenario(), options=OPTIONS)
    again = build_timeline(rec.scenario(), options=OPTIONS)
    times = [e.event.at for e in first.entries]
    assert times == sorted(times)
    ids = [e.id for e in first.entries]
    assert len(set(ids)) == len(ids) and ids == [e.id for e in again.entries]


def test_milestones_and_durations_of_the_scenario(rec: ModuleType) -> None:
    result = build_timeline(rec.scenario(), options=OPTIONS)
    proposed = {m.name: m.at.replace(microsecond=0) for m in result.milestones}
    assert proposed == {
        "impact_started": at("14:03:41"),
        "detected": at("14:06:30"),
        "acknowledged": at("14:09:12"),
        "mitigated": at("14:31:06"),
        "resolved": at("14:47:05"),
    }
    assert result.durations["acknowledge"] == timedelta(minutes=2, seconds=42)
    assert result.durations["resolve"] == timedelta(minutes=43, seconds=24)


def test_repeats_within_a_short_span_collapse_with_a_count(rec: ModuleType) -> None:
    rows = [rec.log_line(at("14:10:00") + timedelta(seconds=i), "x", "k8s", i) for i in range(3)]
    template = rec.kubernetes()[2]
    rows = [
        dict(template, ts=at("14:03:41") + timedelta(seconds=20 * i), offset=i) for i in range(5)
    ]
    result = build_timeline(rec.frame(rows), options=OPTIONS)
    probes = [e for e in result.entries if "probe" in e.event.title]
    assert len(probes) == 1 and probes[0].count == 5
    assert len(probes[0].event.evidence) == 5
    assert "(x5)" in format_result(result)


def test_hand_written_entries_absorb_matching_detections(rec: ModuleType) -> None:
    written = Event(
        at=at("14:06:30"),
        title="CheckoutHighErrorRate firing",
        source="alertmanager",
        kind=EventKind.ALERT,
    )
    incident = Incident(title="t", timeline=[written])
    result = build_timeline(rec.scenario(), incident=incident, options=OPTIONS)
    firing = [e for e in result.entries if e.event.title == "CheckoutHighErrorRate firing"]
    assert len(firing) == 1 and firing[0].in_document and firing[0].id == "d1"
    assert firing[0].count >= 2  # the detections folded into it


def test_since_until_and_min_confidence_filter_entries(rec: ModuleType) -> None:
    options = TimelineOptions(detectors=MINE, since=at("14:09:00"), until=at("14:35:00"))
    result = build_timeline(rec.scenario(), options=options)
    assert result.entries
    assert all(at("14:09:00") <= e.event.at <= at("14:35:00") for e in result.entries)
    low = build_timeline(rec.scenario(), options=TimelineOptions(detectors=MINE, min_confidence=0))
    assert len(low.entries) > len(build_timeline(rec.scenario(), options=OPTIONS).entries)
    assert any("Looking at checkout-api" in e.event.title for e in low.entries)


def test_suggestions_change_before_onset_detection_gap_source_gap(rec: ModuleType) -> None:
    gap = Gap(start=at("14:20:00"), end=at("14:25:00"), reason="no samples")
    window = Window(start=at("13:30:00"), end=at("15:00:00"))
    evidence = Evidence(
        sha256=rec.sha("x"),
        source="loki",
        kind="loki",
        format="loki.query_range",
        window_asked=window,
        fetched_at=at("16:00:00"),
        size=1,
        gaps=[gap],
        naive_timestamps=True,
    )
    result = build_timeline(rec.scenario(), Manifest(evidence=[evidence]), options=OPTIONS)
    kinds = {s.kind: s for s in result.suggestions}
    assert kinds["change-before-onset"].lead == timedelta(minutes=1, seconds=40)
    assert kinds["detection-gap"].lead == timedelta(minutes=2, seconds=49)
    assert "loki" in kinds["source-gap"].message and "14:20:00" in kinds["source-gap"].message
    assert [(f.kind, f.source) for f in result.flags] == [("naive-time", "loki")]
    assert result.window == window


def test_empty_records_give_an_empty_timeline(rec: ModuleType) -> None:
    result = build_timeline(rec.frame([]), options=OPTIONS)
    assert result.entries == [] and result.milestones == []
    assert "(no events found)" in format_result(result)
    assert result.to_json()["events"] == []


def test_table_has_the_date_on_every_line(rec: ModuleType) -> None:
    text = format_result(build_timeline(rec.scenario(), options=OPTIONS))
    rows = text.split("\n\n")[0].splitlines()[1:]
    assert rows and all("2024-05-14 " in row and " UTC" in row for row in rows)
    assert "time to acknowledge  2m 42s" in text


def test_all_registered_detectors_run_by_default(rec: ModuleType) -> None:
    result = build_timeline(rec.scenario())
    assert any(e.event.title == "Page acknowledged" for e in result.entries)
    assert result.window.start == datetime(2024, 5, 14, 14, 2, 1, tzinfo=UTC)


def test_same_signal_from_two_sources_within_two_seconds_is_one_entry() -> None:
    def signal(title: str, source: str, second: int) -> Event:
        at_ = at("14:03:41") + timedelta(seconds=second)
        return Event(at=at_, title=title, source=source, kind=EventKind.SIGNAL, confidence=0.9)

    entries = assemble(
        [
            signal("Readiness probe failing on checkout-api", "k8s-events", 0),
            signal("New error signature in pod logs: readiness failed", "pod-logs", 1),
            signal("New error signature in app logs: pool exhausted", "app-logs", 1),
        ],
        [],
    )
    assert [sorted(e.event.sources or [e.event.source or ""]) for e in entries] == [
        ["k8s-events", "pod-logs"],
        ["app-logs"],
    ]
