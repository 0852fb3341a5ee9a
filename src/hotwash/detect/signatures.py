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

Signatures seen in the baseline at a similar rate produce nothing. Without
``DetectContext.baseline`` the records before the window are the baseline; with no
baseline records at all, error signatures are still reported, with low confidence.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from hotwash.detect.base import DetectContext, Detector, evidence_ref, register_detector
from hotwash.detect.bursts import BURST_BIN, Burst, find_bursts
from hotwash.detect.frames import baseline_seconds, sort_records, window_conditions
from hotwash.detect.templates import mine_templates
from hotwash.model import Event, EventKind
from hotwash.timeutil import format_duration, format_utc

__all__ = ["ERROR_LEVELS", "NEW_RATE_RATIO", "LogSignatureDetector", "is_error_expr"]

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
#: The only columns read (fewer columns copied by the sorts and filters of millions of lines).
_COLUMNS = ["ts", "source", "message", "evidence", "offset"]


def is_error_expr() -> pl.Expr:
    """True for error/warning lines: by level, or by error words when the level says nothing."""
    level = pl.col("level").str.to_lowercase().str.strip_chars()
    by_level = level.is_in(list(ERROR_LEVELS))
    quiet = level.is_in(_QUIET_LEVELS).fill_null(False)
    by_words = pl.col("message").str.contains(_ERROR_WORDS).fill_null(False)
    return by_level.fill_null(False) | (~quiet & ~by_level.fill_null(False) & by_words)


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


def _span(before: pl.DataFrame, context: DetectContext) -> _Span:
    return _Span(baseline_seconds(before, context), context.window.duration.total_seconds())


def _parts(logs: pl.DataFrame, context: DetectContext) -> pl.DataFrame:
    """Baseline lines then window lines (``inside``), unsorted, with a ``row`` index."""
    in_baseline, in_window = window_conditions(context)
    both = pl.concat(
        [
            logs.filter(in_baseline).with_columns(inside=pl.lit(False)),
            logs.filter(in_window).with_columns(inside=pl.lit(True)),
        ]
    )
    return both.with_row_index("row")


def _classified(both: pl.DataFrame) -> pl.DataFrame:
    """Every line's signature keys and flags, without its text, each part in time order."""
    template = mine_templates(both["message"], split_choices=False).cast(pl.Categorical)
    narrow = both.select(
        "row", "ts", "source", "evidence", "offset", "inside", template=template
    ).with_columns(error=both.select(is_error_expr()).to_series())
    inside = pl.col("inside")
    return pl.concat([sort_records(narrow.filter(~inside)), sort_records(narrow.filter(inside))])


def _signatures(both: pl.DataFrame, texts: pl.Series) -> list[_Signature]:
    """Per signature seen in the window: counts, first and last time, the first line."""
    inside = pl.col("inside")
    summary = (
        both.group_by(_KEYS, maintain_order=True)
        .agg(
            baseline_n=(~inside).sum(),
            window_n=inside.sum(),
            error=pl.col("error").filter(inside).any(),
            first_ts=pl.col("ts").filter(inside).first(),
            last_ts=pl.col("ts").filter(inside).last(),
            evidence=pl.col("evidence").filter(inside).first(),
            offset=pl.col("offset").filter(inside).first(),
            row=pl.col("row").filter(inside).first(),
        )
        .filter(pl.col("window_n") > 0)
        .with_columns(pl.col("source", "template", "evidence").cast(pl.String))
        .sort(["first_ts", *_KEYS])
    )
    summary = summary.with_columns(example=texts.gather(summary["row"])).drop("row")
    return [_Signature(**row) for row in summary.iter_rows(named=True)]


def _with_examples(during: pl.DataFrame, texts: pl.Series) -> pl.DataFrame:
    """``during`` with ``message`` on the first line of each signature's burst bins (the
    only lines a burst quotes) and null elsewhere: no copy of every line's text."""
    bin_start = pl.col("ts").dt.truncate(f"{int(BURST_BIN.total_seconds())}s")
    firsts = during.group_by([*_KEYS, bin_start], maintain_order=True).agg(pl.col("row").first())
    quoted = pl.DataFrame({"row": firsts["row"], "message": texts.gather(firsts["row"])})
    return during.join(quoted, on="row", how="left", maintain_order="left")


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


def _logs(records: pl.DataFrame) -> pl.DataFrame:
    """The log lines with a message, and only the columns this detector reads."""
    is_log = (pl.col("kind") == "log") & pl.col("message").is_not_null()
    return records.filter(is_log).select(*_COLUMNS, pl.col("level").cast(pl.String))


@register_detector
class LogSignatureDetector(Detector):
    """New error signatures and bursts of log templates, against the baseline."""

    name = "signatures"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterator[Event]:
        lines = _parts(_logs(records), context)
        if not lines["inside"].any():
            return
        texts, both = lines["message"], _classified(lines)
        del lines
        inside = pl.col("inside")
        before = both.filter(~inside)
        span = _span(before, context)
        new = [sig for sig in _signatures(both, texts) if sig.error and sig.is_new(span)]
        yield from (_new_event(sig, span) for sig in new)
        if not span.has_baseline:
            return
        reported = {(sig.source, sig.template) for sig in new}
        during = _with_examples(both.filter(inside), texts)
        for key, burst in find_bursts(before, during, span.baseline):
            if key not in reported:
                yield _burst_event(*key, burst)
