"""Record frames for the timeline tests, built from the real-shaped payloads in
tests/data/timeline (the shared 2024-05-14 checkout scenario) the way the parsers lay them
out: ``fields`` holds the raw item as JSON, ``ts`` is UTC, ``offset`` the item's index.

Built here rather than through the parsers so that these tests pin the timeline stage
alone; the example test runs the real collector end to end.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from hotwash.records import RECORD_SCHEMA
from hotwash.timeutil import parse_instant

DATA = Path(__file__).resolve().parents[1] / "data" / "timeline"


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def sha(name: str) -> str:
    """A fake but well-formed sha256 per evidence file."""
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    columns = {name: [row.get(name) for row in rows] for name in RECORD_SCHEMA}
    return pl.DataFrame(columns, schema=RECORD_SCHEMA)


def labels_text(labels: dict[str, Any]) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in labels.items() if k != "__name__") + "}"


def _epoch(value: float) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=float(value))


def alerts_series(source: str = "prometheus") -> list[dict[str, Any]]:
    rows = []
    for series in load("prometheus_ALERTS_series")["data"]["result"]:
        metric = series["metric"]
        for stamp, value in series["values"]:
            rows.append(
                {
                    "ts": _epoch(stamp),
                    "ts_text": str(stamp),
                    "source": source,
                    "kind": "alert",
                    "stream": labels_text(metric),
                    "level": metric["alertstate"],
                    "message": metric["alertname"],
                    "value": float(value),
                    "fields": json.dumps(metric),
                    "evidence": sha("ALERTS"),
                    "offset": len(rows),
                }
            )
    return rows


def alertmanager(source: str = "alertmanager") -> list[dict[str, Any]]:
    rows = []
    for index, alert in enumerate(load("alertmanager_v2_alerts")):
        rows.append(_alert_row(alert, alert["startsAt"], alert["status"]["state"], index, source))
    for index, alert in enumerate(load("alertmanager_webhook")["alerts"]):
        rows.append(_alert_row(alert, alert["startsAt"], "firing", index, source, "webhook"))
        rows.append(_alert_row(alert, alert["endsAt"], "resolved", index, source, "webhook"))
    return rows


def _alert_row(
    alert: dict[str, Any], stamp: str, level: str, index: int, source: str, blob: str = "am"
) -> dict[str, Any]:
    return {
        "ts": parse_instant(stamp),
        "ts_text": stamp,
        "source": source,
        "kind": "alert",
        "stream": labels_text(alert["labels"]),
        "level": level,
        "message": alert["labels"]["alertname"],
        "fields": json.dumps(alert),
        "evidence": sha(blob),
        "offset": index,
    }


def pagerduty(source: str = "pagerduty") -> list[dict[str, Any]]:
    entries = load("pagerduty_log_entries")["log_entries"]
    return [
        {
            "ts": parse_instant(e["created_at"]),
            "ts_text": e["created_at"],
            "source": source,
            "kind": "page",
            "stream": e["incident"]["summary"],
            "level": e["type"],
            "message": e["summary"],
            "actor": e["agent"]["summary"] if e["agent"]["type"] == "user_reference" else None,
            "fields": json.dumps(e),
            "evidence": sha("pd"),
            "offset": index,
        }
        for index, e in enumerate(entries)
    ]


def opsgenie(source: str = "opsgenie") -> list[dict[str, Any]]:
    return [
        {
            "ts": parse_instant(e["createdAt"]),
            "ts_text": e["createdAt"],
            "source": source,
            "kind": "page",
            "stream": "opsgenie",
            "level": e["type"],
            "message": e["log"],
            "actor": e["owner"],
            "fields": json.dumps(e),
            "evidence": sha("og"),
            "offset": index,
        }
        for index, e in enumerate(load("opsgenie_alert_logs")["data"])
    ]


def slack(source: str = "slack") -> list[dict[str, Any]]:
    export = load("slack_export")
    users = {u["id"]: "@" + u["profile"]["display_name"] for u in export["users.json"]}
    messages = export["inc-4821-checkout/2024-05-14.json"]
    return [
        {
            "ts": _epoch(float(m["ts"])),
            "ts_text": m["ts"],
            "source": source,
            "kind": "chat",
            "stream": "inc-4821-checkout",
            "message": m.get("text", ""),
            "actor": users.get(m.get("user", "")),
            "fields": json.dumps(m),
            "evidence": sha("slack"),
            "offset": index,
        }
        for index, m in enumerate(messages)
    ]


def kubernetes(source: str = "kubernetes") -> list[dict[str, Any]]:
    rows = []
    for index, item in enumerate(load("kubernetes_events")["items"]):
        stamp = item["lastTimestamp"] or item["eventTime"]
        obj = item["involvedObject"]
        rows.append(
            {
                "ts": parse_instant(stamp),
                "ts_text": stamp,
                "source": source,
                "kind": "k8s",
                "stream": f"{obj['kind']}/{obj['name']}",
                "level": item["type"],
                "message": item["message"],
                "fields": json.dumps(item),
                "evidence": sha("k8s"),
                "offset": index,
            }
        )
    return rows


def log_line(
    at: datetime, message: str, source: str, offset: int, level: str = "error", **extra: Any
) -> dict[str, Any]:
    return {
        "ts": at,
        "ts_text": at.isoformat(),
        "source": source,
        "kind": "log",
        "stream": "checkout-api",
        "level": level,
        "message": message,
        "fields": "{}",
        "evidence": sha(source),
        "offset": offset,
        **extra,
    }


def scenario() -> pl.DataFrame:
    """Every source of the shared scenario, as one record frame."""
    return frame(
        [*alerts_series(), *alertmanager(), *pagerduty(), *opsgenie(), *slack(), *kubernetes()]
    )
