"""Masking: replace the variable parts of log messages with ``<*>``, vectorised.

:func:`mask_messages` applies an ordered list of regular expressions (:data:`MASK_RULES`)
to a whole polars Series (Rust regex, no per-line Python). The order matters: the
specific shapes (timestamps, UUIDs, addresses, block ids, hex, durations, sizes, quoted
and ``key=value`` values, paths) go before the catch-all rule that masks any remaining run
of digits, so a value never leaves a different residue on different lines (``5ms`` and
``2s`` both become ``<*>``, never ``<*>ms`` and ``<*>s``). Runs of adjacent ``<*>``
collapse into one.

Speed (``bench/masking.py``):

- only the *distinct* messages are masked, then mapped back to every line by index
  (:func:`distinct_messages`), so a repeated line costs one hash; when nearly all of
  them are distinct (:data:`DISTINCT_SHARE`, estimated with ``approx_n_unique``), they
  are masked as they are, without that first deduplication;
- after the passes that mask numbers, ids, addresses and times (:data:`REDUCE_AFTER`),
  the partly masked messages are deduplicated again: most are alike by then, so the
  remaining passes run over a few thousand texts instead of millions;
- consecutive rules that replace their whole match with ``<*>`` share one pass, as a
  leftmost-first alternation in rule order (:data:`MASK_PASSES`: 12 passes for 21
  rules; rules that keep text through ``${n}`` keep their own pass, since group
  references slow every match of a pass down). On the Loghub samples, 200,000 generated
  lines and 600,000 random strings of log tokens this gives the same text as the rules
  one by one (``tests/detect_signals/test_masking.py`` checks a sample); it can differ
  only where two values are glued together without a separator (``...T10:00:00deadbeef-...``),
  since a replaced value no longer ends in a word character for the next rule;
- a pass whose rule needs a text that few messages hold (``://`` for URLs, two colons
  for IPv6, ``blk_`` for block ids, a quote, a slash...: :data:`PASS_GUARDS`) first
  finds the messages that hold it (a search without captures, often a plain byte
  search) and replaces in those only;
- the messages are split into one chunk per polars thread, which polars masks in
  parallel.

Two messages that differ only in their variables get the same masked text; the template
miner (:mod:`hotwash.detect.templates`) then works on the *distinct* masked messages.
"""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = [
    "MASK",
    "MASK_PASSES",
    "MASK_RULES",
    "PASS_GROUPS",
    "PASS_GUARDS",
    "distinct_messages",
    "mask_codes",
    "mask_distinct",
    "mask_expr",
    "mask_messages",
]

MASK = "<*>"

_HEX = "[0-9A-Fa-f]"
_DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_OPEN = r"(^|[\s\[(=,;:\"'<>{])"  # what may stand before a masked standalone token
_CLOSE = r"($|[\s\]),;\"'<>}.:])"  # what may stand after it

#: (name, pattern, replacement), applied in order.
MASK_RULES: tuple[tuple[str, str, str], ...] = (
    ("url", r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^\s\"'<>]+", "${1}<*>"),
    (
        "iso timestamp",
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([.,]\d+)?(Z|[+-]\d{2}:?\d{2})?",
        MASK,
    ),
    (
        "month-name timestamp",
        rf"\b(({_DAYS})\s+)?({_MONTHS})\s+\d{{1,2}}(,?\s+\d{{4}})?\s+\d{{1,2}}:\d{{2}}(:\d{{2}})?"
        r"([.,]\d+)?(\s+\d{4})?\b",
        MASK,
    ),
    ("date", r"\b\d{4}[-/]\d{2}[-/]\d{2}\b|\b\d{2}/\d{2}/\d{2,4}\b", MASK),
    ("mac address", rf"\b{_HEX}{{2}}(:{_HEX}{{2}}){{5}}\b", MASK),
    ("clock time", r"\b\d{1,2}:\d{2}:\d{2}([.,:]\d+)?\b", MASK),
    ("uuid", rf"\b{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}\b", MASK),
    ("ipv4", r"\b\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?\b", MASK),
    ("ipv6", rf"{_OPEN}(({_HEX}{{0,4}}:){{2,7}}{_HEX}{{1,4}}){_CLOSE}", "${1}<*>${4}"),
    ("block id", r"\bblk_-?\d+", "blk_<*>"),
    (
        "duration",
        r"-?\b\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|\s?(sec|secs|seconds?|mins?|minutes?|hours?|days?))\b",
        MASK,
    ),
    ("size", r"-?\b\d+(\.\d+)?\s?([KMGTP]i?B|[kKMGTP]|bytes?|B)\b", MASK),
    ("hex literal", rf"\b0[xX]{_HEX}+\b", MASK),
    ("hex or number word", rf"\b[A-Fa-f]*\d{_HEX}*\b", MASK),
    ("double-quoted", r"\"[^\"]*\"", '"<*>"'),
    ("single-quoted", r"(^|[^\w])'[^']*'", "${1}'<*>'"),
    ("key=value", r"\b([A-Za-z_][\w.-]*)=[^\s,;&)\]}]+", "${1}=<*>"),
    ("path", r"(^|[\s=(\[])(/[^\s,;:)\]]*|[A-Za-z]:\\[^\s,;)\]]*)", "${1}<*>"),
    ("signed number", r"(^|[\s=:(\[,])[-+]<\*>", "${1}<*>"),
    ("digits in a word", r"\d+", MASK),
    ("adjacent masks", r"<\*>(?:[.:,_/#-]?<\*>)+", MASK),
)


