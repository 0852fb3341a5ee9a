"""Properties: the timeline does not depend on record order, on how a source's records are
split into evidence files, or (once corrected) on a source's clock offset."""

from __future__ import annotations

from datetime import timedelta
from types import ModuleType
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotwash.timeline import TimelineOptions, TimelineResult, build_timeline

MINE = ("alerts", "pages", "chat", "changes", "kubernetes")
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def view(result: TimelineResult, with_refs: bool = True) -> list[tuple[Any, ...]]:
    return [
        (
            e.event.at,
            e.event.kind,
            e.event.title,
            tuple(sorted(e.event.sources)),
            e.event.actor,
            e.count,
            tuple(sorted(e.event.evidence)) if with_refs else bool(e.event.evidence),
        )
        for e in result.entries
    ] + [(m.name, m.at) for m in result.milestones]


def build(records: pl.DataFrame, **options: Any) -> TimelineResult:
    return build_timeline(records, options=TimelineOptions(detectors=MINE, **options))


@SETTINGS
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffled_records_give_the_same_timeline(rec: ModuleType, seed: int) -> None:
    records = rec.scenario()
    shuffled = records.sample(fraction=1.0, shuffle=True, seed=seed)
    assert view(build(shuffled)) == view(build(records))
    assert [e.id for e in build(shuffled).entries] == [e.id for e in build(records).entries]


@SETTINGS
@given(
    source=st.sampled_from(["prometheus", "alertmanager", "pagerduty", "slack", "kubernetes"]),
    data=st.data(),
)
def test_a_source_split_into_two_evidence_files_gives_the_same_timeline(
    rec: ModuleType, source: str, data: st.DataObject
) -> None:
    records = rec.scenario()
    mine = records.filter(pl.col("source") == source)
    second = data.draw(st.lists(st.booleans(), min_size=mine.height, max_size=mine.height))
    split = mine.with_columns(
        evidence=pl.when(pl.Series(second)).then(pl.lit(rec.sha("part-2"))).otherwise("evidence")
    )
    records_split = pl.concat([records.filter(pl.col("source") != source), split])
    assert view(build(records_split), with_refs=False) == view(build(records), with_refs=False)


@SETTINGS
@given(
    seconds=st.floats(min_value=3, max_value=60) | st.floats(min_value=-60, max_value=-3),
)
def test_a_shifted_clock_is_reported_and_corrected(rec: ModuleType, seconds: float) -> None:
    records = rec.scenario()
    offset = timedelta(seconds=seconds)
    shifted = records.with_columns(
        ts=pl.when(pl.col("source") == "pagerduty")
        .then(pl.col("ts") + offset)
        .otherwise(pl.col("ts"))
    )
    corrected = build(shifted, correct_skew=True)
    [estimate] = [s for s in corrected.skew if s.source == "pagerduty"]
    assert abs(estimate.offset - offset) <= timedelta(seconds=1)
    assert estimate.flagged and "pagerduty" in corrected.corrected
    original = build(records)
    assert len(corrected.entries) == len(original.entries)
    for got, want in zip(corrected.entries, original.entries, strict=True):
        assert (got.event.title, got.event.kind, sorted(got.event.sources)) == (
            want.event.title,
            want.event.kind,
            sorted(want.event.sources),
        )
        assert abs(got.event.at - want.event.at) <= timedelta(seconds=1)
    for got_m, want_m in zip(corrected.milestones, original.milestones, strict=True):
        assert got_m.name == want_m.name
        assert abs(got_m.at - want_m.at) <= timedelta(seconds=1)
