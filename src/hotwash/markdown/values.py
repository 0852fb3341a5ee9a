"""Cell and header values as people write them, normalised to the model's vocabulary.

Each function returns the normalised value or raises ``ValueError`` with a message that
says what to write; the importer adds the file and line.
"""

from __future__ import annotations

import re
from datetime import date

from hotwash.markdown.times import parse_date
from hotwash.model import FACTOR_CATEGORIES, ActionStatus, ActionType, Status

__all__ = [
    "action_id",
    "action_status",
    "action_type",
    "due_date",
    "empty",
    "factor_bullet",
    "people",
    "priority",
    "severity",
    "status",
    "tracker",
]

_EMPTY = {"", "-", "–", "—", "n/a", "na", "none", "tbd", "?", "null", "none recorded."}


def empty(text: str) -> bool:
    """Whether a cell says nothing (``-``, ``n/a``, ``TBD``, blank)."""
    return text.strip().strip("*_`").lower() in _EMPTY


def action_id(text: str, position: int) -> str:
    """``AI-001`` as is; ``1``, ``AI1``, ``ai-1``, ``#1`` -> ``AI-001``; empty -> by position."""
    cleaned = text.strip().strip("*_`")
    if empty(cleaned):
        return f"AI-{position:03d}"
    if re.fullmatch(r"[A-Z]{1,6}-\d{1,5}", cleaned):
        return cleaned
    match = re.fullmatch(r"(?:#|(?P<prefix>[A-Za-z]{1,6})[-_ ]?)?(?P<number>\d{1,5})\.?", cleaned)
    if match is None:
        raise ValueError(f"action item ID {text.strip()!r} is not like AI-001 (or 1, AI1)")
    prefix = (match.group("prefix") or "AI").upper()
    return f"{prefix}-{int(match.group('number')):03d}"


_PRIORITY_WORDS = {"critical": "P0", "urgent": "P0", "high": "P1", "medium": "P2", "low": "P3"}


def priority(text: str) -> str | None:
    """``P1``, ``p1``, ``1``, ``High`` -> ``P1``; empty -> None."""
    cleaned = text.strip().strip("*_`").lower()
    if empty(cleaned):
        return None
    if cleaned in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[cleaned]
    match = re.fullmatch(r"p?\s*([0-4])", cleaned)
    if match is None:
        raise ValueError(f"priority {text.strip()!r} is not P0..P4 (or high, medium, low)")
    return f"P{match.group(1)}"


_TYPE_WORDS = {
    "mitigation": "mitigate",
    "prevention": "prevent",
    "preventive": "prevent",
    "detection": "detect",
    "repair": "repair",
    "investigation": "investigate",
    "other": None,
}


def action_type(text: str) -> str | None:
    """``prevent``, ``Prevention``, ``Detection`` -> the ActionType value; ``other`` -> None."""
    cleaned = text.strip().strip("*_`").lower()
    if empty(cleaned):
        return None
    if cleaned in {t.value for t in ActionType}:
        return cleaned
    if cleaned in _TYPE_WORDS:
        return _TYPE_WORDS[cleaned]
    names = ", ".join(t.value for t in ActionType)
    raise ValueError(f"action type {text.strip()!r} is not one of {names}")


_STATUS_WORDS = {
    "todo": "open",
    "to do": "open",
    "not started": "open",
    "new": "open",
    "started": "in-progress",
    "in progress": "in-progress",
    "in-progress": "in-progress",
    "wip": "in-progress",
    "doing": "in-progress",
    "closed": "done",
    "complete": "done",
    "completed": "done",
    "fixed": "done",
    "won't do": "declined",
    "wont do": "declined",
    "won't fix": "declined",
}


def action_status(text: str) -> tuple[str, str | None]:
    """``Done``, ``In progress``, ``declined: too costly`` -> (status value, declined reason)."""
    cleaned = text.strip().strip("*_`")
    if empty(cleaned):
        return ActionStatus.OPEN.value, None
    parts = re.split(r"\s*[:(—–]\s*", cleaned, maxsplit=1)
    word = parts[0].strip().lower()
    reason = parts[1].rstrip(")").strip() if len(parts) > 1 else ""
    value = word if word in {s.value for s in ActionStatus} else _STATUS_WORDS.get(word)
    if value is None:
        names = ", ".join(s.value for s in ActionStatus)
        raise ValueError(f"action status {text.strip()!r} is not one of {names}")
    return value, reason or None


def due_date(text: str) -> date | None:
    """``2024-05-24``, ``May 24, 2024``, ``24 May 2024`` -> a date; empty -> None."""
    if empty(text):
        return None
    day = parse_date(text.strip().strip("*_`"))
    if day is None:
        raise ValueError(f"deadline {text.strip()!r} is not a date; write e.g. 2024-05-24")
    return day


