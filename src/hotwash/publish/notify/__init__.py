"""Notifications: the report by e-mail, summaries to chat webhooks, escalations.

A :class:`~hotwash.publish.notify.base.Notice` is built once (already redacted) and handed
to every configured :class:`~hotwash.publish.notify.base.Notifier`.
"""

from __future__ import annotations
