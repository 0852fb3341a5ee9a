"""The HTTP client every API source shares: auth, timeouts, retries, rate limits, errors.

:class:`HttpApi` wraps an ``httpx.Client`` (injected by tests, built here otherwise) for
one source spec. It resolves the base URL and credentials from the spec, retries 5xx
answers and connection errors with bounded exponential backoff, waits out rate limits
(429, or 403 with rate-limit headers) when the wait is bounded, and turns every failure
into one :class:`~hotwash.errors.SourceError` naming the source and the request.

Credentials come only from environment variables *named* in the spec::

    token_env = "PAGERDUTY_TOKEN"     # the variable holding the token
    auth = "bearer"                   # bearer | basic | apikey | pagerduty | opsgenie | none
    username = "reader"               # basic auth only; password from token_env
    headers = {X-Scope-OrgID = "t1"}  # optional non-secret headers
    retries = 3                       # retries of 5xx answers and connection errors
    timeout = 30                      # seconds per request
    max_rate_wait = 60                # longest wait a rate limit may ask for, seconds

The token's value never appears in an error message, a log line or a ``Fetched``.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from hotwash.errors import SourceError
from hotwash.model import SourceSpec
from hotwash.sources.base import Source

__all__ = [
    "HttpApi",
    "HttpResponse",
    "RetryPolicy",
    "Sleep",
    "api_error_detail",
    "describe",
    "number_option",
    "option",
    "rate_limit_wait",
]

Sleep = Callable[[float], None]

AUTH_SCHEMES = ("bearer", "basic", "apikey", "pagerduty", "opsgenie", "none")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts for 5xx/connection errors, and the longest waits."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_rate_wait: float = 60.0
    timeout: float = 30.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based): 0.5, 1, 2, 4, ..."""
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class HttpResponse:
    """A successful answer: the raw bytes (the evidence) and the decoded JSON."""

    content: bytes
    data: Any
    request: str
    headers: httpx.Headers


def option(spec: SourceSpec, key: str, default: Any = None) -> Any:
    """An option of a source spec (``extra`` keys of :class:`SourceSpec`), unchecked."""
    extra = spec.model_extra or {}
    value = extra.get(key)
    return default if value is None else value


