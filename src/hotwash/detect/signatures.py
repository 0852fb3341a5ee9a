"""Log signatures: new error signatures and bursts in the incident window.

Log records (``kind="log"``) of the baseline and the incident window are mined into
templates together (:func:`~hotwash.detect.templates.mine_templates`), so one template
means the same thing on both sides. A *signature* is a (source, template) pair. Templates
are mined without the few-choices split (``split_choices=False``), so a word column that
happens to hold one user name in the baseline and another in the incident stays one
signature instead of looking new. Then:

- **New signature**: an error or warning signature (by ``level``, or by error words when
  the level is missing) seen in the window but not in the baseline, or at a rate at
  least :data:`NEW_RATE_RATIO` times its baseline rate. One event at its first
  occurrence in the window, with its count, first and last time, and an example line.
- **Burst**: any other signature whose count per :data:`BURST_BIN` rises far above its
  baseline (at least :data:`BURST_RATIO` times its mean rate, :data:`BURST_PEAK_RATIO` times
  the busiest baseline bin, and :data:`BURST_MIN_PER_BIN` lines). One event at the first
  line of the burst, with its end, count and rates.

Lines are first reduced to counts per (source, masked message, baseline or window,
minute) with each group's first line (:func:`line_aggregates`); aggregates of parts of
the logs (one evidence file at a time) merge (:func:`merge_aggregates`), and
:func:`signature_events` mines the templates from the distinct masked messages and finds
the events from the aggregates alone, quoting the few lines it needs read back.

Signatures seen in the baseline at a similar rate produce nothing. Without
``DetectContext.baseline`` the records before the window are the baseline; with no
baseline records at all, error signatures are still reported, with low confidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import polars as pl

from hotwash.detect.base import DetectContext, Detector, evidence_ref, register_detector
from hotwash.detect.bursts import BURST_BIN, Burst, baseline_stats, find_bursts_in_bins
from hotwash.detect.firstline import group_first_lines
from hotwash.detect.frames import sort_records, window_conditions
from hotwash.detect.masking import mask_codes
from hotwash.detect.templates import cluster_masked
from hotwash.model import Event, EventKind
from hotwash.timeutil import format_duration, format_utc

__all__ = [
    "ERROR_LEVELS",
    "NEW_RATE_RATIO",
    "LineReader",
    "LogSignatureDetector",
    "is_error_expr",
    "line_aggregates",
    "lines_in",
    "logs_of",
    "merge_aggregates",
    "signature_events",
]

#: Levels (lower case) that make a line an error or warning.
ERROR_LEVELS = frozenset(
    {"error", "err", "e", "fatal", "f", "critical", "crit", "alert", "emerg", "emergency"}
    | {"panic", "severe", "warn", "warning", "w"}
)
_QUIET_LEVELS = ["info", "information", "debug", "trace", "notice", "i", "d", "v", "verbose"]
_ERROR_WORDS = (
    r"(?i)\b(error|errors|exception|fail|failed|failure|fatal|panic|timed? ?out|timeout|"
    r"refused|unavailable|denied|unreachable|crash(ed)?|abort(ed)?|killed|oom)\b"
)
#: A signature present in the baseline is still *new* at this many times its rate.
NEW_RATE_RATIO = 20.0
_TEMPLATE_CHARS = 120
_KEYS = ["source", "template"]
#: The keys of :func:`line_aggregates`, and its values per key.
_AGG_KEYS = ["source", "masked", "inside", "bin"]
_AGG_VALUES = ["n", "error", "first_ts", "last_ts", "evidence", "offset"]
#: The only columns read (fewer columns copied by the sorts and filters of millions of lines).
_COLUMNS = ["ts", "source", "message", "evidence", "offset"]


def _level_says() -> pl.Expr:
    """True for an error or warning level, False for a quiet one, null otherwise."""
    level = pl.col("level").str.to_lowercase().str.strip_chars()
    says = {**dict.fromkeys(_QUIET_LEVELS, False), **dict.fromkeys(ERROR_LEVELS, True)}
    return level.replace_strict(says, default=None, return_dtype=pl.Boolean)


def is_error_expr() -> pl.Expr:
    """True for error/warning lines: by level, or by error words when the level says nothing."""
    by_words = pl.col("message").str.contains(_ERROR_WORDS)
    return _level_says().fill_null(by_words).fill_null(False)


def _is_error(lines: pl.DataFrame) -> pl.Series:
    """:func:`is_error_expr` of ``lines``: each distinct level read once, and error words
    searched for only in the lines whose level says nothing."""
    levels = lines["level"]
    used = levels.unique().drop_nulls()
    said = used.to_frame().select(_level_says()).to_series()
    says = levels.replace_strict(used, said, default=None, return_dtype=pl.Boolean)
    unsure = says.is_null().arg_true()
    if unsure.is_empty():
        return says
    by_words = lines["message"].gather(unsure).str.contains(_ERROR_WORDS).fill_null(False)
    return says.scatter(unsure, by_words)


@dataclass(frozen=True)
class _Span:
    """Durations (seconds) of the baseline and the window; no baseline when 0."""

    baseline: float
    window: float

    @property
    def has_baseline(self) -> bool:
        return self.baseline > 0


@dataclass(frozen=True)
class _Signature:
    """One (source, template) with its counts and its first line in the window."""

    source: str
    template: str
    baseline_n: int
    window_n: int
    error: bool
    first_ts: datetime
    last_ts: datetime
    evidence: str
    offset: int | None
    example: str

    def is_new(self, span: _Span) -> bool:
        if self.baseline_n == 0:
            return True
        window_rate = self.window_n / max(span.window, 1.0)
        return window_rate >= NEW_RATE_RATIO * self.baseline_n / span.baseline

    def confidence(self, span: _Span) -> float:
        if not span.has_baseline:
            return 0.35
        base = 0.6 if self.baseline_n == 0 else 0.5
        return round(min(0.95, base + 0.35 * (1 - math.exp(-self.window_n / 5))), 2)


def line_aggregates(logs: pl.DataFrame, context: DetectContext) -> pl.DataFrame:
    """The log lines of the baseline and the window, counted per (``source``, ``masked``
    message, ``inside`` the window, ``bin`` of :data:`BURST_BIN`).

    ``logs`` has ``ts``, ``source``, ``message``, ``level``, ``evidence``, ``offset``. Per
    group: ``n`` lines, ``error`` (any error line), ``first_ts``, ``last_ts``, and the
    first line's (by ts, evidence, offset) ``evidence`` and ``offset``; texts are
    categoricals and no line's text is kept (:func:`signature_events` reads the few it
    quotes back). Rows come in no particular order. Aggregates of disjoint parts of the
    lines (one per evidence file) merge with :func:`merge_aggregates` into the aggregate
    of all of them.

    Lines are grouped by the index of their masked text (:func:`mask_codes`), and the
    first line of each group found without sorting the lines
    (:func:`~hotwash.detect.firstline.group_first_lines`)."""
    in_baseline, in_window = window_conditions(context)
    lines = logs.filter(in_baseline | in_window)
    masked, codes = mask_codes(lines["message"].cast(pl.String))
    every = f"{int(BURST_BIN.total_seconds())}s"
    keyed = lines.select(
        "ts", "offset",
        pl.col("source", "evidence").cast(pl.String).cast(pl.Categorical),
        inside=in_window,
        bin=pl.col("ts").dt.truncate(every),
    ).with_columns(code=codes, error=_is_error(lines))  # fmt: skip
    counts = {"n": pl.len(), "error": pl.col("error").any(), "last_ts": pl.col("ts").max()}
    found = group_first_lines(keyed, ["source", "code", "inside", "bin"], counts, "ts")
    texts = masked.cast(pl.Categorical).gather(found["code"])
    return found.with_columns(masked=texts).select(*_AGG_KEYS, *_AGG_VALUES)


def merge_aggregates(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """One aggregate (see :func:`line_aggregates`) from aggregates of disjoint lines."""
    if len(parts) == 1:
        return parts[0]
    sums = {
        "n": pl.col("n").sum(),
        "error": pl.col("error").any(),
        "last_ts": pl.col("last_ts").max(),
    }
    merged = group_first_lines(pl.concat(parts), _AGG_KEYS, sums, "first_ts")
    return merged.select(*_AGG_KEYS, *_AGG_VALUES)


def _by_first_line(aggregates: pl.DataFrame) -> pl.DataFrame:
    """``aggregates`` in the order of their first lines (ts, evidence text, offset)."""
    as_lines = aggregates.rename({"first_ts": "ts"})
    return sort_records(as_lines).rename({"ts": "first_ts"})


def _templated(aggregates: pl.DataFrame) -> pl.DataFrame:
    """The aggregates with each masked message's ``template``: the distinct masked
    messages, weighted by their lines, clustered as :func:`mine_templates` does."""
    counts = aggregates.group_by("masked").agg(pl.col("n").sum())
    masked = counts["masked"].cast(pl.String).to_list()
    mapping = cluster_masked(masked, counts["n"].to_list(), False)
    templates = pl.Series("template", [mapping[m] for m in masked], dtype=pl.String)
    table = counts.select("masked", template=templates.cast(pl.Categorical))
    return _by_first_line(aggregates.join(table, on="masked", how="left"))


def _span(aggregates: pl.DataFrame, context: DetectContext) -> _Span:
    """The span; the baseline starts at its first line when ``context`` has none."""
    window = context.window.duration.total_seconds()
    if context.baseline is not None:
        return _Span(context.baseline.duration.total_seconds(), window)
    before = aggregates.filter(~pl.col("inside"))
    if before.is_empty():
        return _Span(0.0, window)
    earliest: datetime = before["first_ts"].min()  # type: ignore[assignment]
    return _Span((context.window.start - earliest).total_seconds(), window)


def _signatures(both: pl.DataFrame) -> list[_Signature]:
    """Per signature seen in the window: counts, first and last time, the first line."""
    inside = pl.col("inside")
    summary = (
        both.group_by(_KEYS, maintain_order=True)
        .agg(
            baseline_n=pl.col("n").filter(~inside).sum(),
            window_n=pl.col("n").filter(inside).sum(),
            error=pl.col("error").filter(inside).any(),
            first_ts=pl.col("first_ts").filter(inside).first(),
            last_ts=pl.col("last_ts").filter(inside).max(),
            evidence=pl.col("evidence").filter(inside).first(),
            offset=pl.col("offset").filter(inside).first(),
        )
        .filter(pl.col("window_n") > 0)
        .with_columns(pl.col("source", "template", "evidence").cast(pl.String), example=pl.lit(""))
        .sort(["first_ts", *_KEYS])
    )
    return [_Signature(**row) for row in summary.iter_rows(named=True)]


def _burst_inputs(both: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(baseline stats, window bins) of every signature, as
    :func:`~hotwash.detect.bursts.find_bursts_in_bins` reads them."""
    inside = pl.col("inside")
    keys = [*_KEYS, "bin"]
    per_bin = both.filter(~inside).group_by(keys).agg(len=pl.col("n").sum())
    bins = (
        both.filter(inside)
        .group_by(keys, maintain_order=True)
        .agg(
            n=pl.col("n").sum(),
            first_ts=pl.col("first_ts").first(),
            last_ts=pl.col("last_ts").max(),
            evidence=pl.col("evidence").first(),
            offset=pl.col("offset").first(),
        )
        .with_columns(pl.col("evidence").cast(pl.String), example=pl.lit(""))
    )
    return baseline_stats(per_bin), bins


