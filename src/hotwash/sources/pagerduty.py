"""PagerDuty (kind ``pagerduty``): incidents of the window and each one's log entries.

Spec options::

    [[sources]]
    name = "pd"
    kind = "pagerduty"
    token_env = "PAGERDUTY_TOKEN"   # REST API key, sent as "Authorization: Token token=..."
    service_ids = ["PSRV123"]       # optional filter
    url = "https://api.pagerduty.com"   # default; or api.eu.pagerduty.com
    page_size = 100                 # items per request (PagerDuty's maximum is 100)

``GET /incidents?since=&until=`` lists the incidents created in the window, and
``GET /incidents/{id}/log_entries`` their trigger, notify, acknowledge, escalate,
annotate and resolve entries. Both are asked with ``time_zone=UTC``: log entries are
otherwise rendered in the account's time zone (the parser honours any offset anyway).
Both page with ``offset`` / ``limit`` until ``more`` is false.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, register_source
from hotwash.sources.http import HttpApi, HttpResponse, HttpSource, number_option
from hotwash.sources.options import list_option
from hotwash.timeutil import format_iso

__all__ = ["PagerDutySource"]

DEFAULT_URL = "https://api.pagerduty.com"
PAGE_LIMIT = 100
ACCEPT = "application/vnd.pagerduty+json;version=2"


@register_source
class PagerDutySource(HttpSource):
    """Incidents (``pagerduty.incidents``) and their log entries (``pagerduty.log_entries``)."""

    name = "pagerduty"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Yield each page of incidents, each followed by its incidents' log entries."""
        limit = int(number_option(spec, "page_size", PAGE_LIMIT, minimum=1))
        params: dict[str, Any] = {
            "limit": min(limit, PAGE_LIMIT),
            "since": format_iso(window.start),
            "until": format_iso(window.end),
            "service_ids[]": list_option(spec, "service_ids") or None,
            "time_zone": "UTC",
        }
        with self.api(
            spec,
            default_url=DEFAULT_URL,
            default_auth="pagerduty",
            default_headers={"Accept": ACCEPT},
        ) as api:
            for page in _paged(api, "/incidents", params, "incidents"):
                yield Fetched("pagerduty.incidents", page.request, page.content)
                for incident_id in _incident_ids(page):
                    path = f"/incidents/{incident_id}/log_entries"
                    entries = {"time_zone": "UTC", "is_overview": "false", "limit": params["limit"]}
                    for entry_page in _paged(api, path, entries, "log_entries"):
                        yield Fetched(
                            "pagerduty.log_entries", entry_page.request, entry_page.content
                        )


def _paged(api: HttpApi, path: str, params: dict[str, Any], key: str) -> Iterator[HttpResponse]:
    """Every page of a classic PagerDuty list (``offset``/``limit``/``more``)."""
    offset = 0
    while True:
        page = api.get(path, {**params, "offset": offset})
        items = page.data.get(key) if isinstance(page.data, dict) else None
        if not isinstance(items, list):
            raise SourceError(api.source, f"no {key!r} list in the answer to {page.request}")
        yield page
        if not page.data.get("more") or not items:
            return
        offset += len(items)


def _incident_ids(page: HttpResponse) -> list[str]:
    return [
        str(item["id"])
        for item in page.data["incidents"]
        if isinstance(item, dict) and "id" in item
    ]
