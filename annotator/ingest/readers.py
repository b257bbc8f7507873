"""Reading articles from files, folders and standard input.

Readers turn bytes into `Document`s and never touch the database; whatever is wrong
with an input becomes a `Rejected` naming the file (and line) and saying why, so a
batch goes on with the next input.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from annotator.ingest.markup import html_to_text, markdown_to_text
from core.sanitize import MarkupTooComplex

FORMATS = ("text", "markdown", "html", "jsonl")
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# Fields a JSON Lines record may carry; anything else is a mistake worth reporting.
RECORD_FIELDS = {
    "text",
    "html",
    "markdown",
    "title",
    "publisher",
    "origin",
    "byline",
    "author",
    "url",
    "published_on",
    "comments_start",
}
MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an office document)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}


@dataclass(frozen=True, slots=True)
class Document:
    """One article read from an input, not yet imported."""

    source: str
    text: str
    title: str = ""
    html: str = ""
    publisher: str = ""
    origin: str = ""
    byline: str = ""
    url: str = ""
    published_on: dt.date | None = None
    comments_start: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input (or one record of it) that cannot be imported, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class BadInput(ValueError):
    """The bytes or the record are not an article; the message says why."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _too_large(size: int, max_bytes: int, *, exact: bool) -> str:
    size_text = _megabytes(size) if exact else f"over {_megabytes(max_bytes)}"
    return (
        f"too large: {size_text}, the limit for one article is {_megabytes(max_bytes)} "
        "(ANNOTATOR_MAX_ARTICLE_BYTES)"
    )


def decode(data: bytes, *, max_bytes: int) -> str:
    """Return the UTF-8 text of `data` with line ends made "\\n".

    Raises BadInput for empty, oversized, binary or non-UTF-8 data."""
    if len(data) > max_bytes:
        raise BadInput(_too_large(len(data), max_bytes, exact=False))
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            raise BadInput(f"binary file: this is {kind}, not text")
    if b"\x00" in data:
        raise BadInput("binary file: it contains NUL bytes, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInput(
            f"invalid UTF-8 at byte {exc.start} (line {line}); save the file as UTF-8"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BadInput("empty: there is no text to import")
    return text


def guess_format(name: str) -> str:
    """The format of a file from its extension; plain text when unknown."""
    return EXTENSIONS.get(Path(name).suffix.lower(), "text")


def document_from_text(text: str, *, source: str, fmt: str, **metadata: object) -> Document:
    """Turn decoded text of the given format ("text", "markdown", "html") into a Document."""
    if fmt == "text":
        return Document(source=source, text=text, **metadata)
    try:
        reduced = html_to_text(text) if fmt == "html" else markdown_to_text(text)
    except MarkupTooComplex as exc:
        raise BadInput(f"too deeply nested: {exc}") from None
    if not reduced.text.strip():
        raise BadInput(f"empty: the {fmt} holds no text")
    title = metadata.pop("title", "") or reduced.title
    return Document(source=source, text=reduced.text, title=title, html=reduced.html, **metadata)


def _parse_date(value: object, *, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BadInput(f"{where}: published_on {value!r} is not a date (YYYY-MM-DD)") from None


def document_from_record(record: object, *, source: str, max_bytes: int) -> Document:
    """Turn one decoded JSON Lines record into a Document; BadInput says what is wrong."""
    if not isinstance(record, dict):
        raise BadInput(f"expected a JSON object, got {type(record).__name__}")
    unknown = sorted(set(record) - RECORD_FIELDS)
    if unknown:
        raise BadInput(
            f"unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(RECORD_FIELDS))}"
        )
    bodies = [key for key in ("text", "html", "markdown") if record.get(key)]
    if len(bodies) != 1:
        raise BadInput('needs exactly one of "text", "html" or "markdown", non-empty')
    for key, value in record.items():
        if value is not None and key != "published_on" and not isinstance(value, str):
            raise BadInput(f'"{key}" must be a string')
    body = record[bodies[0]]
    if len(body.encode("utf-8")) > max_bytes:
        raise BadInput(
            f"too large: the {bodies[0]} is over the {_megabytes(max_bytes)} limit for one article"
        )
    if "\x00" in body:
        raise BadInput(f'"{bodies[0]}" contains NUL characters')
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if not body.strip():
        raise BadInput("empty: there is no text to import")
    metadata = {
        "title": (record.get("title") or "").strip(),
        "publisher": (record.get("publisher") or "").strip(),
        "origin": (record.get("origin") or "").strip(),
        "byline": (record.get("byline") or record.get("author") or "").strip(),
        "url": (record.get("url") or "").strip(),
        "published_on": _parse_date(record.get("published_on"), where="record"),
        "comments_start": (record.get("comments_start") or "").strip(),
    }
    return document_from_text(body, source=source, fmt=bodies[0], **metadata)


def read_jsonl(stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[Document | Rejected]:
    """Read a JSON Lines stream one record at a time, so memory stays flat."""
    for number, raw in enumerate(stream, start=1):
        where = f"{source}:{number}"
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield Rejected(where, f"invalid UTF-8 at byte {exc.start} of the line")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejected(where, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        try:
            yield document_from_record(record, source=where, max_bytes=max_bytes)
        except BadInput as exc:
            yield Rejected(where, str(exc))


def read_stream(
    stream: BinaryIO, *, source: str, fmt: str, max_bytes: int
) -> Iterator[Document | Rejected]:
    """Read one input of a known format."""
    if fmt == "jsonl":
        yield from read_jsonl(stream, source=source, max_bytes=max_bytes)
        return
    # Read one byte past the limit: enough to know it is too large, without reading
    # all of a huge input into memory.
    data = stream.read(max_bytes + 1)
    try:
        text = decode(data, max_bytes=max_bytes)
        yield document_from_text(text, source=source, fmt=fmt)
    except BadInput as exc:
        yield Rejected(source, str(exc))


def _files_in(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if path.is_file() and not hidden and path.suffix.lower() in EXTENSIONS:
            yield path


def read_paths(
    paths: list[str], *, fmt: str = "auto", max_bytes: int, stdin: BinaryIO | None = None
) -> Iterator[Document | Rejected]:
    """Read every article from files, folders (recursively, known extensions only) and
    "-" (standard input), in the order given."""
    for name in paths:
        if name == "-":
            if stdin is None:
                yield Rejected("<stdin>", "standard input is not available")
                continue
            yield from read_stream(
                stdin, source="<stdin>", fmt="text" if fmt == "auto" else fmt, max_bytes=max_bytes
            )
            continue
        path = Path(name)
        if path.is_dir():
            files = list(_files_in(path))
            if not files:
                yield Rejected(name, "folder holds no .txt, .md, .html or .jsonl files")
            for file in files:
                yield from _read_file(file, fmt=fmt, max_bytes=max_bytes)
        elif path.is_file():
            yield from _read_file(path, fmt=fmt, max_bytes=max_bytes)
        else:
            yield Rejected(name, "no such file or folder")


def _read_file(path: Path, *, fmt: str, max_bytes: int) -> Iterator[Document | Rejected]:
    file_format = guess_format(path.name) if fmt == "auto" else fmt
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Rejected(str(path), f"cannot read: {exc.strerror}")
        return
    if file_format != "jsonl" and size > max_bytes:
        yield Rejected(str(path), _too_large(size, max_bytes, exact=True))
        return
    try:
        with path.open("rb") as stream:
            yield from read_stream(stream, source=str(path), fmt=file_format, max_bytes=max_bytes)
    except OSError as exc:
        yield Rejected(str(path), f"cannot read: {exc.strerror}")
