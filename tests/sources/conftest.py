"""Real Prometheus and Alertmanager servers on free loopback ports, and the payload fixtures.

Follows the project's component notes: ``--cluster.listen-address=`` empty (no gossip),
``--web.listen-address=127.0.0.1:PORT``, readiness polling, and a bounded wait for the
first scrape (Prometheus throttles service discovery for ~5 s after start).
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import DATA, need_binary

SOURCES_DATA = DATA / "sources"


def payload(name: str) -> bytes:
    """The ``response`` of a payload fixture, as the service sends it (bytes)."""
    return json.dumps(json.loads((SOURCES_DATA / name).read_text())["response"]).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _ready(url: str) -> bool:
    return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200


@dataclass
class Server:
    """A started binary; stopped (terminate, then kill) when the fixture ends."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start(args: list[str], url: str, log: Path) -> Server:
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    server = Server(url, process, log)
    try:
        wait_until(lambda: process.poll() is None and _ready(url), 20, f"{args[0]} ready")
    except AssertionError:
        server.stop()
        raise AssertionError(f"{args[0]} did not start: {log.read_text()[-2000:]}") from None
    return server


def start_prometheus(folder: Path, config: str, extra: list[str] | None = None) -> Server:
    binary = need_binary("prometheus")
    port = free_port()
    (folder / "prometheus.yml").write_text(config)
    args = [
        binary,
        f"--config.file={folder / 'prometheus.yml'}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--web.external-url=http://127.0.0.1:{port}/",
        *(extra or []),
    ]
    return start(args, f"http://127.0.0.1:{port}", folder / "prometheus.log")


# --- (a) a past incident replayed from an OpenMetrics file --------------------------------

REPLAY_START = datetime(2024, 5, 14, 13, 50, tzinfo=UTC)
REPLAY_STEP = 15
REPLAY_POINTS = 120  # 13:50:00 .. 14:19:45


def _replay_series() -> dict[str, dict[int, float]]:
    """The incident shape: errors climb fast 14:03-14:10; p99 latency steps up and back."""
    start = int(REPLAY_START.timestamp())
    errors: dict[int, float] = {}
    latency: dict[int, float] = {}
    cart: dict[int, float] = {}
    total = 0.0
    for index in range(REPLAY_POINTS):
        ts = start + index * REPLAY_STEP
        in_incident = 13 * 60 <= index * REPLAY_STEP < 20 * 60
        total += 45 if in_incident else 1
        errors[ts] = total
        latency[ts] = 2.5 if in_incident else 0.12
        cart[ts] = 0.08 + (index % 3) * 0.01
    return {
        'app_errors_total{service="checkout"}': errors,
        'app_latency_seconds{quantile="0.99", service="checkout"}': latency,
        'app_latency_seconds{quantile="0.99", service="cart"}': cart,
    }


def _openmetrics(series: dict[str, dict[int, float]]) -> str:
    lines = ["# HELP app_errors Errors by service.", "# TYPE app_errors counter"]
    for name, samples in series.items():
        if name.startswith("app_latency") and "# TYPE app_latency_seconds gauge" not in lines:
            lines.append("# TYPE app_latency_seconds gauge")
        label_text = name.replace(", ", ",")
        lines += [f"{label_text} {value} {ts}" for ts, value in samples.items()]
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


@dataclass
class Replay:
    url: str
    series: dict[str, dict[int, float]]
    start: datetime = REPLAY_START
    end: datetime = REPLAY_START + timedelta(seconds=REPLAY_STEP * REPLAY_POINTS)


@pytest.fixture(scope="module")
def replay_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    """A fresh replay server holding a backfilled incident (retention 10y, no scraping)."""
    promtool = need_binary("promtool")
    folder = tmp_path_factory.mktemp("replay")
    series = _replay_series()
    (folder / "incident.om").write_text(_openmetrics(series))
    (folder / "data").mkdir()
    subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", "incident.om", "data"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=60,
    )
    server = start_prometheus(
        folder, "global: {}\nscrape_configs: []\n", ["--storage.tsdb.retention.time=10y"]
    )
    try:
        yield Replay(server.url, series)
    finally:
        server.stop()


# --- (b) a live alert through a real Alertmanager -----------------------------------------


@dataclass
class Exporter:
    """A tiny stdlib exporter: every scrape adds 3 errors; it also saves webhook bodies."""

    port: int = 0
    errors: int = 0
    webhooks: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _exporter_handler(state: Exporter) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.errors += 3
                body = (
                    "# TYPE app_errors_total counter\n"
                    f'app_errors_total{{service="checkout"}} {state.errors}\n'
                ).encode()
            self._reply(200, body, "text/plain; version=0.0.4")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            with state.lock:
                state.webhooks.append(self.rfile.read(length))
            self._reply(200, b"ok", "text/plain")

        def _reply(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@dataclass
class LiveStack:
    prometheus: str
    alertmanager: str
    exporter: Exporter
    started: datetime


RULES = """groups:
  - name: app
    interval: 1s
    rules:
      - alert: AppErrors
        expr: rate(app_errors_total[5s]) > 0
        for: 0s
        labels: {severity: page}
        annotations: {summary: "checkout is raising errors"}
"""


def _live_prometheus_config(exporter_port: int, am_port: int) -> str:
    return f"""global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]
scrape_configs:
  - job_name: app
    static_configs: [{{targets: ['127.0.0.1:{exporter_port}']}}]
"""


def _alertmanager_config(exporter_port: int) -> str:
    return f"""route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs: [{{url: 'http://127.0.0.1:{exporter_port}/webhook'}}]
"""


def _start_alertmanager(folder: Path, exporter_port: int) -> Server:
    binary = need_binary("prometheus-alertmanager")
    port = free_port()
    (folder / "alertmanager.yml").write_text(_alertmanager_config(exporter_port))
    args = [
        binary,
        f"--config.file={folder / 'alertmanager.yml'}",
        f"--storage.path={folder / 'amdata'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    return start(args, f"http://127.0.0.1:{port}", folder / "alertmanager.log")


def _alert_in_alertmanager(url: str) -> bool:
    alerts = httpx.get(f"{url}/api/v2/alerts", timeout=2).json()
    return any(a["labels"].get("alertname") == "AppErrors" for a in alerts)


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """Exporter + Alertmanager + Prometheus; yields once AppErrors is in Alertmanager."""
    folder = tmp_path_factory.mktemp("live")
    state = Exporter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _exporter_handler(state))
    state.port = int(httpd.server_address[1])
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    servers: list[Server] = []
    try:
        started = datetime.now(UTC)
        servers.append(alertmanager := _start_alertmanager(folder, state.port))
        am_port = int(alertmanager.url.rsplit(":", 1)[1])
        (folder / "rules.yml").write_text(RULES)
        config = _live_prometheus_config(state.port, am_port)
        servers.append(prometheus := start_prometheus(folder, config))
        wait_until(lambda: _alert_in_alertmanager(alertmanager.url), 40, "AppErrors in AM")
        wait_until(lambda: bool(state.webhooks), 15, "the webhook notification")
        yield LiveStack(prometheus.url, alertmanager.url, state, started)
    finally:
        for server in reversed(servers):
            server.stop()
        httpd.shutdown()
        httpd.server_close()
