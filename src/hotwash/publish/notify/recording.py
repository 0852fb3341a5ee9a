"""A notifier that keeps what it is given: for tests, the demo and trying a configuration.

::

    [notify.webhooks.audit]
    kind = "recording"
"""

from __future__ import annotations

from typing import Any

from hotwash.publish.notify.base import Notice, Notifier, NotifyOptions, register

__all__ = ["RecordingNotifier"]


@register
class RecordingNotifier(Notifier):
    """Records every :class:`Notice` in :attr:`sent` instead of delivering it."""

    kind = "recording"

    def __init__(
        self, name: str = "recording", options: NotifyOptions | None = None, client: Any = None
    ):
        super().__init__(name, options or NotifyOptions(f"notify.webhooks.{name}", {}, {}), client)
        self.sent: list[Notice] = []

    def validate(self, sending: bool) -> None:
        """Nothing to check: no server, no secret."""

    def preview(self, notice: Notice) -> dict[str, Any]:
        return {"channel": self.kind, "to": [self.name], "subject": notice.subject}

    def send(self, notice: Notice) -> list[str]:
        self.sent.append(notice)
        return [self.name]
