"""E-mail over SMTP with STARTTLS (or implicit TLS) and login.

::

    [notify.email]
    host = "smtp.example.com"
    port = 587                          # default; 465 with tls = "implicit"
    tls = "starttls"                    # default; "implicit" or "none" (no login then)
    from = "Post-mortems <postmortems@example.com>"
    to = ["eng-incidents@example.com"]
    username = "postmortems@example.com"
    password_env = "HOTWASH_SMTP_PASSWORD"
    attach = ["markdown", "pdf"]        # default; the PDF only with the pdf extra
    # cafile = "/etc/ssl/corp-ca.pem"   # a private CA for the mail server
    [notify.email.addresses]            # owner/sponsor handles -> addresses
    "@vp-eng" = "vp-eng@example.com"

The HTML report is the HTML body, the Markdown report the plain-text alternative and an
attachment, the PDF an attachment when there is one. A password is never sent without TLS.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from hotwash.errors import ConfigError, PublishError
from hotwash.publish.notify.base import Notice, Notifier, register

__all__ = ["EmailNotifier", "build_message"]


def build_message(
    notice: Notice, sender: str, recipients: tuple[str, ...], now: datetime
) -> EmailMessage:
    """The MIME message: text and HTML alternatives, calendar invitation, attachments."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = notice.subject
    msg["Date"] = format_datetime(now.astimezone(UTC))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "hotwash.invalid"
    msg["Message-ID"] = make_msgid("hotwash", domain=domain)
    msg.set_content(notice.text)
    if notice.html:
        msg.add_alternative(notice.html, subtype="html")
    if notice.calendar:
        msg.add_alternative(notice.calendar, subtype="calendar", params={"method": "REQUEST"})
    for attachment in notice.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        msg.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return msg


@register
class EmailNotifier(Notifier):
    kind = "email"

    @property
    def attach(self) -> tuple[str, ...]:
        """Which reports to attach: ``attach = ["markdown", "pdf"]`` (the default)."""
        return self._attach_kinds()

    def _attach_kinds(self) -> tuple[str, ...]:
        kinds = (
            self.options.strings("attach")
            if "attach" in self.options.table
            else ("markdown", "pdf")
        )
        unknown = set(kinds) - {"markdown", "pdf"}
        if unknown:
            raise ConfigError(f"[{self.options.where}] attach takes markdown and pdf")
        return kinds

    def validate(self, sending: bool) -> None:
        self.options.text("host")
        self.options.text("from")
        self._port()
        self._attach_kinds()
        if self._tls() == "none" and "username" in self.options.table:
            raise ConfigError(f"[{self.options.where}] refusing to send a password without TLS")
        if sending:
            self._context()
            if "username" in self.options.table:
                self.options.secret("password_env")

    def recipients(self, notice: Notice) -> tuple[str, ...]:
        to = notice.recipients or self.options.strings("to")
        if not to:
            raise ConfigError(f'[{self.options.where}] needs to = ["team@example.com"]')
        return tuple(to)

    def address_for(self, handle: str) -> str | None:
        """The address of a handle (``[notify.email.addresses]``), or the handle if it is one."""
        table = self.options.table.get("addresses", {})
        mapped = table.get(handle) if isinstance(table, dict) else None
        if isinstance(mapped, str):
            return mapped
        return handle if "@" in handle.strip("@") and "." in handle else None

    def preview(self, notice: Notice) -> dict[str, Any]:
        return {
            "channel": "email",
            "server": f"{self.options.text('host')}:{self._port()}",
            "from": self.options.text("from"),
            "to": list(self.recipients(notice)),
            "subject": notice.subject,
            "attachments": [a.filename for a in self._attachments(notice).attachments],
            "invitation": notice.calendar is not None,
        }

    def _attachments(self, notice: Notice) -> Notice:
        """Only the reports ``attach`` asks for (other attachments pass)."""
        suffixes = {"markdown": ".md", "pdf": ".pdf"}
        dropped = {suffixes[k] for k in suffixes if k not in self.attach}
        kept = tuple(a for a in notice.attachments if Path(a.filename).suffix not in dropped)
        return replace(notice, attachments=kept)

    def send(self, notice: Notice) -> list[str]:
        notice = self._attachments(notice)
        recipients = self.recipients(notice)
        message = build_message(notice, self.options.text("from"), recipients, datetime.now(UTC))
        try:
            with self._connect() as smtp:
                smtp.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            var = self.options.table.get("password_env")
            where = self.options.where
            raise PublishError(
                f"{where}: login refused ({exc.smtp_code}); check the password in ${var}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise PublishError(f"{self.options.where}: sending failed: {exc}") from exc
        return list(recipients)

    def _port(self) -> int:
        default = 465 if self._tls() == "implicit" else 587
        port = self.options.table.get("port", default)
        if not isinstance(port, int):
            raise ConfigError(f"[{self.options.where}] port must be a number")
        return port

    def _tls(self) -> str:
        tls = self.options.table.get("tls", "starttls")
        if tls not in ("starttls", "implicit", "none"):
            raise ConfigError(f"[{self.options.where}] tls must be starttls, implicit or none")
        return str(tls)

    def _context(self) -> ssl.SSLContext:
        cafile = self.options.table.get("cafile")
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"[{self.options.where}] cafile {cafile!r}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        host, port, tls = self.options.text("host"), self._port(), self._tls()
        self.validate(sending=True)
        context = self._context()
        if tls == "implicit":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=30, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=30)
        try:
            smtp.ehlo()
            if tls == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            self._login(smtp)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        if "username" not in self.options.table:
            return
        _, password = self.options.secret("password_env")
        smtp.login(self.options.text("username"), password)
