"""Redaction: secrets and personal data are taken out before anything leaves the machine.

Secrets are always redacted (tokens of GitHub, GitLab, Slack, AWS, Google, Stripe, JWTs,
keys after ``token=`` / ``api_key=`` / ``Authorization:``, bearer and basic credentials,
passwords in URLs and connection strings, PEM private keys). What else is redacted is the
:class:`RedactionPolicy`: e-mail addresses, IP addresses, internal host names (glob
patterns), people's names, internal links and extra regular expressions, read from the
``[redact]`` table of ``hotwash.toml``::

    [redact]
    emails = true                      # redact e-mail addresses (always in external reports)
    ips = true                         # redact IPv4 / IPv6 addresses (always external)
    hostnames = ["*.internal", "*.corp.example.com", "db-*"]   # internal host globs
    patterns = ["CUST-[0-9]{6}"]       # extra regexes, redacted as ``custom``
    public_domains = ["status.example.com"]  # links an external report may keep

A :class:`RedactionHit` says what kind of thing was redacted, where (a field path) and at
which offsets of the original text; it never holds the secret itself.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from hotwash.redact.patterns import (
    CLOUD_HOST,
    EMAIL,
    HANDLE,
    HOSTNAME,
    INTERNAL_HOST,
    IPV4,
    IPV6,
    POD_NAME,
    SECRET_KINDS,
    SECRET_PATTERNS,
    URL,
)
from hotwash.redact.policy import RedactionPolicy

if TYPE_CHECKING:
    from hotwash.model import Incident

__all__ = [
    "SECRET_KINDS",
    "Redaction",
    "RedactionHit",
    "RedactionPolicy",
    "redact_incident",
    "redact_text",
    "summarize_hits",
]


@dataclass(frozen=True)
class RedactionHit:
    """One redacted span: its kind, where it was (field path) and its offsets in the input."""

    kind: str
    where: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    """The redacted text and what was taken out of it."""

    text: str
    hits: list[RedactionHit]


# Finding spans ---------------------------------------------------------------------------


Span = tuple[int, int, str]
#: The order in which kinds name a region where several patterns matched (first wins).
_POLICY_KINDS = ("custom", "email", "ip", "hostname", "person", "handle", "link")


def _priority(kind: str) -> int:
    if kind in SECRET_KINDS:
        return SECRET_KINDS.index(kind)
    return len(SECRET_KINDS) + _POLICY_KINDS.index(kind)


def _secret_spans(text: str) -> Iterable[Span]:
    for pattern in SECRET_PATTERNS:
        for match in pattern.regex.finditer(text):
            group = "value" if "value" in pattern.regex.groupindex else 0
            start, end = match.span(group)
            if pattern.accept is None or pattern.accept(match.group(group)):
                yield start, end, pattern.kind


def _policy_spans(text: str, policy: RedactionPolicy) -> Iterable[Span]:
    yield from (
        (m.start(), m.end(), "custom") for p in policy.patterns for m in re.finditer(p, text)
    )
    if policy.links:
        yield from _link_spans(text, policy)
    if policy.emails:
        yield from ((m.start(), m.end(), "email") for m in EMAIL.finditer(text))
    if policy.ips:
        yield from ((m.start(), m.end(), "ip") for m in IPV4.finditer(text))
        yield from ((m.start(), m.end(), "ip") for m in IPV6.finditer(text))
    yield from _host_spans(text, policy)
    yield from _people_spans(text, policy)


def _link_spans(text: str, policy: RedactionPolicy) -> Iterable[Span]:
    for match in URL.finditer(text):
        host = re.sub(r"^[^:]+://(?:[^@/]*@)?", "", match.group()).split("/")[0].split(":")[0]
        if not any(_host_matches(host, d) for d in policy.public_domains):
            yield match.start(), match.end(), "link"


def _host_matches(host: str, pattern: str) -> bool:
    host = host.lower()
    pattern = pattern.lower()
    return fnmatch.fnmatchcase(host, pattern) or host.endswith("." + pattern)


def _host_spans(text: str, policy: RedactionPolicy) -> Iterable[Span]:
    if policy.hostnames:
        for match in HOSTNAME.finditer(text):
            if any(fnmatch.fnmatchcase(match.group().lower(), p.lower()) for p in policy.hostnames):
                yield match.start(), match.end(), "hostname"
    if policy.internal_hosts:
        for regex in (INTERNAL_HOST, POD_NAME, CLOUD_HOST):
            yield from ((m.start(), m.end(), "hostname") for m in regex.finditer(text))


def _people_spans(text: str, policy: RedactionPolicy) -> Iterable[Span]:
    for name in policy.people:
        bare = name.lstrip("@")
        if len(bare) < 2:
            continue
        regex = rf"(?<![\w@])@?{re.escape(bare)}(?![\w])"
        yield from ((m.start(), m.end(), "person") for m in re.finditer(regex, text, re.I))
    if policy.handles:
        yield from ((m.start(), m.end(), "handle") for m in HANDLE.finditer(text))


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans joined into one region, named by its most specific kind.

    Everything any pattern matched is redacted; where a token sits inside ``token=...``
    or a password inside what looks like an e-mail, the region is reported as the token
    or the password.
    """
    regions: list[Span] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= end:
            continue
        if regions and start < regions[-1][1]:
            first, last, named = regions[-1]
            better = kind if _priority(kind) < _priority(named) else named
            regions[-1] = (first, max(last, end), better)
        else:
            regions.append((start, end, kind))
    return regions


