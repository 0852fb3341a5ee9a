"""Clock skew between evidence sources: estimate it, flag it, and correct it on request.

Two estimates, the first that applies wins for a pair of sources:

* **Shared ids**: the same ``trace_id`` seen by two sources. For every id the first time
  each source saw it is taken; the estimate is the median of the differences over all
  ids the two sources share (robust to the real latency between hops).
* **Shared onsets**: the same happening detected in several sources (one merged timeline
  entry listing the times each source saw it). The estimate is the median difference
  over the happenings the two sources share; at least :data:`MIN_SHARED_ONSETS` are
  needed.

Offsets are relative to a **reference** source: the one with the most records (ties by
name), so that shifting another source's clock never moves the reference. For onsets,
each group of sources linked by shared happenings has its own reference. A positive
offset means the source's clock is ahead. An estimate whose size is above the
threshold (default 2 s) is flagged; :func:`correct` shifts a source's records back by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations
from statistics import median
from typing import Any

import polars as pl

__all__ = [
    "DEFAULT_THRESHOLD",
    "SkewEstimate",
    "correct",
    "estimate_from_onsets",
    "estimate_from_trace_ids",
    "pick_reference",
    "shared_trace_rows",
    "sources_with_ids",
    "zone_less_sources",
]

DEFAULT_THRESHOLD = timedelta(seconds=2)

#: Happenings two sources must share before their onsets give an estimate.
MIN_SHARED_ONSETS = 3


@dataclass(frozen=True)
class SkewEstimate:
    """How far ``source``'s clock is from ``reference``'s (positive: ahead)."""

    source: str
    reference: str
    offset: timedelta
    method: str
    samples: int
    threshold: timedelta = DEFAULT_THRESHOLD
    via: str = ""
    """The source linking this one to the reference, when they share no id directly."""

    @property
    def flagged(self) -> bool:
        return abs(self.offset) > self.threshold

    def describe(self) -> str:
        seconds = self.offset.total_seconds()
        direction = "ahead of" if seconds > 0 else "behind"
        link = f" {self.via}, and through it" if self.via else ""
        return (
            f"{self.source} is {abs(seconds):.1f} s {direction} {self.reference} "
            f"(median of {self.samples} {self.method.replace('_', ' ')}s shared with{link}"
            f"{'' if self.via else ' it'})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "reference": self.reference,
            "offset_seconds": self.offset.total_seconds(),
            "method": self.method,
            "samples": self.samples,
            "via": self.via or None,
            "flagged": self.flagged,
        }


def pick_reference(records: pl.DataFrame) -> str | None:
    """The source with the most records (ties broken by name); None without records."""
    if records.is_empty():
        return None
    counts = records.group_by("source").len().sort(["len", "source"], descending=[True, False])
    return str(counts["source"][0])


def estimate_from_trace_ids(
    records: pl.DataFrame,
    reference: str,
    threshold: timedelta = DEFAULT_THRESHOLD,
    ranked: list[str] | None = None,
) -> list[SkewEstimate]:
    """Offsets of the sources that share trace ids, directly or through a chain (the
    database shares ids with the app, the app with the edge): offsets along a chain add up,
    and each estimate names the link it went through. Sources linked to ``reference`` are
    measured against it; a group of sources that shares no id with it is measured against
    its own largest source, as onsets are.

    ``ranked`` (default: from ``records``) lists the sources that logged ids, most ids
    first: given, ``records`` may hold only the rows of shared ids (:func:`shared_trace_rows`).
    """
    found: dict[str, SkewEstimate] = {}
    roots = [reference, *(sources_with_ids(records) if ranked is None else ranked)]
    for root in dict.fromkeys(roots):
        if root in found:
            continue
        frontier = [(root, timedelta(0))]
        while frontier:
            anchor, anchor_offset = frontier.pop(0)
            exclude = {root, *found} - {anchor}
            for pair in _pairwise_offsets(records, anchor, exclude):
                found[pair.source] = SkewEstimate(
                    source=pair.source,
                    reference=root,
                    offset=pair.offset + anchor_offset,
                    method="trace_id",
                    samples=pair.samples,
                    threshold=threshold,
                    via=anchor if anchor != root else "",
                )
                frontier.append((pair.source, found[pair.source].offset))
    return sorted(found.values(), key=lambda e: e.source)


_HAS_ID = pl.col("trace_id").is_not_null() & (pl.col("trace_id") != "")


def sources_with_ids(records: pl.DataFrame | pl.LazyFrame) -> list[str]:
    """Sources that logged trace ids, most ids first (ties by name); a lazy frame is
    scanned with the streaming engine."""
    engine: Any = "streaming" if isinstance(records, pl.LazyFrame) else "auto"
    counts = (
        records.lazy()
        .filter(_HAS_ID)
        .group_by("source")
        .len()
        .sort(["len", "source"], descending=[True, False])
        .collect(engine=engine)
    )
    return [str(name) for name in counts["source"]]


#: Trace ids of the sources other than the one with the most ids held at once when
#: looking for shared ids (some 75 bytes an id, 150 MB a pass): more are split by hash
#: into as many passes over the records as needed.
IDS_PER_PASS = 2_000_000


def shared_trace_rows(records: pl.LazyFrame, ids_per_pass: int | None = None) -> pl.DataFrame:
    """``source``, ``ts``, ``trace_id`` of the rows of ``records`` (e.g. a scan of every
    records file) whose id at least two sources logged: all that
    :func:`estimate_from_trace_ids` reads.

    Streaming scans, ids compared by a 64-bit hash. The source with the most ids (often
    an edge proxy, with one on every request, most seen by it alone) is never held: the
    ids of the other sources are grouped (shared when their smallest and largest source
    differ), and the rows of the largest source are only checked against them. Those
    other ids are split by hash into passes of ``ids_per_pass`` (default
    :data:`IDS_PER_PASS`), so memory does not grow with the input. A hash collision keeps
    an unshared id, which changes no estimate."""
    ids = _ids(records)
    counts = ids.group_by("source").len().sort(["len", "source"], descending=[True, False])
    found = counts.collect(engine="streaming")
    if found.height < 2:
        return ids.drop("key").head(0).collect()
    largest, others = str(found["source"][0]), int(found["len"].slice(1).sum())
    passes = max(1, -(-others // (ids_per_pass or IDS_PER_PASS)))
    keys = [_shared_keys(ids, largest, passes, part) for part in range(passes)]
    shared = pl.concat(keys)["key"].implode()
    return ids.filter(pl.col("key").is_in(shared)).drop("key").collect(engine="streaming")


def _ids(records: pl.LazyFrame) -> pl.LazyFrame:
    ids = records.filter(_HAS_ID).select(pl.col("source").cast(pl.String), "ts", "trace_id")
    return ids.with_columns(key=pl.col("trace_id").hash())


def _shared_keys(ids: pl.LazyFrame, largest: str, passes: int, part: int) -> pl.DataFrame:
    """The hashes, among those equal to ``part`` modulo ``passes``, of ids that at least
    two sources logged: two sources other than ``largest``, or ``largest`` and another."""
    if passes > 1:
        ids = ids.filter(pl.col("key") % passes == part)
    source = pl.col("source").cast(pl.Categorical).to_physical()
    theirs = ids.filter(pl.col("source") != largest)
    spread = theirs.group_by("key").agg(first=source.min(), last=source.max())
    grouped = spread.collect(engine="streaming")
    among = grouped.filter(pl.col("first") != pl.col("last")).select("key")
    mine = ids.filter(pl.col("source") == largest).select("key")
    with_largest = mine.join(grouped.lazy().select("key"), on="key", how="semi").unique()
    return pl.concat([among, with_largest.collect(engine="streaming")]).unique()


def _pairwise_offsets(records: pl.DataFrame, anchor: str, exclude: set[str]) -> list[SkewEstimate]:
    """Median offset of each source (not excluded) against ``anchor`` over shared ids.

    The anchor is often the edge, with an id on every request: only its ids that another
    source also logged are grouped, not millions of ids seen once. A clock written in whole
    seconds (RFC 3164 syslog) truncates by half a second on average; that bias is added
    back, so the estimate is of the clock, not of its resolution."""
    ids = records.lazy().filter(_HAS_ID & ~pl.col("source").is_in(sorted(exclude)))
    others = (
        ids.filter(pl.col("source") != anchor)
        .group_by(["trace_id", "source"])
        .agg(pl.col("ts").min(), whole=(pl.col("ts").dt.microsecond() == 0).all())
    )
    ref = (
        ids.filter(pl.col("source") == anchor)
        .join(others.select("trace_id").unique(), on="trace_id", how="semi")
        .group_by("trace_id")
        .agg(ref_ts=pl.col("ts").min(), ref_whole=(pl.col("ts").dt.microsecond() == 0).all())
    )
    pairs = (
        others.join(ref, on="trace_id")
        .group_by("source")
        .agg(
            offset=(pl.col("ts") - pl.col("ref_ts")).dt.total_microseconds().median(),
            samples=pl.len(),
            whole=pl.col("whole").all(),
            ref_whole=pl.col("ref_whole").all(),
        )
        .sort("source")
        .collect()
    )
    return [
        SkewEstimate(
            source=row["source"],
            reference=anchor,
            offset=timedelta(microseconds=round(row["offset"]) + _truncation_bias(row)),
            method="trace_id",
            samples=row["samples"],
        )
        for row in pairs.iter_rows(named=True)
    ]


def _truncation_bias(row: Mapping[str, Any]) -> int:
    """Microseconds to add when one side's clock is written in whole seconds only."""
    return 500_000 * (int(bool(row["whole"])) - int(bool(row["ref_whole"])))


