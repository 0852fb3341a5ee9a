"""Log formats into records: detection, time zones, bad bytes, gzip, chunking."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from hotwash.parse import ParseContext, parse
from hotwash.parse.lines import iter_line_frames
from hotwash.parse.logs import NaiveTimestampError, iter_log_records
from hotwash.parse.timestamps import (
    FAST_ISO_FORMAT,
    UTC_DTYPE,
    iso_to_utc,
    naive_mask,
    resolve_times,
)

REFERENCE = datetime(2024, 5, 14, 12, 3, 12, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def ctx(**kw: object) -> ParseContext:
    base: dict[str, object] = {"source": "s", "path": "app.log", "reference": REFERENCE}
    return ParseContext(**(base | kw))  # type: ignore[arg-type]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NGINX = (
    b'10.0.0.1 - - [14/May/2024:16:03:12 +0200] "POST /api/cart/checkout HTTP/1.1" 503 162 '
    b'"-" "curl/8" 2.004 req_id=ab12\n'
    b'10.0.0.2 - - [14/May/2024:14:03:13 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe"\n'
)


def test_nginx_lines_give_utc_status_latency_and_request_id() -> None:
    context = ctx()
    records = parse("log.auto", NGINX, context)
    assert context.notes["format"] == "log.nginx"
    assert records["ts"].to_list() == [utc("2024-05-14 14:03:12"), utc("2024-05-14 14:03:13")]
    assert records["ts_text"][0] == "14/May/2024:16:03:12 +0200"
    assert records["status"].to_list() == [503, 200]
    assert records["level"].to_list() == ["error", "info"]
    assert records["latency_ms"][0] == pytest.approx(2004.0)
    assert records["trace_id"].to_list() == ["ab12", None]
    assert records["message"][0] == "POST /api/cart/checkout HTTP/1.1"
    assert records["offset"].to_list() == [1, 2] and set(records["kind"]) == {"log"}


def test_json_lines_read_common_time_keys_and_join_error_to_message() -> None:
    lines = (
        b'{"ts":"2024-05-14T14:03:12.117Z","level":"ERROR","msg":"acquire conn",'
        b'"err":"pool exhausted","service":"checkout-api","trace_id":"t1"}\n'
        b'{"@timestamp":"2024-05-14T16:03:13+02:00","severity":"warning","message":"slow"}\n'
        b'{"time":1715695394.5,"level":"info","msg":"epoch seconds"}\n'
    )
    records = parse("log.auto", lines, ctx())
    assert records["ts"].to_list() == [
        utc("2024-05-14 14:03:12.117"), utc("2024-05-14 14:03:13"), utc("2024-05-14 14:03:14.5")
    ]  # fmt: skip
    assert records["message"][0] == "acquire conn: pool exhausted"
    assert records["level"].to_list() == ["error", "warn", "info"]
    assert records["stream"].to_list() == ["checkout-api", "app.log", "app.log"]
    assert records["fields"].is_null().all()  # the line itself stays in the evidence blob


def test_logfmt_lines() -> None:
    line = b'ts=2024-05-14T14:02:58.903Z level=warn msg="slow acquire" wait_ms=1840 trace_id=x9\n'
    records = parse("log.logfmt", line, ctx())
    row = records.row(0, named=True)
    assert (row["ts"], row["level"], row["message"], row["trace_id"]) == (
        utc("2024-05-14 14:02:58.903"), "warn", "slow acquire", "x9"
    )  # fmt: skip


def test_kubectl_timestamps_keep_nanosecond_text_and_stack_trace_lines(data: Path) -> None:
    context = ctx(stream="shop/checkout-api-7f9c6d5b8-x2x9k")
    records = parse("log.auto", data / "kubectl_logs_timestamps.txt", context)
    assert context.notes["format"] == "log.kubectl"
    assert records.height == 10
    assert records["ts_text"][0] == "2024-05-14T14:02:04.010226000Z"
    assert records["ts"][0] == utc("2024-05-14 14:02:04.010226")
    exhausted = records.filter(pl.col("message").str.contains("pool exhausted"))
    assert exhausted["ts"][0] == utc("2024-05-14 14:03:12.117904")
    assert records.filter(pl.col("offset") == 7)["message"][0].startswith("main.(*handler)")
    assert set(records["stream"]) == {"shop/checkout-api-7f9c6d5b8-x2x9k"}


def test_syslog_3164_uses_the_declared_zone_and_the_window_year() -> None:
    lines = b"<27>May 14 16:03:12 db-1 postgres[12]: FATAL:  too many clients\n"
    records = parse("log.auto", lines, ctx(timezone=PARIS))
    row = records.row(0, named=True)
    assert (row["ts"], row["ts_text"], row["stream"], row["level"]) == (
        utc("2024-05-14 14:03:12"), "May 14 16:03:12", "db-1", "error"
    )  # fmt: skip


def test_syslog_3164_crossing_new_year_moves_to_the_next_year() -> None:
    lines = b"Dec 31 23:59:58 h cron[1]: last of the year\nJan  1 00:00:03 h cron[1]: first\n"
    reference = datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    records = parse("log.syslog", lines, ctx(timezone=UTC, reference=reference))
    assert records["ts"].to_list() == [utc("2024-12-31 23:59:58"), utc("2025-01-01 00:00:03")]


def test_syslog_file_of_december_read_for_a_january_window_is_last_year() -> None:
    lines = b"Dec 31 23:59:58 h cron[1]: x\n"
    reference = datetime(2025, 1, 1, 0, 10, tzinfo=UTC)
    records = parse("log.syslog", lines, ctx(timezone=UTC, reference=reference))
    assert records["ts"][0] == utc("2024-12-31 23:59:58")


def test_syslog_5424_is_exact() -> None:
    line = b"<34>1 2024-05-14T16:03:12.003+02:00 db-1 postgres 12 - - checkpoint starting\n"
    records = parse("log.syslog", line, ctx())
    assert records["ts"][0] == utc("2024-05-14 14:03:12.003")
    assert records["message"][0] == "checkpoint starting"


def test_syslog_message_naming_a_request_id_gives_the_trace_id() -> None:
    lines = (
        b"<134>May 14 16:03:12 db-1 postgres[12]: duration: 812 ms trace_id=4bf92f3577b34da6\n"
        b"<134>May 14 16:03:13 db-1 postgres[12]: checkpoint starting\n"
    )
    records = parse("log.syslog", lines, ctx(timezone=UTC))
    assert records["trace_id"].to_list() == ["4bf92f3577b34da6", None]


def test_json_and_logfmt_values_keep_escaped_quotes_and_numbers() -> None:
    lines = b'{"ts":"2024-05-14T14:03:12Z","msg":"say \\"hi\\"","status":503}\n'
    row = parse("log.json", lines, ctx()).row(0, named=True)
    assert (row["message"], row["status"]) == ('say "hi"', 503)
    lines = b'ts=2024-05-14T14:03:12Z level=warn msg="say \\"hi\\"" status=503\n'
    row = parse("log.logfmt", lines, ctx()).row(0, named=True)
    assert (row["message"], row["status"], row["level"]) == ('say "hi"', 503, "warn")


def test_zone_less_times_without_a_declared_zone_name_file_and_line() -> None:
    lines = b"2024-05-14T14:03:11Z INFO fine\n2024-05-14 14:03:12,123 ERROR boom\n"
    with pytest.raises(NaiveTimestampError, match=r"app\.log:2: time '2024-05-14 14:03:12,123'"):
        parse("log.iso", lines, ctx())


def test_zone_less_syslog_without_a_declared_zone_is_refused() -> None:
    with pytest.raises(NaiveTimestampError, match=r"app\.log:1: .*timezone"):
        parse("log.syslog", b"May 14 16:03:12 db-1 app: x\n", ctx())


def test_declared_zone_converts_local_times_including_summer_time() -> None:
    lines = b"2024-05-14 16:03:12 ERROR boom\n2024-01-14 16:03:12 ERROR winter\n"
    records = parse("log.iso", lines, ctx(timezone=PARIS))
    assert records["ts"].to_list() == [utc("2024-05-14 14:03:12"), utc("2024-01-14 15:03:12")]


def test_invalid_utf8_is_replaced_and_counted() -> None:
    context = ctx()
    lines = b"2024-05-14T14:03:12Z INFO caf\xe9\n2024-05-14T14:03:13Z INFO ok\n"
    records = parse("log.iso", lines, context)
    assert records.height == 2 and "\ufffd" in records["message"][0]
    assert context.notes["invalid_utf8_lines"] == "1"
    assert context.notes["invalid_utf8_first_line"] == "1"


def test_a_replacement_character_in_valid_utf8_is_not_counted_as_repaired() -> None:
    context = ctx()
    lines = "2024-05-14T14:03:12Z INFO got \ufffd from upstream\n".encode()
    assert "\ufffd" in parse("log.iso", lines, context)["message"][0]
    assert "invalid_utf8_lines" not in context.notes


_LINE_PIECES = [b"a", b"\n", b"\r", b"\r\n", b" ", b'"', b"'", b",", b"\t", b"#", b"\x00"]
_LINE_PIECES += [b"\x1f", b"\xff", b"\xe2\x82", b"\xe2\x82\xac", b"\xc3\xa9", b"\xef\xbb\xbf"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=60), st.integers(1, 24))
def test_lines_are_the_bytes_between_newlines_whatever_they_hold(
    pieces: list[bytes], chunk_bytes: int
) -> None:
    """Quotes, separators, control bytes, CR and invalid UTF-8 never merge, drop or shift a
    line, whatever the slice size: line N is the Nth run of bytes between newlines, less
    one CR before its newline, with bad bytes replaced."""
    blob = b"".join(pieces)
    expected = blob.removesuffix(b"\n").split(b"\n") if blob else []
    expected = [line.removesuffix(b"\r").decode("utf-8", errors="replace") for line in expected]
    for stored in (blob, gzip.compress(blob)):  # cut in memory, and read as a stream
        frames = list(iter_line_frames(stored, ctx(), chunk_bytes=chunk_bytes))
        lines = pl.concat(frames) if frames else pl.DataFrame({"offset": [], "line": []})
        assert lines["line"].to_list() == expected
        assert lines["offset"].to_list() == list(range(1, len(expected) + 1))


def test_gzip_is_read_by_its_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "edge.log.1"
    path.write_bytes(gzip.compress(NGINX))
    assert parse("log.auto", path, ctx())["status"].to_list() == [503, 200]


def test_truncated_gzip_keeps_the_lines_before_the_damage_and_says_so(tmp_path: Path) -> None:
    body = b"".join(
        f"2024-05-14T14:{m:02d}:{s:02d}Z INFO line {m * 60 + s} {'x' * 60}\n".encode()
        for m in range(60) for s in range(60)
    )  # fmt: skip
    packed = gzip.compress(body)
    path = tmp_path / "app.log.gz"
    path.write_bytes(packed[: len(packed) // 2])
    context = ctx()
    records = parse("log.iso", path, context)
    assert 0 < records.height < 3600
    assert "compressed data damaged" in context.notes["truncated"]
    assert records["offset"].to_list() == list(range(1, records.height + 1))


def test_small_chunks_give_the_same_records_as_one_chunk(data: Path) -> None:
    path = data / "kubectl_logs_timestamps.txt"
    whole = parse("log.kubectl", path, ctx())
    frames = []
    context = ctx()
    for lines in iter_line_frames(path, context, chunk_bytes=200):
        frames.append(lines)
    assert len(frames) > 3
    assert pl.concat(frames)["offset"].to_list() == list(range(1, 11))
    chunked = pl.concat(list(iter_log_records(path, ctx(), "kubectl")))
    assert chunked["ts"].to_list() == whole["ts"].to_list()


def test_unrecognisable_lines_ask_for_a_format() -> None:
    from hotwash.errors import ParseError

    with pytest.raises(ParseError, match='set format = "nginx"'):
        parse("log.auto", b"hello\nworld\n", ctx())


def test_continuation_lines_take_the_time_of_the_line_before() -> None:
    lines = b"2024-05-14T14:03:12Z ERROR boom\n  at Handler.java:42\n  at Main.java:7\n"
    records = parse("log.iso", lines, ctx())
    assert records["ts"].to_list() == [utc("2024-05-14 14:03:12")] * 3


def times_by_rfc3339_format(frame: pl.DataFrame) -> pl.DataFrame:
    """What resolve_times gives: RFC 3339 by its format, else every text the general way."""
    text = pl.col("ts_text")
    fast = frame.with_columns(
        text.str.strptime(UTC_DTYPE, FAST_ISO_FORMAT, strict=False).alias("ts")
    )
    if not fast.select((pl.col("ts").is_null() & text.is_not_null()).any()).item():
        return fast.with_columns(pl.lit(False).alias("naive"))
    return frame.with_columns(
        iso_to_utc(text, PARIS).alias("ts"), naive_mask(text).fill_null(False).alias("naive")
    )


DIGITS = st.sampled_from([3, 6, 9, 3, 6, 9, 1, 10]).flatmap(
    lambda n: st.text(st.sampled_from("0123456789"), min_size=n, max_size=n)
)
TIMES = st.builds(
    lambda y, mo, d, h, mi, s, frac, zone: f"{y}-{mo}-{d}T{h}:{mi}:{s}{frac}{zone}",
    st.sampled_from(["2024", "1999", "0000", "-024", "٢٠٢٤"]),
    st.sampled_from(["01", "02", "12", "13", "00"]),
    st.sampled_from(["01", "29", "30", "31", "32"]),
    st.sampled_from(["00", "23", "24"]),
    st.sampled_from(["00", "59", "60"]),
    st.sampled_from(["00", "59", "60", "61"]),
    st.sampled_from([".", ".", ".", ",", ""]).flatmap(lambda sep: DIGITS.map(lambda d: sep + d)),
    st.sampled_from(["Z", "Z", "Z", "z", "", "+02:00", "-0130", " UTC"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TIMES | st.none(), min_size=1, max_size=12))
def test_times_parsed_by_their_width_are_the_times_of_the_rfc3339_format(
    texts: list[str | None],
) -> None:
    frame = pl.DataFrame({"ts_text": texts}, schema={"ts_text": pl.String})
    assert_frame_equal(resolve_times(frame, PARIS), times_by_rfc3339_format(frame))
