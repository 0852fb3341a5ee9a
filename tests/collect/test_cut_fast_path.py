"""Cutting nginx and syslog lines gives exactly the records of their capturing regexes."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal, assert_series_equal

from hotwash.parse import ParseContext, nginx, syslog
from hotwash.parse.nginx import first_id, nginx_columns
from hotwash.parse.syslog import SyslogYears, syslog_columns

from .conftest import line_frame

NEVER = r"[^\s\S]"  # a pattern no line matches: every line then takes the regexes

NGINX_LINES = [
    '10.0.0.1 - - [14/May/2024:16:03:12 +0200] "GET / HTTP/1.1" 200 12 "-" "curl/8"',
    '10.0.0.1 - bob [14/May/2024:16:03:12 +0200] "GET /?request_id=no HTTP/1.1" 503 - '
    '"https://x/" "a \\"quoted\\" agent" rt=0.123 request_id=ab-12_c trace_id=zz',
    '::1 - - [14/May/2024:16:03:12 -0730] "POST /x HTTP/2.0" 404 0 "-" "ünï" 2.004 req_id=ab12',
    '10.0.0.1 - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 1 "-" "-" request_id=a b',
    '10.0.0.1 - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 1 "-" "-" xreq_id=1 "q"',
    # common format, odd widths and shapes, not an access line at all
    '10.0.0.1 - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.0" 200 512',
    '10.0.0.1 - - [4/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    '10.0.0.1 - - [14/May/2024:16:03:12.5 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    'h[1] - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    '10.0.0.1 - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 12x "-" "-"',
    '10.0.0.1  - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    '10.0.0.1 - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200  1 "-" "-"',
    '10.0.0.1 - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 1 "-"  "req_id=x 0.5"',
    '10.0.0.1 - - [14/May/2024:16:03:12 +0000] "GET / HTTP/1.1" 200 1 "-" "req_id=y 0.5',
    "not an access line",
    "",
]
SYSLOG_LINES = [
    "<134>Nov 25 12:00:00 db-0 postgres[9274]: checkpoint starting",
    "<27>May  4 16:03:12 db-1 postgres: FATAL:  too many clients request_id=ab-1",
    "Dec 31 23:59:58 h cron[1]: last of the year trace_id=t1 req_id=t2",
    "<13>Jan  1 00:00:03 hôte app-x[0]:  two spaces, then ERROR",
    "<999>Feb 29 12:00:00 h a]b[12]: xrequest_id=1",
    # shapes the cut leaves to the regexes
    "Nov 5 12:00:00 h app: single-digit day, one space",
    "Nov\t5 12:00:00 h app: a tab",
    "<34>Nov 25 12:00:00 ::1 app: a host with colons",
    "<34>Nov 25 12:00:00 h: app: a host ending with a colon",
    "<34>Nov 25 12:00:00 h app:no space",
    "<34>Nov 25 12:00:00 h app:\ttab",
    "<34>Nov 25 12:00:00 h app[x]: not a pid",
    "<34>Abc 25 24:00:00 h app: no such month or hour",
    '<34>1 2024-05-14T16:03:12.003+02:00 db-1 app 12 ID1 [a@1 k="v\\"]"][b@2] WARN m',
    "<34>1 2024-05-14T14:03:12Z db-1 app - - - request_id=r1",
    "garbage",
    "",
]


def mutated(lines: list[str]) -> st.SearchStrategy[str]:
    """Lines of ``lines`` with a piece replaced, dropped or inserted, and pieces made up."""
    pieces = st.sampled_from(
        ['"', "[", "]", " ", "  ", "\t", ":", ": ", "<", ">", "-", "ü", "٣", "200", "1.5", "x",
         "request_id=", "_id=", "Nov", " 5", "12:00:00", "+0000"]
    )  # fmt: skip

    @st.composite
    def one(draw: st.DrawFn) -> str:
        line = draw(st.sampled_from(lines))
        for _ in range(draw(st.integers(0, 3))):
            at = draw(st.integers(0, len(line)))
            cut = draw(st.integers(0, 2))
            line = line[:at] + draw(st.sampled_from(["", draw(pieces)])) + line[at + cut :]
        return line

    return st.one_of(one(), st.lists(pieces, max_size=12).map("".join))


def nginx_by_regex(lines: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> pl.DataFrame:
    with monkeypatch.context() as patch:
        patch.setattr(nginx, "_HEAD", NEVER)
        return nginx_columns(lines, pl.lit("s"))


def syslog_by_regex(lines: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> pl.DataFrame:
    with monkeypatch.context() as patch:
        patch.setattr(syslog, "_USUAL_3164", NEVER)
        return syslog_columns(lines, CTX, SyslogYears.start(CTX))


CTX = ParseContext(source="s", timezone=UTC, reference=datetime(2024, 11, 25, tzinfo=UTC))


def test_nginx_lines_cut_give_the_records_of_the_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = line_frame(NGINX_LINES)
    cut = nginx_columns(lines, pl.lit("s"))
    assert cut["trace_id"].to_list()[:5] == [None, "ab-12_c", "ab12", "a", "1"]
    assert_frame_equal(cut, nginx_by_regex(lines, monkeypatch))


def test_syslog_lines_cut_give_the_records_of_the_regexes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = line_frame(SYSLOG_LINES)
    cut = syslog_columns(lines, CTX, SyslogYears.start(CTX))
    assert cut["stream"].to_list()[:4] == ["db-0", "db-1", "h", "hôte"]
    assert cut["message"][3] == " two spaces, then ERROR"
    assert_frame_equal(cut, syslog_by_regex(lines, monkeypatch))


@settings(max_examples=150, deadline=None)
@given(st.lists(mutated(NGINX_LINES), min_size=1, max_size=20))
def test_any_nginx_lines_cut_give_the_records_of_the_regex(lines: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        expected = nginx_by_regex(line_frame(lines), monkeypatch)
    assert_frame_equal(nginx_columns(line_frame(lines), pl.lit("s")), expected)


@settings(max_examples=150, deadline=None)
@given(st.lists(mutated(SYSLOG_LINES), min_size=1, max_size=20))
def test_any_syslog_lines_cut_give_the_records_of_the_regexes(lines: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        expected = syslog_by_regex(line_frame(lines), monkeypatch)
    assert_frame_equal(syslog_columns(line_frame(lines), CTX, SyslogYears.start(CTX)), expected)


ID_PIECES = ["req", "request", "trace", "_id=", "_id", "=", " ", "\t", "-", "a", "9", "ü", "."]
ID_PATTERNS = [(nginx._TRACE_ID, nginx._TRACE_KEY), (syslog._TRACE_ID, syslog._TRACE_KEY)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(ID_PIECES), max_size=10).map("".join) | st.none()))
def test_first_id_is_the_regex_extract(texts: list[str | None]) -> None:
    text = pl.Series("t", texts, dtype=pl.String)
    for pattern, key in ID_PATTERNS:
        assert_series_equal(first_id(text, pattern, key), text.str.extract(pattern, 1))
