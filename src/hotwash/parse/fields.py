"""Vectorised field extraction shared by the log formats: levels, logfmt keys, JSON keys.

Everything here maps polars expressions over line text to expressions; nothing loops over
lines in Python. A field is the value of the first key of its role in the line (the keys
of :data:`JSON_KEYS`). :func:`payload_fields` defines each field by one regular expression
per role, found rather than decoded: several times faster than a JSON parser, and good
enough for flat log objects; a nested or odd line simply leaves that field empty.

:func:`payload_columns` gives the same values several times faster. A capturing regex
over a whole line is the slow part, so values are cut out instead: the lines laid out
exactly like one of the chunk's lines (a :class:`Layout`: the same keys in the same order,
the same text between them, values of the same kind) are told by one regex without
captures, and their values are cut between the literal texts around them, found by
literal searches. A chunk may have a few layouts; the lines of none take the regex of
each field.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

__all__ = [
    "JSON_KEYS",
    "PAYLOAD_COLUMNS",
    "Layout",
    "byte_slice",
    "choose_payload_mode",
    "json_field",
    "json_layout",
    "level_from_keyword",
    "logfmt_field",
    "logfmt_layout",
    "normalise_level",
    "payload_columns",
    "payload_fields",
]

#: Keys looked for in JSON lines and logfmt lines, by role.
JSON_KEYS: dict[str, tuple[str, ...]] = {
    "ts": ("ts", "time", "timestamp", "@timestamp"),
    "level": ("level", "lvl", "severity", "log.level"),
    "message": ("msg", "message"),
    "error": ("err", "error"),
    "trace_id": ("trace_id", "traceId", "request_id", "req_id"),
    "status": ("status", "status_code"),
    "latency_ms": ("latency_ms", "duration_ms"),
    "service": ("service", "app"),
}

#: The columns :func:`payload_fields` and :func:`payload_columns` give, in order.
PAYLOAD_COLUMNS = ("level", "message", "trace_id", "status", "latency_ms", "service")

_LEVELS = {
    "trace": "debug",
    "debug": "debug",
    "info": "info",
    "notice": "info",
    "warn": "warn",
    "warning": "warn",
    "err": "error",
    "error": "error",
    "crit": "fatal",
    "critical": "fatal",
    "fatal": "fatal",
    "panic": "fatal",
    "emerg": "fatal",
    "alert": "fatal",
}
_KEYWORD = r"\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRIT|CRITICAL|FATAL|PANIC)\b"
_LOGFMT_HINT = r"(?:^|\s)(?:level|lvl|msg)="
#: A double-quoted string with backslash escapes, written as an unrolled loop: the same
#: language as ``"(?:[^"\\]|\\.)*"`` but about 15% faster for the regex engine.
_QUOTED = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_JSON_VALUE = rf"(?:{_QUOTED}|[-+.\deE]+|true|false)"
_JSON_ANY = rf"(?:{_JSON_VALUE}|null)"
_ROLE_OF = {key: role for role, keys in JSON_KEYS.items() for key in keys}


def normalise_level(level: pl.Expr) -> pl.Expr:
    """debug, info, warn, error, fatal (unknown words kept lower-cased)."""
    return level.str.strip_chars().str.to_lowercase().replace(_LEVELS)


def level_from_keyword(text: pl.Expr) -> pl.Expr:
    """The first upper-case level word in free text (``ERROR``, ``WARN``...), normalised.

    The capturing search runs only on the texts a search without captures says hold one.
    """
    holding = pl.when(text.str.contains(_KEYWORD)).then(text)
    return normalise_level(holding.str.extract(_KEYWORD, 1))


def _keys(role: str) -> str:
    return "|".join(re.escape(k) for k in JSON_KEYS[role])


def json_field(line: pl.Expr, role: str) -> pl.Expr:
    """The value of the first key of ``role`` in a flat JSON line, as text (escapes undone
    for quotes and backslashes)."""
    return _json_text(_json_raw(line, role), role)


def _json_raw(line: pl.Expr, role: str) -> pl.Expr:
    return line.str.extract(rf'"(?:{_keys(role)})"\s*:\s*({_JSON_VALUE})', 1)


def _json_text(raw: pl.Expr, role: str) -> pl.Expr:
    """A captured JSON value as text: quotes removed, ``\\"`` ``\\\\`` ``\\/`` undone in
    messages and errors."""
    text = _unquoted(raw)
    return _unescaped(text) if role in _ESCAPED_ROLES else text


_ESCAPED_ROLES = ("message", "error")


def _unescaped(text: pl.Expr) -> pl.Expr:
    """``text`` with ``\\"`` ``\\\\`` ``\\/`` undone (the regex runs only on texts holding a
    backslash)."""
    escaped = pl.when(text.str.contains("\\", literal=True)).then(text)
    return pl.coalesce([escaped.str.replace_all(r'\\(["\\/])', "$1"), text])


def _unquoted(raw: pl.Expr) -> pl.Expr:
    """``raw`` without surrounding double quotes (one regex group holding the quotes is
    several times faster than two named groups, and a string value always has both)."""
    return raw.str.strip_prefix('"').str.strip_suffix('"')


def logfmt_field(line: pl.Expr, role: str) -> pl.Expr:
    """The value of the first key of ``role`` in a logfmt line (quotes removed)."""
    return _unquoted(_logfmt_raw(line, role)).str.replace_all('\\"', '"', literal=True)


def _logfmt_raw(line: pl.Expr, role: str) -> pl.Expr:
    return line.str.extract(rf"(?:^|\s)(?:{_keys(role)})=({_QUOTED}|\S*)", 1)


def choose_payload_mode(payload: pl.Series) -> str:
    """``json``, ``logfmt`` or ``plain``: what most payloads of a chunk look like."""
    sample = payload.head(2000)
    if sample.len() == 0:
        return "plain"
    json_share = sample.str.starts_with("{").sum() / sample.len()
    logfmt_share = sample.str.contains(_LOGFMT_HINT).sum() / sample.len()
    if json_share >= 0.5 and json_share >= logfmt_share:
        return "json"
    return "logfmt" if logfmt_share >= 0.5 else "plain"


def payload_fields(payload: pl.Expr, mode: str) -> list[pl.Expr]:
    """level, message, trace_id, status, latency_ms, service from each payload.

    ``mode`` says how to read them (:func:`choose_payload_mode`): ``json`` objects,
    ``logfmt`` pairs, or ``plain`` text whose level is an upper-case keyword. A payload the
    mode does not fit keeps itself as the message. This is the definition, one regex per
    field; :func:`payload_columns` computes the same faster.
    """
    if mode == "plain":
        return _plain(payload)
    field = json_field if mode == "json" else logfmt_field
    return _compose(payload, lambda role: field(payload, role))


def _plain(payload: pl.Expr) -> list[pl.Expr]:
    none = pl.lit(None, dtype=pl.String)
    return [
        level_from_keyword(payload).alias("level"),
        payload.alias("message"),
        none.alias("trace_id"),
        none.cast(pl.Int32).alias("status"),
        none.cast(pl.Float64).alias("latency_ms"),
        none.alias("service"),
    ]


def _compose(
    payload: pl.Expr, field: Callable[[str], pl.Expr], level: pl.Expr | None = None
) -> list[pl.Expr]:
    """The columns of :func:`payload_fields` from ``field(role)``, the role's text, and
    ``level``, the normalised level text (from ``field`` when None). The level keyword is
    looked for only where there is no level."""
    message, error = field("message"), field("error")
    full_message = (
        pl.when(error.is_not_null() & message.is_not_null())
        .then(pl.concat_str([message, pl.lit(": "), error]))
        .otherwise(pl.coalesce([message, error, payload]))
    )
    if level is None:
        level = normalise_level(field("level"))
    keyword = level_from_keyword(pl.when(level.is_null()).then(payload))
    return [
        pl.coalesce([level, keyword]).alias("level"),
        full_message.alias("message"),
        field("trace_id").alias("trace_id"),
        field("status").cast(pl.Int32, strict=False).alias("status"),
        field("latency_ms").cast(pl.Float64, strict=False).alias("latency_ms"),
        field("service").alias("service"),
    ]


def payload_columns(frame: pl.DataFrame, column: str, mode: str, ts: bool = False) -> pl.DataFrame:
    """``frame`` with the :data:`PAYLOAD_COLUMNS` read from its ``column`` in ``mode``
    (and ``ts_text``, the text of the role ``ts``, when ``ts``): the values of
    :func:`payload_fields`, cut out of the lines that fit a layout."""
    payload = pl.col(column)
    if mode == "plain":
        return frame.with_columns(_plain(payload))
    roles = [role for role in JSON_KEYS if ts or role != "ts"]
    reader = _JSON if mode == "json" else _LOGFMT
    texts = _texts(frame, column, roles, reader)
    if frame[column].str.contains(reader.escape, literal=True).any():
        texts = texts.with_columns(
            reader.unescape(pl.col(f"_{role}")).alias(f"_{role}")
            for role in reader.escaped
            if role in roles
        )
    texts = texts.with_columns(_normalised(texts["_level"]))
    columns = _compose(payload, lambda role: pl.col(f"_{role}"), level=pl.col("_level"))
    if ts:
        columns.append(pl.col("_ts").alias("ts_text"))
    return texts.with_columns(columns).drop(f"_{role}" for role in roles)


def _normalised(levels: pl.Series) -> pl.Series:
    """:func:`normalise_level` of each level, computed once per distinct level."""
    distinct = levels.unique().drop_nulls()
    normal = distinct.to_frame().select(normalise_level(pl.col(levels.name))).to_series()
    return levels.replace_strict(distinct, normal, default=None, return_dtype=pl.String)


# Layouts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The lines laid out exactly like one line, and where their values are.

    A line fits when ``pattern`` (a regex without captures) matches it (``head_pattern``
    is the same up to the last value, and its opening quote if it is quoted). Its values are
    then separated by literal texts: ``head`` before the first, ``bounds[i]`` between
    value ``i`` and value ``i + 1``, ``closing`` after the last. ``quoted`` tells the
    values in double quotes; ``roles`` gives the index of the value of each role's
    first key.

    In a JSON line that fits, the first occurrence of ``bounds[i]`` is the one after
    value ``i``, as ``"key":`` can only be a key. So it is in a logfmt line up to the
    first quoted value, but a quoted value may hold any text, a bound or `` level=``
    among others, so a logfmt layout is ``checked``: after the first quoted value a
    line fits only when each bound found lies after the value before it and each quoted
    value so cut is one whole quoted string; and no quoted value may hold a role key
    after white space (where the field's regex would find it).
    """

    pattern: str
    head_pattern: str
    head: str
    bounds: tuple[str, ...]
    closing: str
    quoted: tuple[bool, ...]
    roles: dict[str, int]
    checked: bool


