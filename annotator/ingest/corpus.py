"""Importing annotated corpora: our JSON Lines, W3C Web Annotation, Label Studio and doccano.

Each record (a JSON Lines line, a Label Studio task, a W3C annotation) is imported in
its own transaction: a bad record is reported with its number and saves nothing, and the
import goes on with the next. An import ends with an `ImportSummary`.

- JSON Lines (our export, per reviewer): the article is created with the sentences as
  exported (not segmented again: corrected sections survive), each sentence's offsets
  checked against the text; then its tags and adjudications. An article whose text is
  already here (same content hash) is kept as it is, and the tags go onto its sentences.
- Label Studio tasks and doccano lines carry the text and spans only: an article new to
  us is imported (and segmented) as `import_article` does, and each span must lie inside
  one sentence. Their tags are attributed to the article's origin (as `tag_claim` does).
- W3C annotations point at an article by the IRI of its content hash (as our export
  writes it): the article must already be here.

Reviewers are matched by username; a reviewer not known here is created as an inactive
account with an unusable password (it cannot log in until an admin gives it one).
Outlets are matched by name (then alias, slug or domain); a JSON Lines record carries the
outlets it names, and one not known here is created from it. Tags are written with their
own timestamps, and each new or changed tag leaves a `TagRevision`. A tag that is here
already with the same values is left alone, so importing a file twice changes nothing;
with different values, the newer one (by `updated_at`) wins.
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotator.errors import one_line
from annotator.ingest.service import content_hash, import_article
from annotator.models import Adjudication, Article, ClaimTag, Label, Sentence, TagRevision
from annotator.sanitize import clean_html
from annotator.sections import Section
from annotator.tagging import NOTE_MAX_CHARS
from sources.models import Outlet
from sources.services import UnknownOutlet, resolve_outlet, save_outlet

IMPORT_FORMATS = ("jsonl", "w3c", "labelstudio", "doccano")


class RecordError(Exception):
    """What is wrong with one record; nothing of the record is saved."""


class NotThisFormat(RecordError):
    """The first record does not look like the format at all: the import stops there."""


@dataclass
class ImportSummary:
    records: int = 0
    imported: int = 0
    articles_created: int = 0
    articles_existing: int = 0
    sentences_created: int = 0
    tags_created: int = 0
    tags_updated: int = 0
    tags_unchanged: int = 0
    tags_kept_newer: int = 0
    adjudications_created: int = 0
    adjudications_updated: int = 0
    users_created: int = 0
    outlets_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.records} record(s) read, {self.imported} imported, "
            f"{len(self.errors)} rejected; articles: {self.articles_created} new, "
            f"{self.articles_existing} already here; sentences: {self.sentences_created} new; "
            f"tags: {self.tags_created} new, {self.tags_updated} updated, "
            f"{self.tags_unchanged} unchanged, {self.tags_kept_newer} kept (newer here); "
            f"adjudications: {self.adjudications_created} new, "
            f"{self.adjudications_updated} updated; users created: {self.users_created}; "
            f"outlets created: {self.outlets_created}."
        )


@dataclass(frozen=True, slots=True)
class _TagIn:
    """A tag as read from a record, checked against the article."""

    sentence_id: int
    reviewer_id: int
    start: int
    end: int
    label: str
    outlet_id: int
    cited_source: str
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime


# --- small readers -----------------------------------------------------------------------


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{what} must be a whole number, not {value!r}")
    return value


def _str(value: Any, what: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise RecordError(f"{what} must be a {'non-empty ' if required else ''}string")
    return value


def _when(value: Any, what: str, default: dt.datetime) -> dt.datetime:
    if value in (None, ""):
        return default
    try:
        parsed = dt.datetime.fromisoformat(_str(value, what))
    except ValueError:
        raise RecordError(f"{what} {value!r} is not an ISO 8601 date and time") from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _date(value: Any, what: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(_str(value, what))
    except ValueError:
        raise RecordError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def _label(value: Any, what: str) -> str:
    if value not in Label.values:
        raise RecordError(f"{what}: unknown label {value!r}; use one of {', '.join(Label.values)}")
    return value


def _quote(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
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


def _array_items(text: str, start: int) -> Iterator[tuple[int, Any]]:
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


def _read_text(stream: IO[bytes]) -> str:
    data = stream.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotThisFormat("the file is not UTF-8 text") from None


# --- the importer ------------------------------------------------------------------------


class _Sentences:
    """An article's sentences by offset: which one a span lies in (they do not overlap)."""

    def __init__(self, rows: Iterable[tuple[int, int, int]]) -> None:
        self.rows = list(rows)
        self.starts = [start for _, start, _ in self.rows]

    def find(self, start: int, end: int) -> int:
        """The id of the sentence that holds start..end; RecordError if none does."""
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and end <= self.rows[i][2]:
            return self.rows[i][0]
        raise RecordError(
            f"span {start}..{end} is not inside one sentence of the article "
            "(a claim is a sentence or a span inside one)"
        )


