"""Charts of the report (matplotlib, Agg, no pyplot): readable at a glance, UTC on the axes.

* each key metric around the window, milestones as vertical lines, the impact shaded;
* error and warning rates over time by message signature;
* a swimlane of the timeline by source;
* the durations (detect, acknowledge, mitigate, resolve) on a time axis;
* a fishbone of the contributing factors by category, the trigger at its head.

A chart with no data is left out, never drawn empty. :func:`build_charts` returns
:class:`Chart` objects that give deterministic SVG (for HTML) and PNG (beside Markdown).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotwash.model import MILESTONE_NAMES, Incident
from hotwash.redact import RedactionHit, RedactionPolicy
from hotwash.render.chartdata import Series, Window, error_rates, incident_window, metric_series
from hotwash.render.svg import RC, figure_png, figure_svg

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Chart", "build_charts", "charts_available"]

PALETTE = ["#1f5fa8", "#d1495b", "#2e933c", "#edae49", "#7b4fa3", "#00798c"]
IMPACT_COLOR = "#d1495b"
MILESTONE_LABELS = {
    "impact_started": "impact",
    "detected": "detected",
    "acknowledged": "ack",
    "mitigated": "mitigated",
    "resolved": "resolved",
}


class Chart:
    """One chart: a stable name (its file name), a title, and its SVG and PNG renderings.

    Each rendering is made on first use (HTML needs only the SVG, Markdown only the PNG).
    """

    def __init__(self, name: str, title: str, figure: Figure) -> None:
        self.name = name
        self.title = title
        self.figure = figure

    @functools.cached_property
    def svg(self) -> str:
        from matplotlib import rc_context

        with rc_context(RC):  # type: ignore[arg-type]
            return figure_svg(self.figure, "c-" + re.sub(r"[^a-z0-9-]", "", self.name.lower()))

    @functools.cached_property
    def png(self) -> bytes:
        from matplotlib import rc_context

        with rc_context(RC):  # type: ignore[arg-type]
            return figure_png(self.figure)


def charts_available() -> bool:
    """Whether matplotlib (the ``charts`` extra) is installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


Maker = tuple[str, str, Callable[[], "Figure | None"]]


def build_charts(
    incident: Incident,
    workspace: Path | None,
    policy: RedactionPolicy,
    hits: list[RedactionHit],
    problems: list[str] | None = None,
) -> list[Chart]:
    """Every chart that has data: metrics, errors, swimlane, durations, fishbone.

    Records that cannot be read leave their charts out and add a line to ``problems``.
    """
    if not charts_available():
        return []
    from matplotlib import rc_context

    with rc_context(RC):  # type: ignore[arg-type]
        found = problems if problems is not None else []
        makers = _record_makers(incident, workspace, policy, hits, found)
        makers += _document_makers(incident)
        return [chart for chart in (_render(n, t, m) for n, t, m in makers) if chart]


def _record_makers(
    incident: Incident,
    workspace: Path | None,
    policy: RedactionPolicy,
    hits: list[RedactionHit],
    problems: list[str],
) -> list[Maker]:
    import polars as pl

    window = incident_window(incident)
    if window is None:
        return []
    try:
        metrics = metric_series(workspace, window, policy, hits)
        errors = error_rates(workspace, window, policy, hits)
    except (pl.exceptions.PolarsError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        problems.append(f"charts of records/ left out: the records cannot be read ({first})")
        return []
    makers: list[Maker] = [
        (f"metric-{n}", name, _bind(_metric_figure, incident, window, name, series))
        for n, (name, series) in enumerate(metrics.items(), start=1)
    ]
    title = "Errors and warnings per minute"
    makers.append(("errors", title, _bind(_errors_figure, incident, window, errors)))
    return makers


def _document_makers(incident: Incident) -> list[Maker]:
    from hotwash.render.fishbone import fishbone_figure

    return [
        ("swimlane", "Timeline by source", _bind(_swimlane_figure, incident)),
        ("durations", "Durations", _bind(_durations_figure, incident)),
        ("fishbone", "Contributing factors", _bind(fishbone_figure, incident)),
    ]


def _bind(function: Callable[..., Figure | None], *args: Any) -> Callable[[], Figure | None]:
    return lambda: function(*args)


def _render(name: str, title: str, make: Callable[[], Figure | None]) -> Chart | None:
    figure = make()
    return None if figure is None else Chart(name, title, figure)


def _num(at: datetime) -> float:
    """Matplotlib's day number of an aware instant (its axes are typed for floats)."""
    from matplotlib.dates import date2num

    return float(date2num(at))  # type: ignore[no-untyped-call]


def _figure(height: float = 2.8) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(8, height), layout="constrained")


def _time_axis(axes: Axes, window: Window | None = None) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz=UTC, minticks=4, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    formatter = mdates.DateFormatter("%H:%M", tz=UTC)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(formatter)
    if window is not None:
        axes.set_xlim(_num(window.start), _num(window.end))
    day = (window.start if window else None) or datetime.now(UTC)
    axes.set_xlabel(f"time (UTC, {day:%Y-%m-%d})")
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)


