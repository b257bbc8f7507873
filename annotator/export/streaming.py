"""The export formats, and the byte stream that the command, the page and the API send.

`export_stream(selection, fmt)` yields the export as bytes in pieces of about 64 KB,
produced as the corpus is read chunk by chunk, so that memory stays flat however large
the corpus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from django.http import StreamingHttpResponse

from annotator.export import brat, csv, doccano, jsonl, labelstudio, w3c
from annotator.export.selection import Corpus, Progress, Selection

PIECE_BYTES = 64 * 1024
BOM = "\ufeff".encode()


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    title: str
    module: ModuleType
    renderer: str = "render"  # the module's function that writes this format

    @property
    def extension(self) -> str:
        return self.module.EXTENSION

    @property
    def content_type(self) -> str:
        return self.module.CONTENT_TYPE

    @property
    def render(self) -> Callable[[Corpus, Progress | None], Iterator[str | bytes]]:
        return getattr(self.module, self.renderer)


FORMATS = {
    f.name: f
    for f in [
        Format("jsonl", "JSON Lines (native; imports back)", jsonl),
        Format("csv", "CSV (one row per tag)", csv),
        Format("w3c", "W3C Web Annotation (JSON-LD)", w3c),
        Format("brat", "brat standoff (zip)", brat),
        Format("labelstudio", "Label Studio tasks (JSON)", labelstudio),
        Format("doccano", "doccano (JSON Lines)", doccano),
        Format(
            "doccano-flat",
            "doccano, no overlapping spans (JSON Lines)",
            doccano,
            renderer="render_flat",
        ),
    ]
}


def _pieces(parts: Iterable[str | bytes], bom: bool) -> Iterator[bytes]:
    buffered: list[bytes] = [BOM] if bom else []
    size = len(BOM) if bom else 0
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        buffered.append(data)
        size += len(data)
        if size >= PIECE_BYTES:
            yield b"".join(buffered)
            buffered, size = [], 0
    if buffered:
        yield b"".join(buffered)


def export_stream(
    selection: Selection,
    fmt: str,
    *,
    progress: Progress | None = None,
    bom: bool = False,
    notes: list[str] | None = None,
) -> Iterator[bytes]:
    """The export of `selection` in format `fmt`, as bytes, piece by piece.

    `bom` puts a UTF-8 byte order mark first (for Excel; text formats only). What the
    user should know about the file (such as doccano's overlapping spans) is appended to
    `notes` once the export is written."""
    chosen = FORMATS[fmt]
    corpus = Corpus(selection, default_sections=chosen.module.DEFAULT_SECTIONS)
    if notes is not None:
        corpus.notes = notes
    return _pieces(chosen.render(corpus, progress), bom and fmt != "brat")


def filename(fmt: str, selection: Selection, *, today: dt.date | None = None) -> str:
    """The download's file name, naming the format so that two formats with one
    extension differ: corpus-doccano-2025-01-31[-aggregated].jsonl,
    corpus-jsonl-2025-01-31.jsonl, corpus-csv-2025-01-31.csv and so on."""
    stamp = (today or dt.date.today()).isoformat()
    variant = "-aggregated" if selection.aggregate else ""
    return f"corpus-{fmt}-{stamp}{variant}.{FORMATS[fmt].extension}"


def download(form, selection) -> StreamingHttpResponse:
    """The export a valid ExportForm asks for, streamed as a file download (the page's
    and the API's answer alike)."""
    fmt = form.cleaned_data["format"]
    response = StreamingHttpResponse(
        export_stream(selection, fmt, bom=form.cleaned_data["bom"]),
        content_type=FORMATS[fmt].content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(fmt, selection)}"'
    return response