def estimate_from_onsets(
    observations: Iterable[Mapping[str, datetime]],
    sizes: Mapping[str, int],
    threshold: timedelta = DEFAULT_THRESHOLD,
    skip: Iterable[str] = (),
) -> list[SkewEstimate]:
    """Offsets from happenings several sources saw (MIN_SHARED_ONSETS shared per pair).

    Sources linked by shared happenings form groups; in each group the source with the
    most records (``sizes``) is the reference and the others' offsets are chained from it
    along pair medians.
    """
    edges = _onset_edges(observations)
    skipped = set(skip)
    estimates: list[SkewEstimate] = []
    placed: set[str] = set()
    for root in sorted(edges, key=lambda name: (-sizes.get(name, 0), name)):
        if root in placed:
            continue
        offsets = _chain(edges, root)
        placed.update(offsets)
        estimates += [
            SkewEstimate(
                source=name,
                reference=root,
                offset=timedelta(seconds=offset),
                method="onset",
                samples=samples,
                threshold=threshold,
            )
            for name, (offset, samples) in sorted(offsets.items())
            if name != root and name not in skipped
        ]
    return estimates


def _onset_edges(
    observations: Iterable[Mapping[str, datetime]],
) -> dict[str, dict[str, tuple[float, int]]]:
    """source -> other source -> (median of other minus source in seconds, happenings)."""
    pairs: dict[tuple[str, str], list[float]] = {}
    for seen in observations:
        for a, b in combinations(sorted(seen), 2):
            pairs.setdefault((a, b), []).append((seen[b] - seen[a]).total_seconds())
    edges: dict[str, dict[str, tuple[float, int]]] = {}
    for (a, b), values in pairs.items():
        if len(values) >= MIN_SHARED_ONSETS:
            middle = median(values)
            edges.setdefault(a, {})[b] = (middle, len(values))
            edges.setdefault(b, {})[a] = (-middle, len(values))
    return edges


