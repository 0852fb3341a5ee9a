"""HTTP for tracker APIs: rate limits waited out, failures turned into one clear error.

A 403 or 429 that says the rate limit is spent (``x-ratelimit-remaining: 0`` with
``x-ratelimit-reset``, or ``Retry-After``) is retried after the reset, a few times at most;
the waiting goes through an injected ``sleep`` so tests do not wait. A 401 names the
environment variable that holds the token. Error messages never contain the token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from hotwash.errors import PublishError
from hotwash.redact import redact_text

__all__ = ["ApiClient"]

MAX_RETRIES = 3
MAX_WAIT_SECONDS = 15 * 60


@dataclass
class ApiClient:
    """An ``httpx.Client`` bound to one tracker: its name, base URL, auth and token variable."""

    tracker: str
    client: httpx.Client
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    token_env: str | None = None
    display: str | None = None
    """How errors name the endpoint (instead of ``base_url``, e.g. for a secret webhook URL)."""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request, retrying rate-limited ones; raise :class:`PublishError` on failure."""
        url = path if path.startswith("http") else self.base_url.rstrip("/") + path
        for attempt in range(MAX_RETRIES + 1):
            response = self._send(method, url, **kwargs)
            wait = self._rate_limit_wait(response)
            if wait is None:
                break
            if attempt == MAX_RETRIES or wait > MAX_WAIT_SECONDS:
                raise PublishError(f"{self.tracker}: rate limited; try again in {wait:.0f} s")
            self.sleep(wait)
        self._raise_for_status(response, method, url)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON body of a successful request."""
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise PublishError(f"{self.tracker}: {method} {path}: answer is not JSON") from exc

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.client.request(method, url, headers=self.headers, **kwargs)
        except httpx.HTTPError as exc:
            reason = redact_text((str(exc) or type(exc).__name__).replace(url, "<url>")).text
            where = self.display or self.base_url
            raise PublishError(f"{self.tracker}: cannot reach {where}: {reason}") from exc

    def _rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code not in (403, 429):
            return None
        retry_after = response.headers.get("retry-after")
        if retry_after:
            return _seconds_from_retry_after(retry_after, self.clock())
        if response.headers.get("x-ratelimit-remaining") == "0":
            reset = response.headers.get("x-ratelimit-reset")
            if reset and reset.isdigit():
                return max(0.0, int(reset) - self.clock()) + 1.0
            return 60.0
        return None if response.status_code == 403 else 60.0

    def _raise_for_status(self, response: httpx.Response, method: str, url: str) -> None:
        if response.is_success:
            return
        path = url.removeprefix(self.base_url.rstrip("/"))
        where = f"{self.tracker}: {method} {path or self.display or '/'}"
        if response.status_code == 401:
            source = f"${self.token_env}" if self.token_env else "the configured credentials"
            raise PublishError(f"{where}: authentication failed (401); check the token in {source}")
        detail = redact_text(_error_detail(response)).text
        raise PublishError(f"{where}: HTTP {response.status_code}: {detail}")


def _seconds_from_retry_after(value: str, now: float) -> float:
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return 60.0


def _error_detail(response: httpx.Response) -> str:
    """The API's own words: GitHub/GitLab ``message``, Jira ``errorMessages``/``errors``."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    if not isinstance(body, dict):
        return str(body)[:200]
    parts: list[str] = []
    for key in ("message", "error", "error_description"):
        if isinstance(body.get(key), str):
            parts.append(body[key])
    if isinstance(body.get("message"), dict | list):
        parts.append(str(body["message"]))
    parts += [str(m) for m in body.get("errorMessages") or []]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"{k}: {v}" for k, v in errors.items()]
    elif isinstance(errors, list):
        parts += [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
    return "; ".join(parts)[:300] or response.reason_phrase
