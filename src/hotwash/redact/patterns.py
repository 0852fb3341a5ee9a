"""The patterns of redaction: secrets (always redacted) and personal or internal data.

Each secret pattern names its kind; where the regex has a ``value`` group, only that group
is redacted (``token=`` stays, the token goes). Patterns are ordered from the most specific
(a GitHub token) to the most generic (whatever follows ``password=``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "CLOUD_HOST",
    "EMAIL",
    "HANDLE",
    "HOSTNAME",
    "INTERNAL_HOST",
    "INTERNAL_SUFFIXES",
    "IPV4",
    "IPV6",
    "POD_NAME",
    "SECRET_KINDS",
    "SECRET_PATTERNS",
    "URL",
    "Pattern",
]


@dataclass(frozen=True)
class Pattern:
    """A regex whose group ``value`` (or whole match) is the span to redact."""

    kind: str
    regex: re.Pattern[str]
    accept: Callable[[str], bool] | None = None


def _rx(text: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(text, flags)


def _looks_like_secret(value: str) -> bool:
    """A value after ``password:`` that is not a plain word of prose."""
    return len(value) >= 6 and (
        any(c.isdigit() for c in value) or any(not c.isalnum() for c in value)
    )


_KEY_NAMES = (
    r"api[_-]?key|apikey|x-api-key|access[_-]?token|auth[_-]?token|private[_-]?token|"
    r"client[_-]?secret|secret[_-]?key|routing[_-]?key|integration[_-]?key|token|secret"
)

SECRET_PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "private-key",
        _rx(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\Z)"
        ),
    ),
    Pattern("github-token", _rx(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}\b")),
    Pattern("github-token", _rx(r"\bgithub_pat_[A-Za-z0-9_]{50,255}\b")),
    Pattern("gitlab-token", _rx(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    Pattern("slack-token", _rx(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    Pattern(
        "slack-webhook",
        _rx(r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9_/\-]{20,}"),
    ),
    Pattern("aws-access-key", _rx(r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b")),
    Pattern(
        "aws-secret-key",
        _rx(
            r"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s*[:=]\s*[\"']?"
            r"(?P<value>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"
        ),
    ),
    Pattern("google-api-key", _rx(r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])")),
    Pattern("stripe-key", _rx(r"\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}\b")),
    Pattern("stripe-key", _rx(r"\bwhsec_[0-9A-Za-z]{24,}\b")),
    Pattern("sendgrid-key", _rx(r"\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{30,64}")),
    Pattern("npm-token", _rx(r"\bnpm_[A-Za-z0-9]{36}\b")),
    Pattern("pypi-token", _rx(r"\bpypi-AgE[A-Za-z0-9_\-]{50,}")),
    Pattern(
        "jwt",
        _rx(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    Pattern("opsgenie-key", _rx(r"(?i)\bGenieKey\s+(?P<value>[0-9a-f-]{36})")),
    Pattern(
        "auth-header",
        _rx(
            r"(?i)\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?"
            r"(?:(?:bearer|basic|token|digest|apikey|splunk|sso-key)\s+)?"
            r"(?P<value>[^\s\"',;]{6,})"
        ),
    ),
    Pattern("bearer-token", _rx(r"(?i)\bbearer\s+(?P<value>[A-Za-z0-9._~+/=\-]{16,})")),
    Pattern(
        "basic-auth",
        _rx(r"(?i)\bbasic\s+(?P<value>[A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])"),
    ),
    Pattern(
        "url-password",
        _rx(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@\"'<>]+:(?P<value>[^\s@/\"'<>]+)@"),
    ),
    Pattern(
        "api-key",
        _rx(
            rf"(?i)(?<![A-Za-z0-9])(?:{_KEY_NAMES})[\"']?\s*(?:=|:)\s*[\"']?"
            r"(?P<value>[A-Za-z0-9._~+/=\-]{12,})"
        ),
    ),
    Pattern(
        "password",
        _rx(
            r"(?i)(?<![A-Za-z0-9])(?:pass(?:word|wd)?|pwd|db_pass(?:word)?)[\"']?\s*=\s*[\"']?"
            r"(?P<value>[^\s\"'&;,]{3,})"
        ),
    ),
    Pattern(
        "password",
        _rx(
            r"(?i)(?<![A-Za-z0-9])(?:pass(?:word|wd)?|pwd)[\"']?\s*:\s*[\"']?"
            r"(?P<value>[^\s\"'&;,]{6,})"
        ),
        accept=_looks_like_secret,
    ),
)

#: Every kind of secret that is always redacted.
SECRET_KINDS = tuple(dict.fromkeys(p.kind for p in SECRET_PATTERNS))

EMAIL = _rx(r"(?<![\w.+:/-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
IPV4 = _rx(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)"
)
IPV6 = _rx(
    r"(?i)(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
    r"|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?)(?![0-9a-f:])"
)
HANDLE = _rx(r"(?<![\w@./])@[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9_]|(?<![\w@./])@[A-Za-z0-9]")
HOSTNAME = _rx(r"(?<![\w.\-])[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62})(?:\.[A-Za-z0-9\-]{1,63})*")
URL = _rx(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s<>\"'`)\]]+")
#: Host name endings that are internal by convention, always treated as internal.
INTERNAL_SUFFIXES = (
    ".internal",
    ".local",
    ".lan",
    ".corp",
    ".intra",
    ".intranet",
    ".svc",
    ".cluster.local",
    ".localdomain",
    ".home.arpa",
)
INTERNAL_HOST = _rx(
    r"(?i)(?<![\w.\-])[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*(?:"
    + "|".join(re.escape(s) for s in INTERNAL_SUFFIXES)
    + r")(?![\w\-])"
)
POD_NAME = _rx(r"(?<![\w\-])[a-z][a-z0-9\-]*-[a-f0-9]{8,10}-[a-z0-9]{5}(?![\w\-])")
CLOUD_HOST = _rx(r"(?<![\w\-])ip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}(?:\.[\w.\-]+)?")
