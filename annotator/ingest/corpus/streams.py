"""Reading a file into numbered records: JSON Lines line by line, a JSON array item by
item. A record that cannot be read is a RecordError in its place, so that the records
before it are still imported."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

from annotator.ingest.corpus.records import NotThisFormat, RecordError


def lines(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """JSON Lines: (line number, parsed value) for each non-blank line; a line that is not
    JSON raises RecordError at its number (through the pair's value)."""
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield number, RecordError("the line is not UTF-8")
        except json.JSONDecodeError as exc:
            what = "cut off (truncated file?)" if not raw.endswith(b"\n") else "not valid JSON"
            yield number, RecordError(f"the line is {what}: {exc.msg} at column {exc.colno}")


_WS = re.compile(r"\s*")


def array_items(text: str, start: int) -> Iterator[tuple[int, Any]]:
    """The items of the JSON array whose "[" is at `start`, decoded one at a time, so that a
    truncated file still gives every complete item before the break."""
    decoder = json.JSONDecoder()
    pos = _WS.match(text, start + 1).end()
    if text.startswith("]", pos):
        return
    number = 0
    while True:
        number += 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            if not text.rstrip().endswith(("]", "}")):
                reason = "the file ends in the middle of it (truncated file?)"
            else:
                reason = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
            yield number, RecordError(f"not valid JSON: {reason}")
            return
        yield number, item
        pos = _WS.match(text, pos).end()
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()
        elif text.startswith("]", pos):
            return
        else:
            yield (
                number + 1,
                RecordError(
                    "not valid JSON: expected , or ] after the previous item (truncated file?)"
                ),
            )
            return


def read_text(stream: IO[bytes]) -> str:
    """The whole file as text; NotThisFormat (the import stops) if it is not UTF-8."""
    data = stream.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotThisFormat("the file is not UTF-8 text") from None
