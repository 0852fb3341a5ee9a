"""The metric change-point detector on NAB's real AWS CloudWatch series.

Usage: ``python bench/nab.py [DATA_DIR] [--holdout]`` (default: ``/work/shared/data/nab``).
``DATA_DIR`` holds ``data/<group>/<series>.csv`` (``timestamp,value``; timestamps without a
zone, read as UTC) and ``labels/combined_windows.json`` (``{"<group>/<series>.csv":
[[start, end], ...]}``).

Protocol (the labels are only read to score, never by the detector):

- The first 15 % of each series is NAB's probationary period: never scored.
- After it, the series is cut into one-day incident windows. For each day the detector
  sees a baseline of the up to 7 days before it (a rolling past window, like a
  post-mortem that looks back a week) and the day itself, exactly as
  ``MetricChangeDetector`` does (``find_changes`` with the default settings).
- An episode still open at the end of a day and seen again from the first point of the
  next day is one episode, not a new onset.
- A labelled window is *found* when an onset falls inside it; *lead* is the time from the
  window's start to its first onset (minutes, and as a share of the window's length). An
  onset outside every window is a *false onset*; they are counted per series-week of
  scored data.

``--holdout`` checks how much of the figure comes from tuning on this data: the series
(sorted by name) are split into two halves (even and odd positions); on each half, the
settings of :data:`GRID` that find the most windows with at most :data:`MAX_FALSE` false
onsets per series-week are chosen (fewer false onsets break ties), then scored on the
*other* half. The two held-out halves are added up.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

import hotwash.detect.changepoint as changepoint
from hotwash.detect.changepoint import find_changes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loghub import machine

DEFAULT_DATA = Path("/work/shared/data/nab")
DAY = 86400.0
HISTORY = 7 * DAY
PROBATION = 0.15
#: Settings tried by ``--holdout`` (module constants of the detector). STUCK_MIN 10**9
#: turns the stuck-signal test off.
GRID: tuple[dict[str, float], ...] = tuple(
    {"STUCK_MIN": stuck, "SETTLE": settle, "Z_EXTREME": z, "EXTREME_HISTORY": history}
    for stuck in (12, 10**9)
    for settle in (12, 24, 36)
    for z in (4.0, 6.0)
    for history in (0.0, 3.0)
)
MAX_FALSE = 1.0


@dataclass
class Score:
    name: str
    windows: int
    found: int
    leads_min: list[float]
    leads_frac: list[float]
    false_onsets: int
    weeks: float


def load(path: Path) -> tuple[np.ndarray, np.ndarray]:
    frame = pl.read_csv(path, try_parse_dates=False).with_columns(
        pl.col("timestamp").str.to_datetime("%Y-%m-%d %H:%M:%S", time_zone="UTC")
    )
    frame = frame.sort("timestamp")
    ts = frame["timestamp"].dt.epoch("us").to_numpy().astype(np.float64) / 1e6
    return ts, frame["value"].cast(pl.Float64).to_numpy()


def onsets(ts: np.ndarray, values: np.ndarray) -> tuple[list[float], float]:
    """Onset instants after the probation period, and the scored span in seconds."""
    scored_from = ts[int(len(ts) * PROBATION)]
    found: list[float] = []
    open_episode = False
    day = scored_from
    while day <= ts[-1]:
        base = (ts >= max(ts[0], day - HISTORY)) & (ts < day)
        now = (ts >= day) & (ts < day + DAY)
        changes = find_changes(ts[base], values[base], ts[now], values[now])
        window_ts = ts[now]
        for change in changes:
            if not (open_episode and change.onset == 0):
                found.append(float(window_ts[change.onset]))
        open_episode = bool(changes) and changes[-1].recovery is None
        day += DAY
    return found, float(ts[-1] - scored_from)


def parse_window(pair: list[str]) -> tuple[float, float]:
    start, end = (datetime.fromisoformat(t).replace(tzinfo=UTC).timestamp() for t in pair)
    return start, end


def score(name: str, path: Path, windows: list[tuple[float, float]]) -> Score:
    ts, values = load(path)
    found_at, span = onsets(ts, values)
    leads_min, leads_frac, hit = [], [], 0
    for start, end in windows:
        inside = [t for t in found_at if start <= t <= end]
        if inside:
            hit += 1
            leads_min.append((min(inside) - start) / 60)
            leads_frac.append((min(inside) - start) / (end - start))
    false = sum(1 for t in found_at if not any(s <= t <= e for s, e in windows))
    return Score(name, len(windows), hit, leads_min, leads_frac, false, span / (7 * DAY))


def score_all(data: Path, keys: list[str]) -> list[Score]:
    labels = json.loads((data / "labels" / "combined_windows.json").read_text())
    return [
        score(Path(key).stem, data / "data" / key, [parse_window(w) for w in labels[key]])
        for key in keys
        if (data / "data" / key).exists()
    ]


def totals(scores: list[Score]) -> tuple[int, int, int, float]:
    """(windows found, windows, false onsets, series-weeks)."""
    return (
        sum(s.found for s in scores),
        sum(s.windows for s in scores),
        sum(s.false_onsets for s in scores),
        sum(s.weeks for s in scores),
    )


def with_settings(settings: dict[str, float]) -> None:
    for name, value in settings.items():
        setattr(changepoint, name, type(getattr(changepoint, name))(value))


def choose(data: Path, keys: list[str]) -> dict[str, float]:
    """The settings of :data:`GRID` that do best on ``keys`` (see the module docstring)."""
    best: tuple[float, float] | None = None
    chosen = GRID[0]
    for settings in GRID:
        with_settings(settings)
        found, windows, false, weeks = totals(score_all(data, keys))
        rate = false / weeks if weeks else 0.0
        rank = (found / windows if windows else 0.0, -rate)
        if rate <= MAX_FALSE and (best is None or rank > best):
            best, chosen = rank, settings
    return chosen


def holdout(data: Path, keys: list[str]) -> None:
    defaults = {name: getattr(changepoint, name) for name in GRID[0]}
    halves = [keys[0::2], keys[1::2]]
    held: list[Score] = []
    for tune, test in (halves, halves[::-1]):
        settings = choose(data, tune)
        with_settings(settings)
        scores = score_all(data, test)
        held += scores
        found, windows, false, weeks = totals(scores)
        print(
            f"tuned on {len(tune)} series: {settings}\n  held-out {len(test)} series: "
            f"{found}/{windows} windows, {false / weeks:.2f} false onsets per series-week"
        )
    with_settings(defaults)
    found, windows, false, weeks = totals(held)
    print(
        f"\nheld out, both halves: windows found {found}/{windows} = {found / windows:.0%}; "
        f"false onsets: {false} in {weeks:.1f} series-weeks = {false / weeks:.2f} per series-week"
    )


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    data = Path(args[0]) if args else DEFAULT_DATA
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *argv])}")
    print(f"data:    {data.resolve()}\n")
    keys = sorted(json.loads((data / "labels" / "combined_windows.json").read_text()))
    if "--holdout" in argv:
        holdout(data, keys)
        return 0
    print(f"{'series':<44}{'windows':>8}{'found':>6}{'lead min':>10}{'lead %':>8}{'false/wk':>9}")
    scores = score_all(data, keys)
    for result in scores:
        _print_row(result)
    _print_total(scores)
    return 0


def _median(values: list[float]) -> str:
    return f"{np.median(values):.0f}" if values else "-"


def _print_row(s: Score) -> None:
    frac = f"{100 * np.median(s.leads_frac):.0f}" if s.leads_frac else "-"
    print(
        f"{s.name[:43]:<44}{s.windows:>8}{s.found:>6}{_median(s.leads_min):>10}{frac:>8}"
        f"{s.false_onsets / s.weeks:>9.2f}"
    )


def _print_total(scores: list[Score]) -> None:
    windows = sum(s.windows for s in scores)
    found = sum(s.found for s in scores)
    leads = [x for s in scores for x in s.leads_min]
    fracs = [x for s in scores for x in s.leads_frac]
    false = sum(s.false_onsets for s in scores)
    weeks = sum(s.weeks for s in scores)
    share = found / windows if windows else 0.0
    frac = f"{100 * np.median(fracs):.0f}" if fracs else "-"
    print(
        f"{'all (' + str(len(scores)) + ' series)':<44}{windows:>8}{found:>6}"
        f"{_median(leads):>10}{frac:>8}{false / weeks if weeks else 0.0:>9.2f}"
    )
    print(
        f"\nwindows found: {found}/{windows} = {share:.0%}; median lead {_median(leads)} min "
        f"({frac} % into the window); false onsets: {false} in {weeks:.1f} series-weeks "
        f"= {false / weeks if weeks else 0.0:.2f} per series-week"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