@dataclass(frozen=True)
class _Pair:
    """One key and its value in a line: the literal text before the value (from the key
    on), the regex of the value, the literal text after it, whether it is quoted."""

    key: str
    before: str
    value: str
    after: str
    quoted: bool


def _layout(opening: str, pairs: list[_Pair], checked: bool) -> Layout | None:
    """The layout of a line made of ``opening`` and ``pairs``; None when its keys are not
    distinct or hold no role."""
    keys = [pair.key for pair in pairs]
    if len(set(keys)) < len(keys):
        return None
    roles: dict[str, int] = {}
    for i, key in enumerate(keys):
        role = _ROLE_OF.get(key)
        if role is not None and role not in roles:
            roles[role] = i
    if not roles:
        return None
    parts = [_literal(opening)]
    for pair in pairs:
        parts += [_literal(pair.before), pair.value, _literal(pair.after)]
    return Layout(
        pattern="^" + "".join(parts) + "$",
        head_pattern="^" + "".join(parts[:-2]) + ('"' if pairs[-1].quoted else ""),
        head=opening + pairs[0].before,
        bounds=tuple(a.after + b.before for a, b in itertools.pairwise(pairs)),
        closing=pairs[-1].after,
        quoted=tuple(pair.quoted for pair in pairs),
        roles=roles,
        checked=checked,
    )


