"""T rules: the timeline."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document, FieldPath
from hotwash.model import MILESTONE_NAMES
from hotwash.timeutil import format_duration, format_utc, has_zone


@register
class NotChronological(Rule):
    """
    What it checks
        Every timeline entry is at or after the entry before it.

    Why it matters
        A timeline is read top to bottom as the story of the incident. An entry out of
        order makes readers reconstruct the sequence themselves and hides what was known
        when (PagerDuty's guide: start before the incident and work forward).

    Example
        - at: 2024-05-14T14:09:12Z  ... acknowledged
        - at: 2024-05-14T14:06:41Z  ... paged

    Instead
        Order the entries by time (`hotwash timeline --accept` writes them ordered).
    """

    code = "T001"
    name = "not-chronological"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        events = doc.incident.timeline
        for index in range(1, len(events)):
            before, here = events[index - 1], events[index]
            if here.at < before.at:
                yield self.finding(
                    doc,
                    f"entry at {format_utc(here.at)} comes after one at {format_utc(before.at)}",
                    ("timeline", index, "at"),
                    hint="order the timeline by time",
                )


_TIME_FIELDS = ("created", "follow_up_review")
_UTC_SUFFIX = re.compile(r"(?:[Zz]|[+-]00(?::?00)?|\s*UTC|\s*GMT)$")
_HAS_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}|\b\d{1,2}\s+[A-Z][a-z]{2}")


def time_paths(doc: Document) -> Iterator[FieldPath]:
    """Every field of the document that holds an instant."""
    incident = doc.incident
    for name in MILESTONE_NAMES:
        if getattr(incident.milestones, name) is not None:
            yield ("milestones", name)
    for index in range(len(incident.timeline)):
        yield ("timeline", index, "at")
    for name in _TIME_FIELDS:
        if getattr(incident, name) is not None:
            yield (name,)
    for index in range(len(incident.distribution)):
        yield ("distribution", index, "at")


@register
class TimeNotUtc(Rule):
    """
    What it checks
        Every time in the document is written in UTC with its zone: `2024-05-14T14:02:01Z`
        or `+00:00`. A time with no zone (read through the document's `timezone:`) or
        with another offset (`16:02:01+02:00`) is flagged. In a Markdown post-mortem a
        zoneless time under a "Time (UTC)" column is shown in UTC and is fine.

    Why it matters
        Readers in several zones, and tools merging logs, metrics and chat, need one
        clock. The Google SRE book's example post-mortem and PagerDuty's template both
        say "all times UTC"; a time without a zone is read differently by every reader.

    Example
        - at: 2024-05-14 16:02:01      # with timezone: Europe/Paris

    Instead
        `- at: 2024-05-14T14:02:01Z` (`hotwash timeline` writes times this way).
    """

    code = "T002"
    name = "time-not-utc"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for path in time_paths(doc):
            text = (doc.original(path) or "").strip()
            if not text or text.isdigit() or _UTC_SUFFIX.search(text):
                continue
            if not has_zone(text) and not _naive_through_zone(doc):
                continue
            zone_name = doc.incident.timezone or "the declared zone"
            problem = (
                "has an offset other than UTC"
                if has_zone(text)
                else f"has no zone; it was read in {zone_name}, not shown in UTC"
            )
            yield self.finding(
                doc,
                f"time {text!r} {problem}",
                path,
                hint="write times in UTC with Z, e.g. 2024-05-14T14:02:01Z",
            )


def _naive_through_zone(doc: Document) -> bool:
    """Whether a zoneless time was read through a declared zone rather than shown as UTC.

    In YAML a zoneless time is only accepted through ``timezone:``. A Markdown table under
    "Time (UTC)" (or an "all times UTC" note) shows UTC; one under ``**Timezone**: Europe/
    Berlin`` does not."""
    declared = (doc.incident.timezone or "").strip().upper()
    return doc.format == "yaml" or declared not in {"", "UTC", "Z", "GMT", "ETC/UTC"}


def incident_span(doc: Document) -> tuple[datetime, datetime] | None:
    """From impact start (or the first entry) to resolution (or the last entry)."""
    incident = doc.incident
    times = [e.at for e in incident.timeline]
    start = incident.milestones.impact_started or (min(times) if times else None)
    end = incident.milestones.resolved or (max(times) if times else None)
    return (start, end) if start is not None and end is not None else None


@register
class TimeWithoutDate(Rule):
    """
    What it checks
        In an incident longer than a day, every timeline entry carries a date, not only
        a time of day (`14:02` in a Markdown table), unless a date line above it
        (`2024-05-15`, `May 15`) gives its day.

    Why it matters
        When an incident spans midnight, "02:10" is ambiguous: readers place it on the
        wrong day and the story reorders itself. The Google SRE workbook's example
        timeline gives full dates for exactly this reason.

    Example
        | 02:10 | Failover to the standby completes |   (incident ran 30 hours)

    Instead
        `| 2024-05-15 02:10 UTC | Failover to the standby completes |`
    """

    code = "T003"
    name = "time-without-date"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        span = incident_span(doc)
        if span is None or span[1] - span[0] <= timedelta(days=1):
            return
        for index, event in enumerate(doc.incident.timeline):
            text = (doc.original(("timeline", index, "at")) or "").strip()
            if not text or text.isdigit() or _HAS_DATE.search(text):
                continue
            if not _dated_above(doc, ("timeline", index, "at"), event.at):
                yield self.finding(
                    doc,
                    f"entry at {text!r} has no date in an incident longer than a day",
                    ("timeline", index, "at"),
                    hint="give the date with the time (2024-05-15 02:10 UTC)",
                )


def _dated_above(doc: Document, path: FieldPath, at: datetime) -> bool:
    """Whether a date line above the entry (``2023-04-24``, ``May 24``) gives its day."""
    line = doc.locate(path).line
    if line is None:
        return False
    above = "\n".join(doc.text.splitlines()[: line - 1])
    day = at.astimezone(UTC)
    names = {day.strftime("%Y-%m-%d"), f"{day:%B} {day.day}", f"{day:%b} {day.day}"}
    return any(name in above for name in names)


@register
class TimelineGap(Rule):
    """
    What it checks
        Between impact start and resolution, no stretch longer than
        `timeline_gap_minutes` (default 30) passes without a timeline entry.

    Why it matters
        A silent hour in the middle of an incident is where the interesting work
        happened: the investigation, the wrong lead, the wait for someone. PagerDuty's
        guide asks for the timeline to cover the whole response, with a data link for
        every entry; gaps hide the coordination cost.

    Example
        14:10 Page acknowledged ... 15:25 Rollback started (75 minutes, no entry)

    Instead
        Add what happened in between: the hypotheses tried, who was pulled in, what the
        dashboards showed (`hotwash timeline` suggests entries from the evidence).
    """

    code = "T004"
    name = "timeline-gap"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        window = doc.incident.milestones
        if window.impact_started is None or window.resolved is None:
            return
        limit = timedelta(minutes=int(ctx.settings["timeline_gap_minutes"]))
        points: list[tuple[datetime, FieldPath]] = [
            (window.impact_started, ("milestones", "impact_started"))
        ]
        points += [
            (e.at, ("timeline", i, "at"))
            for i, e in enumerate(doc.incident.timeline)
            if window.impact_started < e.at < window.resolved
        ]
        points.append((window.resolved, ("milestones", "resolved")))
        points.sort(key=lambda point: point[0])
        for (before, _), (after, path) in pairwise(points):
            if after - before > limit:
                yield self.finding(
                    doc,
                    f"no timeline entry for {format_duration(after - before)} between "
                    f"{format_utc(before)} and {format_utc(after)}",
                    path,
                    hint=f"gaps longer than {format_duration(limit)} hide part of the response",
                )


_REQUIRED_MILESTONES = ("detected", "mitigated", "resolved")


@register
class MissingMilestone(Rule):
    """
    What it checks
        The milestones `detected`, `mitigated` and `resolved` are set.

    Why it matters
        Time to detect, to mitigate and to resolve are the durations every review asks
        about (the Google SRE workbook's "problem summary"; Atlassian's "how would you
        cut time to detect in half?"). Without the milestones they cannot be computed
        or compared across incidents.

    Example
        milestones:
          impact_started: 2024-05-14T14:03:12Z
          resolved: 2024-05-14T14:47:05Z

    Instead
        Add `detected:` (first alert or report) and `mitigated:` (impact stopped).
    """

    code = "T005"
    name = "missing-milestone"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for name in _REQUIRED_MILESTONES:
            if getattr(doc.incident.milestones, name) is None:
                yield self.finding(
                    doc,
                    f"milestone {name} is not set",
                    ("milestones", name),
                    hint=f"add milestones.{name} with a UTC time",
                )


@register
class EntryWithoutSource(Rule):
    """
    What it checks
        Every timeline entry names where it comes from: `source` (alertmanager, slack,
        kubernetes, a person's recollection ...), `sources`, or evidence references.

    Why it matters
        PagerDuty's template has a "data link" column for every timeline row and the
        Google SRE workbook asks for supporting data: a reader must be able to check an
        entry, and a recollection must be told apart from a log line.

    Example
        - at: 2024-05-14T14:18:05Z
          title: Pool exhaustion linked to the rollout

    Instead
        Add `source: slack` (or `evidence: [sha256:...]` from `hotwash collect`).
    """

    code = "T006"
    name = "entry-without-source"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for index, event in enumerate(doc.incident.timeline):
            if not ((event.source or "").strip() or event.sources or event.evidence):
                yield self.finding(
                    doc,
                    f"entry {event.title!r} has no source",
                    ("timeline", index),
                    hint="add source: (the system or person it comes from)",
                )
