"""The notifier contract and its registry.

A notifier is configured by a table of ``hotwash.toml``: ``[notify.email]`` for e-mail and
``[notify.webhooks.<name>]`` (with ``kind = "slack" | "teams" | "mattermost" | "generic"``)
for chat. Secrets (SMTP password, webhook URLs) are read from environment variables whose
*names* the table gives (``password_env``, ``url_env``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from hotwash.config import Settings
from hotwash.errors import ConfigError, PublishError
from hotwash.registry import Registry

__all__ = [
    "Attachment",
    "Notice",
    "Notifier",
    "NotifyOptions",
    "build_notifiers",
    "notifier_class",
    "register",
]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Notice:
    """One message to send, already redacted: a subject, text, HTML and facts for cards."""

    kind: str
    """``report`` (the post-mortem) or ``escalation`` (an overdue action item)."""
    subject: str
    text: str
    summary: str = ""
    html: str | None = None
    facts: tuple[tuple[str, str], ...] = ()
    link: str | None = None
    attachments: tuple[Attachment, ...] = ()
    recipients: tuple[str, ...] = ()
    """E-mail recipients for this notice; empty: the configured ``to``."""
    calendar: str | None = None
    """An iCalendar invitation (``METHOD:REQUEST``) sent as a ``text/calendar`` part."""


@dataclass
class NotifyOptions:
    """One notifier table of hotwash.toml with typed access; errors name the table."""

    where: str
    table: Mapping[str, Any]
    env: Mapping[str, str]

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f'[{self.where}] needs {key} = "..."')
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"[{self.where}] {key} must be a list of strings")
        return tuple(value)

    def secret(self, key: str) -> tuple[str, str]:
        """``(variable name, value)`` of the secret whose variable ``key`` names."""
        var = self.text(key)
        value = self.env.get(var, "")
        if not value:
            raise PublishError(f"{self.where}: environment variable {var} is not set ({key})")
        return var, value


class Notifier(ABC):
    """A way to deliver a :class:`Notice`. Subclasses set ``kind`` and implement two methods."""

    kind: ClassVar[str]

    def __init__(self, name: str, options: NotifyOptions, client: httpx.Client | None = None):
        self.name = name
        self.options = options
        self.client = client

    @property
    def audience(self) -> str:
        value = self.options.table.get("audience", "internal")
        if value not in ("internal", "external"):
            raise ConfigError(f"[{self.options.where}] audience must be internal or external")
        return str(value)

    @abstractmethod
    def validate(self, sending: bool) -> None:
        """Raise :class:`ConfigError` now for a table that cannot work, before anything is sent.

        ``sending`` is False for a dry run, where secrets need not be set.
        """

    @abstractmethod
    def send(self, notice: Notice) -> list[str]:
        """Deliver ``notice``; return who received it (addresses, channel names).

        Raises :class:`PublishError` when the server refuses or cannot be reached.
        """

    @abstractmethod
    def preview(self, notice: Notice) -> dict[str, Any]:
        """What :meth:`send` would send (``--dry-run``): recipients, subject, payload."""


NOTIFIERS: Registry[type[Notifier]] = Registry(
    (
        "hotwash.publish.notify.email",
        "hotwash.publish.notify.recording",
        "hotwash.publish.notify.webhook",
    ),
    "hotwash.notifiers",
    lambda kind, _old: ConfigError(f"notifier {kind!r} registered twice"),
)


def register(notifier: type[Notifier]) -> type[Notifier]:
    """Class decorator: add a notifier kind; duplicates fail loudly."""
    return NOTIFIERS.add(notifier.kind, notifier)


def notifier_class(kind: str) -> type[Notifier]:
    """The notifier registered as ``kind`` (email, slack, teams, mattermost, generic)."""
    found = NOTIFIERS.get(kind)
    if found is None:
        known = ", ".join(sorted(NOTIFIERS.all()))
        raise ConfigError(f"unknown notifier kind {kind!r}; known: {known}")
    return found


def build_notifiers(
    settings: Settings,
    client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Notifier]:
    """Every notifier of the ``[notify]`` table: e-mail first, then the webhooks by name."""
    import os

    environ = os.environ if env is None else env
    section = settings.section("notify")
    notifiers: list[Notifier] = []
    email = section.get("email")
    if isinstance(email, dict):
        options = NotifyOptions("notify.email", email, environ)
        notifiers.append(notifier_class("email")("email", options, client))
    webhooks = section.get("webhooks", {})
    if not isinstance(webhooks, dict):
        raise ConfigError("[notify.webhooks] must hold tables: [notify.webhooks.<name>]")
    for name, table in sorted(webhooks.items()):
        if not isinstance(table, dict) or not isinstance(table.get("kind"), str):
            raise ConfigError(f'[notify.webhooks.{name}] needs kind = "slack" (or teams, ...)')
        options = NotifyOptions(f"notify.webhooks.{name}", table, environ)
        notifiers.append(notifier_class(table["kind"])(name, options, client))
    return notifiers
