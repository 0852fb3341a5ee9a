"""The words of the usual post-mortem templates, mapped to Hotwash fields.

Headings and column names are compared case-insensitively after dropping numbering,
emphasis and punctuation (``## 3. Root Causes:`` is ``root causes``). Covered templates:
Hotwash's own (the seed template), the Google SRE book and workbook, PagerDuty's and
Atlassian's. A heading not listed here is kept verbatim in ``extra_sections``.
"""

from __future__ import annotations

import re

__all__ = [
    "ACTION_COLUMNS",
    "HEADER_KEYS",
    "SECTIONS",
    "TIMELINE_COLUMNS",
    "key_of",
    "lookup",
]

#: section key -> heading aliases
SECTIONS: dict[str, tuple[str, ...]] = {
    "summary": ("summary", "overview", "incident summary", "executive summary", "description"),
    "impact": ("impact", "customer impact", "user impact", "business impact"),
    "root_causes": ("root cause", "root causes", "root cause analysis", "root cause s"),
    "trigger": ("trigger", "fault"),
    "detection": ("detection", "how was it detected"),
    "resolution": ("resolution", "recovery", "mitigation and resolution"),
    "timeline": ("timeline", "incident timeline", "chronology", "timeline utc"),
    "factors": ("contributing factors", "contributing factor", "contributing factor s", "factors"),
    "trigger_factors": ("immediate cause", "immediate causes", "proximate cause"),
    "systemic_factors": ("systemic issues", "systemic causes", "systemic factors"),
    "whys": ("five whys", "5 whys", "the five whys", "whys"),
    "went_well": ("what went well", "things that went well", "went well"),
    "went_poorly": (
        "what went wrong",
        "what went poorly",
        "what didn t go so well",
        "what did not go so well",
        "what could have gone better",
        "what went badly",
        "where we were unlucky",
    ),
    "lucky": ("where we got lucky", "what we got lucky on", "lucky"),
    "lessons": ("lessons learned", "lessons learnt", "lessons", "learnings", "key takeaways"),
    "prevention": ("prevention", "how we prevent recurrence", "preventing recurrence"),
    "action_items": (
        "action items",
        "corrective actions",
        "follow up actions",
        "follow ups",
        "action plan",
        "remediation items",
        "next steps",
    ),
    # Parents whose own text is an introduction to known sub-sections.
    "group": ("how d we do", "how did we do", "analysis", "retrospective"),
}

#: header key (``**Key**: value``) -> aliases
HEADER_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "id": ("id", "incident", "incident id", "incident number"),
    "date": ("date", "incident date"),
    "duration": ("duration",),
    "severity": ("severity", "sev", "severity level"),
    "status": ("status", "document status", "postmortem status"),
    "owner": ("owner", "incident owner", "postmortem owner", "post mortem owner"),
    "authors": ("authors", "author", "written by"),
    "reviewed": ("reviewed", "reviewers", "reviewed by", "reviewer"),
    "timezone": ("timezone", "time zone"),
    "impact_started": ("impact started", "impact start", "start", "started", "outage began"),
    "detected": ("detected", "detected at", "detection time"),
    "acknowledged": ("acknowledged", "acknowledged at"),
    "mitigated": ("mitigated", "mitigated at"),
    "resolved": ("resolved", "resolved at", "ended", "end"),
}

TIMELINE_COLUMNS: dict[str, tuple[str, ...]] = {
    "at": ("time", "timestamp", "when", "date time", "date and time", "time utc", "at"),
    "title": ("event", "what happened", "description", "title", "action", "what"),
    "source": ("source", "system", "tool"),
    "actor": ("actor", "who", "person", "responder", "by"),
    "kind": ("kind", "type"),
    "evidence": ("data link", "link", "links", "evidence", "graph"),
    "details": ("details", "notes", "note", "comment", "comments"),
}

ACTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "", "no", "number", "ai"),
    "action": ("action", "action item", "item", "task", "description", "corrective action"),
    "owner": ("owner", "assignee", "who", "responsible", "assigned to"),
    "due": ("deadline", "due", "due date", "target date", "by", "when"),
    "priority": ("priority", "prio", "p"),
    "type": ("type", "kind", "category"),
    "status": ("status", "state"),
    "factors": ("factors", "factor", "addresses", "linked factors", "linked factor"),
    "tracker": ("tracker", "bug", "ticket", "issue", "jira", "link", "tracking"),
}


def key_of(text: str) -> str:
    """``'## 3. Root Causes:'`` -> ``'root causes'``; ``"How'd We Do?"`` -> ``'how d we do'``."""
    text = re.sub(r"[*_`]", "", text).lower()
    text = re.sub(r"^\s*(?:\d+[.)]|[ivx]+\.)\s*", "", text)
    text = text.replace("#", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def lookup(table: dict[str, tuple[str, ...]], text: str) -> str | None:
    """The key whose aliases include ``text`` (normalised), or None."""
    wanted = key_of(text)
    for key, aliases in table.items():
        if wanted in aliases:
            return key
    return None
