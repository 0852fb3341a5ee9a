"""The one-regex reading of JSON lines gives exactly the records of one regex per field."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from hotwash.parse.fields import _json_by_field, json_columns, json_template

FIRST = '{"ts":"2024-05-14T12:03:12.5Z","level":"INFO","svc":"api","msg":"ok","status":200}'

TRICKY = [
    FIRST,
    # escaped quotes, backslashes and slashes in the message
    '{"ts":"2024-05-14T12:03:13Z","level":"ERROR","svc":"api","msg":"say \\"hi\\" c:\\\\x a\\/b",'
    '"status":500}',
    # unicode, and spaces around the separators
    '{ "ts" : "2024-05-14T12:03:14Z" , "level" : "warn" , "svc" : "été" , "msg" : "ünï €" ,'
    ' "status" : 404 }',
    # a number as a string, a string as a number
    '{"ts":"2024-05-14T12:03:15Z","level":"info","svc":"api","msg":"n","status":"503"}',
    '{"ts":"2024-05-14T12:03:16Z","level":"info","svc":"api","msg":12.5,"status":200}',
    # missing keys, extra keys, another order
    '{"ts":"2024-05-14T12:03:17Z","msg":"no level"}',
    '{"msg":"ERROR first","ts":"2024-05-14T12:03:18Z","level":"info","svc":"api","status":1}',
    '{"ts":"2024-05-14T12:03:19Z","level":"info","svc":"api","msg":"x","status":200,"err":"e"}',
    # null where a role is read, and a nested object
    '{"ts":"2024-05-14T12:03:20Z","level":null,"svc":"api","msg":"null level","status":200}',
    '{"ts":"2024-05-14T12:03:21Z","level":"info","svc":{"a":1},"msg":"nested","status":200}',
    # a value that is not JSON, a continuation line, U+FFFD from invalid UTF-8
    '{"ts":"2024-05-14T12:03:22Z","level":"info","svc":"api","msg":"x","status":5xx}',
    "    at com.example.Main.run(Main.java:12)",
    '{"ts":"2024-05-14T12:03:23Z","level":"info","svc":"a\ufffdb","msg":"bad \ufffd","status":1}',
    # keys with punctuation, two keys of one role (the first wins), a later key null
    '{"@timestamp":"2024-05-14T12:03:12Z","log.level":"warn","trace-id":"x","message":"m",'
    '"msg":"second","err":"boom"}',
    '{"@timestamp":"2024-05-14T12:03:12Z","log.level":"warn","trace-id":"x","message":"m",'
    '"msg":null,"err":"boom"}',
    # the key inside a value, and epoch times
    '{"ts":1715688204,"level":"info","svc":"api","msg":"\\"ts\\": 1","status":200}',
    '{"ts":"2024-05-14T12:03:25Z","level":"info","svc":"api","msg":"ts","status":200}',
]


def frame(lines: list[str]) -> pl.DataFrame:
    return (
        pl.DataFrame({"line": lines})
        .with_row_index("offset", offset=1)
        .with_columns(pl.col("offset").cast(pl.Int64))
    )


@pytest.mark.parametrize("first", range(len(TRICKY)))
def test_one_regex_gives_the_records_of_one_regex_per_field(first: int) -> None:
    lines = frame(TRICKY[first:] + TRICKY[:first])
    assert_frame_equal(json_columns(lines), _json_by_field(lines))


def test_lines_shaped_like_the_first_take_the_one_regex() -> None:
    template = json_template(FIRST)
    assert template is not None
    pattern, roles = template
    assert roles == ["ts", "level", "message", "status"]
    matched = frame(TRICKY)["line"].str.contains(pattern)
    assert matched.to_list()[:5] == [True, True, True, True, True]


@pytest.mark.parametrize(
    "line",
    ['{"svc":"api"}', '{"level":null,"msg":"x"}', '{"ts":[1],"msg":"x"}', "not json", "[1]"],
)
def test_lines_without_a_usable_shape_have_no_template(line: str) -> None:
    assert json_template(line) is None
