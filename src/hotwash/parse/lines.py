"""Reading a log blob as chunks of lines, in bounded memory.

The blob is read in slices of about ``chunk_bytes`` cut at a newline; each slice becomes
one polars frame with the columns ``line`` (text) and ``offset`` (1-based line number in the
file), split by polars rather than by a Python loop over lines.

- **gzip** (by magic bytes, not by name) is decompressed as a stream. A truncated or
  damaged gzip keeps the lines decompressed before the damage and notes
  ``truncated = "<what zlib said> after line N"`` in ``ParseContext.notes``; the collector
  reports it as an error naming the file, and the exact bytes stay in the store.
- **Invalid UTF-8** is decoded with U+FFFD replacement characters, and the number of
  lines that had to be repaired is noted as ``invalid_utf8_lines`` (the first such line
  as ``invalid_utf8_first_line``), so nothing is dropped silently and nothing is refused
  for one bad byte.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import polars as pl

from hotwash.parse import ParseContext

__all__ = ["DEFAULT_CHUNK_BYTES", "iter_line_frames", "open_blob"]

DEFAULT_CHUNK_BYTES = 8 << 20
_READ_BYTES = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
#: The CSV reader's column separator: a control character log lines almost never hold.
_SEPARATOR = b"\x1f"
_BOM = b"\xef\xbb\xbf"


def open_blob(data: bytes | Path) -> BinaryIO:
    """A binary stream over the blob as stored (still compressed if it is gzip)."""
    if isinstance(data, bytes):
        return io.BytesIO(data)
    return Path(data).open("rb")


def iter_line_frames(
    data: bytes | Path, ctx: ParseContext, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> Iterator[pl.DataFrame]:
    """Yield frames of (line, offset) covering every line of the blob, in order."""
    first_line = 1
    for chunk in _slices(data, ctx, chunk_bytes):
        frame = _split(chunk, first_line, ctx)
        first_line += frame.height
        yield frame
    if "truncated" in ctx.notes:
        ctx.notes["truncated"] += f"; kept the {first_line - 1} lines read before it"


def _slices(data: bytes | Path, ctx: ParseContext, chunk_bytes: int) -> Iterator[bytes]:
    """The blob as slices of whole lines: cut from bytes in memory, else read as a stream
    (a file, or gzip)."""
    if isinstance(data, bytes) and not data.startswith(_GZIP_MAGIC):
        yield from _slices_of(data, chunk_bytes)
        return
    with open_blob(data) as stream:
        yield from _iter_slices(_read_blocks(stream, ctx, chunk_bytes), chunk_bytes)


def _slices_of(data: bytes, chunk_bytes: int) -> Iterator[bytes]:
    """Slices of whole lines of bytes in memory, each cut at the last newline within
    ``chunk_bytes`` (or after a longer line), with one copy each."""
    start, size = 0, max(1, chunk_bytes)
    while start < len(data):
        end = start + size
        cut = len(data)
        if end < len(data):
            cut = data.rfind(b"\n", start, end) + 1 or data.find(b"\n", end) + 1 or len(data)
        yield data[start:cut]
        start = cut


def _iter_slices(blocks: Iterator[bytes], chunk_bytes: int) -> Iterator[bytes]:
    """Slices of whole lines, each about ``chunk_bytes`` long (the last may lack its
    newline)."""
    held: list[bytes] = []
    size = 0
    for block in blocks:
        held.append(block)
        size += len(block)
        if size < chunk_bytes:
            continue
        joined = b"".join(held) if len(held) > 1 else held[0]
        cut = joined.rfind(b"\n") + 1
        if cut == 0:
            held = [joined]
            continue
        rest = joined[cut:]
        held, size = ([rest] if rest else []), len(rest)
        yield joined[:cut] if rest else joined
    if size:
        yield b"".join(held)


def _read_blocks(stream: BinaryIO, ctx: ParseContext, chunk_bytes: int) -> Iterator[bytes]:
    """The blob's bytes, decompressed if gzip (several members allowed); a damaged or
    truncated gzip ends the stream after the last byte that could be decompressed."""
    head = stream.read(2)
    if head != _GZIP_MAGIC:
        yield head + stream.read(max(1, chunk_bytes - 2))
        while block := stream.read(max(1, chunk_bytes)):
            yield block
        return
    size = max(1, min(_READ_BYTES, chunk_bytes))
    inflater = zlib.decompressobj(wbits=31)
    pending = head + stream.read(size)
    while block := pending or stream.read(size):
        pending = b""
        if inflater.eof:
            inflater = zlib.decompressobj(wbits=31)
        try:
            yield inflater.decompress(block)
        except zlib.error as exc:
            ctx.notes["truncated"] = f"compressed data damaged: {exc}"
            return
        if inflater.eof:
            pending = inflater.unused_data
    if not inflater.eof:
        ctx.notes["truncated"] = "compressed data damaged: the gzip stream ends early"


def _split(chunk: bytes, first_line: int, ctx: ParseContext) -> pl.DataFrame:
    """One frame of (offset, line) for a slice of whole lines, split by polars' CSV reader
    with no quoting and a separator absent from the slice (one column; an empty line is
    read as null and made empty again; a ``\\r`` before the newline is dropped)."""
    if _SEPARATOR in chunk or chunk.startswith(_BOM):  # the CSV reader would drop a BOM
        lines = _split_text(chunk.decode("utf-8", errors="replace"))
    else:
        lines = pl.read_csv(
            chunk,
            has_header=False,
            separator=_SEPARATOR.decode(),
            quote_char=None,
            new_columns=["line"],
            schema={"line": pl.String},
            encoding="utf8-lossy",
        ).to_series()
    frame = lines.fill_null("").alias("line").to_frame()
    frame = frame.with_row_index("offset", offset=first_line)
    frame = frame.with_columns(pl.col("offset").cast(pl.Int64))
    if not _valid_utf8(chunk):
        _note_invalid_utf8(frame, ctx)
    return frame


def _split_text(text: str) -> pl.Series:
    """The same lines as the CSV reader gives, for the rare slice holding its separator."""
    lines = pl.Series("line", [text.removesuffix("\n")], dtype=pl.String).str.split("\n")
    return lines.explode().str.strip_suffix("\r")


def _valid_utf8(chunk: bytes) -> bool:
    if chunk.isascii():
        return True
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _note_invalid_utf8(frame: pl.DataFrame, ctx: ParseContext) -> None:
    """Count the lines of a slice that was not valid UTF-8 and now holds U+FFFD."""
    bad = frame.filter(pl.col("line").str.contains("\ufffd", literal=True))
    if bad.height == 0:
        return
    count = int(ctx.notes.get("invalid_utf8_lines", "0")) + bad.height
    ctx.notes["invalid_utf8_lines"] = str(count)
    ctx.notes.setdefault("invalid_utf8_first_line", str(bad["offset"][0]))
