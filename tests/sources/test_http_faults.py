"""Faults of HTTP sources: each gives one clear SourceError, secrets never leak."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from tests.sources.conftest import free_port

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.http import HttpApi, rate_limit_wait
from hotwash.sources.pagerduty import PagerDutySource
from hotwash.sources.prometheus import PrometheusSource

WINDOW = Window(
    start=datetime(2024, 5, 14, 14, 0, tzinfo=UTC), end=datetime(2024, 5, 14, 14, 30, tzinfo=UTC)
)
SECRET = "u+s3cr3t-t0ken-value"
SUCCESS = {"status": "success", "data": {"resultType": "matrix", "result": []}}


def prom_spec(url: str = "http://prom.test", **extra: object) -> SourceSpec:
    return SourceSpec(name="prom", kind="prometheus", url=url, alerts=False, **extra)


def client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_closed_port_is_reported_as_unreachable_after_retries() -> None:
    port = free_port()  # bound then closed: nothing listens there
    slept: list[float] = []
    source = PrometheusSource(sleep=slept.append)
    spec = prom_spec(f"http://127.0.0.1:{port}", queries=[{"name": "up", "expr": "up"}])
    with pytest.raises(SourceError) as caught:
        list(source.collect(spec, WINDOW))
    message = str(caught.value)
    assert message == f"source 'prom': cannot reach http://127.0.0.1:{port}/: connection refused"
    assert slept == [0.5, 1.0, 2.0]  # three retries with exponential backoff


def test_401_names_the_variable_and_never_the_token() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(401, json={"error": {"message": "Unauthorized", "code": 2006}})

    source = PagerDutySource(client=client(handler), env={"PAGERDUTY_TOKEN": SECRET})
    spec = SourceSpec(name="pd", kind="pagerduty", token_env="PAGERDUTY_TOKEN")
    with pytest.raises(SourceError) as caught:
        list(source.collect(spec, WINDOW))
    assert seen == [f"Token token={SECRET}"]
    assert "authentication failed" in str(caught.value)
    assert "$PAGERDUTY_TOKEN" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


def test_missing_token_variable_is_named() -> None:
    spec = SourceSpec(name="pd", kind="pagerduty", token_env="PAGERDUTY_TOKEN")
    with pytest.raises(SourceError, match=r"\$PAGERDUTY_TOKEN \(token_env\) is not set"):
        list(
            PagerDutySource(client=client(lambda r: httpx.Response(200)), env={}).collect(
                spec, WINDOW
            )
        )


def test_500_then_success_is_retried_with_backoff() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if len(paths) == 2:
            return httpx.Response(500, text="upstream hiccup")
        return httpx.Response(200, json=SUCCESS)

    slept: list[float] = []
    source = PrometheusSource(client=client(handler), sleep=slept.append)
    spec = prom_spec(queries=[{"name": "up", "expr": "up"}])
    fetched = list(source.collect(spec, WINDOW))
    assert [f.format for f in fetched] == ["prometheus.query_range"]
    assert paths == ["/api/v1/status/flags"] + ["/api/v1/query_range"] * 2
    assert slept == [0.5]


def test_500_every_time_gives_up_with_the_server_message() -> None:
    slept: list[float] = []
    handler = lambda r: httpx.Response(503, text="service unavailable")  # noqa: E731
    source = PrometheusSource(client=client(handler), sleep=slept.append)
    spec = prom_spec(queries=[{"name": "up", "expr": "up"}], retries=2)
    with pytest.raises(
        SourceError, match=r"HTTP 503 from GET http://prom\.test/api/v1/status/flags"
    ):
        list(source.collect(spec, WINDOW))
    assert slept == [0.5, 1.0]


def test_429_waits_for_retry_after() -> None:
    answers = [httpx.Response(429, headers={"Retry-After": "7"})]
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else httpx.Response(200, json=SUCCESS)

    source = PrometheusSource(client=client(handler), sleep=slept.append)
    fetched = list(source.collect(prom_spec(queries=[{"name": "up", "expr": "up"}]), WINDOW))
    assert len(fetched) == 1
    assert slept == [7.0]


def test_403_with_rate_limit_headers_waits_until_reset() -> None:
    now = 1_700_000_000.0
    limited = httpx.Response(
        403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(now) + 12)}
    )
    assert rate_limit_wait(limited, now=now) == 12.0
    assert rate_limit_wait(httpx.Response(403), now=now) is None  # a plain 403 is auth
    assert rate_limit_wait(httpx.Response(429, headers={"ratelimit-reset": "3"}), now=now) == 3.0
    busy = httpx.Response(503, headers={"Retry-After": "Tue, 14 Nov 2023 22:13:40 GMT"})
    assert rate_limit_wait(busy, now=now) == 20.0  # an HTTP date, 20 s after now
    assert rate_limit_wait(httpx.Response(503), now=now) is None  # plain 503: backoff


def test_rate_limit_asking_too_long_a_wait_is_an_error() -> None:
    handler = lambda r: httpx.Response(429, headers={"Retry-After": "3600"})  # noqa: E731
    slept: list[float] = []
    source = PrometheusSource(client=client(handler), sleep=slept.append)
    with pytest.raises(SourceError, match=r"rate limited .* wait 3600 s"):
        list(source.collect(prom_spec(), WINDOW))
    assert slept == []


def test_malformed_json_names_source_and_request() -> None:
    handler = lambda r: httpx.Response(200, content=b"<html>proxy login</html>")  # noqa: E731
    with pytest.raises(SourceError) as caught:
        list(PrometheusSource(client=client(handler)).collect(prom_spec(), WINDOW))
    message = str(caught.value)
    assert message.startswith("source 'prom': malformed JSON from GET http://prom.test/api/v1/")


def test_truncated_json_is_called_truncated() -> None:
    body = b'{"status":"success","data":{"resultType":"matrix","result":[{"metric":{'
    handler = lambda r: httpx.Response(200, content=body)  # noqa: E731
    with pytest.raises(SourceError, match=r"truncated JSON from GET http://prom\.test/api/v1/"):
        list(PrometheusSource(client=client(handler)).collect(prom_spec(), WINDOW))


def test_prometheus_error_body_is_shown() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/flags"):
            return httpx.Response(404)
        body = {"status": "error", "errorType": "bad_data", "error": "parse error at char 5"}
        return httpx.Response(400, json=body)

    spec = prom_spec(queries=[{"name": "bad", "expr": "rate(x[5m"}])
    with pytest.raises(SourceError) as caught:
        list(PrometheusSource(client=client(handler)).collect(spec, WINDOW))
    assert "HTTP 400 from GET http://prom.test/api/v1/query_range?query=rate" in str(caught.value)
    assert str(caught.value).endswith(": parse error at char 5")


def test_credentials_in_headers_option_are_refused() -> None:
    spec = prom_spec(headers={"Authorization": "Bearer x"})
    with pytest.raises(SourceError, match="put credentials in token_env"):
        HttpApi(spec)


def test_bad_url_is_reported() -> None:
    with pytest.raises(SourceError, match="url must be an http"):
        list(PrometheusSource().collect(prom_spec("prom:9090"), WINDOW))


def test_basic_auth_uses_username_and_the_variable() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200, json=SUCCESS)

    spec = prom_spec(auth="basic", username="reader", token_env="PROM_PASSWORD")
    api = HttpApi(spec, client=client(handler), env={"PROM_PASSWORD": "pw"})
    api.get("/api/v1/query", {"query": "up"})
    assert seen == ["Basic cmVhZGVyOnB3"]  # base64("reader:pw")


def test_credentials_written_in_the_url_are_not_repeated() -> None:
    handler = lambda r: httpx.Response(500, text="down")  # noqa: E731
    spec = prom_spec("http://admin:hunter2@prom.test", retries=0)
    with pytest.raises(SourceError) as caught:
        list(PrometheusSource(client=client(handler)).collect(spec, WINDOW))
    assert "hunter2" not in str(caught.value)
    assert "GET http://prom.test/api/v1/status/flags" in str(caught.value)
