"""Changes: deploys, rollouts and rollbacks before and during the incident window.

* **Kubernetes rollouts** (records of kind ``k8s`` with reason ``ScalingReplicaSet``): the
  first scale-up of a replica set is the start of a rollout of its Deployment; another
  replica set scaled up after it is the previous version coming back (a rollback change);
  scaling the rolled-out replica set down to 0 takes that version out of service, which
  is the rollback done (an action, the usual mitigation).
* **Git** (records of kind ``change`` with a ``sha``): tags, merges and commits whose
  subject names a deploy or release. Ordinary commits are left out.
* **Deploy pipelines** (other records of kind ``change``, e.g. a JSON-lines deploy log):
  every record is a change, titled by its message; a rollback is an action.

Changes after the end of the window are ignored; there is no lower bound, since a change
hours before the window may still be the trigger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from hotwash.detect.base import DetectContext, Detector, register_detector
from hotwash.detect.recordview import Row, rows_of_kind
from hotwash.model import Event, EventKind

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ChangeDetector", "k8s_reason"]

_SCALED = re.compile(
    r"Scaled (?P<dir>up|down) replica set (?P<rs>[\w.\-]+) (?:to|from) (?P<n>\d+)", re.I
)
_POD_HASH = re.compile(r"-[a-z0-9]{5,10}$")
_DEPLOY_SUBJECT = re.compile(r"\b(deploy|release|rollout|roll out|bump|version|v\d+\.\d+)", re.I)
_MERGE_SUBJECT = re.compile(r"^Merge (pull request|branch)\b", re.I)
_REASON_IN_TEXT = re.compile(r"^(?:\w+/)?([A-Z][A-Za-z]+):")


def k8s_reason(row: Row) -> str:
    """The Kubernetes event reason (``Unhealthy``, ``ScalingReplicaSet``, ...) of a record."""
    reason = row.text("reason")
    if reason:
        return reason
    if row.level and row.level not in {"normal", "warning"}:
        return row.level
    found = _REASON_IN_TEXT.match(row.message)
    return found.group(1) if found else ""


@register_detector
class ChangeDetector(Detector):
    """Rollouts and rollbacks from Kubernetes events; deploy commits, tags, merges from git."""

    name = "changes"

    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterable[Event]:
        end = context.window.end
        rollouts = [r for r in rows_of_kind(records, "k8s") if r.ts <= end]
        yield from _rollout_events(r for r in rollouts if k8s_reason(r) == "ScalingReplicaSet")
        for row in rows_of_kind(records, "change"):
            if row.ts > end:
                continue
            if row.get("sha") is not None or row.level in {"tag", "merge", "commit"}:
                yield from _git_events(row)
            else:
                yield _pipeline_event(row)


def _deployment(row: Row, replica_set: str) -> str:
    """``namespace/name`` of the Deployment, from ``involvedObject`` or the stream."""
    obj = row.get("involvedObject")
    if isinstance(obj, dict) and obj.get("kind") == "Deployment" and obj.get("name"):
        namespace = obj.get("namespace")
        return f"{namespace}/{obj['name']}" if namespace else str(obj["name"])
    parts = row.stream.split("/")
    if len(parts) == 3 and parts[1] == "Deployment":
        return f"{parts[0]}/{parts[2]}" if parts[0] else parts[2]
    return _POD_HASH.sub("", replica_set)


def _rollout_events(rows: Iterable[Row]) -> Iterator[Event]:
    """Per Deployment: the first replica set scaled up in the window is the rollout; another
    scaled up after it is a rollback starting; the rolled-out one scaled to 0 is done."""
    rolled_out: dict[str, str] = {}
    seen: set[str] = set()
    for row in rows:
        found = _SCALED.search(row.message)
        if found is None:
            continue
        rs, deployment = found["rs"], _deployment(row, found["rs"])
        if found["dir"].lower() == "up" and rs not in seen:
            seen.add(rs)
            if deployment in rolled_out:
                title = f"Deployment {deployment} scales replica set {rs} back up (rollback)"
                yield _event(row, title, EventKind.CHANGE, 0.85)
            else:
                rolled_out[deployment] = rs
                title = f"Deployment {deployment} starts rolling out replica set {rs}"
                yield _event(row, title, EventKind.CHANGE, 0.9)
        elif _to_zero(row.message) and rolled_out.get(deployment) == rs:
            title = f"Rollback: {deployment} replica set {rs} scaled down to 0"
            yield _event(row, title, EventKind.ACTION, 0.85)


def _to_zero(message: str) -> bool:
    return bool(re.search(r"\bto 0\b", message))


def _pipeline_event(row: Row) -> Event:
    text = " ".join(row.message.split()) or "change"
    rollback = re.search(r"\b(rollback|roll(ed|ing)? back|revert)", text, re.I)
    return _event(row, text, EventKind.ACTION if rollback else EventKind.CHANGE, 0.85)


def _git_events(row: Row) -> Iterator[Event]:
    subject = row.message.splitlines()[0] if row.message else ""
    tags = _tags(row)
    parents = row.get("parents") or []
    if isinstance(parents, str):
        parents = parents.split()
    if row.level == "tag" or tags:
        label = ", ".join(tags)
        title = subject if subject.lower().startswith("tag ") else f"Tag {label}: {subject}"
        yield _event(row, title[0].upper() + title[1:], EventKind.CHANGE, 0.8)
    elif row.level == "merge" or _MERGE_SUBJECT.search(subject) or len(parents) > 1:
        yield _event(row, f"Merge: {subject}", EventKind.CHANGE, 0.7)
    elif _DEPLOY_SUBJECT.search(subject):
        yield _event(row, f"Deploy commit: {subject}", EventKind.CHANGE, 0.7)


def _tags(row: Row) -> list[str]:
    value = row.get("tags", "tag")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    refs = row.text("refs")
    return re.findall(r"tag: ([^,\s)]+)", refs)


def _event(row: Row, title: str, kind: EventKind, confidence: float) -> Event:
    return Event(
        at=row.ts,
        title=title,
        source=row.source,
        actor=row.actor or row.text("author", "author_name") or None,
        kind=kind,
        evidence=[row.ref],
        auto=True,
        confidence=confidence,
    )