def _chain(
    edges: Mapping[str, Mapping[str, tuple[float, int]]], root: str
) -> dict[str, tuple[float, int]]:
    offsets: dict[str, tuple[float, int]] = {root: (0.0, 0)}
    queue = [root]
    while queue:
        here = queue.pop(0)
        for other, (delta, samples) in sorted(edges[here].items()):
            if other not in offsets:
                offsets[other] = (offsets[here][0] + delta, samples)
                queue.append(other)
    return offsets


def correct(records: pl.DataFrame, offsets: Mapping[str, timedelta]) -> pl.DataFrame:
    """Records with each named source's times shifted back by its offset."""
    if not offsets:
        return records
    shift = pl.col("source").replace_strict(
        {k: v.total_seconds() * 1_000_000 for k, v in offsets.items()},
        default=0.0,
        return_dtype=pl.Float64,
    )
    return records.with_columns(
        ts=pl.col("ts") - pl.duration(microseconds=shift.round(0).cast(pl.Int64))
    )


#: A timestamp text that names its zone, or an epoch number (UTC by definition).
_ZONED_TEXT = r"(?i)(z|[+-]\d{2}:?\d{2}|utc|gmt)\s*$|^\s*\d+(\.\d+)?\s*$"


def zone_less_sources(records: pl.DataFrame | pl.LazyFrame) -> list[tuple[str, int, str]]:
    """Sources whose timestamp texts carry no zone: (source, how many, an example text).

    A lazy frame (records on disk) is scanned with the streaming engine."""
    engine: Any = "streaming" if isinstance(records, pl.LazyFrame) else "auto"
    naive = (
        records.lazy()
        .filter(pl.col("ts_text").is_not_null() & ~pl.col("ts_text").str.contains(_ZONED_TEXT))
        .group_by("source")
        .agg(count=pl.len(), example=pl.col("ts_text").first())
        .sort("source")
        .collect(engine=engine)
    )
    return [(r["source"], r["count"], r["example"]) for r in naive.iter_rows(named=True)]
