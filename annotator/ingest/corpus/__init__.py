"""Importing annotated corpora: our JSON Lines, W3C Web Annotation, Label Studio and doccano.

Each record (a JSON Lines line, a Label Studio task, a W3C annotation) is imported in
its own transaction: a bad record is reported with its number and saves nothing, and the
import goes on with the next. An import ends with an `ImportSummary`.

- JSON Lines (our export, per reviewer): the article is created with the sentences as
  exported (not segmented again: corrected sections survive), each sentence's offsets
  checked against the text; then its tags and adjudications. An article whose text is
  already here (same content hash) is kept as it is, and the tags go onto its sentences.
- Label Studio tasks and doccano lines carry the text and spans only: an article new to
  us is imported (and segmented) as `import_article` does (publisher and origin given,
  else the record's, else detected), and each span must lie inside one sentence. They
  change the labels only: a stored tag keeps its outlet, cited source and note, and a
  new tag is attributed to the article's origin (as `tag_claim` does).
- W3C annotations point at an article by the IRI of its content hash (as our export
  writes it): the article must already be here.

Reviewers are matched by username; a reviewer not known here is created as an inactive
account with an unusable password (it cannot log in until an admin gives it one).
Outlets are matched by name (then alias, slug or domain); a JSON Lines record carries the
outlets it names, and one not known here is created from it. Tags are written with their
own timestamps, and each new or changed tag leaves a `TagRevision`. A field a format
does not carry is taken from the stored tag (`Importer.merged_values`), so it never
changes. A tag that is here already with the same values is left alone, so importing a
file twice changes nothing; with different values, the newer one (by `updated_at`) wins.
"""

from __future__ import annotations

from typing import IO

from django.contrib.auth.models import AbstractBaseUser

from annotator.ingest.corpus import doccano, jsonl, labelstudio, w3c
from annotator.ingest.corpus.importer import Importer
from annotator.ingest.corpus.records import ImportSummary, NotThisFormat, RecordError
from sources.models import Outlet

__all__ = ["IMPORT_FORMATS", "ImportSummary", "RecordError", "import_corpus"]

# Each format's module reads a file into numbered records (`read`) and imports one record
# (`import_record`).
_FORMATS = {"jsonl": jsonl, "w3c": w3c, "labelstudio": labelstudio, "doccano": doccano}

IMPORT_FORMATS = tuple(_FORMATS)


def import_corpus(
    *,
    stream: IO[bytes],
    fmt: str,
    user: AbstractBaseUser | None = None,
    default_reviewer: str = "",
    publisher: Outlet | None = None,
    origin: Outlet | None = None,
    labelstudio_users: dict[str, str] | None = None,
) -> ImportSummary:
    """Import an annotated corpus from a binary stream in format `fmt` (one of
    IMPORT_FORMATS), record by record, each in its own transaction.

    `user` is recorded as the importer (and as the author of the tag revisions; without
    one, the revisions name no account). `default_reviewer` names the reviewer
    of records that name none (a plain doccano file). `publisher` and `origin` are those
    of the new articles a Label Studio or doccano file brings (else the record's, else
    detected). `labelstudio_users` maps Label Studio users (id or e-mail, as text) to
    reviewers, for annotations that do not name ours. Never raises for bad records:
    they are in the summary's `errors`, with their numbers (line numbers for JSON Lines
    and doccano, task numbers for Label Studio, annotation numbers for W3C)."""
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format {fmt!r}")
    importer = Importer(
        user=user,
        default_reviewer=default_reviewer,
        publisher=publisher,
        origin=origin,
        labelstudio_users=labelstudio_users,
    )
    module = _FORMATS[fmt]
    try:
        importer.run(module.read(stream), module.import_record)
    except NotThisFormat as exc:  # the whole file (not UTF-8)
        importer.summary.errors.append((0, str(exc)))
    return importer.summary
