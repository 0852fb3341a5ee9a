"""Series of an expression without a metric name are named after their query."""

from __future__ import annotations

import json

from hotwash.parse import ParseContext, parse

PAYLOAD = {
    "status": "success",
    "data": {
        "resultType": "matrix",
        "result": [
            {"metric": {"code": "5xx"}, "values": [[1715695380, "0.02"], [1715695440, "15"]]},
            {"metric": {}, "values": [[1715695380, "0.3"]]},
        ],
    },
}


def test_nameless_series_take_the_query_name() -> None:
    ctx = ParseContext(source="prom", query_name="http_rate_by_code")
    frame = parse("prometheus.query_range", json.dumps(PAYLOAD).encode(), ctx)
    assert set(frame["message"]) == {"http_rate_by_code"}
    assert set(frame["stream"]) == {'{code="5xx"}', "{}"}


def test_without_a_query_name_the_labels_name_the_series() -> None:
    frame = parse("prometheus.query_range", json.dumps(PAYLOAD).encode(), ParseContext("prom"))
    assert '{code="5xx"}' in set(frame["message"])
