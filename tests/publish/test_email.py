"""The report by e-mail to a real SMTP server (aiosmtpd) with STARTTLS and AUTH."""

from __future__ import annotations

import email
import email.policy
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from hotwash.document import load
from hotwash.errors import ConfigError, PublishError
from hotwash.publish.pipeline import PublishRequest, publish
from hotwash.render import available_formats

pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

PASSWORD = "s3cret-smtp-Passw0rd"
NOW = datetime(2024, 5, 15, 10, 0, tzinfo=UTC)


@dataclass
class Inbox:
    """What the server received: messages, who logged in, whether TLS was on."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))  # type: ignore[arg-type]
        self.envelopes.append(envelope)
        self.tls.append(session.ssl is not None)
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
        if ok:
            self.logins.append(f"{mechanism}:{data.login.decode()}")
        return AuthResult(success=ok, handled=False)


class _FreePortController(Controller):
    """Binds port 0 and learns the port the system chose."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = _FreePortController(
        inbox,
        hostname="127.0.0.1",
        port=0,
        tls_context=context,
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def email_config(port: int, cafile: Path, extra: str = "") -> str:
    return f"""
[publish]
report_url = "https://wiki.example.com/pm/{{id}}"

[notify.email]
host = "127.0.0.1"
port = {port}
from = "Post-mortems <postmortems@example.com>"
to = ["eng-incidents@example.com", "sre-leads@example.com"]
username = "postmortems@example.com"
password_env = "HOTWASH_SMTP_PASSWORD"
cafile = "{cafile}"
attach = ["markdown"]
{extra}
"""


def send(workspace: Path, env: dict[str, str], **request: Any):  # type: ignore[no-untyped-def]
    options = {"notify": True, "now": NOW} | request
    return publish(workspace, PublishRequest(**options), env=env)


def test_report_mail_arrives_over_starttls_with_html_and_markdown(
    workspace: Path,
    configure: Callable[[str], Path],
    smtp: tuple[Inbox, int],
    certificate: tuple[Path, Path],
) -> None:
    inbox, port = smtp
    configure(email_config(port, certificate[0]))
    result = send(workspace, {"HOTWASH_SMTP_PASSWORD": PASSWORD})
    assert result.deliveries[0].sent
    (message,) = inbox.messages
    assert inbox.tls == [True]
    assert inbox.logins in (["LOGIN:postmortems@example.com"], ["PLAIN:postmortems@example.com"])
    assert message["From"] == "Post-mortems <postmortems@example.com>"
    assert message["To"] == "eng-incidents@example.com, sre-leads@example.com"
    assert (
        message["Subject"].strip()  # Python folds long subjects after "Subject:"
        == "Post-mortem: Checkout API errors after the v2.31.0 rollout (SEV2, 2024-05-14)"
    )
    assert abs((parsedate_to_datetime(message["Date"]) - datetime.now(UTC)).total_seconds()) < 120
    assert inbox.envelopes[0].rcpt_tos == ["eng-incidents@example.com", "sre-leads@example.com"]
    html = message.get_body(("html",))
    assert (
        html is not None and "Checkout API errors after the v2.31.0 rollout" in html.get_content()
    )
    assert "<html" in html.get_content().lower()
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    markdown = attachments["report.md"]
    assert markdown.get_content_type() == "text/markdown"
    assert markdown.get_content().startswith("# ")
    assert "Checkout API errors after the v2.31.0 rollout" in markdown.get_content()
    assert list(attachments) == ["report.md"]  # attach = ["markdown"]


@pytest.mark.slow
def test_pdf_report_is_attached_when_the_extra_is_installed(
    workspace: Path,
    configure: Callable[[str], Path],
    smtp: tuple[Inbox, int],
    certificate: tuple[Path, Path],
) -> None:
    if "pdf" not in available_formats():
        pytest.skip("the pdf extra (WeasyPrint) is not installed")
    inbox, port = smtp
    config = email_config(port, certificate[0])
    configure(config.replace('attach = ["markdown"]', 'attach = ["markdown", "pdf"]'))
    send(workspace, {"HOTWASH_SMTP_PASSWORD": PASSWORD})
    (message,) = inbox.messages
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert list(attachments) == ["report.md", "report.pdf"]
    assert attachments["report.pdf"].get_content_type() == "application/pdf"
    assert attachments["report.pdf"].get_content().startswith(b"%PDF")


def test_delivery_is_recorded_in_the_document(
    workspace: Path,
    configure: Callable[[str], Path],
    smtp: tuple[Inbox, int],
    certificate: tuple[Path, Path],
) -> None:
    _, port = smtp
    configure(email_config(port, certificate[0]))
    send(workspace, {"HOTWASH_SMTP_PASSWORD": PASSWORD})
    records = load(workspace).incident.distribution
    assert [(d.to, d.channel, d.at) for d in records[1:]] == [
        ("eng-incidents@example.com", "email", NOW),
        ("sre-leads@example.com", "email", NOW),
    ]
    text = (workspace / "incident.yaml").read_text()
    assert PASSWORD not in text and "# CheckoutHighErrorRate firing" in text


def test_wrong_password_names_the_variable_and_records_nothing(
    workspace: Path,
    configure: Callable[[str], Path],
    smtp: tuple[Inbox, int],
    certificate: tuple[Path, Path],
) -> None:
    inbox, port = smtp
    configure(email_config(port, certificate[0]))
    before = (workspace / "incident.yaml").read_bytes()
    with pytest.raises(
        PublishError, match=r"login refused \(535\); check the password in \$HOTWASH_SMTP_PASSWORD"
    ):
        send(workspace, {"HOTWASH_SMTP_PASSWORD": "wrong"})
    assert inbox.messages == []
    assert (workspace / "incident.yaml").read_bytes() == before


def test_untrusted_certificate_is_refused(
    workspace: Path, configure: Callable[[str], Path], smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    configure(email_config(port, Path("/nonexistent")).replace('cafile = "/nonexistent"\n', ""))
    with pytest.raises(PublishError, match=r"sending failed: .*CERTIFICATE_VERIFY_FAILED"):
        send(workspace, {"HOTWASH_SMTP_PASSWORD": PASSWORD})
    assert inbox.messages == []


def test_password_is_never_sent_without_tls(
    workspace: Path, configure: Callable[[str], Path]
) -> None:
    configure(email_config(2525, Path("x"), 'tls = "none"'))
    with pytest.raises(ConfigError, match="refusing to send a password without TLS"):
        send(workspace, {"HOTWASH_SMTP_PASSWORD": PASSWORD})


def test_invitation_is_a_text_calendar_request(
    workspace: Path,
    configure: Callable[[str], Path],
    smtp: tuple[Inbox, int],
    certificate: tuple[Path, Path],
) -> None:
    inbox, port = smtp
    configure(email_config(port, certificate[0], '[reminders]\nattendees = ["dana@example.com"]'))
    send(workspace, {"HOTWASH_SMTP_PASSWORD": PASSWORD}, notify=False, invite=True)
    (message,) = inbox.messages
    assert message["To"] == "dana@example.com"
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    ics = part.get_content()
    assert (
        "METHOD:REQUEST" in ics
        and "ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:dana@example.com" in ics
    )
    assert "ORGANIZER:mailto:postmortems@example.com" in ics
    assert "UID:INC-2024-0514-follow-up-review@hotwash" in ics
