"""Chat webhooks posted to a real local HTTP server: Slack, Teams, Mattermost, generic."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hotwash.document import load
from hotwash.errors import PublishError
from hotwash.publish.pipeline import PublishRequest, publish

NOW = datetime(2024, 5, 15, 10, 0, tzinfo=UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-errors"
SECRET_PATH = "/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX"


class Receiver(ThreadingHTTPServer):
    received: list[tuple[str, dict[str, Any], str]]
    status: int = 200


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        self.server.received.append((self.path, body, self.headers["Content-Type"]))
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def _serve() -> Iterator[Receiver]:
    server = Receiver(("127.0.0.1", 0), _Handler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


receiver = pytest.fixture(_serve)
module_receiver = pytest.fixture(scope="module")(_serve)


CONFIG = """
[publish]
report_url = "https://wiki.example.com/pm/{id}"

[notify.webhooks.slack]
kind = "slack"
url_env = "SLACK_URL"
to = "#incidents"

[notify.webhooks.teams]
kind = "teams"
url_env = "TEAMS_URL"

[notify.webhooks.teams-legacy]
kind = "teams"
card = "messagecard"
url_env = "TEAMS_LEGACY_URL"

[notify.webhooks.mattermost]
kind = "mattermost"
url_env = "MM_URL"

[notify.webhooks.status]
kind = "generic"
url_env = "STATUS_URL"
audience = "external"
"""


def env_for(server: Receiver) -> dict[str, str]:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    names = {
        "SLACK_URL": SECRET_PATH,
        "TEAMS_URL": "/teams",
        "TEAMS_LEGACY_URL": "/legacy",
        "MM_URL": "/hooks/mm",
        "STATUS_URL": "/generic",
    }
    return {var: base + path for var, path in names.items()}


def notify(workspace: Path, env: dict[str, str], dry_run: bool = False):  # type: ignore[no-untyped-def]
    request = PublishRequest(notify=True, now=NOW, dry_run=dry_run)
    import httpx

    with httpx.Client() as client:
        return publish(workspace, request, client=client, env=env)


@pytest.fixture(scope="module")
def delivered(
    tmp_path_factory: pytest.TempPathFactory, module_receiver: Receiver
) -> tuple[dict[str, dict[str, Any]], Path]:
    """One real delivery to every flavour (rendering is the slow part: done once)."""
    root = tmp_path_factory.mktemp("incidents")
    workspace = root / "2024-05-14-checkout-errors"
    shutil.copytree(
        EXAMPLE,
        workspace,
        ignore=shutil.ignore_patterns("hotwash.toml", "out", "raw", "ground_truth.yaml"),
    )
    (root / "hotwash.toml").write_text(CONFIG, encoding="utf-8")
    notify(workspace, env_for(module_receiver))
    received = module_receiver.received
    assert all(ctype == "application/json" for _, _, ctype in received)
    return {path: body for path, body, _ in received}, workspace


@pytest.fixture
def payloads(delivered: tuple[dict[str, dict[str, Any]], Path]) -> dict[str, dict[str, Any]]:
    return delivered[0]


def test_slack_gets_text_and_blocks_with_facts_and_link(payloads: dict[str, Any]) -> None:
    slack = payloads[SECRET_PATH]
    assert slack["text"].startswith("Post-mortem: Checkout API errors after the v2.31.0 rollout")
    header, summary, facts, link = slack["blocks"]
    assert header["type"] == "header"
    assert summary["text"]["text"].startswith("Version 2.31.0 of checkout-api lowered")
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in facts["fields"]}
    assert fields["*Severity*"] == "SEV2"
    assert fields["*Duration*"] == "43m 53s"
    assert fields["*Action items*"] == "4 (4 open)"
    assert (
        link["text"]["text"] == "<https://wiki.example.com/pm/INC-2024-0514|Read the post-mortem>"
    )


def test_teams_gets_an_adaptive_card_or_a_message_card(payloads: dict[str, Any]) -> None:
    adaptive = payloads["/teams"]
    assert adaptive["type"] == "message"
    (attachment,) = adaptive["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts["Severity"] == "SEV2"
    assert card["actions"][0]["url"] == "https://wiki.example.com/pm/INC-2024-0514"
    legacy = payloads["/legacy"]
    assert legacy["@type"] == "MessageCard"
    assert legacy["potentialAction"][0]["targets"][0]["uri"].endswith("/pm/INC-2024-0514")
    assert {f["name"] for f in legacy["sections"][0]["facts"]} >= {"Severity", "Duration"}


def test_mattermost_and_generic_payloads(payloads: dict[str, Any]) -> None:
    mm = payloads["/hooks/mm"]
    assert mm["username"] == "Hotwash"
    assert mm["attachments"][0]["title_link"] == "https://wiki.example.com/pm/INC-2024-0514"
    assert {"short": True, "title": "Severity", "value": "SEV2"} in mm["attachments"][0]["fields"]
    generic = payloads["/generic"]
    assert generic["event"] == "hotwash.report"
    assert generic["facts"]["Action items"] == "4 (4 open)"


def test_each_delivery_is_recorded_with_channel_and_audience(
    delivered: tuple[dict[str, Any], Path],
) -> None:
    workspace = delivered[1]
    records = [(d.to, d.channel, d.audience) for d in load(workspace).incident.distribution[1:]]
    assert records == [
        ("mattermost", "mattermost", "internal"),
        ("#incidents", "slack", "internal"),
        ("status", "generic", "external"),
        ("teams", "teams", "internal"),
        ("teams-legacy", "teams", "internal"),
    ]
    text = (workspace / "incident.yaml").read_text()
    assert "127.0.0.1" not in text and SECRET_PATH not in text


def test_dry_run_sends_nothing_and_writes_nothing(
    workspace: Path, configure: Callable[[str], Path], receiver: Receiver
) -> None:
    configure(CONFIG)
    before = (workspace / "incident.yaml").read_bytes()
    result = notify(workspace, {}, dry_run=True)
    assert receiver.received == []
    assert (workspace / "incident.yaml").read_bytes() == before
    slack = next(d for d in result.deliveries if d.channel == "slack")
    assert slack.recipients == ("#incidents",) and not slack.sent
    assert slack.preview["payload"]["blocks"][0]["type"] == "header"


def test_refused_webhook_is_an_error_without_its_secret_url(
    workspace: Path, configure: Callable[[str], Path], receiver: Receiver
) -> None:
    configure(CONFIG)
    receiver.status = 404
    with pytest.raises(PublishError) as caught:
        notify(workspace, env_for(receiver))
    assert "HTTP 404" in str(caught.value)
    assert SECRET_PATH not in str(caught.value) and "XXXXXXXX" not in str(caught.value)


def test_missing_url_variable_is_caught_before_anything_is_sent(
    workspace: Path, configure: Callable[[str], Path], receiver: Receiver
) -> None:
    configure(CONFIG)
    env = env_for(receiver)
    del env["TEAMS_URL"]
    with pytest.raises(PublishError, match="TEAMS_URL is not set"):
        notify(workspace, env)
    assert receiver.received == []
