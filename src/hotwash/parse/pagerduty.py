"""Parsers for PagerDuty: ``pagerduty.incidents`` and ``pagerduty.log_entries``.

``pagerduty.incidents`` (``GET /incidents``): a ``triggered`` page record at each
incident's ``created_at`` and a ``resolved`` one at ``resolved_at`` (``actor`` = who
last changed its status), ``message`` = the title, ``stream`` = the service.

``pagerduty.log_entries`` (``GET /incidents/{id}/log_entries``): one page record per
entry, ``level`` = the entry type without ``_log_entry`` (trigger, notify, acknowledge,
escalate, assign, annotate, resolve, ...), ``actor`` = the user who acted (the agent when
it is a user), ``message`` = the note for annotations, else the summary. Log entries are
rendered in the account's time zone unless ``time_zone=UTC`` was asked; every offset
(``+02:00``) is honoured and the text kept in ``ts_text``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from hotwash.parse import ParseContext, register_parser
from hotwash.parse.httpjson import expect, frame, instant, load_json, to_json

__all__ = ["parse_incidents", "parse_log_entries"]


def _summary(ref: Any) -> str | None:
    return str(ref.get("summary")) if isinstance(ref, dict) and ref.get("summary") else None


def _user(ref: Any) -> str | None:
    is_user = isinstance(ref, dict) and str(ref.get("type", "")).startswith("user")
    return _summary(ref) if is_user else None


@register_parser("pagerduty.incidents")
def parse_incidents(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """Triggered (and resolved) records of each incident."""
    body = expect(load_json(data, ctx), dict, "response", ctx)
    rows: list[dict[str, Any]] = []
    for index, incident in enumerate(expect(body.get("incidents"), list, "incidents", ctx)):
        incident = expect(incident, dict, f"incidents[{index}]", ctx)
        rows.append(_incident_row(incident, "created_at", "triggered", None, index, ctx))
        if incident.get("resolved_at"):
            actor = _user(incident.get("last_status_change_by"))
            rows.append(_incident_row(incident, "resolved_at", "resolved", actor, index, ctx))
    return frame(rows, ctx)


def _incident_row(
    incident: dict[str, Any], key: str, level: str, actor: str | None, index: int, ctx: ParseContext
) -> dict[str, Any]:
    fields = {
        name: incident.get(name)
        for name in ("id", "incident_number", "status", "urgency", "incident_key", "html_url")
    }
    fields["priority"] = _summary(incident.get("priority"))
    fields["escalation_policy"] = _summary(incident.get("escalation_policy"))
    return {
        "ts": instant(incident.get(key), ctx, f"incidents[{index}].{key}"),
        "ts_text": incident.get(key),
        "kind": "page",
        "stream": _summary(incident.get("service")) or "",
        "level": level,
        "message": str(incident.get("title") or incident.get("summary") or ""),
        "actor": actor,
        "fields": to_json(fields),
        "offset": index,
    }


@register_parser("pagerduty.log_entries")
def parse_log_entries(data: bytes | Path, ctx: ParseContext) -> pl.DataFrame:
    """One record per log entry, in payload order (PagerDuty lists newest first)."""
    body = expect(load_json(data, ctx), dict, "response", ctx)
    rows: list[dict[str, Any]] = []
    for index, entry in enumerate(expect(body.get("log_entries"), list, "log_entries", ctx)):
        entry = expect(entry, dict, f"log_entries[{index}]", ctx)
        rows.append(_entry_row(entry, index, ctx))
    return frame(rows, ctx)


def _entry_row(entry: dict[str, Any], index: int, ctx: ParseContext) -> dict[str, Any]:
    kind = str(entry.get("type", "")).removesuffix("_log_entry")
    fields = {
        "id": entry.get("id"),
        "type": entry.get("type"),
        "incident": (entry.get("incident") or {}).get("id"),
        "channel": (entry.get("channel") or {}).get("type"),
        "agent": _summary(entry.get("agent")),
        "notified": _summary(entry.get("user")),
        "note": entry.get("note"),
        "event_details": entry.get("event_details"),
        "acknowledgement_timeout": entry.get("acknowledgement_timeout"),
    }
    return {
        "ts": instant(entry.get("created_at"), ctx, f"log_entries[{index}].created_at"),
        "ts_text": entry.get("created_at"),
        "kind": "page",
        "stream": _summary(entry.get("service")) or "",
        "level": kind,
        "message": str(entry.get("note") or entry.get("summary") or kind),
        "actor": _user(entry.get("agent")),
        "fields": to_json({k: v for k, v in fields.items() if v is not None}),
        "offset": index,
    }
