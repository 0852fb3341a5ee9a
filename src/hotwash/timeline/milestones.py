"""Proposed milestones: each one the first entry that satisfies an explainable rule.

=================  ====================================================================
milestone          rule
=================  ====================================================================
impact_started     earliest signal (an abnormal log, metric or Kubernetes onset)
detected           first alert firing or page triggered (any alert or page otherwise)
acknowledged       first page acknowledged, after detection
mitigated          first completed mitigation after impact: an action (rollback, restart,
                   scaling, failover) that reads as done, "mitigated" declared in chat,
                   or a signal's recovery
resolved           first page resolved by a responder after mitigation (else by anyone);
                   else "resolved" said in chat; else the last alert resolved
=================  ====================================================================

Only entries at or above ``min_confidence`` count. A milestone that would come before
the previous one is left out rather than proposed out of order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from hotwash.detect.chat import classify_text
from hotwash.model import MILESTONE_NAMES, Event, EventKind
from hotwash.timeline.result import Entry, ProposedMilestone

__all__ = ["propose_milestones"]

_FIRING = re.compile(r"\bfiring\b", re.I)
_TRIGGERED = re.compile(r"^Page triggered", re.I)
_ACKED = re.compile(r"^Page acknowledged", re.I)
_PAGE_RESOLVED = re.compile(r"^Page resolved", re.I)
_ALERT_RESOLVED = re.compile(r"\bresolved$", re.I)
_RECOVERY = re.compile(r"\brecover(y|ed|s)?\b", re.I)
_DECLARED_MITIGATED = re.compile(r"^mitigated\b", re.I)
_DECLARED_RESOLVED = re.compile(r"^resolved\b", re.I)
_MITIGATING = {"rollback", "restart", "scale", "failover", "mitigated"}

Rule = Callable[[Event], bool]


def _signal(e: Event) -> bool:
    return e.kind is EventKind.SIGNAL and not _RECOVERY.search(e.title)


def _detection(e: Event) -> bool:
    if e.kind is EventKind.ALERT:
        return bool(_FIRING.search(e.title))
    return e.kind is EventKind.PAGE and bool(_TRIGGERED.search(e.title))


def _acknowledgement(e: Event) -> bool:
    return bool(_ACKED.search(e.title))


def _mitigation(e: Event) -> bool:
    if e.kind is EventKind.SIGNAL:
        return bool(_RECOVERY.search(e.title))
    if e.kind is EventKind.COMMUNICATION:
        return bool(_DECLARED_MITIGATED.match(e.title))
    if e.kind is not EventKind.ACTION:
        return False
    if e.title.startswith("Rollback: "):
        return True
    return any(a in _MITIGATING and done for a, done in classify_text(e.title))


def _page_resolved_by_responder(e: Event) -> bool:
    return bool(_PAGE_RESOLVED.search(e.title)) and bool(e.actor)


def _page_resolved(e: Event) -> bool:
    return bool(_PAGE_RESOLVED.search(e.title))


def _said_resolved(e: Event) -> bool:
    said = e.kind in (EventKind.ACTION, EventKind.COMMUNICATION)
    return said and bool(_DECLARED_RESOLVED.match(e.title))


def _alert_resolved(e: Event) -> bool:
    return e.kind is EventKind.ALERT and bool(_ALERT_RESOLVED.search(e.title))


def _fits(entry: Entry, rule: Rule) -> bool:
    """The rule holds for the entry or for a detection folded into it."""
    return rule(entry.event) or any(rule(d) for d in entry.detections)


def _first(entries: Sequence[Entry], rule: Rule, after: datetime | None) -> Entry | None:
    for entry in entries:
        if _fits(entry, rule) and (after is None or entry.event.at >= after):
            return entry
    return None


def propose_milestones(
    entries: Sequence[Entry], min_confidence: float = 0.5
) -> list[ProposedMilestone]:
    """The five milestones the entries support, in order, each with its reason."""
    usable = [e for e in entries if (e.event.confidence or 1.0) >= min_confidence]
    found: dict[str, tuple[Entry, str]] = {}
    start = _pick(found, "impact_started", usable, [(_signal, "earliest signal")], None)
    detected = _pick(
        found,
        "detected",
        usable,
        [(_detection, "first alert firing or page"), (_any_alert_or_page, "first alert/page")],
        None,
    )
    acked = _pick(found, "acknowledged", usable, [(_acknowledgement, "first ack")], detected)
    mitigated = _pick(
        found, "mitigated", usable, [(_mitigation, "first completed mitigation")], start
    )
    _pick_resolved(found, usable, mitigated or acked or detected)
    return _in_order(found)


def _any_alert_or_page(e: Event) -> bool:
    return e.kind in (EventKind.ALERT, EventKind.PAGE)


def _pick(
    found: dict[str, tuple[Entry, str]],
    name: str,
    entries: Sequence[Entry],
    rules: list[tuple[Rule, str]],
    after: datetime | None,
) -> datetime | None:
    for rule, reason in rules:
        entry = _first(entries, rule, after)
        if entry is not None:
            found[name] = (entry, reason)
            return entry.event.at
    return None


def _pick_resolved(
    found: dict[str, tuple[Entry, str]], entries: Sequence[Entry], after: datetime | None
) -> None:
    rules: list[tuple[Rule, str]] = [
        (_page_resolved_by_responder, "first page resolved by a responder"),
        (_page_resolved, "first page resolved"),
    ]
    if _pick(found, "resolved", entries, rules, after):
        return
    if _pick(found, "resolved", entries, [(_said_resolved, "resolved said in chat")], after):
        return
    alerts = [
        e for e in entries if _fits(e, _alert_resolved) and (after is None or e.event.at >= after)
    ]
    if alerts:
        found["resolved"] = (alerts[-1], "last alert resolved")


def _in_order(found: dict[str, tuple[Entry, str]]) -> list[ProposedMilestone]:
    out: list[ProposedMilestone] = []
    for name in MILESTONE_NAMES:
        if name not in found:
            continue
        entry, reason = found[name]
        if out and entry.event.at < out[-1].at:
            continue
        out.append(
            ProposedMilestone(
                name=name,
                at=entry.event.at,
                entry_id=entry.id,
                reason=f"{reason}: {entry.event.title}",
            )
        )
    return out
