"""Parser for Opsgenie ``GET /v2/alerts/{id}/logs`` answers (format ``opsgenie.alert_logs``).

One page record per log entry at ``createdAt`` (ISO-8601 UTC, milliseconds):
``level`` = the entry ``type`` (free text: system, alertRecipient, note, ...),
``message`` = the ``log`` text, ``actor`` = the ``owner`` unless it is ``System``,
``stream`` = the alert id read from the answer's paging links. The opaque ``offset``
cursor is kept in ``fields``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.parse import ParseContext, register_parser
from hotwash.parse.httpjson import expect, frame, instant, load_json, to_json

__all__ = ["parse_alert_logs"]

_ALERT_IN_LINK = re.compile(r"/v2/alerts/([^/?]+)/logs")


@register_parser("opsgenie.alert_logs")
def parse_alert_logs(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One record per alert log entry."""
    body = expect(load_json(data, ctx), dict, "response", ctx)
    stream = _alert_id(body.get("paging") or {})
    rows: list[dict[str, Any]] = []
    for index, entry in enumerate(expect(body.get("data"), list, "data", ctx)):
        entry = expect(entry, dict, f"data[{index}]", ctx)
        owner = entry.get("owner")
        rows.append(
            {
                "ts": instant(entry.get("createdAt"), ctx, f"data[{index}].createdAt"),
                "ts_text": entry.get("createdAt"),
                "kind": "page",
                "stream": stream,
                "level": entry.get("type"),
                "message": str(entry.get("log", "")),
                "actor": owner if owner and owner != "System" else None,
                "fields": to_json(entry),
                "offset": index,
            }
        )
    return frame(rows, ctx)


def _alert_id(paging: dict[str, Any]) -> str:
    for link in paging.values():
        match = _ALERT_IN_LINK.search(str(link))
        if match:
            return match.group(1)
    return ""