class _Importer:
    def __init__(self, *, user: AbstractBaseUser | None, default_reviewer: str) -> None:
        self.user = user
        self.default_reviewer = default_reviewer
        self.summary = ImportSummary()
        self.now = timezone.now()
        self._users: dict[str, int] = {}
        self._outlets: dict[str, int] = {}

    # look-ups

    def reviewer_id(self, name: Any, what: str = "reviewer") -> int:
        name = _str(name, what) or self.default_reviewer
        if not name:
            raise RecordError(f"no {what} given (pass a default reviewer for such files)")
        if name not in self._users:
            model = get_user_model()
            found = model.objects.filter(username=name).values_list("pk", flat=True).first()
            if found is None:
                user = model(username=name, is_active=False)
                user.set_unusable_password()
                try:
                    user.full_clean(exclude=["password"])
                except ValidationError as exc:
                    raise RecordError(f"{what} {name!r}: {one_line(exc)}") from None
                user.save()
                self.summary.users_created += 1
                found = user.pk
            self._users[name] = found
        return self._users[name]

    def outlet_id(self, name: Any, known: dict[str, dict], what: str = "outlet") -> int | None:
        name = _str(name, what)
        if not name:
            return None
        if name not in self._outlets:
            found = Outlet.objects.filter(name=name).values_list("pk", flat=True).first()
            if found is None and name in known:
                info = known[name]
                try:
                    outlet = save_outlet(
                        name=name,
                        kind=_str(info.get("kind"), "outlet kind") or Outlet.Kind.NEWS,
                        slug=_str(info.get("slug"), "outlet slug"),
                        description=_str(info.get("description"), "outlet description"),
                        aliases=[a for a in info.get("aliases") or [] if isinstance(a, str)],
                        domains=[d for d in info.get("domains") or [] if isinstance(d, str)],
                    )
                except ValidationError as exc:
                    raise RecordError(f"outlet {name!r}: {one_line(exc)}") from None
                self.summary.outlets_created += 1
                found = outlet.pk
            if found is None:
                try:
                    found = resolve_outlet(name).pk
                except UnknownOutlet as exc:
                    raise RecordError(f"{what}: {exc.messages[0]}") from None
            self._outlets[name] = found
        return self._outlets[name]

    # the loop

    def run(self, records: Iterable[tuple[int, Any]], handle: Callable[[Any], None]) -> None:
        first = True
        for number, record in records:
            self.summary.records += 1
            try:
                if isinstance(record, RecordError):
                    if first:
                        raise NotThisFormat(str(record))
                    raise record
                counts = dataclasses.replace(self.summary)
                try:
                    with transaction.atomic():
                        handle(record)
                except BaseException:
                    # Rolled back: the record's counts and the users and outlets it
                    # created are gone.
                    counts.errors = self.summary.errors
                    self.summary = counts
                    self._users.clear()
                    self._outlets.clear()
                    raise
                self.summary.imported += 1
            except NotThisFormat as exc:
                if first:
                    self.summary.errors.append((number, f"{exc} (is this the right --format?)"))
                    return
                self.summary.errors.append((number, str(exc)))
            except RecordError as exc:
                self.summary.errors.append((number, str(exc)))
            except ValidationError as exc:
                self.summary.errors.append((number, one_line(exc)))
            first = False

    # articles and sentences

    def sentences_of(self, article_id: int) -> _Sentences:
        """The article's sentences, to find the one a span lies in."""
        return _Sentences(
            Sentence.objects.filter(article_id=article_id)
            .order_by("start")
            .values_list("id", "start", "end")
        )

    def article_from_text(self, text: Any, meta: dict, what: str) -> tuple[Article, str]:
        """The article with this text: found by content hash, or imported (segmented)."""
        text = _str(text, what, required=True)
        try:
            publisher = self.outlet_id(meta.get("publisher"), {}, "publisher")
            origin = self.outlet_id(meta.get("origin"), {}, "origin")
            result = import_article(
                text=text,
                title=_str(meta.get("title"), "title"),
                publisher=Outlet.objects.get(pk=publisher) if publisher else None,
                origin=Outlet.objects.get(pk=origin) if origin else None,
                byline=_str(meta.get("byline"), "byline"),
                url=_str(meta.get("url"), "url"),
                published_on=_date(meta.get("published_on"), "published_on"),
                source_name=_str(meta.get("source_name"), "source_name"),
                imported_by=self.user,
            )
        except ValidationError as exc:
            raise RecordError(one_line(exc)) from None
        if result.created:
            self.summary.articles_created += 1
            self.summary.sentences_created += result.article.sentences.count()
        else:
            self.summary.articles_existing += 1
        return result.article, text

    @staticmethod
    def check_span(
        text: str, start: Any, end: Any, what: str, quoted: Any = None
    ) -> tuple[int, int]:
        start, end = _int(start, f"{what} start"), _int(end, f"{what} end")
        if not 0 <= start < end <= len(text):
            raise RecordError(
                f"{what}: offsets {start}..{end} are not a span of the text "
                f"({len(text)} characters)"
            )
        if quoted is not None and quoted != text[start:end]:
            raise RecordError(
                f"{what}: offsets {start}..{end} do not match the text: the record has "
                f"{_quote(str(quoted))}, the text there is {_quote(text[start:end])}"
            )
        return start, end

    def default_outlet(self, article: Article) -> int:
        outlet = article.origin_id or article.publisher_id
        if outlet is None:
            raise RecordError("the article has no outlet to attribute its claims to")
        return outlet

    # tags and adjudications

    def save_tags(self, article_id: int, tags: list[_TagIn]) -> None:
        """Create, update or leave each tag, with a revision for each change."""
        seen: set[tuple[int, int, int, int]] = set()
        for t in tags:
            key = (t.reviewer_id, t.sentence_id, t.start, t.end)
            if key in seen:
                raise RecordError(
                    f"the same reviewer tags the claim {t.start}..{t.end} twice in the record"
                )
            seen.add(key)
        existing = {
            (tag.reviewer_id, tag.sentence_id, tag.start, tag.end): tag
            for tag in ClaimTag.objects.filter(
                sentence__article_id=article_id,
                reviewer_id__in={t.reviewer_id for t in tags},
            )
        }
        new, changed = [], []
        for t in tags:
            values = {
                "label": t.label,
                "outlet_id": t.outlet_id,
                "cited_source": t.cited_source,
                "note": t.note,
            }
            tag = existing.get((t.reviewer_id, t.sentence_id, t.start, t.end))
            if tag is None:
                new.append(
                    ClaimTag(
                        sentence_id=t.sentence_id,
                        reviewer_id=t.reviewer_id,
                        start=t.start,
                        end=t.end,
                        created_at=t.created_at,
                        updated_at=t.updated_at,
                        **values,
                    )
                )
            elif all(getattr(tag, k) == v for k, v in values.items()):
                self.summary.tags_unchanged += 1
            elif t.updated_at <= tag.updated_at:
                self.summary.tags_kept_newer += 1
            else:
                for k, v in values.items():
                    setattr(tag, k, v)
                tag.updated_at = t.updated_at
                changed.append(tag)
        ClaimTag.objects.bulk_create(new)
        ClaimTag.objects.bulk_update(
            changed, ["label", "outlet_id", "cited_source", "note", "updated_at"]
        )
        TagRevision.objects.bulk_create(
            [self._revision(tag, TagRevision.Action.CREATED) for tag in new]
            + [self._revision(tag, TagRevision.Action.UPDATED) for tag in changed]
        )
        self.summary.tags_created += len(new)
        self.summary.tags_updated += len(changed)

    def _revision(self, tag: ClaimTag, action: str) -> TagRevision:
        return TagRevision(
            tag=tag,
            sentence_id=tag.sentence_id,
            reviewer_id=tag.reviewer_id,
            changed_by_id=self.user.pk if self.user else tag.reviewer_id,
            action=action,
            start=tag.start,
            end=tag.end,
            label=tag.label,
            outlet_id=tag.outlet_id,
            cited_source=tag.cited_source,
            note=tag.note,
            changed_at=self.now,
        )

    def tag_in(
        self,
        *,
        text: str,
        sentences: _Sentences,
        what: str,
        start: Any,
        end: Any,
        label: Any,
        reviewer_id: int,
        outlet_id: int,
        quoted: Any = None,
        cited_source: Any = "",
        note: Any = "",
        created_at: Any = None,
        updated_at: Any = None,
    ) -> _TagIn:
        start, end = self.check_span(text, start, end, what, quoted)
        label = _label(label, what)
        cited_source = _str(cited_source, f"{what} cited_source").strip()
        if cited_source and label != Label.SOURCED:
            raise RecordError(f"{what}: only a sourced claim has a cited source")
        if len(cited_source) > 300:
            raise RecordError(f"{what}: the cited source is longer than 300 characters")
        note = _str(note, f"{what} note").strip()
        if len(note) > NOTE_MAX_CHARS:
            raise RecordError(f"{what}: the note is longer than {NOTE_MAX_CHARS} characters")
        created = _when(created_at, f"{what} created_at", self.now)
        return _TagIn(
            sentence_id=sentences.find(start, end),
            reviewer_id=reviewer_id,
            start=start,
            end=end,
            label=label,
            outlet_id=outlet_id,
            cited_source=cited_source,
            note=note,
            created_at=created,
            updated_at=_when(updated_at, f"{what} updated_at", created),
        )

    # --- JSON Lines -------------------------------------------------------------------

    def jsonl(self, record: Any) -> None:
        if not isinstance(record, dict) or "text" not in record or "sentences" not in record:
            raise NotThisFormat("not an article record of our JSON Lines export")
        if "claims" in record and "tags" not in record:
            raise NotThisFormat(
                "this is the aggregated export (one label per claim); import the per-reviewer one"
            )
        text = _str(record["text"], "text", required=True)
        if "\x00" in text:
            raise RecordError("the text contains NUL characters")
        if len(text) > settings.ANNOTATOR_MAX_ARTICLE_BYTES:
            raise RecordError("the text is larger than the limit for one article")
        digest = content_hash(text)
        if record.get("content_hash", digest) != digest:
            raise RecordError("content_hash is not the SHA-256 of the text (text altered?)")
        known = {
            o["name"]: o
            for o in record.get("outlets") or []
            if isinstance(o, dict) and isinstance(o.get("name"), str)
        }
        article = Article.objects.filter(content_hash=digest).first()
        if article is None:
            article = self._create_article(record, text, digest, known)
        else:
            self.summary.articles_existing += 1
        sentences = self.sentences_of(article.pk)
        default = None
        tags = []
        for n, tag in enumerate(_list(record.get("tags"), "tags"), start=1):
            what = f"tag {n}"
            if not isinstance(tag, dict):
                raise RecordError(f"{what} is not an object")
            outlet = self.outlet_id(tag.get("outlet"), known, f"{what} outlet")
            if outlet is None:
                default = default or self.default_outlet(article)
                outlet = default
            tags.append(
                self.tag_in(
                    text=text,
                    sentences=sentences,
                    what=what,
                    start=tag.get("start"),
                    end=tag.get("end"),
                    label=tag.get("label"),
                    reviewer_id=self.reviewer_id(tag.get("reviewer"), f"{what} reviewer"),
                    outlet_id=outlet,
                    quoted=tag.get("text"),
                    cited_source=tag.get("cited_source") or "",
                    note=tag.get("note") or "",
                    created_at=tag.get("created_at"),
                    updated_at=tag.get("updated_at"),
                )
            )
        self.save_tags(article.pk, tags)
        for n, row in enumerate(_list(record.get("adjudications"), "adjudications"), start=1):
            self._adjudication(row, f"adjudication {n}", text, sentences, known, article)

    def _create_article(self, record: dict, text: str, digest: str, known: dict) -> Article:
        publisher = self.outlet_id(record.get("publisher"), known, "publisher")
        origin = self.outlet_id(record.get("origin"), known, "origin")
        html = _str(record.get("html"), "html")
        article = Article(
            title=_str(record.get("title"), "title") or text.strip()[:120],
            text=text,
            content_hash=digest,
            html=clean_html(html) if html else "",
            publisher_id=publisher,
            publisher_signal=_str(record.get("publisher_signal"), "publisher_signal"),
            origin_id=origin,
            origin_signal=_str(record.get("origin_signal"), "origin_signal"),
            byline=_str(record.get("byline"), "byline"),
            url=_str(record.get("url"), "url"),
            published_on=_date(record.get("published_on"), "published_on"),
            source_name=_str(record.get("source_name"), "source_name"),
            imported_by=self.user,
            imported_at=_when(record.get("imported_at"), "imported_at", self.now),
        )
        try:
            article.full_clean(
                exclude=["content_hash", "publisher", "origin", "imported_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            raise RecordError(one_line(exc)) from None
        rows = []
        positions: set[int] = set()
        previous_end = 0
        for n, s in enumerate(_list(record.get("sentences"), "sentences"), start=1):
            what = f"sentence {n}"
            if not isinstance(s, dict):
                raise RecordError(f"{what} is not an object")
            start, end = self.check_span(text, s.get("start"), s.get("end"), what, s.get("text"))
            position = _int(s.get("position"), f"{what} position")
            if position in positions:
                raise RecordError(f"{what}: position {position} appears twice")
            positions.add(position)
            if start < previous_end:
                raise RecordError(f"{what}: it overlaps the sentence before it")
            previous_end = end
            section = s.get("section", Section.BODY)
            if section not in Section.values:
                raise RecordError(
                    f"{what}: unknown section {section!r}; use one of {', '.join(Section.values)}"
                )
            rows.append(
                Sentence(
                    position=position,
                    paragraph=_int(s.get("paragraph", 0), f"{what} paragraph"),
                    start=start,
                    end=end,
                    section=section,
                    text=text[start:end],
                )
            )
        if not rows:
            raise RecordError("the article has no sentences")
        article.save()
        for row in rows:
            row.article = article
        Sentence.objects.bulk_create(rows)
        self.summary.articles_created += 1
        self.summary.sentences_created += len(rows)
        return article

    def _adjudication(
        self, row: Any, what: str, text: str, sentences: _Sentences, known: dict, article: Article
    ) -> None:
        if not isinstance(row, dict):
            raise RecordError(f"{what} is not an object")
        start, end = self.check_span(text, row.get("start"), row.get("end"), what, row.get("text"))
        label = _label(row.get("label"), what)
        sentence_id = sentences.find(start, end)
        values = {
            "label": label,
            "outlet_id": self.outlet_id(row.get("outlet"), known, f"{what} outlet")
            or self.default_outlet(article),
            "cited_source": _str(row.get("cited_source"), f"{what} cited_source"),
            "note": _str(row.get("note"), f"{what} note"),
            "adjudicated_by_id": self.reviewer_id(
                row.get("adjudicated_by"), f"{what} adjudicated_by"
            ),
            "adjudicated_at": _when(row.get("adjudicated_at"), f"{what} adjudicated_at", self.now),
        }
        current = Adjudication.objects.filter(sentence_id=sentence_id, start=start, end=end).first()
        if current is None:
            Adjudication.objects.create(sentence_id=sentence_id, start=start, end=end, **values)
            self.summary.adjudications_created += 1
        elif current.adjudicated_at < values["adjudicated_at"] and any(
            getattr(current, k) != v for k, v in values.items() if k != "adjudicated_at"
        ):
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            self.summary.adjudications_updated += 1

    # --- Label Studio -----------------------------------------------------------------

    def labelstudio(self, task: Any) -> None:
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise NotThisFormat("not a Label Studio task (an object with data.text)")
        data = task["data"]
        article, text = self.article_from_text(data.get("text"), data, "data.text")
        sentences = self.sentences_of(article.pk)
        outlet = None
        tags = []
        for a, annotation in enumerate(_list(task.get("annotations"), "annotations"), start=1):
            if not isinstance(annotation, dict):
                raise RecordError(f"annotation {a} is not an object")
            if annotation.get("was_cancelled"):
                continue
            reviewer = self.reviewer_id(
                annotation.get("reviewer") or _completed_by(annotation.get("completed_by")),
                f"annotation {a} reviewer",
            )
            for r, region in enumerate(_list(annotation.get("result"), "result"), start=1):
                what = f"annotation {a} result {r}"
                if not isinstance(region, dict) or region.get("type") != "labels":
                    kind = region.get("type") if isinstance(region, dict) else None
                    raise RecordError(f"{what}: type {kind!r} is not a text span ('labels')")
                value = region.get("value") or {}
                labels = value.get("labels")
                if not isinstance(labels, list) or len(labels) != 1:
                    raise RecordError(f"{what}: a claim has exactly one label, not {labels!r}")
                outlet = outlet or self.default_outlet(article)
                tags.append(
                    self.tag_in(
                        text=text,
                        sentences=sentences,
                        what=what,
                        start=value.get("start"),
                        end=value.get("end"),
                        label=labels[0],
                        reviewer_id=reviewer,
                        outlet_id=outlet,
                        quoted=value.get("text"),
                        created_at=annotation.get("created_at"),
                        updated_at=annotation.get("updated_at"),
                    )
                )
        self.save_tags(article.pk, tags)

    # --- doccano ----------------------------------------------------------------------

    def doccano(self, line: Any) -> None:
        if not isinstance(line, dict) or "text" not in line:
            raise NotThisFormat("not a doccano line (an object with text and label)")
        spans = line.get("label", line.get("labels", line.get("entities", [])))
        article, text = self.article_from_text(line.get("text"), line, "text")
        sentences = self.sentences_of(article.pk)
        reviewer = self.reviewer_id(line.get("reviewer") or line.get("user"), "reviewer")
        outlet = self.default_outlet(article) if spans else None
        tags = []
        for n, span in enumerate(_list(spans, "label"), start=1):
            what = f"label {n}"
            if isinstance(span, dict):
                span = [span.get("start_offset"), span.get("end_offset"), span.get("label")]
            if not isinstance(span, list) or len(span) != 3:
                raise RecordError(f"{what}: expected [start, end, label], not {span!r}")
            tags.append(
                self.tag_in(
                    text=text,
                    sentences=sentences,
                    what=what,
                    start=span[0],
                    end=span[1],
                    label=span[2],
                    reviewer_id=reviewer,
                    outlet_id=outlet,
                )
            )
        self.save_tags(article.pk, tags)

    # --- W3C Web Annotation -----------------------------------------------------------

    def w3c(self, annotation: Any) -> None:
        if not isinstance(annotation, dict) or "Annotation" not in _types(annotation):
            raise NotThisFormat("not a W3C Annotation (type Annotation)")
        target = annotation.get("target")
        if isinstance(target, list) and len(target) == 1:
            target = target[0]
        if not isinstance(target, dict):
            raise RecordError("the target must be one SpecificResource with selectors")
        article = _article_by_iri(target.get("source"))
        text = article.text
        selectors = target.get("selector")
        selectors = selectors if isinstance(selectors, list) else [selectors]
        by_type = {s.get("type"): s for s in selectors if isinstance(s, dict)}
        position = by_type.get("TextPositionSelector")
        if position is None:
            raise RecordError("the target has no TextPositionSelector")
        quote = by_type.get("TextQuoteSelector")
        values: dict[str, str] = {}
        for body in _list(annotation.get("body"), "body"):
            if isinstance(body, dict) and body.get("type") == "TextualBody":
                values.setdefault(str(body.get("purpose")), body.get("value"))
        if "tagging" not in values:
            raise RecordError("the annotation has no tagging body (the label)")
        creator = annotation.get("creator")
        if isinstance(creator, dict):
            creator = creator.get("nickname") or creator.get("name")
        tag = self.tag_in(
            text=text,
            sentences=self.sentences_of(article.pk),
            what="annotation",
            start=position.get("start"),
            end=position.get("end"),
            label=values["tagging"],
            reviewer_id=self.reviewer_id(creator, "creator"),
            outlet_id=self.outlet_id(values.get("identifying"), {}, "identifying body (outlet)")
            or self.default_outlet(article),
            quoted=quote.get("exact") if quote else None,
            cited_source=values.get("describing", ""),
            note=values.get("commenting", ""),
            created_at=annotation.get("created"),
            updated_at=annotation.get("modified"),
        )
        self.save_tags(article.pk, [tag])


def _list(value: Any, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{what} must be a list")
    return value


def _types(value: dict) -> list:
    kind = value.get("type", value.get("@type"))
    return kind if isinstance(kind, list) else [kind]


def _completed_by(value: Any) -> str:
    """A reviewer name from Label Studio's `completed_by` (a user id, or a user object)."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"labelstudio-user-{value}"
    return value if isinstance(value, str) else ""


_NI = re.compile(r"^ni:///sha-256;([A-Za-z0-9_-]{43})$")


def _article_by_iri(source: Any) -> Article:
    match = _NI.match(source) if isinstance(source, str) else None
    if match is None:
        raise RecordError(
            f"target source {source!r} is not an article IRI of this tool (ni:///sha-256;…)"
        )
    digest = base64.urlsafe_b64decode(match.group(1) + "=").hex()
    article = Article.objects.filter(content_hash=digest).first()
    if article is None:
        raise RecordError(
            f"the article {source} is not in the database; import its text first "
            "(for example from the JSON Lines export)"
        )
    return article


def _w3c_items(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """The annotations of a W3C export: an AnnotationCollection (items of its embedded
    first page), an AnnotationPage, a list of annotations, or one annotation."""
    text = _read_text(stream)
    items = re.search(r'"items"\s*:\s*\[', text)
    if items is not None:
        yield from _array_items(text, items.end() - 1)
        return
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _array_items(text, len(text) - len(stripped))
        return
    try:
        yield 1, json.loads(text)
    except json.JSONDecodeError as exc:
        yield 1, RecordError(f"not valid JSON: {exc.msg} (line {exc.lineno})")


def _labelstudio_tasks(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    text = _read_text(stream)
    stripped = text.lstrip()
    if not stripped.startswith("["):
        yield 1, NotThisFormat("a Label Studio export is a JSON array of tasks")
        return
    yield from _array_items(text, len(text) - len(stripped))


def import_corpus(
    *,
    stream: IO[bytes],
    fmt: str,
    user: AbstractBaseUser | None = None,
    default_reviewer: str = "",
) -> ImportSummary:
    """Import an annotated corpus from a binary stream in format `fmt` (one of
    IMPORT_FORMATS), record by record, each in its own transaction.

    `user` is recorded as the importer (and as the author of the tag revisions; without
    one, each revision names the tag's reviewer). `default_reviewer` names the reviewer
    of records that name none (a plain doccano file). Never raises for bad records:
    they are in the summary's `errors`, with their numbers (line numbers for JSON Lines
    and doccano, task numbers for Label Studio, annotation numbers for W3C)."""
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format {fmt!r}")
    importer = _Importer(user=user, default_reviewer=default_reviewer)
    if fmt in ("jsonl", "doccano"):
        records = _lines(stream)
    elif fmt == "labelstudio":
        records = _labelstudio_tasks(stream)
    else:
        records = _w3c_items(stream)
    try:
        importer.run(records, getattr(importer, fmt))
    except NotThisFormat as exc:  # the whole file (not UTF-8)
        importer.summary.errors.append((0, str(exc)))
    return importer.summary
