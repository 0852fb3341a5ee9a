"""The metric change-point detector on NAB's real AWS CloudWatch series.

Usage: ``python bench/nab.py [DATA_DIR]`` (default: ``/work/shared/data/nab``). ``DATA_DIR``
holds ``data/<group>/<series>.csv`` (``timestamp,value``; timestamps without a zone, read
as UTC) and ``labels/combined_windows.json`` (``{"<group>/<series>.csv": [[start, end],
...]}``).

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
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from hotwash.detect.changepoint import find_changes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loghub import machine

DEFAULT_DATA = Path("/work/shared/data/nab")
DAY = 86400.0
HISTORY = 7 * DAY
PROBATION = 0.15


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


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *argv])}")
    print(f"data:    {data.resolve()}\n")
    labels = json.loads((data / "labels" / "combined_windows.json").read_text())
    scores = []
    print(f"{'series':<44}{'windows':>8}{'found':>6}{'lead min':>10}{'lead %':>8}{'false/wk':>9}")
    for key in sorted(labels):
        path = data / "data" / key
        if not path.exists():
            continue
        result = score(Path(key).stem, path, [parse_window(w) for w in labels[key]])
        scores.append(result)
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