#: Rules applied in one pass each (names of consecutive :data:`MASK_RULES`, in order).
#: Only rules that replace their whole match with ``<*>`` share a pass: a replacement
#: with ``${n}`` references makes the regex engine resolve groups at every match of the
#: pass, which costs more than a separate pass.
PASS_GROUPS: tuple[tuple[str, ...], ...] = (
    ("url",),
    (
        "iso timestamp",
        "month-name timestamp",
        "date",
        "mac address",
        "clock time",
        "uuid",
        "ipv4",
    ),
    ("ipv6",),
    ("block id",),
    ("duration", "size", "hex literal", "hex or number word"),
    ("double-quoted",),
    ("single-quoted",),
    ("key=value",),
    ("path",),
    ("signed number",),
    ("digits in a word",),
    ("adjacent masks",),
)

#: For a pass (named by its first rule), a regular expression that every text the pass
#: changes matches: the pass runs only on the messages that match it (a search without
#: captures costs less than a replacement, and these match few messages).
PASS_GUARDS: dict[str, str] = {
    "url": "://",
    "ipv6": f":{_HEX}{{0,4}}:",
    "block id": "blk_",
    "double-quoted": '"',
    "single-quoted": "'",
    "path": r"/|:\\",
    "signed number": r"[-+]<\*>",
    "digits in a word": r"\d",
}

#: Passes after which the partly masked messages are deduplicated again (the passes up
#: to the one that masks numbers and hex words).
REDUCE_AFTER = 5

#: Share of distinct messages from which they are masked as they are, without first
#: deduplicating them (which then costs more than it saves).
DISTINCT_SHARE = 0.9

#: Rows below which masking stays on one thread (splitting costs more than it saves).
PARALLEL_MIN_ROWS = 20_000


def _merge(names: tuple[str, ...]) -> tuple[str, str]:
    """One (pattern, replacement) for consecutive rules: a leftmost-first alternation."""
    rules = {name: (pattern, replacement) for name, pattern, replacement in MASK_RULES}
    patterns = [rules[name][0] for name in names]
    if len(names) == 1:
        return patterns[0], rules[names[0]][1]
    if any(rules[name][1] != MASK for name in names):
        raise ValueError(f"only rules that replace with {MASK} may share a pass: {names}")
    return "|".join(f"(?:{p})" for p in patterns), MASK


def _passes() -> tuple[tuple[str, str], ...]:
    flat = tuple(name for group in PASS_GROUPS for name in group)
    if flat != tuple(name for name, _pattern, _replacement in MASK_RULES):
        raise ValueError("PASS_GROUPS must list every rule of MASK_RULES once, in order")
    return tuple(_merge(group) for group in PASS_GROUPS)


#: (pattern, replacement) of each pass, applied in order.
MASK_PASSES: tuple[tuple[str, str], ...] = _passes()

#: The guard (:data:`PASS_GUARDS`) of each pass of :data:`MASK_PASSES`, or None.
_GUARDS: dict[tuple[str, str], str] = {
    MASK_PASSES[i]: PASS_GUARDS[group[0]]
    for i, group in enumerate(PASS_GROUPS)
    if group[0] in PASS_GUARDS
}


def mask_expr(
    expr: pl.Expr, passes: tuple[tuple[str, str], ...] = MASK_PASSES, *, strip: bool = True
) -> pl.Expr:
    """``expr`` (strings) with ``passes`` applied in order, then (``strip``) the ends
    stripped of whitespace. The defaults mask completely."""
    for pattern, replacement in passes:
        expr = expr.str.replace_all(pattern, replacement)
    return expr.str.strip_chars() if strip else expr