def _literal(text: str) -> str:
    """``text`` as a regex matching exactly it."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}" for c in text)


@dataclass(frozen=True)
class _Reader:
    """How one payload mode is read: a line's layout, a role's raw value by its regex, the
    escapes undone after unquoting (in the roles ``escaped``; an escape starts with the
    text ``escape``)."""

    layout: Callable[[str], Layout | None]
    by_regex: Callable[[pl.Expr, str], pl.Expr]
    unescape: Callable[[pl.Expr], pl.Expr]
    escaped: tuple[str, ...]
    escape: str


#: At most this many layouts are tried per chunk, each taken from the first of the lines
#: that fit none of the layouts before it (among their first ``_LAYOUT_TRIES``).
_MAX_LAYOUTS = 4
_LAYOUT_TRIES = 16


def _texts(frame: pl.DataFrame, column: str, roles: list[str], reader: _Reader) -> pl.DataFrame:
    """``frame`` with ``_<role>``, the unquoted text of each role (escapes not yet undone):
    cut out of the lines that fit a layout, by the role's regex in the others."""
    text = pl.col(column)
    frame = frame.with_columns(pl.lit(False).alias("_done"))
    scratch = ["_done"]
    cuts: list[tuple[str, dict[str, pl.Expr]]] = []
    for n in range(_MAX_LAYOUTS):
        layout = _next_layout(frame, column, reader)
        if layout is None:
            break
        before = set(frame.columns)
        frame, fits, values = _cut_layout(frame, text, layout, roles, f"_{n}")
        scratch += [c for c in frame.columns if c not in before]
        cuts.append((fits, values))
        frame = frame.with_columns(pl.col("_done") | pl.col(fits))
        if frame["_done"].all():
            break
    other = pl.when(~pl.col("_done")).then(text)
    columns = []
    for role in roles:
        value = _unquoted(reader.by_regex(other, role))
        for fits, values in reversed(cuts):
            if role in values:
                value = pl.when(pl.col(fits)).then(values[role]).otherwise(value)
        columns.append(value.alias(f"_{role}"))
    return frame.with_columns(columns).drop(scratch)