def _short(template: str) -> str:
    if len(template) <= _TEMPLATE_CHARS:
        return template
    return template[: _TEMPLATE_CHARS - 1] + "…"


def _new_event(sig: _Signature, span: _Span) -> Event:
    before = (
        f"{sig.baseline_n} in the {format_duration(timedelta(seconds=span.baseline))} baseline"
        if span.has_baseline
        else "no baseline to compare with"
    )
    return Event(
        at=sig.first_ts,
        title=f"New error signature in {sig.source}: {_short(sig.template)}",
        source=sig.source,
        kind=EventKind.SIGNAL,
        auto=True,
        confidence=sig.confidence(span),
        evidence=[evidence_ref(sig.evidence, sig.offset)],
        details=(
            f"{sig.window_n} lines in the incident window ({before}); first "
            f"{format_utc(sig.first_ts)}, last {format_utc(sig.last_ts)}. "
            f"Template: {sig.template}. Example: {sig.example}"
        ),
    )


def _burst_event(source: str, template: str, burst: Burst) -> Event:
    per_min = 60.0 / BURST_BIN.total_seconds()
    return Event(
        at=burst.start,
        title=f"Burst in {source}: {burst.count} × {_short(template)} "
        f"until {format_utc(burst.end)}",
        source=source,
        kind=EventKind.SIGNAL,
        auto=True,
        confidence=burst.confidence,
        evidence=[evidence_ref(burst.evidence, burst.offset)],
        details=(
            f"{burst.count} lines from {format_utc(burst.start)} to {format_utc(burst.end)}: "
            f"peak {burst.peak * per_min:.3g}/min against {burst.expected * per_min:.3g}/min "
            f"in the baseline. Template: {template}. Example: {burst.example}"
        ),
    )