_DOC_STATUS_WORDS = {
    "in review": "in-review",
    "review": "in-review",
    "under review": "in-review",
    "complete": "published",
    "completed": "published",
    "final": "published",
    "done": "closed",
}


def status(text: str) -> str:
    """Document status: ``Draft``, ``In review``, ``Complete, action items in progress`` ..."""
    cleaned = text.strip().strip("*_`").lower()
    first = re.split(r"[,;(—–]", cleaned, maxsplit=1)[0].strip()
    for candidate in (cleaned, first):
        if candidate in {s.value for s in Status}:
            return candidate
        if candidate in _DOC_STATUS_WORDS:
            return _DOC_STATUS_WORDS[candidate]
    names = ", ".join(s.value for s in Status)
    raise ValueError(f"status {text.strip()!r} is not one of {names}")


def severity(text: str) -> str:
    """``Sev 2``, ``sev-2``, ``SEV2`` -> ``SEV2``; anything else as written."""
    cleaned = text.strip().strip("*_`")
    match = re.fullmatch(r"sev(?:erity)?[\s-]*(\d)", cleaned, re.IGNORECASE)
    return f"SEV{match.group(1)}" if match else cleaned


def people(text: str) -> list[str]:
    """``@dana, @lee and Sam Park`` -> ``["@dana", "@lee", "Sam Park"]``."""
    if empty(text):
        return []
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text.strip())
    return [p.strip().strip("*_`") for p in parts if p.strip() and not empty(p)]


_FACTOR_RE = re.compile(r"^(?:\*\*)?(?P<id>[A-Z]{1,4}-\d{1,4})(?:\*\*)?(?:\s*[:.)—–-]\s*|\s+)")
_CATEGORY_RE = re.compile(r"^[\[(](?P<category>[a-z]+)[\])]\s*[:—–-]?\s*", re.IGNORECASE)


def factor_bullet(text: str) -> tuple[str | None, str | None, str]:
    """``CF-1 [change]: text`` -> (``CF-1``, ``change``, ``text``); parts are optional."""
    factor_id = None
    match = _FACTOR_RE.match(text)
    if match:
        factor_id = match.group("id")
        text = text[match.end() :]
    category = None
    match = _CATEGORY_RE.match(text) or _TRAILING_CATEGORY_RE.search(text)
    if match and match.group("category").lower() in FACTOR_CATEGORIES:
        category = match.group("category").lower()
        text = text[match.end() :] if match.start() == 0 else text[: match.start()]
    return factor_id, category, text.strip()


_TRAILING_CATEGORY_RE = re.compile(r"\s+[\[(](?P<category>[a-z]+)[\])]\s*$", re.IGNORECASE)
_LINK_RE = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)$")
_HOSTS = {"github.com": "github", "gitlab": "gitlab", "atlassian.net": "jira", "jira": "jira"}


def tracker(text: str) -> dict[str, str] | None:
    """``github:o/r#12``, ``jira:OPS-42 (open)``, ``[OPS-42](https://...)``, a URL, ``Bug 123``."""
    cleaned = text.strip().strip("`")
    if empty(cleaned):
        return None
    link = _LINK_RE.match(cleaned)
    if link:
        return {
            "system": _system_of(link.group("url")),
            "key": link.group("text"),
            "url": link["url"],
        }
    if re.match(r"^https?://", cleaned):
        return {"system": _system_of(cleaned), "key": _key_of_url(cleaned), "url": cleaned}
    prefixed = re.fullmatch(
        r"(?P<system>[a-z]+):(?P<key>\S+)(?:\s+\((?P<state>[^()]+)\))?", cleaned
    )
    if prefixed:
        ref = {"system": prefixed["system"], "key": prefixed["key"]}
        return ref | ({"state": prefixed["state"]} if prefixed["state"] else {})
    bug = re.fullmatch(r"(?:bug|b/|issue)\s*#?\s*(?P<key>\S+)", cleaned, re.IGNORECASE)
    if bug:
        return {"system": "bug", "key": bug["key"]}
    return {"system": "ref", "key": cleaned}


def _system_of(url: str) -> str:
    host = re.sub(r"^https?://", "", url).split("/", 1)[0].lower()
    return next((name for part, name in _HOSTS.items() if part in host), "link")


def _key_of_url(url: str) -> str:
    github = re.search(r"github\.com/([^/]+/[^/]+)/(?:issues|pull)/(\d+)", url)
    if github:
        return f"{github.group(1)}#{github.group(2)}"
    return url.rstrip("/").rsplit("/", 1)[-1]
