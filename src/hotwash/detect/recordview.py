"""A tolerant view of one record row, shared by the alert, page, chat, change and k8s detectors.

Parsers put source-specific detail in the ``fields`` JSON column. These helpers read it
without assuming one exact layout: a key may sit at the top level or under ``labels``,
``agent``, ``involvedObject`` and similar. Every detector in this package works on a
few hundred rows at most (alerts, pages, messages, Kubernetes events), so rows are
materialised as dictionaries after a vectorised filter on ``kind``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hotwash.detect.base import evidence_ref
from hotwash.timeutil import parse_instant

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Row", "rows_of_kind"]

_NESTED = ("labels", "commonLabels", "metric", "agent", "involvedObject", "source", "details")


@dataclass(frozen=True)
class Row:
    """One record with its ``fields`` decoded."""

    ts: datetime
    source: str
    kind: str
    stream: str
    level: str
    message: str
    actor: str | None
    value: float | None
    fields: dict[str, Any]
    ref: str

    def get(self, *names: str) -> Any:
        """The first of ``names`` found in fields, at the top level or one level down."""
        for name in names:
            if self.fields.get(name) not in (None, ""):
                return self.fields[name]
        for nested in _NESTED:
            inner = self.fields.get(nested)
            if isinstance(inner, dict):
                for name in names:
                    if inner.get(name) not in (None, ""):
                        return inner[name]
        return None

    def text(self, *names: str) -> str:
        """Like :meth:`get`, as a string ('' when absent or not a scalar)."""
        value = self.get(*names)
        if isinstance(value, dict):
            value = value.get("summary") or value.get("name") or ""
        return "" if value is None or isinstance(value, list) else str(value)

    def instant(self, *names: str) -> datetime | None:
        """A time field (ISO-8601 with a zone) as UTC; None when absent or unusable."""
        value = self.get(*names)
        if not isinstance(value, str) or value.startswith("0001-01-01"):
            return None
        try:
            return parse_instant(value)
        except ValueError:
            return None


def decode_fields(text: str | None) -> dict[str, Any]:
    """The ``fields`` JSON object ({} when empty or not an object)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def rows_of_kind(records: pl.DataFrame, *kinds: str) -> Iterator[Row]:
    """Rows whose ``kind`` is one of ``kinds``, in time order."""
    import polars as pl

    subset = records.filter(pl.col("kind").is_in(list(kinds))).sort(
        ["ts", "source", "evidence", "offset"]
    )
    for row in subset.iter_rows(named=True):
        yield _row(row)


def _row(row: dict[str, Any]) -> Row:
    return Row(
        ts=row["ts"],
        source=row["source"] or "",
        kind=row["kind"] or "",
        stream=row["stream"] or "",
        level=(row["level"] or "").lower(),
        message=row["message"] or "",
        actor=row["actor"] or None,
        value=row["value"],
        fields=decode_fields(row["fields"]),
        ref=evidence_ref(row["evidence"] or "", row["offset"]),
    )
