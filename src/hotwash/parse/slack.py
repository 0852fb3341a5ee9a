"""A Slack channel bundle (``slack.export``, from the slack source) into chat records.

``ts`` is a string of Unix seconds with six decimals; it is converted exactly (decimal, not
float, so the microseconds survive) and kept as ``ts_text``. Authors are mapped to names
through the export's ``users.json`` (display name, else real name, else user name); bot
messages use their ``username``. Mentions ``<@U...>`` are replaced by ``@name``. Thread
replies keep their ``thread_ts`` in ``fields``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.errors import ParseError
from hotwash.parse import ParseContext, register_parser
from hotwash.parse.kubernetes import read_json

__all__ = ["parse_slack", "slack_time"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MENTION = re.compile(r"<@(U[A-Z0-9]+)(?:\|[^>]*)?>")


def slack_time(text: str) -> datetime:
    """``"1715695660.002100"`` -> aware UTC datetime, exact to the microsecond."""
    try:
        seconds = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a Slack ts: {text!r}") from exc
    micros = int(seconds * 1_000_000)
    return _EPOCH + timedelta(microseconds=micros)


def _user_names(users: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for user in users if isinstance(users, list) else []:
        if not isinstance(user, dict) or "id" not in user:
            continue
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name")
        names[str(user["id"])] = str(name or user["id"])
    return names


def _text(message: dict[str, Any], names: dict[str, str]) -> str:
    text = str(message.get("text") or "")
    if not text:
        attachments = message.get("attachments") or []
        text = " ".join(str(a.get("title") or a.get("fallback") or "") for a in attachments)
    return _MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)


def _row(
    message: dict[str, Any], index: int, channel: str, names: dict[str, str], ctx: ParseContext
) -> dict[str, Any]:
    ts_text = str(message.get("ts", ""))
    try:
        ts = slack_time(ts_text)
    except ValueError as exc:
        raise ParseError(str(exc), ctx.path, index) from exc
    user = message.get("user")
    actor = names.get(str(user), str(user)) if user else message.get("username")
    fields: dict[str, Any] = {
        k: message[k]
        for k in ("thread_ts", "subtype", "reply_count", "parent_user_id", "bot_id")
        if k in message
    }
    if isinstance(message.get("edited"), dict):
        fields["edited_ts"] = message["edited"].get("ts")
    return {
        "ts": ts,
        "ts_text": ts_text,
        "kind": "chat",
        "stream": f"#{channel}",
        "level": message.get("subtype"),
        "message": _text(message, names),
        "actor": actor,
        "fields": json.dumps(fields, sort_keys=True),
        "offset": index,
    }


@register_parser("slack.export")
def parse_slack(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One chat record per message of the bundle, in ``ts`` order."""
    bundle = read_json(data, ctx)
    if not isinstance(bundle, dict) or not isinstance(bundle.get("messages"), list):
        raise ParseError("not a Slack channel bundle (no 'messages')", ctx.path, 1)
    names = _user_names(bundle.get("users"))
    channel = str((bundle.get("channel") or {}).get("name") or ctx.stream or "")
    rows = [
        _row(m, i, channel, names, ctx)
        for i, m in enumerate(bundle["messages"], 1)
        if isinstance(m, dict) and m.get("ts")
    ]
    if not rows:
        from hotwash.records import empty_records

        return empty_records()
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.evidence).alias("evidence")
    )