def _next_layout(frame: pl.DataFrame, column: str, reader: _Reader) -> Layout | None:
    """The layout of the first of the lines not done yet that has one."""
    left = frame["_done"].arg_min()
    if left is None or frame["_done"][left]:
        return None
    lines = frame.slice(left, _LAYOUT_TRIES * 4).filter(~pl.col("_done"))[column]
    for line in lines.head(_LAYOUT_TRIES):
        layout = reader.layout(line) if line is not None else None
        if layout is not None:
            return layout
    return None


#: One whole quoted string, and any role key after white space.
_WHOLE_QUOTED = f"^{_QUOTED}$"
_ROLE_KEY = r"\s(?:" + "|".join(re.escape(key) for key in _ROLE_OF) + ")="


def _cut_layout(
    frame: pl.DataFrame, text: pl.Expr, layout: Layout, roles: list[str], tag: str
) -> tuple[pl.DataFrame, str, dict[str, pl.Expr]]:
    """``frame`` with the column ``fits`` (its name is returned), true where a line not
    done yet fits ``layout``, and the bounds that needs; and the text of each role the
    layout has, cut out of the lines that fit.

    When the last value is quoted, the layout's regex reads the line up to that value
    only: a last value holding no other quote and no backslash is one whole quoted
    string, so only the lines whose last value holds some take the whole regex.
    """
    last = len(layout.quoted) - 1
    quoted = [i for i, q in enumerate(layout.quoted) if q]
    quick = layout.quoted[last]
    read = [layout.roles[role] for role in roles if role in layout.roles]
    if layout.checked:  # the role keys are looked for in every quoted value
        read += quoted
    found = {j for i in read for j in (i - 1, i) if 0 <= j < last}
    if quick and last > 0:
        found.add(last - 1)
    checked = range(0)
    if layout.checked and found and quoted and max(found) >= quoted[0]:
        # a bound after a quoted value may be found inside it: from the one after the first
        # quoted value on, each bound is checked to be the one after the value before it
        checked = range(quoted[0], max(found) + 1)
        found.update(range(max(quoted[0] - 1, 0), max(found) + 1))
    left = pl.when(~pl.col("_done")).then(text)
    fits = f"{tag}fits"
    frame = frame.with_columns(
        left.str.contains(layout.head_pattern if quick else layout.pattern)
        .fill_null(False)
        .alias(fits),
        *(left.str.find(layout.bounds[j], literal=True).alias(f"{tag}b{j}") for j in found),
    )

    def start(i: int) -> pl.Expr:
        if i == 0:
            at = pl.lit(len(layout.head.encode()))
        else:
            at = pl.col(f"{tag}b{i - 1}") + len(layout.bounds[i - 1].encode())
        return pl.when(pl.col(fits)).then(at)

    def end(i: int) -> pl.Expr:
        if i < last:
            return pl.col(f"{tag}b{i}")
        return text.str.len_bytes() - len(layout.closing.encode())

    def cut(i: int, quoted: bool) -> pl.Expr:
        """Value ``i`` (without its quotes when ``quoted``) where the line fits."""
        if quoted:
            return byte_slice(text, start(i) + 1, end(i) - 1)
        return byte_slice(text, start(i), end(i))

    def unquoted(i: int) -> pl.Expr:
        """Value ``i`` without its quotes (the last one is cut once, when quick)."""
        return pl.col(f"{tag}last") if quick and i == last else cut(i, quoted=True)

    def keep(*conditions: pl.Expr) -> None:
        """Lines fit only where the ``conditions`` hold too."""
        nonlocal frame
        if conditions:
            frame = frame.with_columns(pl.all_horizontal(fits, *conditions).fill_null(False))

    if checked:  # the bounds found are the ones after the values
        keep(*(pl.col(f"{tag}b{j}") >= start(j) for j in checked))
        keep(*(cut(i, quoted=False).str.contains(_WHOLE_QUOTED) for i in quoted if i < last))
    if quick:  # the head pattern ends with the opening quote of the last value
        keep(text.str.ends_with('"' + layout.closing), end(last) - start(last) >= 2)
        frame = frame.with_columns(cut(last, quoted=True).alias(f"{tag}last"))
        plain = ~unquoted(last).str.contains_any(['"', "\\"])
        whole = pl.when(pl.col(fits) & ~plain).then(text).str.contains(layout.pattern)
        keep(plain | whole)
    if layout.checked:  # no role key hides in a quoted value
        keep(*(~unquoted(i).str.contains(_ROLE_KEY) for i in quoted))
    values = {}
    for role in roles:
        if role in layout.roles:
            i = layout.roles[role]
            values[role] = unquoted(i) if layout.quoted[i] else cut(i, quoted=False)
    return frame, fits, values


