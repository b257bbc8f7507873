"""Importing many articles in one go: the bulk API, the import page and background jobs.

A batch is a sequence of *entries*, plain dicts that survive a trip through a file:
`{"source": where it came from, "record": {...}}`, the record a JSON Lines record as
`import_articles` reads it (`readers.RECORD_FIELDS`), or `{"source": ..., "rejected":
why}` for an input that could not even be read. Every record goes through the one import,
`import_article`'s checks and segmentation (`prepare_document`), with one outlet index and
one cache of outlet names for the batch. `CHUNK` records share a transaction: a refused
record is refused before anything is written, the texts already stored are found with
one query, and the new articles are saved together, one insert for the articles and one
for all their sentences (`save_articles`, which falls back to saving them one by one
should that fail). Importing the same batch again creates nothing: every record is then
a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotator.ingest.readers import (
    BadInput,
    decode,
    document_from_record,
    guess_format,
)
from annotator.models import Article, Sentence, Story
from annotator.services import stories
from annotator.services.imports import (
    ImportResult,
    PreparedArticle,
    prepare_document,
    save_article,
    save_articles,
)
from core.errors import one_line
from sources.models import Outlet
from sources.selectors.detect import OutletIndex
from sources.services.outlets import UnknownOutlet, resolve_outlet

CHUNK = 200  # records to a transaction
BODY_KEYS = {"text": "text", "markdown": "markdown", "html": "html"}
CORRECTABLE = ("publisher", "origin", "published_on")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one record of a batch."""

    record: int  # its number in the batch, from 1
    source: str
    status: str  # "created", "duplicate" or "rejected"
    article: int | None = None
    title: str = ""
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class Summary:
    """Counts of a batch's outcomes."""

    created: int = 0
    duplicate: int = 0
    rejected: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)

    @property
    def total(self) -> int:
        return self.created + self.duplicate + self.rejected


@dataclass(frozen=True, slots=True)
class Preview:
    """What importing one record would give, seen before anything is saved."""

    record: int
    source: str
    status: str
    reason: str = ""
    title: str = ""
    byline: str = ""
    headline: str = ""
    sections: dict[str, int] = field(default_factory=dict)
    sentences: int = 0
    publisher: Outlet | None = None
    publisher_signal: str = ""
    origin: Outlet | None = None
    origin_signal: str = ""
    origin_unknown: str = ""
    published_on: dt.date | None = None
    existing: Article | None = None  # the article it duplicates
    story: list[Article] = field(default_factory=list)  # the other copies of its story


# Reading entries from what a client sent


def entry(source: str, record: object) -> dict:
    return {"source": source, "record": record}


def rejected_entry(source: str, reason: str) -> dict:
    return {"source": source, "rejected": reason}


def entries_from_json(data: object) -> list[dict]:
    """The entries of a JSON body: an array of records. Raises ValidationError when the
    body is not an array."""
    if not isinstance(data, list):
        raise ValidationError(
            {"records": "expected a JSON array of articles (or JSON Lines, one a line)"}
        )
    return [entry(f"record {number}", record) for number, record in enumerate(data, start=1)]


def read_lines(stream: BinaryIO, *, block: int = 1 << 20) -> Iterator[bytes]:
    """The lines of a binary stream (each with its newline), read a block at a time.

    A request body read line by line costs gunicorn a read of 1 KB at a time, three
    quarters of the worker's time on a large JSON Lines upload; a block of 1 MB is one
    call. Memory stays at a block and the longest line."""
    pending: list[bytes] = []  # the start of a line that goes on in the next block
    while data := stream.read(block):
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            pending.append(data[start : end + 1])
            yield b"".join(pending)
            pending, start = [], end + 1
        if start < len(data):
            pending.append(data[start:])
    if pending:
        yield b"".join(pending)


