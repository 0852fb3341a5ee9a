"""Parsers for Alertmanager: ``alertmanager.alerts``, ``.silences`` and ``.webhook``.

``alertmanager.alerts`` (``GET /api/v2/alerts``): one record per alert at ``startsAt``
(which is Prometheus's *firing* time), ``level`` = ``status.state`` (active, suppressed,
unprocessed). While an alert fires, ``endsAt`` is a moving expiry that Prometheus pushes
forward on every evaluation: it is kept in ``fields`` and never read as a resolution.

``alertmanager.silences`` (``GET /api/v2/silences``): one record per silence at
``startsAt`` (``level`` = ``silence-<state>``, ``actor`` = ``createdBy``, ``message`` =
the comment), plus one at ``endsAt`` for an expired silence (``level`` = ``silence-ended``).

``alertmanager.webhook`` (a saved webhook notification body): one ``firing`` record per
alert at ``startsAt``, plus a ``resolved`` record at ``endsAt`` for resolved alerts. A
firing alert carries the Go zero time ``0001-01-01T00:00:00Z`` as ``endsAt``; it is ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from hotwash.parse import ParseContext, register_parser
from hotwash.parse.httpjson import expect, frame, instant, labels_text, load_json, to_json

__all__ = ["parse_alerts", "parse_silences", "parse_webhook"]

GO_ZERO_TIME = "0001-01-01T00:00:00Z"


def _alert_row(
    alert: dict[str, Any], stamp: str, level: str | None, index: int, ctx: ParseContext
) -> dict[str, Any]:
    labels = alert.get("labels") or {}
    return {
        "ts": instant(stamp, ctx, f"alerts[{index}]"),
        "ts_text": stamp,
        "kind": "alert",
        "stream": labels_text(labels),
        "level": level,
        "message": str(labels.get("alertname", "")),
        "fields": to_json(alert),
        "offset": index,
    }


@register_parser("alertmanager.alerts")
def parse_alerts(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One record per alert at ``startsAt``; the moving ``endsAt`` stays in ``fields``."""
    rows: list[dict[str, Any]] = []
    for index, alert in enumerate(expect(load_json(data, ctx), list, "alerts", ctx)):
        alert = expect(alert, dict, f"alerts[{index}]", ctx)
        state = (alert.get("status") or {}).get("state")
        rows.append(_alert_row(alert, alert.get("startsAt"), state, index, ctx))
    return frame(rows, ctx)


@register_parser("alertmanager.webhook")
def parse_webhook(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """``firing`` at ``startsAt`` for each alert, and ``resolved`` at a real ``endsAt``."""
    body = expect(load_json(data, ctx), dict, "webhook body", ctx)
    rows: list[dict[str, Any]] = []
    for index, alert in enumerate(expect(body.get("alerts"), list, "alerts", ctx)):
        alert = expect(alert, dict, f"alerts[{index}]", ctx)
        rows.append(_alert_row(alert, alert.get("startsAt"), "firing", index, ctx))
        ends = alert.get("endsAt")
        if alert.get("status") == "resolved" and ends and ends != GO_ZERO_TIME:
            rows.append(_alert_row(alert, ends, "resolved", index, ctx))
    return frame(rows, ctx)


@register_parser("alertmanager.silences")
def parse_silences(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """A record at each silence's start, and at its end once it has expired."""
    rows: list[dict[str, Any]] = []
    for index, silence in enumerate(expect(load_json(data, ctx), list, "silences", ctx)):
        silence = expect(silence, dict, f"silences[{index}]", ctx)
        state = (silence.get("status") or {}).get("state", "")
        rows.append(_silence_row(silence, "startsAt", f"silence-{state}", index, ctx))
        if state == "expired":
            rows.append(_silence_row(silence, "endsAt", "silence-ended", index, ctx))
    return frame(rows, ctx)


def _silence_row(
    silence: dict[str, Any], key: str, level: str, index: int, ctx: ParseContext
) -> dict[str, Any]:
    matchers = silence.get("matchers") or []
    return {
        "ts": instant(silence.get(key), ctx, f"silences[{index}].{key}"),
        "ts_text": silence.get(key),
        "kind": "alert",
        "stream": "{" + ", ".join(_matcher_text(m) for m in matchers) + "}",
        "level": level,
        "message": str(silence.get("comment", "")),
        "actor": silence.get("createdBy"),
        "fields": to_json(silence),
        "offset": index,
    }


def _matcher_text(matcher: dict[str, Any]) -> str:
    equal = matcher.get("isEqual", True)
    op = ("=~" if equal else "!~") if matcher.get("isRegex") else ("=" if equal else "!=")
    return f'{matcher.get("name")}{op}"{matcher.get("value")}"'