def logs_of(records: pl.DataFrame) -> pl.DataFrame:
    """The log lines with a message, and only the columns this detector reads."""
    is_log = (pl.col("kind") == "log") & pl.col("message").is_not_null()
    return records.filter(is_log).select(*_COLUMNS, pl.col("level").cast(pl.String))


#: Given (``evidence``, ``offset``) of some log lines, the same with their ``message``.
LineReader = Callable[[pl.DataFrame], pl.DataFrame]


def signature_events(
    aggregates: pl.DataFrame, context: DetectContext, lines: LineReader
) -> Iterator[Event]:
    """New error signatures and bursts from the :func:`line_aggregates` of the logs;
    ``lines`` reads back the lines the events quote."""
    if aggregates.is_empty() or not aggregates["inside"].any():
        return
    both = _templated(aggregates)
    span = _span(both, context)
    new = [sig for sig in _signatures(both) if sig.error and sig.is_new(span)]
    reported = {(sig.source, sig.template) for sig in new}
    bursts: list[tuple[tuple[str, str], Burst]] = []
    if span.has_baseline:
        found = find_bursts_in_bins(*_burst_inputs(both), span.baseline)
        bursts = [(key, burst) for key, burst in found if key not in reported]
    quoted = _quoted(
        lines, [(s.evidence, s.offset) for s in new] + [(b.evidence, b.offset) for _, b in bursts]
    )
    yield from (_new_event(replace(s, example=quoted[s.evidence, s.offset]), span) for s in new)
    for key, burst in bursts:
        yield _burst_event(*key, replace(burst, example=quoted[burst.evidence, burst.offset]))


