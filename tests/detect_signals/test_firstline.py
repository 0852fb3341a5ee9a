"""The first line of each group, packed into one integer, is the line sorting finds first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from hotwash.detect.firstline import group_first_lines
from hotwash.detect.frames import sort_records

T0 = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)
KEYS = ["group"]
COUNTS = {"n": pl.len()}


def lines(rows: list[tuple[int, int, str | None, int | None]]) -> pl.DataFrame:
    """(group, second, evidence, offset) rows; evidence categorical, as read from disk."""
    return pl.DataFrame(
        {
            "group": [r[0] for r in rows],
            "ts": [T0 + timedelta(seconds=r[1]) for r in rows],
            "evidence": pl.Series([r[2] for r in rows], dtype=pl.String).cast(pl.Categorical),
            "offset": pl.Series([r[3] for r in rows], dtype=pl.Int64),
        }
    )


def by_sorting(frame: pl.DataFrame) -> pl.DataFrame:
    """The reference: the records sorted, then the first of each group."""
    firsts = (
        sort_records(frame)
        .group_by(KEYS, maintain_order=True)
        .agg(
            n=pl.len(),
            first_ts=pl.col("ts").first(),
            evidence=pl.col("evidence").first(),
            offset=pl.col("offset").first(),
        )
    )
    return firsts.sort(KEYS)


def first_lines(frame: pl.DataFrame) -> pl.DataFrame:
    return group_first_lines(frame, KEYS, COUNTS, "ts").sort(KEYS)


def test_ties_in_time_go_to_the_first_evidence_text_then_offset() -> None:
    frame = lines(
        [
            (1, 5, "bbb", 1),
            (1, 5, "aaa", 9),
            (1, 5, "aaa", 3),
            (1, 6, "aaa", 1),
            (2, 7, None, 4),
            (2, 7, "zzz", 8),
            (2, 9, "aaa", 1),
            (3, 2, "aaa", None),
            (3, 2, "aaa", 7),
        ]
    )
    found = first_lines(frame)
    assert found.select("group", "evidence", "offset").rows() == [
        (1, "aaa", 3),
        (2, "zzz", 8),
        (3, "aaa", 7),
    ]
    assert found["first_ts"].to_list() == [T0 + timedelta(seconds=s) for s in (5, 7, 2)]
    assert found.equals(by_sorting(frame))


def test_offsets_that_do_not_fit_are_sorted_for_the_same_result() -> None:
    rows = [(1, 5, "aaa", 2**45), (1, 5, "aaa", 2**41), (2, 3, "bbb", -4), (2, 3, "aaa", 10)]
    frame = lines(rows)
    assert first_lines(frame).select("offset").to_series().to_list() == [2**41, 10]
    assert first_lines(frame).equals(by_sorting(frame))


def test_times_far_apart_and_in_other_units_unpack_exactly() -> None:
    frame = lines([(1, 0, "a", 1), (1, 10**9, "a", 2), (2, -(10**9), "b", 3)])
    frame = frame.with_columns(pl.col("ts").dt.cast_time_unit("ns"))
    found = first_lines(frame)
    assert found["first_ts"].dtype == pl.Datetime("ns", "UTC")
    assert found.equals(by_sorting(frame))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.integers(0, 5),
            st.sampled_from(["e1", "e2", "e0", None]),
            st.one_of(st.none(), st.integers(0, 50), st.integers(-3, 2**42)),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_lines_give_the_first_line_sorting_gives(
    rows: list[tuple[int, int, str | None, int | None]],
) -> None:
    frame = lines(rows)
    assert first_lines(frame).equals(by_sorting(frame))
