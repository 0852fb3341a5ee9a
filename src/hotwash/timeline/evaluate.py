"""Scoring a built timeline against a ground truth (the bundled example's, or your own).

A ground-truth file (YAML) lists ``events`` (``at``, ``kind``, ``title``, optional
``tolerance_seconds`` and ``optional: true``) and may list ``clock_offsets``. A detected
entry **matches** a truth entry when the kinds agree and the times differ by at most the
tolerance (the entry's own ``tolerance_seconds``, else the one asked for). Optional truth
entries count neither for recall nor, when matched, against precision.

Two precisions are given: *any-match* (a detection is right if it matches some truth
entry) and *one-to-one* (each truth entry absorbs one detection; a second detection of
the same happening counts as wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hotwash.errors import HotwashError
from hotwash.model import Event, Milestones
from hotwash.timeutil import parse_instant

__all__ = ["Score", "TruthEvent", "load_ground_truth", "score_events", "score_milestones"]


@dataclass(frozen=True)
class TruthEvent:
    at: datetime
    kind: str
    title: str
    tolerance: timedelta | None = None
    optional: bool = False


@dataclass
class Score:
    """Precision and recall of detections against truth entries."""

    matched: int
    required: int
    correct: int
    counted: int
    one_to_one: int
    missed: list[TruthEvent] = field(default_factory=list)
    wrong: list[Event] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.required if self.required else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.counted if self.counted else 1.0

    @property
    def precision_one_to_one(self) -> float:
        return self.one_to_one / self.counted if self.counted else 1.0


def load_ground_truth(path: Path) -> tuple[list[TruthEvent], dict[str, Any]]:
    """The truth events of a ground-truth YAML file, and the whole file as plain data."""
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        events = [_truth(item) for item in data.get("events", [])]
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise HotwashError(f"{path}: not a usable ground truth ({exc})") from exc
    return events, data


def _truth(item: dict[str, Any]) -> TruthEvent:
    at = item["at"]
    at = parse_instant(at) if isinstance(at, str) else parse_instant(at.isoformat())
    tolerance = item.get("tolerance_seconds")
    return TruthEvent(
        at=at,
        kind=str(item["kind"]),
        title=str(item.get("title", "")),
        tolerance=timedelta(seconds=tolerance) if tolerance is not None else None,
        optional=bool(item.get("optional", False)),
    )


def _matches(event: Event, truth: TruthEvent, tolerance: timedelta) -> bool:
    kind = event.kind.value if event.kind else ""
    return kind == truth.kind and abs(event.at - truth.at) <= (truth.tolerance or tolerance)


def score_events(events: list[Event], truth: list[TruthEvent], tolerance: timedelta) -> Score:
    """Recall over required truth entries; precision over detections not only optional."""
    required = [t for t in truth if not t.optional]
    missed = [t for t in required if not any(_matches(e, t, tolerance) for e in events)]
    counted, correct, wrong = 0, 0, []
    for event in events:
        hits = [t for t in truth if _matches(event, t, tolerance)]
        if hits and all(t.optional for t in hits):
            continue
        counted += 1
        correct += bool(hits)
        if not hits:
            wrong.append(event)
    return Score(
        matched=len(required) - len(missed),
        required=len(required),
        correct=correct,
        counted=counted,
        one_to_one=_one_to_one(events, truth, tolerance),
        missed=missed,
        wrong=wrong,
    )


def _one_to_one(events: list[Event], truth: list[TruthEvent], tolerance: timedelta) -> int:
    """Detections matched to distinct required truth entries, closest pairs first."""
    pairs = sorted(
        (abs(e.at - t.at), i, j)
        for i, e in enumerate(events)
        for j, t in enumerate(truth)
        if not t.optional and _matches(e, t, tolerance)
    )
    used_events: set[int] = set()
    used_truth: set[int] = set()
    for _, i, j in pairs:
        if i not in used_events and j not in used_truth:
            used_events.add(i)
            used_truth.add(j)
    return len(used_events)


def score_milestones(proposed: Milestones, truth: Milestones) -> dict[str, timedelta | None]:
    """Per milestone, how far the proposal is from the truth (None: one of them missing)."""
    out: dict[str, timedelta | None] = {}
    for name in Milestones.model_fields:
        got, want = getattr(proposed, name), getattr(truth, name)
        out[name] = got - want if got is not None and want is not None else None
    return out