def entries_from_jsonl(lines: Iterable[bytes], *, source: str) -> Iterator[dict]:
    """The entries of JSON Lines, one record a line (blank lines skipped), read a line at
    a time so that memory stays flat."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{source} line {number}"
        try:
            record = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            yield rejected_entry(where, f"invalid UTF-8 at byte {exc.start} of the line")
        except json.JSONDecodeError as exc:
            yield rejected_entry(where, f"not valid JSON: {exc.msg} at column {exc.colno}")
        else:
            yield entry(where, record)


def entries_from_file(name: str, stream: BinaryIO, *, fmt: str = "auto") -> Iterator[dict]:
    """The entries of one uploaded file: a .jsonl file holds a record a line; any other
    is one article, in the format its extension says (plain text without one)."""
    fmt = guess_format(name) if fmt == "auto" else fmt
    if fmt == "jsonl":
        yield from entries_from_jsonl(stream, source=name)
        return
    max_bytes = settings.ANNOTATOR_MAX_ARTICLE_BYTES
    try:
        text = decode(stream.read(max_bytes + 1), max_bytes=max_bytes)
    except BadInput as exc:
        yield rejected_entry(name, str(exc))
        return
    yield entry(name, {BODY_KEYS[fmt]: text})


# Importing entries


class Importer:
    """Imports the records of one batch for one account, with the outlets it names
    looked up once each."""

    def __init__(self, *, by: AbstractBaseUser, publisher: str = "", origin: str = "") -> None:
        if not by.has_perm("annotator.add_article"):
            raise PermissionDenied("Only teachers, editors and admins can import articles.")
        self.by = by
        self.outlets: dict[str, Outlet | UnknownOutlet] = {}
        self.stories: dict[int, Story | None] = {}  # article -> the story it joined
        # The preview files each article into its story (rolled back with it) to say
        # which story it joins; an import leaves that to the worker (jobs.file_stories):
        # rewriting a story of many copies costs far more than the import itself.
        self.preview_stories = False
        self.created = False  # whether any article was created
        self.index = OutletIndex.load()
        self.publisher = self._given(publisher, "publisher")
        self.origin = self._given(origin, "origin")

    def _given(self, name: str, field_name: str) -> Outlet | None:
        try:
            return self.outlet(name)
        except UnknownOutlet as exc:
            raise ValidationError({field_name: exc.messages}) from None

    def outlet(self, name: str) -> Outlet | None:
        """The outlet a record names (name, slug, alias or domain); None for ""."""
        name = name.strip()
        if not name:
            return None
        if name not in self.outlets:
            try:
                self.outlets[name] = resolve_outlet(name)
            except UnknownOutlet as exc:
                self.outlets[name] = exc
        found = self.outlets[name]
        if isinstance(found, UnknownOutlet):
            raise found
        return found

    def prepare(self, item: Mapping, corrections: Mapping | None = None) -> PreparedArticle:
        """One entry checked and segmented, nothing saved. Raises ValidationError (or
        BadInput) saying why it cannot be imported."""
        if "rejected" in item:
            raise BadInput(item["rejected"])
        record = item["record"]
        if corrections and isinstance(record, dict):
            record = {**record, **{k: v for k, v in corrections.items() if k in CORRECTABLE}}
        document = document_from_record(
            record, source=item["source"], max_bytes=settings.ANNOTATOR_MAX_ARTICLE_BYTES
        )
        try:
            publisher = self.publisher or self.outlet(document.publisher)
        except UnknownOutlet as exc:
            raise BadInput(f"publisher: {exc.messages[0]}") from None
        try:
            origin = self.origin or self.outlet(document.origin)
        except UnknownOutlet as exc:
            raise BadInput(f"origin: {exc.messages[0]}") from None
        return prepare_document(
            document,
            publisher=publisher,
            origin=origin,
            imported_by=self.by,
            outlet_index=self.index,
        )

    def run(self, item: Mapping, corrections: Mapping | None = None) -> ImportResult:
        """Import one entry. Raises ValidationError (or BadInput) saying why not."""
        result = save_article(self.prepare(item, corrections))
        if result.created:
            self.created = True
            if self.preview_stories:
                self.stories[result.article.pk] = stories.add_article(article=result.article)
        return result

    def import_chunk(
        self, chunk: list[tuple[int, Mapping]], corrections: Mapping[int, Mapping]
    ) -> list[Outcome]:
        """Import numbered entries together, returning each one's outcome in order: the
        texts already in the database found with one query, the new ones saved together
        (`save_articles`)."""
        outcomes: dict[int, Outcome] = {}
        ready: list[tuple[int, str, PreparedArticle]] = []
        for number, item in chunk:
            source = str(item.get("source", ""))
            try:
                ready.append((number, source, self.prepare(item, corrections.get(number))))
            except (BadInput, ValidationError) as exc:
                reason = str(exc) if isinstance(exc, BadInput) else one_line(exc)
                outcomes[number] = Outcome(number, source, "rejected", reason=reason)
        hashes = {prepared.article.content_hash for _, _, prepared in ready}
        known = {
            article.content_hash: article
            for article in Article.objects.filter(content_hash__in=hashes).only(
                "pk", "title", "content_hash"
            )
        }
        new: dict[str, PreparedArticle] = {}  # content hash -> the first record with it
        for _, _, prepared in ready:
            digest = prepared.article.content_hash
            if digest not in known and digest not in new:
                new[digest] = prepared
        saved = dict(zip(new, save_articles(list(new.values())), strict=True)) if new else {}
        for number, source, prepared in ready:
            digest = prepared.article.content_hash
            if digest in known:
                article, status = known[digest], "duplicate"
            else:  # a new text: created by its first record, a duplicate in the others
                result = saved[digest]
                created = result.created and new[digest] is prepared
                article, status = result.article, "created" if created else "duplicate"
                self.created = self.created or created
            outcomes[number] = Outcome(
                number, source, status, article=article.pk, title=article.title
            )
        return [outcomes[number] for number, _ in chunk]


def on_import() -> None:
    """After an import that created articles: the background worker files them into their
    republished stories (and says so on the pages when that moves earlier articles)."""
    from annotator.ingest.jobs import file_stories  # the jobs module imports this one

    transaction.on_commit(lambda: file_stories.enqueue())


def import_entries(
    entries: Iterable[Mapping],
    *,
    by: AbstractBaseUser,
    publisher: str = "",
    origin: str = "",
    corrections: Mapping[int, Mapping] | None = None,
    on_chunk: Callable[[list[Outcome]], None] | None = None,
) -> Iterator[Outcome]:
    """Import every entry, yielding each one's outcome in order (numbered from 1).

    `publisher` and `origin` (outlet names, slugs, aliases or domains) win over what the
    records say, and `corrections` (record number -> publisher, origin, published_on)
    over both. `on_chunk` is called with the outcomes of each chunk, inside its transaction. Raises
    PermissionDenied for accounts that may not import and ValidationError for an unknown
    `publisher` or `origin`; a bad record is an outcome, never an exception."""
    importer = Importer(by=by, publisher=publisher, origin=origin)
    corrections = corrections or {}
    numbered = enumerate(entries, start=1)
    while chunk := list(islice(numbered, CHUNK)):
        with transaction.atomic():
            outcomes = importer.import_chunk(chunk, corrections)
            if on_chunk is not None:
                on_chunk(outcomes)
        yield from outcomes
    if importer.created:
        on_import()


def preview_entries(
    entries: Iterable[Mapping],
    *,
    by: AbstractBaseUser,
    publisher: str = "",
    origin: str = "",
    corrections: Mapping[int, Mapping] | None = None,
) -> list[Preview]:
    """What importing the entries would give, record by record, with nothing saved: the
    same import runs, in a transaction that is then rolled back."""
    importer = Importer(by=by, publisher=publisher, origin=origin)
    importer.preview_stories = True
    corrections = corrections or {}
    previews = []
    with transaction.atomic():
        for number, item in enumerate(entries, start=1):
            previews.append(_preview(importer, number, item, corrections.get(number)))
        transaction.set_rollback(True)
    return previews


def _preview(
    importer: Importer, number: int, item: Mapping, corrections: Mapping | None
) -> Preview:
    source = str(item.get("source", ""))
    try:
        with transaction.atomic():
            result = importer.run(item, corrections)
    except (BadInput, ValidationError) as exc:
        reason = str(exc) if isinstance(exc, BadInput) else one_line(exc)
        return Preview(number, source, "rejected", reason=reason)
    article = result.article
    if not result.created:
        article = Article.objects.select_related("publisher", "origin").get(pk=article.pk)
    rows = list(
        Sentence.objects.filter(article=article).order_by("position").values_list("section", "text")
    )
    story = importer.stories.get(article.pk)
    copies = (
        list(
            Article.objects.filter(story_copy__story=story)
            .exclude(pk=article.pk)
            .select_related("publisher")
            .only("title", "publisher__name")
        )
        if story is not None
        else []
    )
    return Preview(
        number,
        source,
        "created" if result.created else "duplicate",
        title=article.title,
        byline=article.byline,
        headline=next((text for section, text in rows if section == "headline"), ""),
        sections=dict(Counter(section for section, _ in rows)),
        sentences=len(rows),
        publisher=article.publisher,
        publisher_signal=article.publisher_signal,
        origin=article.origin,
        origin_signal=article.origin_signal,
        origin_unknown=article.origin_unknown,
        published_on=article.published_on,
        existing=None if result.created else article,
        story=copies,
    )
