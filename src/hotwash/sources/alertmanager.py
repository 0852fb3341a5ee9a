"""Alertmanager (kind ``alertmanager``): the alerts and silences it holds now.

Spec options::

    [[sources]]
    name = "am"
    kind = "alertmanager"
    url = "http://alertmanager:9093"
    filter = ['team="checkout"']     # optional matchers, as in /api/v2/alerts?filter=
    token_env = "AM_TOKEN"           # optional bearer token

Alertmanager keeps only what fires now (and resolved alerts for a short while), so for
the history of a past incident use the Prometheus source's ``ALERTS`` series or the
notifications a webhook receiver saved (format ``alertmanager.webhook``).
"""

from __future__ import annotations

from collections.abc import Iterator

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, register_source
from hotwash.sources.http import HttpApi, HttpResponse, HttpSource
from hotwash.sources.options import list_option

__all__ = ["AlertmanagerSource"]


@register_source
class AlertmanagerSource(HttpSource):
    """``/api/v2/alerts`` (active, silenced, inhibited, unprocessed) and ``/api/v2/silences``."""

    name = "alertmanager"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Yield the alerts, then the silences; both are snapshots taken now."""
        params = {
            "active": "true",
            "silenced": "true",
            "inhibited": "true",
            "unprocessed": "true",
            "filter": list_option(spec, "filter") or None,
        }
        with self.api(spec) as api:
            alerts = _listed(api, api.get("/api/v2/alerts", params))
            yield Fetched("alertmanager.alerts", alerts.request, alerts.content)
            silences = _listed(api, api.get("/api/v2/silences", {"filter": params["filter"]}))
            yield Fetched("alertmanager.silences", silences.request, silences.content)


def _listed(api: HttpApi, answer: HttpResponse) -> HttpResponse:
    if not isinstance(answer.data, list):
        raise SourceError(api.source, f"expected a JSON array from {answer.request}")
    return answer
