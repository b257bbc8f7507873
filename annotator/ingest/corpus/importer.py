"""What every format's import shares: the loop that imports each record in its own
transaction, and the look-ups and writes a record handler calls (reviewers, outlets,
articles and their sentences, tags with their revisions)."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotator.ingest.corpus.records import (
    ImportSummary,
    NotThisFormat,
    RecordError,
    TagIn,
    as_date,
    as_datetime,
    as_int,
    as_label,
    as_str,
)
from annotator.models import Article, ClaimTag, Label, Sentence, TagRevision
from annotator.services.imports import import_article
from annotator.services.tagging import NOTE_MAX_CHARS, lock_claims, next_seqs, record_revisions
from core.errors import one_line
from core.text.sections import not_a_claim
from sources.models import Outlet
from sources.services.outlets import UnknownOutlet, resolve_outlet, save_outlet


def outlets_of(record: dict) -> dict[str, dict]:
    """The outlets a record describes (our exports' `outlets`), by name."""
    listed = record.get("outlets")
    return {
        o["name"]: o
        for o in (listed if isinstance(listed, list) else [])
        if isinstance(o, dict) and isinstance(o.get("name"), str)
    }


def _outlet(outlet_id: int | None) -> Outlet | None:
    return Outlet.objects.get(pk=outlet_id) if outlet_id else None


def _quote(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class Sentences:
    """An article's sentences by offset: which one a span lies in (they do not overlap).
    Rows of (id, start, end, section)."""

    def __init__(self, rows: Iterable[tuple[int, int, int, str]]) -> None:
        self.rows = list(rows)
        self.starts = [row[1] for row in self.rows]

    def find(self, start: int, end: int) -> int:
        """The id of the claim sentence that holds start..end; RecordError if none does,
        or if it is a byline or a credit line, which are no claims (as check_claim in
        annotator.services.tagging rules for every tag)."""
        i = bisect.bisect_right(self.starts, start) - 1
        if i < 0 or end > self.rows[i][2]:
            raise RecordError(
                f"span {start}..{end} is not inside one sentence of the article "
                "(a claim is a sentence or a span inside one)"
            )
        pk, _, _, section = self.rows[i]
        if reason := not_a_claim(section):
            raise RecordError(
                f"span {start}..{end} lies in a sentence that is {reason}: it cannot be tagged"
            )
        return pk


class Importer:
    """One import: its summary, the reviewers and outlets it has looked up so far, and the
    look-ups and writes that each format's `import_record` calls."""

    def __init__(
        self,
        *,
        user: AbstractBaseUser | None,
        default_reviewer: str,
        publisher: Outlet | None = None,
        origin: Outlet | None = None,
        labelstudio_users: dict[str, str] | None = None,
    ) -> None:
        self.user = user
        self.default_reviewer = default_reviewer
        self.publisher = publisher
        self.origin = origin
        self.labelstudio_users = labelstudio_users or {}
        self.summary = ImportSummary()
        self.now = timezone.now()
        self.number = 0  # the record being imported
        self._users: dict[str, int] = {}
        self._outlets: dict[str, int] = {}

    def warn(self, message: str) -> None:
        """Note something the user should know about the record being imported."""
        self.summary.warnings.append((self.number, message))

    # look-ups

    def reviewer_id(self, name: Any, what: str = "reviewer") -> int:
        name = as_str(name, what) or self.default_reviewer
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
        name = as_str(name, what)
        if not name:
            return None
        if name not in self._outlets:
            found = Outlet.objects.filter(name=name).values_list("pk", flat=True).first()
            if found is None and name in known:
                info = known[name]
                try:
                    outlet = save_outlet(
                        name=name,
                        kind=as_str(info.get("kind"), "outlet kind") or Outlet.Kind.NEWS,
                        slug=as_str(info.get("slug"), "outlet slug"),
                        description=as_str(info.get("description"), "outlet description"),
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

    def run(
        self, records: Iterable[tuple[int, Any]], handle: Callable[[Importer, Any], None]
    ) -> None:
        """Import each (number, record) with `handle`, each in its own transaction; a bad
        record goes into the summary's errors, and a first record that is not this format
        at all stops the import."""
        first = True
        for number, record in records:
            self.number = number
            self.summary.records += 1
            try:
                if isinstance(record, RecordError):
                    if first:
                        raise NotThisFormat(str(record))
                    raise record
                counts = dataclasses.replace(self.summary)
                try:
                    with transaction.atomic():
                        handle(self, record)
                except BaseException:
                    # Rolled back: the record's counts, warnings and the users and
                    # outlets it created are gone.
                    counts.errors = self.summary.errors
                    counts.warnings = [w for w in self.summary.warnings if w[0] != number]
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

    def sentences_of(self, article_id: int) -> Sentences:
        """The article's sentences, to find the one a span lies in."""
        return Sentences(
            Sentence.objects.filter(article_id=article_id)
            .order_by("start")
            .values_list("id", "start", "end", "section")
        )

    def article_from_text(self, text: Any, meta: dict, what: str) -> tuple[Article, str]:
        """The article with this text: found by content hash, or imported (segmented).

        A new article's publisher and origin are those given to the import (`--publisher`,
        `--origin`), else the record's `publisher`/`origin` (outlets not known here are
        created from the record's `outlets`, as our exports write them), else detected
        from the text as `import_article` does."""
        text = as_str(text, what, required=True)
        known = outlets_of(meta)
        try:
            publisher = self.publisher or _outlet(
                self.outlet_id(meta.get("publisher"), known, "publisher")
            )
            origin = self.origin or _outlet(self.outlet_id(meta.get("origin"), known, "origin"))
            result = import_article(
                text=text,
                title=as_str(meta.get("title"), "title"),
                publisher=publisher,
                origin=origin,
                byline=as_str(meta.get("byline"), "byline"),
                url=as_str(meta.get("url"), "url"),
                published_on=as_date(meta.get("published_on"), "published_on"),
                source_name=as_str(meta.get("source_name"), "source_name"),
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
        start, end = as_int(start, f"{what} start"), as_int(end, f"{what} end")
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
            raise RecordError(
                "the article has no outlet to attribute its claims to: the record names "
                "none (publisher, origin) and none was detected in the text; give one "
                "with --origin NAME (or --publisher NAME)"
            )
        return outlet

    @staticmethod
    def merged_values(
        t: TagIn, stored: ClaimTag | None, default_outlet: Callable[[], int]
    ) -> dict[str, Any]:
        """The values a tag read from a file is saved with: what the file carries, and
        for what its format does not carry (None in `t`), the stored tag's value, or for
        a new tag the article's outlet and no cited source or note. A field the file does
        not carry therefore never changes what is stored. A kept cited source is dropped
        only when the file makes the claim other than sourced (only a sourced claim has
        one)."""
        values: dict[str, Any] = {
            "label": t.label,
            "outlet_id": t.outlet_id,
            "cited_source": t.cited_source,
            "note": t.note,
        }
        for field in ("outlet_id", "cited_source", "note"):
            if values[field] is None:
                if stored is not None:
                    values[field] = getattr(stored, field)
                else:
                    values[field] = default_outlet() if field == "outlet_id" else ""
        if t.cited_source is None and t.label != Label.SOURCED:
            values["cited_source"] = ""
        return values

    # tags and adjudications

    def save_tags(self, article: Article, tags: list[TagIn]) -> None:
        """Create, update or leave each tag, with a revision for each change (values by
        `merged_values`: a file never changes a field it does not carry)."""
        article_id = article.pk
        seen: set[tuple[int, int, int, int]] = set()
        for t in tags:
            key = (t.reviewer_id, t.sentence_id, t.start, t.end)
            if key in seen:
                raise RecordError(
                    f"the same reviewer tags the claim {t.start}..{t.end} twice in the record"
                )
            seen.add(key)
        # The claims' writers wait for this record's transaction from here on, so what
        # is read next is what stands.
        lock_claims({(t.reviewer_id, t.sentence_id) for t in tags})
        existing = {
            (tag.reviewer_id, tag.sentence_id, tag.start, tag.end): tag
            for tag in ClaimTag.objects.select_for_update(of=("self",)).filter(
                sentence__article_id=article_id,
                reviewer_id__in={t.reviewer_id for t in tags},
            )
        }
        new, changed = [], []
        default: list[int] = []

        def default_outlet() -> int:
            if not default:
                default.append(self.default_outlet(article))
            return default[0]

        for t in tags:
            tag = existing.get((t.reviewer_id, t.sentence_id, t.start, t.end))
            values = self.merged_values(t, tag, default_outlet)
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
        # Each change takes the next number in its claim's history.
        seqs = next_seqs((tag.sentence_id, tag.reviewer_id, tag.start, tag.end) for tag in new)
        for tag in new:
            tag.seq = seqs[tag.sentence_id, tag.reviewer_id, tag.start, tag.end]
        for tag in changed:
            tag.seq += 1
        ClaimTag.objects.bulk_create(new)
        ClaimTag.objects.bulk_update(
            changed, ["label", "outlet_id", "cited_source", "note", "updated_at", "seq"]
        )
        actions = [(tag, TagRevision.Action.CREATED) for tag in new] + [
            (tag, TagRevision.Action.UPDATED) for tag in changed
        ]
        # The importer, or without one nobody (a command run without --user): never the
        # reviewer, who did not make this change.
        record_revisions(actions, changed_by_id=self.user.pk if self.user else None)
        self.summary.tags_created += len(new)
        self.summary.tags_updated += len(changed)

    def tag_in(
        self,
        *,
        text: str,
        sentences: Sentences,
        what: str,
        start: Any,
        end: Any,
        label: Any,
        reviewer_id: int,
        outlet_id: int | None = None,
        quoted: Any = None,
        cited_source: Any = None,
        note: Any = None,
        created_at: Any = None,
        updated_at: Any = None,
    ) -> TagIn:
        """A tag read from a record, checked. `outlet_id`, `cited_source` and `note` are
        None when the record's format does not carry them (the stored tag keeps its)."""
        start, end = self.check_span(text, start, end, what, quoted)
        label = as_label(label, what)
        if cited_source is not None:
            cited_source = as_str(cited_source, f"{what} cited_source").strip()
            if cited_source and label != Label.SOURCED:
                raise RecordError(f"{what}: only a sourced claim has a cited source")
            if len(cited_source) > 300:
                raise RecordError(f"{what}: the cited source is longer than 300 characters")
        if note is not None:
            note = as_str(note, f"{what} note").strip()
            if len(note) > NOTE_MAX_CHARS:
                raise RecordError(f"{what}: the note is longer than {NOTE_MAX_CHARS} characters")
        created = as_datetime(created_at, f"{what} created_at", self.now)
        return TagIn(
            sentence_id=sentences.find(start, end),
            reviewer_id=reviewer_id,
            start=start,
            end=end,
            label=label,
            outlet_id=outlet_id,
            cited_source=cited_source,
            note=note,
            created_at=created,
            updated_at=as_datetime(updated_at, f"{what} updated_at", created),
        )
