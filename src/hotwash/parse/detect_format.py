"""Which log format a file is in, from a sample of its first lines.

Each format has a recogniser; the format recognising the most sample lines wins, ties
going to the more specific format (the order of :data:`LOG_FORMATS`). A sample nothing
recognises is ``iso`` if its lines start with an ISO time and otherwise a
:class:`~hotwash.errors.ParseError` asking for ``format = ...`` on the source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from hotwash.errors import ParseError
from hotwash.parse.timestamps import ISO_TEXT

__all__ = ["LOG_FORMATS", "detect_format"]

#: Most specific first: a kubectl line holding logfmt is kubectl, not logfmt.
LOG_FORMATS = ("kubectl", "syslog", "nginx", "json", "logfmt", "iso")

_KUBECTL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}(?:Z|[+-]\d{2}:\d{2}) ")
_SYSLOG = re.compile(
    r"^(?:<\d{1,3}>1 \S+ \S+ \S+ \S+ \S+ "
    r"|(?:<\d{1,3}>)?[A-Z][a-z]{2}\s+\d{1,2} \d{2}:\d{2}:\d{2} \S+ [^:\s]+:)"
)
_NGINX = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" \d{3} (?:\d+|-)')
_LOGFMT = re.compile(r"(?:^|\s)(?:ts|time|timestamp)=\S+.*(?:level|lvl|msg)=|(?:level|msg)=.*\bts=")
_ISO = re.compile(rf"^\s*\[?{ISO_TEXT}\]?\s")
_TS_KEYS = ("ts", "time", "timestamp", "@timestamp")


def _is_json(line: str) -> bool:
    if not line.lstrip().startswith("{"):
        return False
    try:
        value = json.loads(line)
    except ValueError:
        return False
    return isinstance(value, dict) and any(k in value for k in _TS_KEYS)


_RECOGNISERS: dict[str, Callable[[str], bool]] = {
    "kubectl": lambda line: bool(_KUBECTL.match(line)),
    "syslog": lambda line: bool(_SYSLOG.match(line)),
    "nginx": lambda line: bool(_NGINX.match(line)),
    "json": _is_json,
    "logfmt": lambda line: bool(_LOGFMT.search(line)),
    "iso": lambda line: bool(_ISO.match(line)),
}


def detect_format(sample: list[str], where: str | None = None) -> str:
    """The format name (without ``log.``) recognising most of ``sample``."""
    lines = [line for line in sample if line.strip()]
    scores = {name: sum(1 for line in lines if test(line)) for name, test in _RECOGNISERS.items()}
    best = max(LOG_FORMATS, key=lambda name: (scores[name], -LOG_FORMATS.index(name)))
    if scores[best] == 0:
        raise ParseError(
            "cannot tell the log format from the first lines; set format = "
            '"nginx", "json", "logfmt", "syslog", "kubectl" or "iso" on the source',
            where,
            1,
        )
    return best
