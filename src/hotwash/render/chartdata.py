"""The data behind the charts: the incident window, metric series and error rates.

Reads the workspace's records (:func:`hotwash.records.read_records`) with Polars and
returns plain Python series; no plotting here. Every label passes through redaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from hotwash.model import MILESTONE_NAMES, Incident
from hotwash.redact import RedactionHit, RedactionPolicy, redact_text

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Series", "Window", "error_rates", "incident_window", "metric_series"]

MAX_METRICS = 4
MAX_LINES = 6
MAX_SIGNATURES = 5
_ERROR_LEVELS = ["error", "err", "fatal", "critical", "crit", "panic", "warn", "warning"]


@dataclass(frozen=True)
class Window:
    """The span the charts show: the incident with some margin either side."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Series:
    """One line on a chart."""

    label: str
    times: list[datetime]
    values: list[float]


def incident_window(incident: Incident) -> Window | None:
    """Impact start to resolution (or the timeline's extent), padded by a quarter each side."""
    instants = [getattr(incident.milestones, n) for n in MILESTONE_NAMES]
    known = [t for t in instants if t is not None] or [e.at for e in incident.timeline]
    if not known:
        return None
    start, end = min(known), max(known)
    pad = max((end - start) / 4, timedelta(minutes=10))
    return Window(start - pad, end + pad)


def _records(workspace: Path | None, window: Window) -> pl.LazyFrame | None:
    if workspace is None or not (workspace / "records").is_dir():
        return None
    import polars as pl

    from hotwash.records import read_records

    return read_records(workspace).filter(pl.col("ts").is_between(window.start, window.end))


def _label(text: str, policy: RedactionPolicy, hits: list[RedactionHit], where: str) -> str:
    result = redact_text(text, policy, where)
    hits.extend(result.hits)
    return result.text if len(result.text) <= 44 else result.text[:43] + "…"


def metric_series(
    workspace: Path | None,
    window: Window,
    policy: RedactionPolicy,
    hits: list[RedactionHit],
) -> dict[str, list[Series]]:
    """Chart title -> up to six series, the metrics with most samples first.

    Samples are grouped by metric name (``message``) with one line per ``stream``. Samples
    whose ``message`` holds only labels (``{code="5xx"}``) are grouped by the evidence they
    came from, one line per label set, titled by that evidence's query.
    """
    frame = _records(workspace, window)
    if frame is None:
        return {}
    import polars as pl

    labels_only = pl.col("message").fill_null("").str.contains(r"^\s*(\{.*\})?\s*$")
    samples = (
        frame.filter((pl.col("kind") == "metric") & pl.col("value").is_not_null())
        .with_columns(
            pl.when(labels_only)
            .then(pl.col("evidence"))
            .otherwise(pl.col("message"))
            .alias("chart"),
            pl.when(labels_only).then(pl.col("message")).otherwise(pl.col("stream")).alias("line"),
            labels_only.alias("by_evidence"),
        )
        .select("ts", "chart", "line", "by_evidence", "value")
        .sort("ts")
        .collect()
    )
    if samples.is_empty():
        return {}
    keys = samples.group_by("chart", "by_evidence").len()
    keys = keys.sort(["len", "chart"], descending=[True, False]).head(MAX_METRICS)
    queries = _queries(workspace) if keys["by_evidence"].any() else {}
    charts: dict[str, list[Series]] = {}
    for key, by_evidence in keys.select("chart", "by_evidence").iter_rows():
        rows = samples.filter(pl.col("chart").eq_missing(key))
        name = queries.get(str(key), "metric") if by_evidence else str(key or "metric")
        title = _label(name, policy, hits, "chart:metric")
        charts[_unique(title, charts)] = _lines(rows, policy, hits)
    return charts


def _unique(title: str, taken: dict[str, list[Series]]) -> str:
    candidate, number = title, 2
    while candidate in taken:
        candidate, number = f"{title} ({number})", number + 1
    return candidate


def _queries(workspace: Path | None) -> dict[str, str]:
    """Evidence sha256 -> a short name of its query (a file's stem, or the query text)."""
    if workspace is None:
        return {}
    from pydantic import ValidationError

    from hotwash.evidence.model import Manifest

    try:
        manifest = Manifest.model_validate_json(
            (workspace / "evidence" / "manifest.json").read_bytes()
        )
    except (OSError, ValidationError):
        return {}
    names = {}
    for evidence in manifest.evidence:
        query = evidence.query.strip()
        looks_like_path = "/" in query and " " not in query and "(" not in query
        names[evidence.sha256] = Path(query).stem.replace("_", " ") if looks_like_path else query
        names[evidence.sha256] = names[evidence.sha256] or evidence.source
    return names


def _lines(rows: pl.DataFrame, policy: RedactionPolicy, hits: list[RedactionHit]) -> list[Series]:
    import polars as pl

    streams = rows.group_by("line").len().sort(["len", "line"], descending=[True, False])
    series = []
    for stream in streams["line"].head(MAX_LINES).to_list():
        part = rows.filter(pl.col("line").eq_missing(stream))
        text = str(stream or "").strip()
        label = _label("" if text in {"", "{}"} else text, policy, hits, "chart:metric-stream")
        series.append(Series(label, part["ts"].to_list(), part["value"].to_list()))
    return series


def _bin_width(window: Window) -> timedelta:
    span = (window.end - window.start) / 60
    for minutes in (1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440):
        if timedelta(minutes=minutes) >= span:
            return timedelta(minutes=minutes)
    return timedelta(days=1)


def error_rates(
    workspace: Path | None,
    window: Window,
    policy: RedactionPolicy,
    hits: list[RedactionHit],
) -> list[Series]:
    """Errors and warnings per minute, by message signature (digits and hex masked)."""
    frame = _records(workspace, window)
    if frame is None:
        return []
    import polars as pl

    width = _bin_width(window)
    logs = (
        frame.filter(
            (pl.col("kind") == "log") & pl.col("level").str.to_lowercase().is_in(_ERROR_LEVELS)
        )
        .with_columns(
            pl.col("message")
            .fill_null("")
            .str.replace_all(r"[0-9a-fA-F]{8,}|\d+", "<n>")
            .str.slice(0, 80)
            .alias("signature"),
            pl.col("ts").dt.truncate(f"{int(width.total_seconds())}s").alias("bin"),
        )
        .collect()
    )
    if logs.is_empty():
        return []
    top = logs.group_by("signature").len().sort(["len", "signature"], descending=[True, False])
    per_minute = width.total_seconds() / 60
    series = []
    for signature in top["signature"].head(MAX_SIGNATURES).to_list():
        counts = logs.filter(pl.col("signature") == signature).group_by("bin").len()
        by_bin = dict(zip(counts["bin"].to_list(), counts["len"].to_list(), strict=True))
        times = _bins(window, width)
        values = [by_bin.get(t, 0) / per_minute for t in times]
        label = _label(signature, policy, hits, "chart:error-signature")
        series.append(Series(label, times, values))
    return series


def _bins(window: Window, width: timedelta) -> list[datetime]:
    """Every bin start in the window, aligned to the epoch like ``dt.truncate``."""
    step = width.total_seconds()
    first = datetime.fromtimestamp(window.start.timestamp() // step * step, UTC)
    count = int((window.end - first) / width) + 1
    return [first + i * width for i in range(count)]
