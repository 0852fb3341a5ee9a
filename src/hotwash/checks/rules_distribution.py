"""D rules: distribution and follow-through."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document
from hotwash.model import ActionStatus, Status
from hotwash.timeutil import format_duration, format_utc

_REVIEWED = (Status.REVIEWED, Status.PUBLISHED, Status.CLOSED)


@register
class NotDistributed(Rule):
    """
    What it checks
        The report was distributed (an entry in `distribution:`) within
        `distribution_hours` (default 48) of the resolution. Nothing is flagged while
        that time has not passed.

    Why it matters
        A post-mortem nobody reads teaches nobody. The Google SRE book asks for
        post-mortems to be shared widely and promptly; PagerDuty's process sends the
        internal write-up within days, while the details are fresh.

    Example
        milestones.resolved: 2024-05-14T14:47:05Z, no distribution: three days later

    Instead
        `hotwash publish` mails or posts it and records `distribution:` entries.
    """

    code = "D001"
    name = "not-distributed"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        resolved = doc.incident.milestones.resolved
        if resolved is None:
            return
        deadline = resolved + timedelta(hours=int(ctx.settings["distribution_hours"]))
        sent = sorted(d.at for d in doc.incident.distribution)
        if sent and sent[0] > deadline:
            late = format_duration(sent[0] - resolved)
            yield self.finding(
                doc,
                f"report first distributed {late} after resolution, later than "
                f"{ctx.settings['distribution_hours']} hours",
                ("distribution", 0, "at"),
                hint="distribute sooner next time (hotwash publish)",
            )
        elif not sent and ctx.now > deadline:
            yield self.finding(
                doc,
                f"report not distributed; it was due by {format_utc(deadline)}",
                ("milestones", "resolved"),
                hint="distribute it (hotwash publish) and record it under distribution:",
            )


@register
class UntrackedAction(Rule):
    """
    What it checks
        Open action items have a `tracker:` reference (a GitHub, GitLab or Jira issue)
        once the post-mortem is reviewed, published or closed, or once
        `tracker_grace_days` (default 7) have passed since the resolution. A fresh
        draft is not nagged.

    Why it matters
        The Google SRE workbook asks for a tracking bug on every item, and incident.io
        lists "lives in the wrong tool" among the reasons follow-ups fail: work that is
        not in the team's backlog is not planned.

    Example
        - id: AI-002
          action: Alert when pool saturation stays above 90 % for 5 minutes
          status: open        # no tracker, post-mortem published

    Instead
        `hotwash publish --trackers` opens the issues and writes `tracker:` back.
    """

    code = "D002"
    name = "untracked-action"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        if not _tracking_due(doc, ctx):
            return
        for index, item in enumerate(doc.incident.action_items):
            live = item.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
            if live and item.tracker is None:
                yield self.finding(
                    doc,
                    f"{item.id} is not tracked in a ticketing system",
                    ("action_items", index),
                    hint="open an issue for it (hotwash publish) and record tracker:",
                )


def _tracking_due(doc: Document, ctx: CheckContext) -> bool:
    if doc.incident.status in _REVIEWED:
        return True
    resolved = doc.incident.milestones.resolved
    grace = timedelta(days=int(ctx.settings["tracker_grace_days"]))
    return resolved is not None and ctx.now > resolved + grace


@register
class NoFollowUpReview(Rule):
    """
    What it checks
        A follow-up review is scheduled (`follow_up_review:`) about
        `follow_up_review_days` (default 28) after the resolution, give or take
        `follow_up_tolerance_days` (default 7). Drafts are not nagged until
        `draft_max_days` after the resolution.

    Why it matters
        Atlassian sets 4- or 8-week service levels for post-mortem actions and
        incident.io recommends a fixed cadence: a review a month out is when the team
        checks that the items landed and the fixes worked.

    Example
        resolved 2024-05-14, no follow_up_review (or one on 2024-09-01)

    Instead
        `follow_up_review: 2024-06-11T15:00:00Z` (`hotwash publish --calendar`).
    """

    code = "D003"
    name = "no-follow-up-review"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        incident = doc.incident
        resolved = incident.milestones.resolved
        if resolved is None:
            return
        expected = resolved + timedelta(days=int(ctx.settings["follow_up_review_days"]))
        tolerance = timedelta(days=int(ctx.settings["follow_up_tolerance_days"]))
        review = incident.follow_up_review
        if review is None:
            draft_grace = resolved + timedelta(days=int(ctx.settings["draft_max_days"]))
            if incident.status is not Status.DRAFT or ctx.now > draft_grace:
                yield self.finding(
                    doc,
                    f"no follow-up review scheduled (expected around {expected:%Y-%m-%d})",
                    ("follow_up_review",),
                    hint="set follow_up_review: to a UTC time about four weeks out",
                    line=doc.locate(("milestones", "resolved")).line,
                )
        elif abs(review - expected) > tolerance:
            yield self.finding(
                doc,
                f"follow-up review on {review:%Y-%m-%d} is {(review - resolved).days} days "
                f"after resolution; expected about {ctx.settings['follow_up_review_days']}",
                ("follow_up_review",),
                hint=f"move it near {expected:%Y-%m-%d}",
            )


@register
class StaleDraft(Rule):
    """
    What it checks
        The post-mortem is still a `draft` more than `draft_max_days` (default 7) after
        the resolution.

    Why it matters
        Memories fade and chat scrolls away: the Google SRE book and PagerDuty both ask
        for the post-mortem to be written and reviewed within days of the incident, and
        a review gate (status `in-review`) to be passed.

    Example
        status: draft, resolved 2024-05-14, checked on 2024-05-30

    Instead
        Finish the draft and move it to `status: in-review` with reviewers.
    """

    code = "D004"
    name = "stale-draft"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        incident = doc.incident
        resolved = incident.milestones.resolved
        if incident.status is not Status.DRAFT or resolved is None:
            return
        limit = int(ctx.settings["draft_max_days"])
        age = ctx.now - resolved
        if age > timedelta(days=limit):
            yield self.finding(
                doc,
                f"still a draft {age.days} days after resolution (limit {limit})",
                ("status",),
                hint="finish it and set status: in-review",
            )