def _milestones(axes: Axes, incident: Incident) -> None:
    """Milestones as labelled vertical lines and the impact period shaded."""
    m = incident.milestones
    end = m.mitigated or m.resolved
    if m.impact_started and end:
        axes.axvspan(
            _num(m.impact_started), _num(end), color=IMPACT_COLOR, alpha=0.12, lw=0, label="impact"
        )
    for name in MILESTONE_NAMES:
        at = getattr(m, name)
        if at is None:
            continue
        axes.axvline(_num(at), color="#555555", linestyle="--", linewidth=0.8)
        axes.text(
            _num(at),
            1.0,
            " " + MILESTONE_LABELS[name],
            transform=axes.get_xaxis_transform(),
            rotation=90,
            va="top",
            ha="right",
            fontsize=7,
            color="#333333",
        )


def _lines(axes: Axes, series: list[Series], steps: bool = False) -> None:
    style = "steps-post" if steps else "default"
    for index, line in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        axes.plot(
            [_num(t) for t in line.times],
            line.values,
            color=color,
            lw=1.4,
            label=line.label,
            drawstyle=style,
        )
    if len(series) > 1 or series[0].label:
        if max(len(line.label) for line in series) > 24:  # long labels go below the plot
            axes.legend(loc="upper left", bbox_to_anchor=(0.0, -0.22), ncols=2)
        else:
            axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _metric_figure(
    incident: Incident, window: Window, name: str, series: list[Series]
) -> Figure | None:
    if not any(s.values for s in series):
        return None
    figure = _figure()
    axes = figure.add_subplot()
    axes.set_title(name)
    _lines(axes, series)
    _milestones(axes, incident)
    _time_axis(axes, window)
    return figure


def _errors_figure(incident: Incident, window: Window, series: list[Series]) -> Figure | None:
    if not series:
        return None
    figure = _figure(3.2)
    axes = figure.add_subplot()
    axes.set_title("Errors and warnings per minute, by message signature")
    _lines(axes, series, steps=True)
    axes.set_ylabel("lines / min")
    axes.set_ylim(bottom=0)
    _milestones(axes, incident)
    _time_axis(axes, window)
    return figure


_KIND_MARKERS = {
    "signal": "o",
    "alert": "^",
    "page": "v",
    "action": "s",
    "communication": "D",
    "change": "P",
    "milestone": "*",
    None: "o",
}


def _swimlane_figure(incident: Incident) -> Figure | None:
    events = incident.timeline
    if len(events) < 2:
        return None
    lanes = sorted({_lane(e.source) for e in events})
    figure = _figure(max(1.8, 0.45 * len(lanes) + 1.2))
    axes = figure.add_subplot()
    axes.set_title("Timeline by source (numbers are timeline rows)")
    kinds = sorted({e.kind.value if e.kind else "other" for e in events})
    for index, kind in enumerate(kinds):
        chosen = [
            (n, e) for n, e in enumerate(events, 1) if (e.kind.value if e.kind else "other") == kind
        ]
        ys = [lanes.index(_lane(e.source)) for _, e in chosen]
        marker = _KIND_MARKERS.get(kind, "o")
        axes.scatter(
            [_num(e.at) for _, e in chosen],
            ys,
            marker=marker,
            s=46,
            color=PALETTE[index % len(PALETTE)],
            label=kind,
            zorder=3,
        )
        for (number, event), y in zip(chosen, ys, strict=True):
            axes.annotate(
                str(number),
                (_num(event.at), y),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
    axes.set_yticks(range(len(lanes)), lanes)
    axes.set_ylim(-0.7, len(lanes) - 0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _milestones(axes, incident)
    _time_axis(axes, incident_window(incident))
    return figure


def _lane(source: str | None) -> str:
    name = source or "(no source)"
    return name if len(name) <= 24 else name[:23] + "…"


_DURATIONS = (
    ("detect", "impact_started", "detected"),
    ("acknowledge", "detected", "acknowledged"),
    ("mitigate", "impact_started", "mitigated"),
    ("resolve", "impact_started", "resolved"),
)


def _durations_figure(incident: Incident) -> Figure | None:
    from hotwash.timeutil import format_duration

    m = incident.milestones
    bars = [(label, getattr(m, a), getattr(m, b)) for label, a, b in _DURATIONS]
    bars = [(label, a, b) for label, a, b in bars if a is not None and b is not None]
    if not bars:
        return None
    figure = _figure(0.42 * len(bars) + 1.1)
    axes = figure.add_subplot()
    axes.set_title("Time to detect, acknowledge, mitigate and resolve")
    for y, (_, start, end) in enumerate(reversed(bars)):
        axes.barh(
            y,
            _num(end) - _num(start),
            left=_num(start),
            height=0.55,
            color=PALETTE[y % len(PALETTE)],
        )
        axes.text(_num(end), y, "  " + format_duration(end - start), va="center", fontsize=8)
    axes.set_yticks(range(len(bars)), [f"time to {label}" for label, _, _ in reversed(bars)])
    window = incident_window(incident)
    _time_axis(axes, window)
    return figure