def byte_slice(text: pl.Expr, start: pl.Expr, end: pl.Expr | None = None) -> pl.Expr:
    """The bytes ``[start, end)`` of ``text`` (to its end when ``end`` is None) as text;
    both offsets fall between characters, as the offsets of literal searches do."""
    binary = text.cast(pl.Binary)
    part = binary.bin.slice(start) if end is None else binary.bin.slice(start, end - start)
    return part.cast(pl.String)


# JSON lines ---------------------------------------------------------------------------


class _Pairs(list[tuple[str, object]]):
    """A JSON object's (key, value) pairs in order (told apart from a JSON array)."""


_JSON_OPENING = re.compile(r"\s*\{\s*")
_JSON_PAIR = re.compile(rf'"([\w@.\-]+)"(\s*:\s*)({_JSON_ANY})(\s*,\s*|\s*\}}\s*\Z)')
_JSON_SCALAR = r"(?:[-+.\deE]+|true|false)"


def json_layout(line: str) -> Layout | None:
    """The layout of a JSON line; None when it is not a flat object of scalars with plain,
    distinct keys, has no key of a role, or a role's first key holds null.

    The value of a role's key is a string in the lines of the layout if it is one in
    ``line``, else a number or boolean. On a line that fits, each cut is exactly what
    :func:`json_field` reads: ``"key"`` followed by the colon can only be the key itself
    (inside a JSON string every ``"`` is escaped and the keys hold no backslash), and the
    keys are distinct.
    """
    try:
        pairs = json.loads(line, object_pairs_hook=_Pairs)
    except ValueError:
        return None
    opening = _JSON_OPENING.match(line)
    if not isinstance(pairs, _Pairs) or not pairs or opening is None:
        return None
    parts, pos, roles = [], opening.end(), set()
    for key, value in pairs:
        token = _JSON_PAIR.match(line, pos)
        role = _ROLE_OF.get(key)
        if token is None or token.group(1) != key or isinstance(value, list):
            return None
        pos = token.end()
        before, after = f'"{key}"{token.group(2)}', token.group(4)
        if role is None or role in roles:
            parts.append(_Pair(key, before, _JSON_ANY, after, quoted=False))
            continue
        if value is None:
            return None
        roles.add(role)
        quoted = isinstance(value, str)
        parts.append(_Pair(key, before, _QUOTED if quoted else _JSON_SCALAR, after, quoted))
    if pos != len(line):
        return None
    return _layout(opening.group(), parts, checked=False)