def distinct_messages(messages: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(distinct, codes): the distinct values (null included) in order of first
    appearance and, per row, the index of its value in ``distinct``
    (``distinct.gather(codes)`` is ``messages``). First-appearance order keeps the
    distinct strings in memory order, which makes the next pass over them about three
    times faster than over hash order."""
    groups = (
        messages.cast(pl.String)
        .to_frame("m")
        .with_row_index("row")
        .group_by("m", maintain_order=True)
        .agg(pl.col("row"))
    )
    rows = groups["row"].explode().to_numpy()
    lengths = groups["row"].list.len().to_numpy()
    codes = np.empty(messages.len(), dtype=np.uint32)
    codes[rows] = np.repeat(np.arange(groups.height, dtype=np.uint32), lengths)
    return groups["m"], pl.Series("code", codes)


def _in_parallel(messages: pl.Series, passes: tuple[tuple[str, str], ...]) -> pl.Series:
    """``messages`` through ``passes``: a guarded pass (:data:`PASS_GUARDS`) on the
    messages its guard matches, consecutive other passes together on every message."""
    plain: list[tuple[str, str]] = []
    for one in passes:
        if one in _GUARDS:
            messages = _guarded(_masked(messages, plain), one)
            plain = []
        else:
            plain.append(one)
    return _masked(messages, plain)


def _masked(messages: pl.Series, passes: list[tuple[str, str]]) -> pl.Series:
    if not passes:
        return messages
    return _on_chunks(messages, mask_expr(pl.col("m"), tuple(passes), strip=False))


def _guarded(messages: pl.Series, one: tuple[str, str]) -> pl.Series:
    """``messages`` through the pass ``one``, run only on those its guard matches."""
    hits = _on_chunks(messages, pl.col("m").str.contains(_GUARDS[one])).arg_true()
    if hits.is_empty():
        return messages
    return messages.clone().scatter(hits, _masked(messages.gather(hits), [one]))


def _on_chunks(messages: pl.Series, expr: pl.Expr) -> pl.Series:
    """``expr`` (of ``pl.col("m")``) on ``messages``, one chunk per polars thread (polars
    runs chunks in parallel)."""
    threads = max(1, min(pl.thread_pool_size(), messages.len() // PARALLEL_MIN_ROWS))
    step = max(1, -(-messages.len() // threads))
    chunks = [messages.slice(i, step) for i in range(0, max(1, messages.len()), step)]
    frame = pl.concat([c.to_frame("m") for c in chunks], rechunk=False)
    return frame.select(expr)["m"]


def mask_distinct(messages: pl.Series) -> pl.Series:
    """Masked ``messages`` (strings; best distinct ones), row for row.

    The first :data:`REDUCE_AFTER` passes mask numbers, ids, addresses and times, which
    makes most distinct messages alike; the remaining passes then run once per distinct
    partly masked message. The result is the same as all passes on every message.
    """
    masked, codes = _masked_codes(messages)
    return masked.gather(codes)


def _masked_codes(messages: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(masked, codes) of ``messages`` as :func:`mask_codes` gives them, where ``masked``
    may repeat a text (the masked partly masked distinct messages)."""
    partly = _in_parallel(messages, MASK_PASSES[:REDUCE_AFTER])
    fewer, codes = distinct_messages(partly)
    return _in_parallel(fewer, MASK_PASSES[REDUCE_AFTER:]).str.strip_chars(), codes


def mask_codes(messages: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(masked, codes): the distinct masked texts of ``messages`` (null included) and, per
    row, the index of its masked text (``masked.gather(codes)`` is
    :func:`mask_messages`). Lines can be grouped by the codes (integers) instead of by
    the texts.

    The messages are deduplicated before masking unless nearly all of them are distinct
    (:data:`DISTINCT_SHARE`, estimated), where that would cost more than it saves."""
    distinct: int = messages.approx_n_unique()  # type: ignore[assignment]
    if distinct >= DISTINCT_SHARE * messages.len():
        masked, codes = _masked_codes(messages)
    else:
        unique, rows = distinct_messages(messages)
        masked, partly = _masked_codes(unique)
        codes = partly.gather(rows)
    texts, final = distinct_messages(masked)
    return texts, final.gather(codes)


def mask_messages(messages: pl.Series) -> pl.Series:
    """Return ``messages`` with every variable part replaced by ``<*>`` (nulls stay null).

    Row ``i`` of the result is the masked row ``i`` of ``messages``; the name is kept.
    Each distinct message is masked once.
    """
    texts, codes = mask_codes(messages)
    return texts.gather(codes).alias(messages.name)
