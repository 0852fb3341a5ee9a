"""E rules: the evidence behind the post-mortem (read from ``evidence/manifest.json``).

These rules look at ``CheckContext.evidence`` (the manifest entries of the workspace,
filled by ``hotwash check`` and the demo). With no evidence collected they say nothing:
a post-mortem written by hand without ``hotwash collect`` is not an evidence problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document
from hotwash.evidence.model import Evidence, Window
from hotwash.timeutil import format_duration, format_utc, parse_instant

RETENTION_WARNING = timedelta(days=7)


def _entries(ctx: CheckContext) -> list[Evidence]:
    return [e for e in ctx.evidence if isinstance(e, Evidence)]


def _by_source(entries: list[Evidence]) -> dict[str, list[Evidence]]:
    grouped: dict[str, list[Evidence]] = {}
    for entry in entries:
        grouped.setdefault(entry.source, []).append(entry)
    return grouped


def _incident_window(doc: Document) -> Window | None:
    marks = doc.incident.milestones
    start = marks.impact_started or marks.detected
    end = marks.resolved or marks.mitigated
    if start is None or end is None or end < start:
        return None
    return Window(start=start, end=end)


def _source_path(doc: Document, name: str) -> tuple[str | int, ...]:
    for index, spec in enumerate(doc.incident.sources):
        if spec.name == name:
            return ("sources", index)
    return ("milestones",)


def _gap_floor(ctx: CheckContext) -> timedelta:
    from hotwash.collect.plan import CollectSettings

    return CollectSettings.from_settings(ctx.settings).gaps.floor


@register
class GapInIncidentWindow(Rule):
    """
    What it checks
        No collected source has a gap (a silence longer than its usual spacing, see
        `[collect] gap_factor` and `gap_floor`) that overlaps the incident window, from
        the impact start (or detection) to the resolution.

    Why it matters
        A timeline built from evidence with a hole in it shows "nothing happened" where in
        truth nothing was *recorded*. Readers must know which part of the story rests on
        missing data (Google SRE workbook: state what you do not know; PagerDuty's template
        keeps an "evidence and data gaps" appendix).

    Example
        db-syslog has no line from 14:09:53 to 14:20:26 UTC while the incident ran
        from 14:03:12 to 14:47:05 UTC.

    Instead
        Find out why the source was silent (agent down, log rotation, sampling) and say
        so in the post-mortem; collect the missing stretch from another source if one has
        it. Suppress with a reason once it is explained.
    """

    code = "E001"
    name = "evidence-gap"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        window = _incident_window(doc)
        if window is None:
            return
        from hotwash.evidence.coverage import source_gaps

        floor = _gap_floor(ctx)
        for name, entries in _by_source(_entries(ctx)).items():
            for gap in source_gaps(entries, entries[0].window_asked, floor):
                if gap.start < window.end and gap.end > window.start:
                    yield self.finding(
                        doc,
                        f"source {name!r} has no data from {format_utc(gap.start)} to "
                        f"{format_utc(gap.end)} ({format_duration(gap.end - gap.start)}, "
                        f"{gap.reason}) inside the incident window",
                        _source_path(doc, name),
                        hint="explain the silence in the post-mortem, or collect it elsewhere",
                    )


@register
class SourceReturnedNothing(Rule):
    """
    What it checks
        Every configured source (`[[sources]]` of hotwash.toml, `sources:` of the
        document) gave at least one record when evidence was collected.

    Why it matters
        A source that returned nothing is evidence that is *missing*, not evidence that
        all was quiet: a wrong query, an expired token, a retention that already dropped
        the window. A post-mortem should say plainly what could not be looked at
        (Etsy's debriefing guide; Google SRE workbook, "what we don't know").

    Example
        [[sources]] name = "loki" ... and `hotwash collect` reported
        "source 'loki': 401 Unauthorized", so there is no loki evidence.

    Instead
        Fix the source and run `hotwash collect --source NAME` again, or remove it from
        the configuration and say in the post-mortem why that evidence is unavailable.
    """

    code = "E002"
    name = "source-returned-nothing"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        entries = _entries(ctx)
        if not entries:
            return
        productive = {e.source for e in entries if e.records > 0}
        for name in _configured_names(doc, ctx):
            if name not in productive:
                yield self.finding(
                    doc,
                    f"configured source {name!r} gave no records "
                    "(see the errors in evidence/manifest.json)",
                    _source_path(doc, name),
                    hint=f"fix it and run `hotwash collect --source {name}`",
                )


def _configured_names(doc: Document, ctx: CheckContext) -> Iterator[str]:
    raw: Any = ctx.settings.raw.get("sources", [])
    for table in raw if isinstance(raw, list) else []:
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            yield table["name"]
    for spec in doc.incident.sources:
        yield spec.name


@register
class NaiveTimestamps(Rule):
    """
    What it checks
        No collected evidence has timestamps written without a time zone that could not
        be placed on the UTC timeline (the collector marks it `naive_timestamps`).

    Why it matters
        A time with no zone is ambiguous by hours: a host in Paris writes 16:03 for what
        is 14:03 UTC. Assuming UTC silently puts events in the wrong order on the
        timeline, the classic way a post-mortem blames the wrong change.

    Example
        db-syslog: "May 14 16:03:12 db-1 postgres[2211]: ..." (RFC 3164 syslog has
        neither year nor zone) and the source declares no `timezone`.

    Instead
        Declare the zone the host writes in on the source, `timezone = "Europe/Paris"`,
        and run `hotwash collect --source NAME` again.
    """

    code = "E003"
    name = "naive-timestamps"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for entry in _entries(ctx):
            if entry.naive_timestamps:
                where = entry.meta.get("file") or entry.query
                yield self.finding(
                    doc,
                    f"source {entry.source!r}: {where} has times without a zone and none "
                    "is declared, so it is not on the timeline",
                    _source_path(doc, entry.source),
                    hint='declare timezone = "Area/City" on the source and collect again',
                )


@register
class RetentionExpiring(Rule):
    """
    What it checks
        No source will drop (within a week) or had already dropped, when it was
        collected, the start of the incident window, according to the retention the
        source reported (`retention_drops_at` in the manifest entry).

    Why it matters
        Metrics, logs and events expire: Prometheus keeps 15 days by default, Kubernetes
        events one hour. Once gone, a question raised in the review cannot be answered
        any more. Evidence collected after the source dropped part of the window is
        incomplete without saying so.

    Example
        prometheus: retention 15d drops the window start at 2024-05-29 12:03 UTC, in
        two days.

    Instead
        Collect now (`hotwash collect`), and keep what matters in the evidence store,
        which is never rewritten; or export the data before the date given.
    """

    code = "E004"
    name = "retention-expiring"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for name, entries in _by_source(_entries(ctx)).items():
            message = _retention_message(name, entries, ctx.now)
            if message:
                yield self.finding(
                    doc,
                    message,
                    _source_path(doc, name),
                    hint="collect now, or export the data before that date",
                )


def _retention_message(name: str, entries: list[Evidence], now: datetime) -> str | None:
    drops = [(e, _drops_at(e)) for e in entries]
    known = [(e, when) for e, when in drops if when is not None]
    if not known:
        return None
    late = [(e, when) for e, when in known if e.fetched_at >= when]
    if late:
        entry, when = late[0]
        return (
            f"source {name!r} had already dropped data of the window when collected "
            f"({format_utc(entry.fetched_at)}; retention ended at {format_utc(when)})"
        )
    when = min(w for _, w in known)
    if now <= when <= now + RETENTION_WARNING:
        return (
            f"source {name!r} drops the start of the window at {format_utc(when)} "
            f"(in {format_duration(when - now)})"
        )
    return None


def _drops_at(entry: Evidence) -> datetime | None:
    text = entry.meta.get("retention_drops_at")
    if not text:
        return None
    try:
        return parse_instant(text)
    except ValueError:
        return None