# logfmt lines -------------------------------------------------------------------------

_LOGFMT_PAIR = re.compile(rf'([\w@.\-]+)=({_QUOTED}|[^\s"]*)([ \t]+|\Z)')
_LOGFMT_BARE = r'[^\s"]*'


def logfmt_layout(line: str) -> Layout | None:
    """The layout of a logfmt line: ``key=value`` pairs apart by spaces or tabs, values
    quoted (one whole quoted string) or bare (no quote, no white space);
    None when the line is not made of such pairs, repeats a key or has no key of a role.

    On a line that fits (and passes the checks of :class:`Layout`), each cut is exactly
    what :func:`logfmt_field` reads: a role key after white space is found only where
    the pairs are apart, so first at the role's first key.
    """
    opening = re.match(r"[ \t]*", line)
    assert opening is not None
    parts, pos = [], opening.end()
    while pos < len(line):
        token = _LOGFMT_PAIR.match(line, pos)
        if token is None:
            return None
        key, value, after = token.groups()
        quoted = value.startswith('"')
        parts.append(_Pair(key, f"{key}=", _QUOTED if quoted else _LOGFMT_BARE, after, quoted))
        pos = token.end()
    if not parts:
        return None
    return _layout(opening.group(), parts, checked=True)


def _logfmt_unescaped(text: pl.Expr) -> pl.Expr:
    """``text`` with ``\\"`` undone (only the texts holding one are rewritten)."""
    escaped = pl.when(text.str.contains('\\"', literal=True)).then(text)
    return pl.coalesce([escaped.str.replace_all('\\"', '"', literal=True), text])


_JSON = _Reader(json_layout, _json_raw, _unescaped, _ESCAPED_ROLES, "\\")
_LOGFMT = _Reader(logfmt_layout, _logfmt_raw, _logfmt_unescaped, tuple(JSON_KEYS), '\\"')
