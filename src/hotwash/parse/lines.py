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
    with open_blob(data) as stream:
        for text in _iter_text_slices(_read_blocks(stream, ctx, chunk_bytes), ctx, chunk_bytes):
            frame = _split(text, first_line)
            first_line += frame.height
            _note_invalid_utf8(frame, ctx)
            yield frame


def _iter_text_slices(
    blocks: Iterator[bytes], ctx: ParseContext, chunk_bytes: int
) -> Iterator[str]:
    """Slices of whole lines, each about ``chunk_bytes`` long."""
    pending = bytearray()
    lines_done = 0
    for block in blocks:
        pending += block
        if len(pending) < chunk_bytes:
            continue
        cut = pending.rfind(b"\n")
        if cut < 0:
            continue
        ready = bytes(pending[: cut + 1])
        del pending[: cut + 1]
        lines_done += ready.count(b"\n")
        yield _decode(ready)
    if "truncated" in ctx.notes:
        lines_done += pending.count(b"\n") + (0 if pending.endswith(b"\n") else 1)
        ctx.notes["truncated"] += f"; kept the {lines_done} lines read before it"
    if pending:
        yield _decode(bytes(pending))


def _read_blocks(stream: BinaryIO, ctx: ParseContext, chunk_bytes: int) -> Iterator[bytes]:
    """The blob's bytes, decompressed if gzip (several members allowed); a damaged or
    truncated gzip ends the stream after the last byte that could be decompressed."""
    size = max(1, min(_READ_BYTES, chunk_bytes))
    head = stream.read(2)
    if head != _GZIP_MAGIC:
        yield head
        while block := stream.read(size):
            yield block
        return
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


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def _split(text: str, first_line: int) -> pl.DataFrame:
    text = text.removesuffix("\n")
    lines = pl.Series("line", [text], dtype=pl.String).str.split("\n").explode()
    lines = lines.str.strip_suffix("\r")
    frame = lines.to_frame().with_row_index("offset", offset=first_line)
    return frame.with_columns(pl.col("offset").cast(pl.Int64))


def _note_invalid_utf8(frame: pl.DataFrame, ctx: ParseContext) -> None:
    bad = frame.filter(pl.col("line").str.contains("\ufffd", literal=True))
    if bad.height == 0:
        return
    count = int(ctx.notes.get("invalid_utf8_lines", "0")) + bad.height
    ctx.notes["invalid_utf8_lines"] = str(count)
    ctx.notes.setdefault("invalid_utf8_first_line", str(bad["offset"][0]))
