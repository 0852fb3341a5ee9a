"""The tracker contract: turn an :class:`IssueDraft` into an issue, find it, read it back.

A tracker is configured by one table of ``hotwash.toml`` (``[trackers.github]``). Common
keys: ``labels`` (added to every issue), ``token_env`` (the *name* of the environment
variable holding the token) and ``[trackers.<name>.assignees]``, mapping the owner handles
of the document (``"@dana"``) to tracker accounts.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import httpx

from hotwash.errors import ConfigError, PublishError
from hotwash.model import TrackerRef
from hotwash.publish.issue import IssueDraft
from hotwash.publish.trackers.http import ApiClient

__all__ = ["IssueState", "Tracker", "TrackerOptions"]


@dataclass(frozen=True)
class IssueState:
    """What a tracker says about an issue now."""

    state: str
    """``open`` or ``closed``."""
    assignee: str | None = None
    closed_at: datetime | None = None
    url: str | None = None


@dataclass
class TrackerOptions:
    """The tracker's table of hotwash.toml, with typed access and errors that name the key."""

    name: str
    table: Mapping[str, Any]
    env: Mapping[str, str]

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f'[trackers.{self.name}] needs {key} = "..."')
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"[trackers.{self.name}] {key} must be a list of strings")
        return tuple(value)

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            raise ConfigError(f"[trackers.{self.name}.{key}] must be a table")
        return dict(value)

    def secret(self, key: str = "token_env", default_env: str | None = None) -> tuple[str, str]:
        """``(variable name, value)`` of the secret named by ``key``; never logged or saved."""
        var = self.table.get(key, default_env)
        if not isinstance(var, str) or not var:
            raise ConfigError(f'[trackers.{self.name}] needs {key} = "NAME_OF_ENV_VARIABLE"')
        value = self.env.get(var, "")
        if not value:
            raise PublishError(
                f"{self.name}: environment variable {var} is not set "
                f"({key} in [trackers.{self.name}])"
            )
        return var, value


class Tracker(ABC):
    """An issue tracker. Subclasses set ``name`` and implement the three methods.

    Only :meth:`preview` may be called without an HTTP client (``--dry-run``).
    """

    name: ClassVar[str]
    default_token_env: ClassVar[str]

    def __init__(
        self,
        options: TrackerOptions,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options
        self.labels = options.strings("labels")
        self.assignees = options.mapping("assignees")
        self._client = client
        self._sleep = sleep
        self._api: ApiClient | None = None

    # The contract ------------------------------------------------------------------

    @abstractmethod
    def publish(self, draft: IssueDraft) -> TrackerRef:
        """Create one issue from ``draft`` and return where it lives (system, key, url).

        The marker of the draft must end up in the issue, so that :meth:`find` sees it.
        Raises :class:`PublishError` when the tracker refuses or cannot be reached.
        """

    @abstractmethod
    def find(self, label: str) -> dict[str, TrackerRef]:
        """Issues carrying ``label`` (every page), by the hotwash marker in their body."""

    @abstractmethod
    def fetch(self, ref: TrackerRef) -> IssueState:
        """The current state, assignee and closing time of the issue ``ref``."""

    @abstractmethod
    def preview(self, draft: IssueDraft) -> dict[str, Any]:
        """The request body :meth:`publish` would send (shown by ``--dry-run``)."""

    # Helpers -----------------------------------------------------------------------

    @property
    def api(self) -> ApiClient:
        """The authenticated API client (created on first use; needs the token)."""
        if self._api is None:
            if self._client is None:
                raise PublishError(f"{self.name}: no HTTP client (dry run only)")
            self._api = self.connect(self._client)
            self._api.sleep = self._sleep
        return self._api

    def check_ready(self) -> None:
        """Raise now when the tracker cannot be used (no client, token not set)."""
        if self.api is None:  # pragma: no cover - the property raises instead
            raise PublishError(f"{self.name}: not connected")

    @abstractmethod
    def connect(self, client: httpx.Client) -> ApiClient:
        """An :class:`ApiClient` with this tracker's base URL and authentication."""

    def account_for(self, owner: str | None) -> str | None:
        """The tracker account of an owner handle: the mapping, else the handle without @."""
        if not owner:
            return None
        mapped = self.assignees.get(owner)
        if mapped is not None:
            return str(mapped)
        return owner.lstrip("@") if owner.startswith("@") else None

    def owner_for(self, account: str | None) -> str | None:
        """The owner handle of a tracker account (reverse of :meth:`account_for`)."""
        if not account:
            return None
        for handle, mapped in self.assignees.items():
            if str(mapped) == account:
                return handle
        return f"@{account}"