def redact_text(text: str, policy: RedactionPolicy | None = None, where: str = "") -> Redaction:
    """Redact secrets (always) and what ``policy`` asks for from ``text``.

    Each span is replaced by a placeholder such as ``[REDACTED:github-token]``. The hits
    name the kind, ``where`` and the offsets in ``text``, never the redacted value.
    """
    policy = policy or RedactionPolicy()
    if not text:
        return Redaction(text, [])
    spans = _merge([*_secret_spans(text), *_policy_spans(text, policy)])
    pieces: list[str] = []
    last = 0
    for start, end, kind in spans:
        pieces += [text[last:start], policy.placeholder(kind)]
        last = end
    pieces.append(text[last:])
    hits = [RedactionHit(kind, where, start, end) for start, end, kind in spans]
    return Redaction("".join(pieces), hits)


# Whole documents ---------------------------------------------------------------------------

_NOT_TEXT = {"id", "kind", "category", "status", "priority", "type", "severity", "timezone"}


def redact_incident(
    incident: Incident, policy: RedactionPolicy | None = None
) -> tuple[Incident, list[RedactionHit]]:
    """A copy of ``incident`` with every free-text field redacted, and the hits by field path."""
    from hotwash.model import Incident

    hits: list[RedactionHit] = []
    data = _redact_value(incident.model_dump(), (), policy or RedactionPolicy(), hits)
    return Incident.model_validate(data), hits


def _redact_value(
    value: Any, path: tuple[str | int, ...], policy: RedactionPolicy, hits: list[RedactionHit]
) -> Any:
    if isinstance(value, dict):
        return {k: _redact_value(v, (*path, k), policy, hits) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, (*path, i), policy, hits) for i, v in enumerate(value)]
    if isinstance(value, str) and not isinstance(value, Enum) and path[-1:] != ("id",):
        if path and path[-1] in _NOT_TEXT:
            return value
        from hotwash.document import format_field_path

        result = redact_text(value, policy, format_field_path(path))
        hits.extend(result.hits)
        return result.text
    return value


def summarize_hits(hits: Iterable[RedactionHit]) -> list[dict[str, Any]]:
    """``[{"kind", "where", "count"}]`` by field path and kind, in first-seen order."""
    counts: dict[tuple[str, str], int] = {}
    for hit in hits:
        counts[(hit.where, hit.kind)] = counts.get((hit.where, hit.kind), 0) + 1
    return [{"kind": k, "where": w, "count": n} for (w, k), n in counts.items()]