def _quoted(
    lines: LineReader, refs: list[tuple[str, int | None]]
) -> dict[tuple[str, int | None], str]:
    """The text of each (evidence, offset) line (empty when not found)."""
    schema = {"evidence": pl.String, "offset": pl.Int64}
    wanted = pl.DataFrame(refs, schema=schema, orient="row").unique()
    found = lines(wanted) if refs else wanted.with_columns(message=pl.lit(""))
    texts = {(e, o): m for e, o, m in found.select("evidence", "offset", "message").iter_rows()}
    return {ref: texts.get(ref) or "" for ref in refs}


def lines_in(logs: pl.DataFrame) -> LineReader:
    """A :data:`LineReader` over the log lines of a frame."""

    def read(wanted: pl.DataFrame) -> pl.DataFrame:
        text = logs.select(
            pl.col("evidence").cast(pl.String), "offset", pl.col("message").cast(pl.String)
        )
        return wanted.join(text, on=["evidence", "offset"], how="left").unique(
            ["evidence", "offset"]
        )

    return read


@register_detector
class LogSignatureDetector(Detector):
    """New error signatures and bursts of log templates, against the baseline."""

    name = "signatures"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterator[Event]:
        logs = logs_of(records)
        yield from signature_events(line_aggregates(logs, context), context, lines_in(logs))
