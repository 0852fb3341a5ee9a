"""A rules: action items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, timedelta

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, Rule, register
from hotwash.document import Document
from hotwash.model import ActionItem, ActionStatus, ActionType


@register
class MissingOwner(Rule):
    """
    What it checks
        Every action item names one owner.

    Why it matters
        An action item without an owner is an action item nobody does. The Google SRE
        workbook asks for a single owner and a tracking bug for every item; incident.io's
        analysis of follow-ups that fail puts "no owner" first.

    Example
        - id: AI-003
          action: Add an alert on pool saturation above 90 % for 5 minutes

    Instead
        Add `owner:` with one person or team handle (`owner: "@dana"`).
    """

    code = "A001"
    name = "missing-owner"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for index, item in enumerate(doc.incident.action_items):
            if not (item.owner or "").strip():
                yield self.finding(
                    doc,
                    f"{item.id} has no owner",
                    ("action_items", index, "owner"),
                    hint="name one person or team who will see it through",
                )


_CLOSED = (ActionStatus.DONE, ActionStatus.DECLINED)


def _live(doc: Document) -> Iterator[tuple[int, ActionItem]]:
    """Action items that are still to be done (not done, not declined)."""
    for index, item in enumerate(doc.incident.action_items):
        if item.status not in _CLOSED:
            yield index, item


@register
class MissingDeadline(Rule):
    """
    What it checks
        Every open action item has a `due:` date.

    Why it matters
        PagerDuty sets service levels for post-mortem items (15 days for SEV1, 30 for
        SEV2) and incident.io lists "no cadence" among the reasons follow-ups fail: an
        item without a date is reviewed never.

    Example
        - id: AI-002
          action: Alert when pool saturation stays above 90 % for 5 minutes
          owner: "@lee"

    Instead
        Add `due: 2024-05-31` (within the severity's policy, see A007).
    """

    code = "A002"
    name = "missing-deadline"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for index, item in _live(doc):
            if item.due is None:
                yield self.finding(
                    doc,
                    f"{item.id} has no due date",
                    ("action_items", index, "due"),
                    hint="add due: YYYY-MM-DD",
                )


@register
class MissingPriority(Rule):
    """
    What it checks
        Every open action item has a `priority:` (P0 to P4).

    Why it matters
        The Google SRE workbook asks for a priority on every item so that the important
        ones are done first and the rest can be declined consciously.

    Example
        - id: AI-003
          action: Run the release load test at 120 % of last month's peak

    Instead
        Add `priority: P2`.
    """

    code = "A003"
    name = "missing-priority"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for index, item in _live(doc):
            if item.priority is None:
                yield self.finding(
                    doc,
                    f"{item.id} has no priority",
                    ("action_items", index, "priority"),
                    hint="add priority: P0 to P4",
                )


_VAGUE = re.compile(
    r"\b(?:improve[sd]?|improving|investigate[sd]?|look\s+into|better|more\s+robust|"
    r"harden|enhance[sd]?|revisit|explore|consider|make\s+sure|optimi[sz]e|"
    r"increase\s+(?:visibility|awareness))\b",
    re.IGNORECASE,
)
_MEASURABLE = re.compile(
    r"\d|`|\"|“|'[^']+'|\b\w+[-_./:]\w+|\b[a-z]+[A-Z]\w*|\b(?:threshold|SLO|SLA|p\d\d|"
    r"percentile|alert\s+when|fail(?:s|ing)?\s+(?:the|when)|runbook|dashboard|checklist|"
    r"test\s+that|within)\b",
)


@register
class VagueAction(Rule):
    """
    What it checks
        Action items worded vaguely ("improve", "investigate", "look into", "better",
        "more robust") with no measurable end state: no number, threshold, named
        artefact (`pool_size`, checkout-api, a runbook, a dashboard) or bound ("within").

    Why it matters
        Google's ";login:" article on post-mortem action items (Lunney, Lueder, Beyer)
        asks for items that are actionable, specific and bounded: "Investigate
        monitoring" becomes "Add alerting for all cases where this service returns >1 %
        errors". A vague item cannot be closed, so it never is.

    Example
        action: Improve monitoring of the database

    Instead
        action: Alert when pool saturation stays above 90 % for 5 minutes on any pod
    """

    code = "A004"
    name = "vague-action"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for index, item in _live(doc):
            vague = _VAGUE.search(item.action)
            if vague and not _MEASURABLE.search(item.action):
                yield self.finding(
                    doc,
                    f"{item.id} is vague ({vague.group(0)!r}) with no measurable end state",
                    ("action_items", index, "action"),
                    hint="say what will exist when it is done: a number, a threshold, an artefact",
                    words=vague.group(0),
                )


_HUMAN_FIX = re.compile(
    r"\b(?:be\s+(?:more\s+)?(?:careful|vigilant|attentive|diligent|cautious)|remind(?:ing)?\s+"
    r"(?:all\s+)?(?:engineers|everyone|the\s+team|people|staff|developers|folks|operators|"
    r"on-?call|the\s+on-?call|teams?)|(?:more|additional|extra|better|refresher)\s+training|"
    r"train\s+(?:engineers|people|staff|the\s+team|developers|operators|everyone)|"
    r"double[\s-]check|pay\s+(?:more\s+|closer\s+)?attention|tell\s+(?:engineers|people|"
    r"everyone|the\s+team)|(?:engineers|people|everyone|developers|operators)\s+(?:should|must|"
    r"need\s+to)\s+(?:remember|be\s+careful|check|know)|make\s+sure\s+(?:engineers|people|"
    r"everyone|developers|operators|the\s+on-?call)|don['’]t\s+forget)\b",
    re.IGNORECASE,
)


@register
class HumanFixAction(Rule):
    """
    What it checks
        Action items that try to fix people: "be more careful", "remind engineers",
        "more training", "double-check", "pay attention".

    Why it matters
        The Google SRE workbook: don't try to fix humans. People will make the same
        move again under the same conditions; a guardrail, a default or an alert does
        not forget. PagerDuty's guide asks for automated safeguards with an owner.

    Example
        action: Remind engineers to double-check pool settings before release

    Instead
        action: Fail the chart lint when the pool size is unset in the Helm values
    """

    code = "A005"
    name = "human-fix-action"
    severity = Severity.ERROR

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        for index, item in _live(doc):
            fix = _HUMAN_FIX.search(item.action)
            if fix:
                yield self.finding(
                    doc,
                    f"{item.id} tries to fix people ({fix.group(0)!r})",
                    ("action_items", index, "action"),
                    hint="change the system instead: a check, a default, an alert, automation",
                    words=fix.group(0),
                )


@register
class OverdueAction(Rule):
    """
    What it checks
        Open and in-progress action items whose `due:` date has passed.

    Why it matters
        Follow-through is where post-mortems lose their value: the Google SRE workbook
        asks teams to track closure centrally, Atlassian sets 4- or 8-week service
        levels with reminders. An overdue item needs a new date, a new owner or a
        conscious decline.

    Example
        due: 2024-05-24, status: open, checked on 2024-06-03

    Instead
        Close it (`status: done`), move the date with a reason, or set
        `status: declined` with `declined_reason:`.
    """

    code = "A006"
    name = "overdue-action"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        today = ctx.now.astimezone(UTC).date()
        for index, item in _live(doc):
            if item.due is not None and item.due < today:
                late = (today - item.due).days
                yield self.finding(
                    doc,
                    f"{item.id} was due {item.due.isoformat()} ({late} day"
                    f"{'s' if late != 1 else ''} ago) and is {item.status.value}",
                    ("action_items", index, "due"),
                    hint="finish it, move the date with a reason, or decline it with a reason",
                )


@register
class DueBeyondPolicy(Rule):
    """
    What it checks
        Open action items due later than the severity's policy allows:
        `action_due_days` per severity (default 15 days for SEV1, 30 for SEV2, 60 for
        SEV3), counted from the resolution.

    Why it matters
        PagerDuty's service level for post-mortem items is 15 days after a SEV1 and
        30 after a SEV2; Atlassian uses 4 or 8 weeks. Items pushed further out compete
        with the roadmap and rarely land.

    Example
        severity: SEV2, resolved 2024-05-14, due: 2024-07-30

    Instead
        Bring the date within the policy, split the item, or raise it with the sponsor.
    """

    code = "A007"
    name = "due-beyond-policy"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        incident = doc.incident
        policy = ctx.settings["action_due_days"]
        resolved = incident.milestones.resolved
        days = policy.get(incident.severity or "") if isinstance(policy, dict) else None
        if resolved is None or days is None:
            return
        latest = resolved.date() + timedelta(days=int(days))
        for index, item in _live(doc):
            if item.due is not None and item.due > latest:
                yield self.finding(
                    doc,
                    f"{item.id} is due {item.due.isoformat()}, after the {incident.severity} "
                    f"policy of {days} days ({latest.isoformat()})",
                    ("action_items", index, "due"),
                    hint="bring it within the policy or split it",
                )


@register
class SamePriority(Rule):
    """
    What it checks
        Three or more action items that all carry the same priority.

    Why it matters
        The Google SRE workbook warns against all-equal priorities: when everything is
        P1, the priority tells nobody what to do first.

    Example
        AI-001 P1, AI-002 P1, AI-003 P1, AI-004 P1

    Instead
        Rank them: what must land before the next release (P1), what can follow (P2, P3).
    """

    code = "A008"
    name = "same-priority"
    severity = Severity.INFO

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        priorities = [i.priority for i in doc.incident.action_items if i.priority]
        if len(priorities) >= 3 and len(set(priorities)) == 1:
            yield self.finding(
                doc,
                f"all {len(priorities)} action items have priority {priorities[0]}",
                ("action_items",),
                hint="rank the items so the priority says what comes first",
            )


@register
class NoPreventOrDetect(Rule):
    """
    What it checks
        At least one action item has `type: prevent` or `type: detect`.

    Why it matters
        Mitigations and repairs close this incident; only preventive and detection work
        makes the next one less likely or shorter. The Google SRE workbook asks for
        preventive items, Atlassian for at least one "prevent future" or "mitigate
        future" item, PagerDuty for "lower the likelihood, detect sooner".

    Example
        action_items: only `type: mitigate` and `type: repair`.

    Instead
        Add an item that stops the class of failure (`prevent`) or catches it sooner
        (`detect`).
    """

    code = "A009"
    name = "no-prevent-or-detect"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        items = doc.incident.action_items
        wanted = {ActionType.PREVENT, ActionType.DETECT}
        if not items:
            yield self.finding(doc, "no action items", (), hint="add at least one prevent item")
        elif not any(item.type in wanted for item in items):
            yield self.finding(
                doc,
                "no action item prevents or detects a recurrence",
                ("action_items",),
                hint="add an item of type prevent or detect",
            )
