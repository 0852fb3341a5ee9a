"""The redaction policy: what to redact besides secrets, read from ``[redact]``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from hotwash.errors import ConfigError

if TYPE_CHECKING:
    from hotwash.config import Settings

__all__ = ["EXTERNAL_PLACEHOLDERS", "RedactionPolicy"]


@dataclass(frozen=True)
class RedactionPolicy:
    """What to redact besides secrets (always) and what to put in its place."""

    emails: bool = False
    ips: bool = False
    hostnames: tuple[str, ...] = ()
    internal_hosts: bool = False
    links: bool = False
    public_domains: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    handles: bool = False
    patterns: tuple[str, ...] = ()
    placeholders: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings | None) -> RedactionPolicy:
        """The policy of the ``[redact]`` table of hotwash.toml (secrets only when absent)."""
        table = settings.section("redact") if settings is not None else {}
        where = str(settings.path) if settings is not None and settings.path else "hotwash.toml"
        unknown = set(table) - {"emails", "ips", "hostnames", "patterns", "public_domains"}
        if unknown:
            raise ConfigError(f"{where}: [redact] has unknown keys: {', '.join(sorted(unknown))}")
        policy = cls(
            emails=_flag(table, "emails", where),
            ips=_flag(table, "ips", where),
            hostnames=_strings(table, "hostnames", where),
            patterns=_strings(table, "patterns", where),
            public_domains=_strings(table, "public_domains", where),
        )
        for pattern in policy.patterns:
            _compile_extra(pattern, where)
        return policy

    def for_external(self, people: Iterable[str] = ()) -> RedactionPolicy:
        """The stricter policy of an external report: no names, hosts, IPs or internal links."""
        return replace(
            self,
            emails=True,
            ips=True,
            internal_hosts=True,
            links=True,
            handles=True,
            people=tuple(sorted({*self.people, *people}, key=len, reverse=True)),
            placeholders=EXTERNAL_PLACEHOLDERS | self.placeholders,
        )

    def placeholder(self, kind: str) -> str:
        return self.placeholders.get(kind, f"[REDACTED:{kind}]")


#: Words that read naturally in a report for customers, instead of ``[REDACTED:...]``.
EXTERNAL_PLACEHOLDERS = {
    "person": "a team member",
    "handle": "a team member",
    "email": "[email address]",
    "ip": "[address]",
    "hostname": "[internal system]",
    "link": "[internal link]",
}


def _flag(table: dict[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: [redact] {key} must be true or false, got {value!r}")
    return value


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: [redact] {key} must be a list of strings")
    return tuple(value)


def _compile_extra(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: [redact] patterns: {pattern!r} is not a regex: {exc}") from exc


# Finding spans ---------------------------------------------------------------------------
