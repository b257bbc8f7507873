r"""brat standoff: a zip of `.txt` + `.ann` pairs, ready to open in brat.

Layout of the zip:

- `annotation.conf`: the entity types (the four labels, and `disputed` in the aggregated
  variant), an `Outlet` attribute whose values are outlet slugs and, aggregated, a
  `Status` attribute (adjudicated, majority, disputed). Overlaps are allowed, since a
  span tag lies inside its sentence's tag.
- per reviewer: `<folder>/<article id>.txt` and `.ann` for each article the reviewer
  tagged, where the folder is `reviewer-<user id>`, or the reviewer's pseudonym; and
  `reviewers.tsv`, which names the reviewer of each folder (username or pseudonym).
  Entry names are built from ids only, never from a username or a title, so that no
  name typed by a user becomes a path; aggregated: `<article id>.txt` and `.ann` at the
  top, one per article.

`.txt` is the article text exactly (UTF-8), so that the character offsets of the `T`
lines are those of the database. Each tag or claim is a `T` line (type, offsets, the
span's text), an `A` line with its outlet's slug, and an `AnnotatorNotes` line with the
outlet's name, the cited source and the note (one line: backslashes, line breaks and
tabs in them written as `\\`, `\n`, `\r`, `\t`). The zip is written as it streams:
entries carry data descriptors, and memory holds one article at a time.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from annotator.export.selection import DEFAULT_SECTIONS, Corpus, Progress
from annotator.models import Label
from annotator.stats.consensus import ADJUDICATED, DISPUTED, MAJORITY

EXTENSION = "zip"
CONTENT_TYPE = "application/zip"
__all__ = ["DEFAULT_SECTIONS", "render"]

_ESCAPE = re.compile(r"[\\\t\r\n]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that hands over what was written since last asked."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def annotation_conf(corpus: Corpus) -> str:
    """brat's configuration for this export."""
    aggregate = corpus.selection.aggregate
    entities = [*Label.values, *([DISPUTED] if aggregate else [])]
    slugs = "|".join(o.slug for o in corpus.outlets.values())
    lines = [
        "# Claim annotator export: the claim labels, and the outlet each claim is attributed to.",
        "[entities]",
        *entities,
        "[relations]",
        "<OVERLAP> Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "[events]",
        "[attributes]",
    ]
    if slugs:
        lines.append(f"Outlet Arg:<ENTITY>, Value:{slugs}")
    if aggregate:
        lines.append(f"Status Arg:<ENTITY>, Value:{ADJUDICATED}|{MAJORITY}|{DISPUTED}")
    return "\n".join(lines) + "\n"


def _offsets(text: str, start: int, end: int) -> tuple[str, str]:
    """brat's offsets of a span (fragments split at line breaks) and its text."""
    fragments, pos = [], start
    for line in text[start:end].split("\n"):
        if line:
            fragments.append((pos, pos + len(line)))
        pos += len(line) + 1
    return (
        ";".join(f"{a} {b}" for a, b in fragments),
        " ".join(text[a:b] for a, b in fragments),
    )


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _note(*parts: tuple[str, str | None]) -> str:
    r"""The AnnotatorNotes text: `key: value` parts joined by `; `. A note is one line in
    brat, so a backslash, line break, carriage return or tab in a value is written as
    `\\`, `\n`, `\r` or `\t` (undo by reading those escapes back)."""
    return _ESCAPE.sub(
        lambda m: _ESCAPES[m.group()],
        "; ".join(f"{key}: {value}" for key, value in parts if value),
    )


class _Ann:
    """The lines of one .ann file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self.count = 0
        self.attributes = 0

    def add(
        self,
        entity: str,
        start: int,
        end: int,
        *,
        outlet_slug: str | None,
        note: str,
        status: str = "",
    ) -> None:
        self.count += 1
        n = self.count
        offsets, span = _offsets(self.text, start, end)
        self.lines.append(f"T{n}\t{entity} {offsets}\t{span}")
        if outlet_slug:
            self.attributes += 1
            self.lines.append(f"A{self.attributes}\tOutlet T{n} {outlet_slug}")
        if status:
            self.attributes += 1
            self.lines.append(f"A{self.attributes}\tStatus T{n} {status}")
        if note:
            self.lines.append(f"#{n}\tAnnotatorNotes T{n}\t{note}")

    def render(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.lines else "")


def _folder(corpus: Corpus, reviewer_id: int) -> str:
    """A reviewer's folder: from their id, or their pseudonym (made of hex digits)."""
    if corpus.selection.pseudonymize:
        return corpus.reviewer(reviewer_id)
    return f"reviewer-{int(reviewer_id)}"


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[bytes]:
    """The zip, entry by entry."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("annotation.conf", annotation_conf(corpus))
        slug = {i: o.slug for i, o in corpus.outlets.items()}
        name = corpus.outlet_name
        if corpus.selection.aggregate:
            for data, claims in corpus.articles_with_claims(progress):
                ann = _Ann(data.article.text)
                for c in claims:
                    ann.add(
                        c.label or DISPUTED,
                        c.start,
                        c.end,
                        outlet_slug=slug.get(c.outlet_id),
                        status=c.status,
                        note=_note(
                            ("outlet", name(c.outlet_id)),
                            ("cited source", c.cited_source),
                            ("note", c.note),
                        ),
                    )
                archive.writestr(f"{data.article.id}.txt", data.article.text)
                archive.writestr(f"{data.article.id}.ann", ann.render())
                yield sink.take()
        else:
            folders: dict[str, str] = {}
            for data in corpus.articles(progress):
                by_reviewer: dict[int, _Ann] = {}
                for t in data.tags:
                    ann = by_reviewer.get(t.reviewer_id)
                    if ann is None:
                        ann = by_reviewer[t.reviewer_id] = _Ann(data.article.text)
                    ann.add(
                        t.label,
                        t.start,
                        t.end,
                        outlet_slug=slug[t.outlet_id],
                        note=_note(
                            ("outlet", name(t.outlet_id)),
                            ("cited source", t.cited_source),
                            ("note", t.note),
                        ),
                    )
                for reviewer_id, ann in by_reviewer.items():
                    folder = _folder(corpus, reviewer_id)
                    folders[folder] = corpus.reviewer(reviewer_id)
                    archive.writestr(f"{folder}/{data.article.id}.txt", data.article.text)
                    archive.writestr(f"{folder}/{data.article.id}.ann", ann.render())
                yield sink.take()
            rows = "".join(f"{f}\t{_LINE_BREAKS.sub(' ', n)}\n" for f, n in sorted(folders.items()))
            archive.writestr("reviewers.tsv", "folder\treviewer\n" + rows)
    yield sink.take()
