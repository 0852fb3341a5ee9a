"""Chat webhooks: Slack incoming webhooks, Microsoft Teams, Mattermost, generic JSON.

::

    [notify.webhooks.incidents]
    kind = "slack"                      # slack | teams | mattermost | generic
    url_env = "SLACK_WEBHOOK_URL"       # webhook URLs carry a secret: env variable only
    to = "#incidents"                   # how the delivery is recorded (default: table name)
    # card = "messagecard"              # teams only: legacy connector card (default adaptive)

Each flavour posts the same facts: title, severity, duration, summary, action-item count
and the link to the post-mortem. The URL never appears in messages or the document.
"""

from __future__ import annotations

from typing import Any

from hotwash.errors import PublishError
from hotwash.publish.notify.base import Notice, Notifier, register
from hotwash.publish.trackers.http import ApiClient

__all__ = [
    "GenericWebhook",
    "MattermostWebhook",
    "SlackWebhook",
    "TeamsWebhook",
    "WebhookNotifier",
]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class WebhookNotifier(Notifier):
    """POSTs :meth:`payload` as JSON to the URL in the environment variable ``url_env``."""

    kind = "webhook"

    @property
    def to(self) -> str:
        return str(self.options.table.get("to", self.name))

    def payload(self, notice: Notice) -> dict[str, Any]:
        raise NotImplementedError

    def validate(self, sending: bool) -> None:
        self.options.text("url_env")
        if sending:
            self.options.secret("url_env")

    def preview(self, notice: Notice) -> dict[str, Any]:
        return {"channel": self.kind, "to": [self.to], "payload": self.payload(notice)}

    def send(self, notice: Notice) -> list[str]:
        if self.client is None:
            raise PublishError(f"{self.options.where}: no HTTP client")
        var, url = self.options.secret("url_env")
        api = ApiClient(self.options.where, self.client, url, display=f"${var}")
        api.request("POST", url, json=self.payload(notice))
        return [self.to]


@register
class SlackWebhook(WebhookNotifier):
    """Slack incoming webhook: ``text`` (notifications, fallback) and Block Kit ``blocks``."""

    kind = "slack"

    def payload(self, notice: Notice) -> dict[str, Any]:
        fields = [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in notice.facts[:10]]
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": _cut(notice.subject, 150)}},
        ]
        if notice.summary:
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": _cut(notice.summary, 3000)}}
            )
        if fields:
            blocks.append({"type": "section", "fields": fields})
        if notice.link:
            link = f"<{notice.link}|Read the post-mortem>"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": link}})
        return {"text": notice.subject, "blocks": blocks}


@register
class TeamsWebhook(WebhookNotifier):
    """Microsoft Teams: an Adaptive Card (Workflows), or a MessageCard (legacy connectors)."""

    kind = "teams"

    def payload(self, notice: Notice) -> dict[str, Any]:
        if self.options.table.get("card") == "messagecard":
            return self._message_card(notice)
        body: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": notice.subject,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "TextBlock", "text": notice.summary or notice.text, "wrap": True},
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in notice.facts]},
        ]
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        if notice.link:
            card["actions"] = [
                {"type": "Action.OpenUrl", "title": "Read the post-mortem", "url": notice.link}
            ]
        attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        return {"type": "message", "attachments": [attachment]}

    def _message_card(self, notice: Notice) -> dict[str, Any]:
        card: dict[str, Any] = {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": notice.subject,
            "themeColor": "D73A49" if notice.kind == "escalation" else "0076D7",
            "title": notice.subject,
            "sections": [
                {
                    "text": notice.summary or notice.text,
                    "facts": [{"name": k, "value": v} for k, v in notice.facts],
                }
            ],
        }
        if notice.link:
            target = [{"os": "default", "uri": notice.link}]
            card["potentialAction"] = [
                {"@type": "OpenUri", "name": "Read the post-mortem", "targets": target}
            ]
        return card


@register
class MattermostWebhook(WebhookNotifier):
    """Mattermost incoming webhook: Markdown ``text`` and a Slack-style message attachment."""

    kind = "mattermost"

    def payload(self, notice: Notice) -> dict[str, Any]:
        attachment: dict[str, Any] = {
            "fallback": notice.subject,
            "color": "#D73A49" if notice.kind == "escalation" else "#0076D7",
            "title": notice.subject,
            "text": notice.summary,
            "fields": [{"short": True, "title": k, "value": v} for k, v in notice.facts],
        }
        if notice.link:
            attachment["title_link"] = notice.link
        return {
            "username": "Hotwash",
            "text": f"#### {notice.subject}",
            "attachments": [attachment],
        }


@register
class GenericWebhook(WebhookNotifier):
    """Plain JSON for any receiver: the event, subject, summary, facts and link."""

    kind = "generic"

    def payload(self, notice: Notice) -> dict[str, Any]:
        return {
            "event": f"hotwash.{notice.kind}",
            "subject": notice.subject,
            "summary": notice.summary,
            "facts": dict(notice.facts),
            "link": notice.link,
        }