def number_option(spec: SourceSpec, key: str, default: float, minimum: float = 0) -> float:
    """A numeric option at least ``minimum``; anything else names the source and option."""
    value = option(spec, key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise SourceError(spec.name, f"option {key!r} must be a number >= {minimum}, got {value!r}")
    return float(value)


class HttpApi:
    """One source's view of an HTTP API (base URL, auth, retries, error translation)."""

    def __init__(
        self,
        spec: SourceSpec,
        *,
        client: httpx.Client | None = None,
        sleep: Sleep = time.sleep,
        env: Mapping[str, str] | None = None,
        default_url: str | None = None,
        default_auth: str = "bearer",
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        self.source = spec.name
        self.base_url = _base_url(spec, default_url)
        self.policy = _policy(spec)
        self.token_env: str | None = option(spec, "token_env")
        self._sleep = sleep
        self._headers = {"Accept": "application/json", **(default_headers or {})}
        self._headers.update(_auth_headers(spec, default_auth, os.environ if env is None else env))
        self._headers.update(_plain_headers(spec))
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=self.policy.timeout, follow_redirects=True)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> HttpResponse:
        """GET ``path`` (relative to the base URL) and decode the JSON answer."""
        return _required(self._call("GET", path, params=params))

    def get_optional(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> HttpResponse | None:
        """GET an endpoint that some servers lack: None on 404 instead of an error."""
        return self._call("GET", path, params=params, missing_ok=True)

    def get_text_optional(self, path: str) -> HttpResponse | None:
        """GET a non-JSON endpoint (``data`` is None); None on 404."""
        return self._call("GET", path, missing_ok=True, decode=False)

    def post(self, path: str, body: Any, params: Mapping[str, Any] | None = None) -> HttpResponse:
        """POST ``body`` as JSON and decode the JSON answer."""
        return _required(self._call("POST", path, params=params, body=body))

    def delete(self, path: str, body: Any = None) -> HttpResponse:
        """DELETE ``path`` (with an optional JSON body) and decode the JSON answer."""
        return _required(self._call("DELETE", path, body=body))

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        missing_ok: bool = False,
        decode: bool = True,
    ) -> HttpResponse | None:
        """Send one request with retries; raise SourceError on any failure."""
        try:
            request = self._client.build_request(
                method,
                self.url(path),
                params=_clean_params(params),
                json=body,
                headers=self._headers,
                timeout=self.policy.timeout,
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise SourceError(self.source, f"bad URL {self.url(path)!r}: {exc}") from exc
        label = describe(request)
        response = self._send_with_retries(request, label, missing_ok)
        if response is None:
            return None
        return HttpResponse(
            response.content,
            self._decode(response, label) if decode else None,
            label,
            response.headers,
        )

    def _send_with_retries(
        self, request: httpx.Request, label: str, missing_ok: bool = False
    ) -> httpx.Response | None:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.send(request)
            except httpx.TransportError as exc:
                if attempt >= self.policy.attempts or not _retryable_transport(exc):
                    raise SourceError(self.source, _transport_message(exc, request)) from exc
                self._sleep(self.policy.delay(attempt))
                continue
            except httpx.HTTPError as exc:
                raise SourceError(self.source, f"{label} failed: {exc}") from exc
            wait = rate_limit_wait(response)
            if wait is not None:
                self._wait_rate_limit(wait, attempt, label)
                continue
            if response.status_code >= 500 and attempt < self.policy.attempts:
                self._sleep(self.policy.delay(attempt))
                continue
            if missing_ok and response.status_code == 404:
                return None
            self._check_status(response, label)
            return response

    def _wait_rate_limit(self, wait: float, attempt: int, label: str) -> None:
        if wait > self.policy.max_rate_wait or attempt >= self.policy.attempts:
            raise SourceError(
                self.source,
                f"rate limited on {label}; the server asks to wait {wait:.0f} s "
                f"(more than {self.policy.max_rate_wait:.0f} s or too many tries); try later",
            )
        self._sleep(max(wait, 0.0))

    def _check_status(self, response: httpx.Response, label: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status in (401, 403):
            raise SourceError(self.source, self._auth_message(status, label))
        detail = api_error_detail(response.content)
        suffix = f": {detail}" if detail else ""
        raise SourceError(self.source, f"HTTP {status} from {label}{suffix}")

    def _auth_message(self, status: int, label: str) -> str:
        if self.token_env:
            hint = f"check the token in ${self.token_env}"
        else:
            hint = "the server needs credentials: set token_env to the variable holding them"
        return f"authentication failed (HTTP {status} from {label}); {hint}"

    def _decode(self, response: httpx.Response, label: str) -> Any:
        text = response.content
        try:
            return json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(self.source, _json_message(exc, text, label)) from exc


def _required(response: HttpResponse | None) -> HttpResponse:
    assert response is not None, "only missing_ok requests may return None"
    return response


def describe(request: httpx.Request) -> str:
    """``GET /api/v1/query_range?query=up&...``: the request as a person would write it."""
    query = request.url.query.decode("ascii", "replace")
    target = request.url.path + (f"?{httpx.QueryParams(query)}" if query else "")
    return f"{request.method} {_origin(request.url)}{target}"


def _origin(url: httpx.URL) -> str:
    """``scheme://host:port`` without any user:password written in the URL."""
    port = f":{url.port}" if url.port else ""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}{port}"


def rate_limit_wait(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds to wait if ``response`` asks for it: 429, a 403 with rate-limit headers, or
    a 503 with ``Retry-After``; None for any other answer."""
    headers = response.headers
    status = response.status_code
    limited = (
        status == 429
        or (
            status == 403
            and (headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers)
        )
        or (status == 503 and "retry-after" in headers)
    )
    if not limited:
        return None
    current = time.time() if now is None else now
    for name in ("retry-after", "x-ratelimit-reset", "ratelimit-reset"):
        value = headers.get(name)
        if value is not None:
            seconds = _header_seconds(value, current)
            if seconds is not None:
                return seconds
    return 1.0


def _header_seconds(value: str, now: float) -> float | None:
    """A delay in seconds, an epoch second (``X-RateLimit-Reset``) or an HTTP date."""
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        try:
            return parsedate_to_datetime(text).timestamp() - now
        except (TypeError, ValueError):
            return None
    return number - now if number > 1e9 else number


def api_error_detail(content: bytes) -> str:
    """The error text an API put in its body (Prometheus, Elasticsearch, PagerDuty, ...)."""
    try:
        body = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return content.decode("utf-8", "replace").strip()[:300]
    if not isinstance(body, dict):
        return ""
    error = body.get("error", body.get("message", ""))
    if isinstance(error, dict):
        error = error.get("reason") or error.get("message") or json.dumps(error)[:300]
    return str(error)[:300]


def _json_message(exc: Exception, text: bytes, label: str) -> str:
    if not text.strip():
        return f"empty response from {label} (expected JSON)"
    if isinstance(exc, json.JSONDecodeError) and exc.pos >= len(exc.doc.rstrip()):
        return f"truncated JSON from {label} ({len(text)} bytes; the answer stops mid-document)"
    return f"malformed JSON from {label}: {exc}"


def _retryable_transport(exc: httpx.TransportError) -> bool:
    return isinstance(exc, httpx.ConnectError | httpx.TimeoutException | httpx.RemoteProtocolError)


def _transport_message(exc: httpx.TransportError, request: httpx.Request) -> str:
    where = f"{_origin(request.url)}/"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer from {where} in time ({type(exc).__name__})"
    reason = str(exc).split("]")[-1].strip().lower() or type(exc).__name__
    return f"cannot reach {where}: {reason}"


def _clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    return {k: v for k, v in params.items() if v is not None}


def _base_url(spec: SourceSpec, default_url: str | None) -> str:
    url = option(spec, "url", default_url)
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise SourceError(spec.name, f"url must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


def _policy(spec: SourceSpec) -> RetryPolicy:
    return RetryPolicy(
        attempts=int(number_option(spec, "retries", 3)) + 1,
        max_rate_wait=number_option(spec, "max_rate_wait", 60.0),
        timeout=number_option(spec, "timeout", 30.0, minimum=0.001),
    )


def _plain_headers(spec: SourceSpec) -> dict[str, str]:
    """Non-secret headers from the spec (``headers = {X-Scope-OrgID = "tenant-1"}``)."""
    raw = option(spec, "headers", {})
    if not isinstance(raw, dict):
        raise SourceError(spec.name, "headers must be a table of header names to values")
    if any(name.lower() == "authorization" for name in raw):
        raise SourceError(spec.name, "put credentials in token_env, not in headers")
    return {str(name): str(value) for name, value in raw.items()}


def _auth_headers(spec: SourceSpec, default: str, env: Mapping[str, str]) -> dict[str, str]:
    scheme = str(option(spec, "auth", default)).lower()
    if scheme not in AUTH_SCHEMES:
        raise SourceError(spec.name, f"auth must be one of {', '.join(AUTH_SCHEMES)}")
    var = option(spec, "token_env")
    if scheme == "none" or var is None:
        return {}
    secret = env.get(str(var))
    if not secret:
        raise SourceError(spec.name, f"environment variable ${var} (token_env) is not set")
    return {"Authorization": _authorization(scheme, secret, option(spec, "username"))}


def _authorization(scheme: str, secret: str, username: str | None) -> str:
    if scheme == "basic":
        pair = f"{username or ''}:{secret}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")
    if scheme == "pagerduty":
        return f"Token token={secret}"
    if scheme == "opsgenie":
        return f"GenieKey {secret}"
    if scheme == "apikey":
        return f"ApiKey {secret}"
    return f"Bearer {secret}"


class HttpSource(Source):
    """A source that speaks HTTP. The client, the sleep between retries and the environment
    (where tokens are read) are injectable, so tests run against ``httpx.MockTransport``
    without waiting and without touching ``os.environ``."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        sleep: Sleep = time.sleep,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.sleep = sleep
        self.env = env

    def api(self, spec: SourceSpec, **defaults: Any) -> HttpApi:
        """An :class:`HttpApi` for ``spec`` with this source's client, sleep and environment;
        ``defaults`` are HttpApi's keyword defaults (``default_url``, ``default_auth``...)."""
        return HttpApi(spec, client=self.client, sleep=self.sleep, env=self.env, **defaults)
