"""Kubernetes events: OOM kills, crash loops, failing probes, evictions, autoscaling.

Reads records of kind ``k8s`` (core/v1 Events). An aggregated event (``count`` > 1) is
placed at its first occurrence (the onset) and says how many times it happened until its
last; a record of the last occurrence alone (``fields.occurrence == "last"``) adds
nothing. Titles name the workload (the pod name without its replica-set and pod hashes),
so the same failure on several pods of one Deployment collapses into one entry.
Deployment rollouts (``ScalingReplicaSet``) belong to :mod:`hotwash.detect.changes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from hotwash.detect.base import DetectContext, Detector, register_detector
from hotwash.detect.changes import k8s_reason
from hotwash.detect.recordview import Row, rows_of_kind
from hotwash.model import Event, EventKind
from hotwash.timeutil import format_utc

if TYPE_CHECKING:
    import polars as pl

__all__ = ["KubernetesDetector", "workload_of"]

_POD_SUFFIX = re.compile(r"(-[a-z0-9]{8,10})?-[a-z0-9]{5}$")
_PROBE = re.compile(r"(Readiness|Liveness|Startup) probe failed", re.I)

#: reason -> (title template, confidence); ``{probe}`` and ``{workload}`` are filled in.
REASONS: dict[str, tuple[str, float]] = {
    "OOMKilled": ("Container OOMKilled in {workload}", 0.9),
    "BackOff": ("CrashLoopBackOff: {workload} restarting", 0.85),
    "CrashLoopBackOff": ("CrashLoopBackOff: {workload} restarting", 0.85),
    "Unhealthy": ("{probe} probe failing on {workload}", 0.85),
    "Evicted": ("Pod evicted from {workload}", 0.85),
    "Preempted": ("Pod preempted from {workload}", 0.7),
    "SuccessfulRescale": ("Autoscaler rescaled {workload}", 0.7),
}


def workload_of(name: str) -> str:
    """``checkout-api-7f9c6d5b8-x2x9k`` -> ``checkout-api``."""
    return _POD_SUFFIX.sub("", name) or name


def _reason(row: Row) -> str:
    reason = k8s_reason(row)
    if reason in REASONS:
        return reason
    if "OOMKilled" in row.message:
        return "OOMKilled"
    if "Back-off restarting failed container" in row.message:
        return "BackOff"
    return reason


@register_detector
class KubernetesDetector(Detector):
    """Warning-worthy Kubernetes events as signals (autoscaling as a change)."""

    name = "kubernetes"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterable[Event]:
        for row in rows_of_kind(records, "k8s"):
            reason = _reason(row)
            if reason in REASONS and row.text("occurrence") != "last":
                yield _event(row, reason)


def _object_name(row: Row) -> str:
    obj = row.get("involvedObject")
    if isinstance(obj, dict) and obj.get("name"):
        return str(obj["name"])
    return row.stream.rsplit("/", 1)[-1]


def _event(row: Row, reason: str) -> Event:
    template, confidence = REASONS[reason]
    name = _object_name(row)
    probe = _PROBE.search(row.message)
    title = template.format(workload=workload_of(name), probe=probe.group(1) if probe else "A")
    first = row.instant("firstTimestamp", "first") or row.ts
    kind = EventKind.CHANGE if reason == "SuccessfulRescale" else EventKind.SIGNAL
    return Event(
        at=min(first, row.ts),
        title=title,
        source=row.source,
        kind=kind,
        evidence=[row.ref],
        auto=True,
        confidence=confidence,
        details=_details(row, name, first),
    )


def _details(row: Row, name: str, first: datetime) -> str:
    count = row.get("count") or (row.get("series") or {}).get("count")
    last = row.instant("lastTimestamp", "last")
    text = f"{name}: {row.message}"
    if isinstance(count, int) and count > 1:
        span = f" until {format_utc(last)}" if last is not None else ""
        text += f" ({count} times from {format_utc(first)}{span})"
    return text
