"""Cutting JSON and logfmt values out of the lines that fit a layout gives exactly the
values of one regex per field (:func:`payload_fields`, the definition)."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from hotwash.parse.fields import (
    PAYLOAD_COLUMNS,
    json_field,
    json_layout,
    logfmt_field,
    logfmt_layout,
    payload_columns,
    payload_fields,
)

from .conftest import line_frame

FIRST = '{"ts":"2024-05-14T12:03:12.5Z","level":"INFO","svc":"api","msg":"ok","status":200}'

JSON_LINES = [
    FIRST,
    # escaped quotes, backslashes and slashes in the message
    '{"ts":"2024-05-14T12:03:13Z","level":"ERROR","svc":"api","msg":"say \\"hi\\" c:\\\\x a\\/b",'
    '"status":500}',
    # a bound of the layout, or a key of a role, inside a string
    '{"ts":"2024-05-14T12:03:13Z","level":"x\\",\\"svc\\":\\"","svc":"api","msg":"m","status":1}',
    '{"ts":"2024-05-14T12:03:13Z","level":"info","svc":"\\"msg\\":\\"no","msg":"\\"","status":1}',
    # unicode, and spaces around the separators
    '{ "ts" : "2024-05-14T12:03:14Z" , "level" : "warn" , "svc" : "été" , "msg" : "ünï €" ,'
    ' "status" : 404 }',
    '{"ts": "2024-05-14T12:03:14Z", "level": "warn", "svc": "x", "msg": "python", "status": 1}',
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
    # the key inside a value, epoch times, a repeated key, text after the object
    '{"ts":1715688204,"level":"info","svc":"api","msg":"\\"ts\\": 1","status":200}',
    '{"ts":"2024-05-14T12:03:25Z","level":"info","svc":"api","msg":"ts","status":200}',
    '{"ts":"2024-05-14T12:03:25Z","ts":"2024-05-14T12:03:26Z","msg":"twice"}',
    '{"ts":"2024-05-14T12:03:25Z","level":"info","svc":"api","msg":"x","status":200} tail',
    # the message last: plain, escaped, or followed by more text ending like the line
    '{"ts":"2024-05-14T12:03:26Z","msg":"last"}',
    '{"ts":"2024-05-14T12:03:26Z","msg":"a \\"quote\\" \\\\"}',
    '{"ts":"2024-05-14T12:03:26Z","msg":"a"} "}',
    '{"ts":"2024-05-14T12:03:26Z","msg":"a"}"}',
    '{"ts":"2024-05-14T12:03:26Z","msg":""}',
]

LOGFMT_LINES = [
    'ts=2024-05-14T12:03:12.5Z level=info svc=api msg="ok done" status=200',
    # role keys and bounds of the layout inside quoted values
    'ts=2024-05-14T12:03:13Z level=warn svc=api msg="retry level=error svc=x" status=503',
    'ts=2024-05-14T12:03:13Z level=warn svc=api msg="a status=1" status=2',
    'ts=2024-05-14T12:03:13Z level=warn svc=api msg="a err=boom" status=2',
    'ts=2024-05-14T12:03:13Z level=warn svc="x svc=y" msg="m" status=2',
    'ts=2024-05-14T12:03:13Z level=warn svc="x msg=y" msg="m" status=2',
    # escapes, an unterminated quote, text glued after a quote, an empty value
    'ts=2024-05-14T12:03:14Z level=info svc=api msg="say \\"hi\\" \\\\" status=200',
    'ts=2024-05-14T12:03:14Z level=info svc=api msg="unterminated status=200',
    'ts=2024-05-14T12:03:14Z level=info svc=api msg="a"b status=200',
    "ts=2024-05-14T12:03:14Z level= svc=api msg=bare status=",
    'ts=2024-05-14T12:03:14Z level=info svc=a"b msg="q" status=1',
    # other white space, other spacing, keys glued to other text
    'ts=2024-05-14T12:03:15Z\tlevel=info svc=api msg="tab" status=1',
    'ts=2024-05-14T12:03:15Z level=info\u00a0svc=api msg="nbsp" status=1',
    'ts=2024-05-14T12:03:15Z level=info svc=api msg="nbsp\u00a0level=x" status=1',
    '  ts=2024-05-14T12:03:15Z  level=info  svc=api  msg="spaced"  status=1  ',
    'ts=2024-05-14T12:03:15Z xlevel=warn svc=api msg="x" status=1',
    # quoted time (logrus), another order, repeated keys, missing keys
    'time="2024-05-14T12:03:16Z" level=info msg="logrus" animal=walrus',
    'time="2024-05-14T12:03:16Z level=x" level=info msg="inside" animal=walrus',
    'time="2024-05-14T12:03:16Z" level=info animal=walrus msg="last"',
    'time="2024-05-14T12:03:16Z animal=x" level=info animal=walrus msg="bound inside"',
    'time="2024-05-14T12:03:16Z" level=info animal=walrus msg="a" b"',
    'time="2024-05-14T12:03:16Z" level=info animal=walrus msg="a\\"b"',
    'time="2024-05-14T12:03:16Z" level=info animal=walrus msg=""',
    'level=error msg="first" ts=2024-05-14T12:03:17Z err="e" trace_id=t',
    "ts=2024-05-14T12:03:17Z level=info level=warn msg=twice",
    'ts=2024-05-14T12:03:17Z msg="ERROR no level"',
    "panic: runtime error",
    "",
]


def by_regex(lines: pl.DataFrame, mode: str) -> pl.DataFrame:
    line = pl.col("line")
    field = json_field if mode == "json" else logfmt_field
    return lines.select(*payload_fields(line, mode), field(line, "ts").alias("ts_text"))


def cut(lines: pl.DataFrame, mode: str) -> pl.DataFrame:
    return payload_columns(lines, "line", mode, ts=True).select(*PAYLOAD_COLUMNS, "ts_text")


@pytest.mark.parametrize(
    ("mode", "first"),
    [("json", i) for i in range(len(JSON_LINES))]
    + [("logfmt", i) for i in range(len(LOGFMT_LINES))],
)
def test_cut_values_are_the_values_of_one_regex_per_field(mode: str, first: int) -> None:
    lines = JSON_LINES if mode == "json" else LOGFMT_LINES
    chunk = line_frame(lines[first:] + lines[:first])
    assert_frame_equal(cut(chunk, mode), by_regex(chunk, mode))


def test_lines_laid_out_like_the_first_are_cut() -> None:
    layout = json_layout(FIRST)
    assert layout is not None
    assert layout.roles == {"ts": 0, "level": 1, "message": 3, "status": 4}
    fits = line_frame(JSON_LINES)["line"].str.contains(layout.pattern).to_list()
    assert fits[:4] == [True, True, True, True]
    assert fits[4:6] == [False, False]  # other spacing: another layout


@pytest.mark.parametrize(
    "line",
    [
        '{"svc":"api"}',
        '{"level":null,"msg":"x"}',
        '{"ts":[1],"msg":"x"}',
        '{"ts":"a","ts":"b"}',
        '{"ts":NaN}',
        "not json",
        "[1]",
    ],
)
def test_json_lines_without_a_usable_layout(line: str) -> None:
    assert json_layout(line) is None


@pytest.mark.parametrize(
    "line",
    ["svc=api", "ts=1 ts=2", 'msg="open', 'msg="a"b', "msg=a\u00a0level=b", "just words", ""],
)
def test_logfmt_lines_without_a_usable_layout(line: str) -> None:
    assert logfmt_layout(line) is None


# Properties: lines of a few layouts, with values made to trip the cutting ----------------

KEYS = ["ts", "@timestamp", "level", "log.level", "msg", "message", "err", "status", "svc", "k"]
PIECES = ['"', "\\", " ", "\t", "=", ":", ",", "{", "}", "a", "é", "\u00a0", "/", "\r", "ERROR"]
TRAPS = [" level=", ' "level":', ' msg="', " status=", '","msg":"', " err=", '\\"']
TEXT = st.lists(st.sampled_from(PIECES + TRAPS), max_size=8).map("".join)
SCALAR = st.one_of(TEXT, st.integers(-5, 600), st.floats(allow_nan=False, width=32), st.booleans())
VALUE = st.one_of(SCALAR, st.none())


@st.composite
def json_lines(draw: st.DrawFn) -> list[str]:
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5, unique=True))
    separators = draw(st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")]))
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        pairs = {key: draw(SCALAR if draw(st.booleans()) else VALUE) for key in keys}
        line = json.dumps(pairs, separators=separators, ensure_ascii=draw(st.booleans()))
        lines.append(line if draw(st.integers(0, 9)) else line + draw(TEXT))
    return lines


def logfmt_value(value: object, quoted: bool) -> str:
    text = str(value)
    if quoted or not text or any(c.isspace() or c == '"' for c in text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@st.composite
def logfmt_lines(draw: st.DrawFn) -> list[str]:
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5, unique=True))
    quoted = {key: draw(st.booleans()) for key in keys}
    apart = draw(st.sampled_from([" ", "  ", "\t"]))
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        same = draw(st.integers(0, 4))  # mostly laid out alike
        pairs = [
            f"{key}={logfmt_value(draw(SCALAR), quoted[key] if same else draw(st.booleans()))}"
            for key in keys
        ]
        line = (apart if same else draw(st.sampled_from([" ", "\u00a0", "\t"]))).join(pairs)
        lines.append(line if draw(st.integers(0, 9)) else line + draw(TEXT))
    return lines


@settings(max_examples=150, deadline=None)
@given(st.lists(json_lines(), min_size=1, max_size=3))
def test_cut_json_values_are_the_values_of_one_regex_per_field(shapes: list[list[str]]) -> None:
    chunk = line_frame([line for lines in shapes for line in lines])
    assert_frame_equal(cut(chunk, "json"), by_regex(chunk, "json"))


@settings(max_examples=150, deadline=None)
@given(st.lists(logfmt_lines(), min_size=1, max_size=3))
def test_cut_logfmt_values_are_the_values_of_one_regex_per_field(shapes: list[list[str]]) -> None:
    chunk = line_frame([line for lines in shapes for line in lines])
    assert_frame_equal(cut(chunk, "logfmt"), by_regex(chunk, "logfmt"))
