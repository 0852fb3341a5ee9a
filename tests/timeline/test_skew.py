"""Clock skew: estimated from shared trace ids and shared onsets, flagged, corrected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import ModuleType

import polars as pl

from hotwash.skew import (
    correct,
    estimate_from_onsets,
    estimate_from_trace_ids,
    pick_reference,
    shared_trace_rows,
)
from hotwash.timeline import TimelineOptions, build_timeline

T0 = datetime(2024, 5, 14, 14, 0, tzinfo=UTC)


def traced(rec: ModuleType, skew: timedelta, n: int = 40) -> pl.DataFrame:
    """An edge proxy (reference, more lines) and an app 30 ms behind it, its clock skewed."""
    rows = []
    for i in range(n):
        sent = T0 + timedelta(seconds=3 * i, milliseconds=(137 * i) % 1000)
        rows.append(rec.log_line(sent, f"GET /pay {i}", "nginx", i, "info", trace_id=f"t{i}"))
        rows.append(rec.log_line(sent, "upstream", "nginx", n + i, "info"))
        handled = sent + timedelta(milliseconds=30) + skew
        rows.append(rec.log_line(handled, "handled", "app", i, "info", trace_id=f"t{i}"))
    return rec.frame(rows)


def test_trace_ids_give_the_median_offset_and_flag_it(rec: ModuleType) -> None:
    records = traced(rec, timedelta(seconds=7))
    assert pick_reference(records) == "nginx"
    [estimate] = estimate_from_trace_ids(records, "nginx")
    assert estimate.source == "app" and estimate.samples == 40
    assert abs(estimate.offset - timedelta(seconds=7.03)) < timedelta(milliseconds=1)
    assert estimate.flagged
    assert "app is 7.0 s ahead of nginx" in estimate.describe()


def test_a_clock_written_in_whole_seconds_is_measured_without_its_truncation(
    rec: ModuleType,
) -> None:
    """RFC 3164 syslog truncates to the second: the median alone would be 0.5 s short."""
    rows = []
    for i in range(60):
        sent = T0 + timedelta(seconds=5 * i, milliseconds=(379 * i) % 1000)
        rows.append(rec.log_line(sent, "order placed", "app", i, "info", trace_id=f"t{i}"))
        logged = (sent + timedelta(seconds=7)).replace(microsecond=0)
        rows.append(rec.log_line(logged, "INSERT", "db", i, "info", trace_id=f"t{i}"))
    [estimate] = estimate_from_trace_ids(rec.frame(rows), "app")
    assert abs(estimate.offset - timedelta(seconds=7)) < timedelta(milliseconds=150)


def test_sources_linked_only_through_another_are_chained(rec: ModuleType) -> None:
    rows = []
    for i in range(30):
        at = T0 + timedelta(seconds=4 * i, milliseconds=211)
        rows.append(rec.log_line(at, "GET", "edge", i, "info", trace_id=f"e{i}"))
        rows.append(
            rec.log_line(at + timedelta(seconds=2), "h", "app", i, "info", trace_id=f"e{i}")
        )
        rows.append(
            rec.log_line(at + timedelta(seconds=2), "h", "app", 99 + i, "info", trace_id=f"d{i}")
        )
        rows.append(rec.log_line(at + timedelta(seconds=5), "q", "db", i, "info", trace_id=f"d{i}"))
    found = {e.source: e for e in estimate_from_trace_ids(rec.frame(rows), "edge")}
    assert found["db"].via == "app" and found["db"].reference == "edge"
    assert abs(found["db"].offset - timedelta(seconds=5)) < timedelta(milliseconds=1)
    assert "through it" in found["db"].describe()


def test_shared_ids_are_found_in_any_number_of_passes(rec: ModuleType) -> None:
    """Ids only one source logged are left out, however the ids are split into passes;
    ids two smaller sources share are kept as well as those shared with the largest."""
    records = traced(rec, timedelta(seconds=7))
    alone = [rec.log_line(T0, "GET", "nginx", 900 + i, trace_id=f"x{i}") for i in range(25)]
    db = [
        rec.log_line(T0, "q", src, 950 + i, trace_id=f"d{i}")
        for i in range(5)
        for src in ("app", "db")
    ]
    empty = [rec.log_line(T0, "GET", "app", 999, trace_id="")]
    records = pl.concat([records, rec.frame(alone + db + empty)])
    rows = [shared_trace_rows(records.lazy(), per_pass) for per_pass in (None, 1, 7)]
    assert all(r.sort(pl.all()).equals(rows[0].sort(pl.all())) for r in rows)
    assert rows[0].height == 90 and rows[0].columns == ["source", "ts", "trace_id"]
    assert rows[0].filter(pl.col("source") == "db").height == 5
    assert not rows[0]["trace_id"].str.starts_with("x").any()
    found = estimate_from_trace_ids(rows[0], "nginx", ranked=["nginx", "app", "db"])
    assert [(e.source, e.samples, e.via) for e in found] == [("app", 40, ""), ("db", 5, "app")]
    only_one = shared_trace_rows(records.filter(pl.col("source") == "nginx").lazy())
    assert only_one.is_empty() and only_one.columns == rows[0].columns


def test_small_offsets_are_not_flagged(rec: ModuleType) -> None:
    [estimate] = estimate_from_trace_ids(traced(rec, timedelta(0)), "nginx")
    assert not estimate.flagged


def test_correct_shifts_only_the_named_source(rec: ModuleType) -> None:
    records = traced(rec, timedelta(seconds=-5))
    fixed = correct(records, {"app": timedelta(seconds=-5)})
    before = records.filter(pl.col("source") == "nginx")["ts"].to_list()
    assert fixed.filter(pl.col("source") == "nginx")["ts"].to_list() == before
    [estimate] = estimate_from_trace_ids(fixed, "nginx")
    assert abs(estimate.offset) < timedelta(milliseconds=31)


def test_onsets_chain_through_groups_of_sources() -> None:
    seen = [
        {"a": T0, "b": T0 + timedelta(seconds=10)},
        {"a": T0 + timedelta(minutes=5), "b": T0 + timedelta(minutes=5, seconds=10)},
        {"b": T0 + timedelta(minutes=7), "c": T0 + timedelta(minutes=7, seconds=-3)},
        {"b": T0 + timedelta(minutes=9), "c": T0 + timedelta(minutes=9, seconds=-3)},
        {"b": T0 + timedelta(minutes=11), "c": T0 + timedelta(minutes=11, seconds=-3)},
        {"a": T0 + timedelta(minutes=13), "b": T0 + timedelta(minutes=13, seconds=10)},
        {"x": T0, "y": T0 + timedelta(seconds=1)},  # too few shared happenings: no estimate
        {"x": T0, "y": T0 + timedelta(seconds=1)},
    ]
    estimates = estimate_from_onsets(seen, {"a": 100, "b": 5, "c": 5})
    assert {(e.source, e.reference, e.offset.total_seconds()) for e in estimates} == {
        ("b", "a", 10.0),
        ("c", "a", 7.0),
    }


def test_timeline_flags_and_corrects_a_skewed_source(rec: ModuleType) -> None:
    records = traced(rec, timedelta(seconds=12))
    plain = build_timeline(records, options=TimelineOptions(detectors=()))
    assert [f.kind for f in plain.flags] == ["skew"] and plain.corrected == {}
    fixed = build_timeline(records, options=TimelineOptions(detectors=(), correct_skew=True))
    assert abs(fixed.corrected["app"] - timedelta(seconds=12.03)) < timedelta(milliseconds=1)
    assert "(corrected)" in fixed.flags[0].message
