"""Opsgenie (kind ``opsgenie``): the activity log of the incident's alerts.

Spec options::

    [[sources]]
    name = "opsgenie"
    kind = "opsgenie"
    token_env = "OPSGENIE_API_KEY"   # sent as "Authorization: GenieKey ..."
    alert_ids = ["8418d193-2dab-4490-b331-8c02cdd196b7"]
    identifier_type = "id"           # or "tiny" / "alias"
    url = "https://api.opsgenie.com" # default; api.eu.opsgenie.com for EU accounts
    page_size = 100                  # entries per request (at most 100)

``GET /v2/alerts/{id}/logs`` pages forward (``direction=next``, ``order=asc``) with the
opaque ``offset`` cursor of the last entry, while the answer has a ``paging.next`` link.
The alerts are named in the spec: Opsgenie's log API has no time filter, so every log
entry of those alerts is collected whatever the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, register_source
from hotwash.sources.http import HttpApi, HttpResponse, HttpSource, number_option
from hotwash.sources.options import list_option, str_option

__all__ = ["OpsgenieSource"]

DEFAULT_URL = "https://api.opsgenie.com"
PAGE_LIMIT = 100


@register_source
class OpsgenieSource(HttpSource):
    """Alert logs (``opsgenie.alert_logs``) of the alerts named in the spec."""

    name = "opsgenie"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Yield every page of every named alert's log."""
        ids = list_option(spec, "alert_ids")
        if not ids:
            raise SourceError(spec.name, "alert_ids must list the Opsgenie alerts to collect")
        identifier = str_option(spec, "identifier_type", "id") or "id"
        limit = min(int(number_option(spec, "page_size", PAGE_LIMIT, minimum=1)), PAGE_LIMIT)
        with self.api(
            spec,
            default_url=DEFAULT_URL,
            default_auth="opsgenie",
        ) as api:
            for alert_id in ids:
                for page in _log_pages(api, alert_id, identifier, limit):
                    yield Fetched("opsgenie.alert_logs", page.request, page.content)


def _log_pages(api: HttpApi, alert_id: str, identifier: str, limit: int) -> Iterator[HttpResponse]:
    path = f"/v2/alerts/{quote(alert_id, safe='')}/logs"
    params: dict[str, Any] = {
        "identifierType": identifier,
        "direction": "next",
        "limit": limit,
        "order": "asc",
    }
    while True:
        page = api.get(path, params)
        entries = page.data.get("data") if isinstance(page.data, dict) else None
        if not isinstance(entries, list):
            raise SourceError(api.source, f"no 'data' list in the answer to {page.request}")
        yield page
        cursor = entries[-1].get("offset") if entries and isinstance(entries[-1], dict) else None
        if not (page.data.get("paging") or {}).get("next") or not cursor:
            return
        if cursor == params.get("offset"):
            raise SourceError(api.source, f"the log cursor did not move at {page.request}")
        params["offset"] = cursor
