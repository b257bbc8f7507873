"""What an export holds, and reading it from the database in chunks.

Every format, and the command line, the download page and the API, read the corpus
through `Corpus.articles()`: articles in chunks of `CHUNK_SIZE`, with one query each for
the chunk's articles, sentences, tags and adjudications, as plain tuples (no model
instances). Memory holds one chunk at a time, however large the corpus.

The aggregated variant of every format takes its one label per claim from
`Corpus.claims()`, which applies the project's consensus rule (`annotator.stats.consensus`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, QuerySet

from annotator.export.pseudonyms import pseudonym
from annotator.models import Adjudication, Article, ClaimTag, Label, Sentence
from annotator.stats.consensus import ADJUDICATED, MAJORITY, decide
from core.db.read_ahead import read_ahead
from core.text.sections import Section
from sources.models import Outlet, OutletAlias, OutletDomain

# 100 articles a chunk: 200 took no less CPU (bench/export.py --api) and held twice the
# rows at once, which a server process keeps after its first export (bench/memory.py:
# ~4 MB instead of ~8 MB for bench/peers.py's articles).
CHUNK_SIZE = 100
# "any": the article's publisher or origin; "attributed": the outlet a claim is attributed to.
OUTLET_ROLES = ("any", "publisher", "origin", "attributed")
ALL_SECTIONS = tuple(Section.values)
# Formats other than JSON Lines export body sentences unless asked for more.
DEFAULT_SECTIONS = (Section.BODY.value,)


@dataclass(frozen=True, slots=True)
class Selection:
    """The filters of one export. Empty values select everything.

    `sections` empty means the format's default (every section for JSON Lines, body
    sentences for the others). `classroom_id` keeps the articles of that class's
    assignments, the tags of its students and its teacher, and the adjudications its
    teacher (or an admin) made, as the class pages count them. The date range applies to
    the article's `published_on` (inclusive); an article without a publication date is
    left out when a range is given.
    """

    outlet_id: int | None = None
    outlet_role: str = "any"
    article_ids: tuple[int, ...] = ()
    reviewer_group: str = ""
    label: str = ""
    sections: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    pseudonymize: bool = False
    aggregate: bool = False
    suggestions: bool = False  # Label Studio: the label suggester's `predictions` too
    classroom_id: int | None = None

    @property
    def filters_tags(self) -> bool:
        """True when the filters choose among tags, so that an article left without any
        is not exported."""
        return bool(
            self.label
            or self.reviewer_group
            or self.classroom_id is not None
            or (self.outlet_id and self.outlet_role == "attributed")
        )


def _class_people(classroom_id: int) -> QuerySet:
    """The ids of a class's students and its teacher, as a subquery."""
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__classroom_id=classroom_id) | Q(classes_taught__id=classroom_id)
        )
        .values("pk")
    )


class ExportedArticle(NamedTuple):
    """An article as an export reads it."""

    id: int
    title: str
    text: str
    content_hash: str
    html: str
    publisher_id: int | None
    publisher_signal: str
    origin_id: int | None
    origin_signal: str
    byline: str
    url: str
    published_on: dt.date | None
    source_name: str
    imported_at: dt.datetime


class ExportedSentence(NamedTuple):
    """A sentence as an export reads it: its place, not its text (cut from the article's)."""

    id: int
    position: int
    paragraph: int
    start: int
    end: int
    section: str
    article_id: int


class ExportedTag(NamedTuple):
    """A reviewer's tag as an export writes it."""

    sentence_id: int
    start: int
    end: int
    label: str
    outlet_id: int
    cited_source: str
    note: str
    reviewer_id: int
    created_at: str  # ISO 8601 in UTC, written by the database (IsoTimestamp)
    updated_at: str
    article_id: int


class ExportedAdjudication(NamedTuple):
    """An adjudicated claim as an export writes it."""

    sentence_id: int
    start: int
    end: int
    label: str
    outlet_id: int
    cited_source: str
    note: str
    adjudicated_by_id: int
    adjudicated_at: str  # ISO 8601 in UTC
    article_id: int


@dataclass(slots=True)
class ArticleData:
    """One article of an export: its row, every sentence in order, and the selected tags
    (in text order) and adjudications.

    The sentences and tags come as the database's rows (`sentence_rows`, `tag_rows`:
    plain tuples, in the fields' order of ExportedSentence and ExportedTag), and as
    named tuples (`sentences`, `tags`) made from them on first use. The JSON Lines
    export unpacks the rows, the other formats read the named tuples: a named tuple for
    each of a corpus's rows was a tenth of that export's time (bench/export.py --api)."""

    article: ExportedArticle
    sentence_rows: list[tuple]
    tag_rows: list[tuple]
    adjudications: list[ExportedAdjudication]
    _sentences: list[ExportedSentence] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _tags: list[ExportedTag] | None = field(default=None, init=False, repr=False, compare=False)
    _by_id: dict[int, ExportedSentence] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def sentences(self) -> list[ExportedSentence]:
        if self._sentences is None:
            self._sentences = list(map(ExportedSentence._make, self.sentence_rows))
        return self._sentences

    @property
    def tags(self) -> list[ExportedTag]:
        if self._tags is None:
            self._tags = list(map(ExportedTag._make, self.tag_rows))
        return self._tags

    @property
    def sentence_by_id(self) -> dict[int, ExportedSentence]:
        """The sentences by id, built on first use (the JSON Lines export needs none)."""
        if self._by_id is None:
            self._by_id = {s.id: s for s in self.sentences}
        return self._by_id


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim of the aggregated variant: its consensus label (None when disputed)."""

    sentence: ExportedSentence
    start: int
    end: int
    label: str | None
    status: str  # adjudicated, majority or disputed
    votes: int
    counts: dict[str, int]  # reviewers per label, every label present
    outlet_id: int | None
    cited_source: str
    note: str
    adjudicated_by_id: int | None


@dataclass(frozen=True, slots=True)
class OutletInfo:
    name: str
    slug: str
    kind: str
    description: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "slug": self.slug,
            "kind": self.kind,
            "description": self.description,
            "aliases": list(self.aliases),
            "domains": list(self.domains),
        }


Progress = Callable[[int, int, int], None]  # articles done, articles in all, tags so far


def _by_article(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    """Rows ordered by their article (their last field), as lists by article."""
    return {article: list(run) for article, run in groupby(rows, itemgetter(-1))}


def _chunk(selected: tuple[QuerySet, ...], chunk: list[int]) -> tuple[QuerySet, ...]:
    """Corpus._selected's querysets for the articles of `chunk`, whose ids are one
    parameter (core/db/lookups.py), not one each."""
    articles, adjudications, sentences, tags = selected
    return (
        articles.filter(pk__in_ids=chunk),
        adjudications.filter(sentence__article_id__in_ids=chunk),
        sentences.filter(article_id__in_ids=chunk),
        tags.filter(sentence__article_id__in_ids=chunk),
    )


def _by_outlet(rows: Iterable[tuple[int, str]]) -> defaultdict[int, list[str]]:
    """(outlet id, name) rows as each outlet's names."""
    names: defaultdict[int, list[str]] = defaultdict(list)
    for outlet_id, name in rows:
        names[outlet_id].append(name)
    return names


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for first in range(0, len(ids), size):
        yield ids[first : first + size]


class Corpus:
    """The corpus an export selects, with the look-ups every format needs (outlets and
    reviewer names, loaded once)."""

    def __init__(
        self,
        selection: Selection,
        *,
        default_sections: Iterable[str] = ALL_SECTIONS,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self.selection = selection
        self.sections = tuple(selection.sections or default_sections)
        self.chunk_size = chunk_size
        self.outlets = self._load_outlets()
        self._usernames: dict[int, str] = dict(
            get_user_model().objects.values_list("id", "username")
        )
        self._names: dict[int, str] = {}
        self.notes: list[str] = []

    def note(self, message: str) -> None:
        """Tell the user something about the file being written (the command prints it)."""
        self.notes.append(message)

    @staticmethod
    def _load_outlets() -> dict[int, OutletInfo]:
        # Three reads of plain rows: through prefetch_related (instances, related
        # managers) the same few outlets took ~2 ms of every export's CPU.
        aliases = _by_outlet(OutletAlias.objects.values_list("outlet_id", "name"))
        domains = _by_outlet(OutletDomain.objects.values_list("outlet_id", "domain"))
        outlets = Outlet.objects.order_by("pk").values_list(
            "pk", "name", "slug", "kind", "description"
        )
        return {
            pk: OutletInfo(
                name=name,
                slug=slug,
                kind=kind,
                description=description,
                aliases=tuple(sorted(aliases[pk])),
                domains=tuple(sorted(domains[pk])),
            )
            for pk, name, slug, kind, description in outlets
        }

    def reviewer(self, user_id: int | None) -> str:
        """The user's name in this export: the username, or the stable pseudonym."""
        if user_id is None:
            return ""
        name = self._names.get(user_id)
        if name is None:
            name = (
                pseudonym(user_id)
                if self.selection.pseudonymize
                else self._usernames.get(user_id) or str(user_id)
            )
            self._names[user_id] = name
        return name

    def outlet_name(self, outlet_id: int | None) -> str | None:
        return self.outlets[outlet_id].name if outlet_id is not None else None

    # --- reading -------------------------------------------------------------------

    def article_ids(self) -> list[int]:
        """The ids of the selected articles, in id order (one query)."""
        s = self.selection
        articles: QuerySet[Article] = Article.objects.all()
        if s.article_ids:
            articles = articles.filter(pk__in=s.article_ids)
        if s.classroom_id is not None:
            # By lookup names only: the export knows classes through the ORM, the
            # classroom app builds on the annotator, not the other way round.
            articles = articles.filter(
                pk__in=Article.objects.filter(assignments__classroom_id=s.classroom_id).values("pk")
            )
        if s.outlet_id is not None:
            if s.outlet_role == "publisher":
                articles = articles.filter(publisher_id=s.outlet_id)
            elif s.outlet_role == "origin":
                articles = articles.filter(origin_id=s.outlet_id)
            elif s.outlet_role == "attributed":
                articles = articles.filter(
                    Exists(
                        ClaimTag.objects.filter(
                            sentence__article=OuterRef("pk"), outlet_id=s.outlet_id
                        )
                    )
                    | Exists(
                        Adjudication.objects.filter(
                            sentence__article=OuterRef("pk"), outlet_id=s.outlet_id
                        )
                    )
                )
            else:
                articles = articles.filter(Q(publisher_id=s.outlet_id) | Q(origin_id=s.outlet_id))
        if s.date_from:
            articles = articles.filter(published_on__gte=s.date_from)
        if s.date_to:
            articles = articles.filter(published_on__lte=s.date_to)
        return list(articles.order_by("pk").values_list("pk", flat=True))

    def _tags(self) -> QuerySet:
        s = self.selection
        tags = ClaimTag.objects.all()
        if set(self.sections) != set(ALL_SECTIONS):
            tags = tags.filter(sentence__section__in=self.sections)
        if s.reviewer_group:
            tags = tags.filter(reviewer__groups__name=s.reviewer_group)
        if s.classroom_id is not None:
            tags = tags.filter(reviewer_id__in=_class_people(s.classroom_id))
        # In the aggregated variant the label and the attributed outlet are the claim's
        # consensus, decided from every vote: they are applied to claims, not to tags.
        if not s.aggregate:
            if s.label:
                tags = tags.filter(label=s.label)
            if s.outlet_id is not None and s.outlet_role == "attributed":
                tags = tags.filter(outlet_id=s.outlet_id)
        return (
            tags.order_by("sentence__article_id", "start", "end", "reviewer_id")
            .annotate(
                created_text=IsoTimestamp("created_at"),
                updated_text=IsoTimestamp("updated_at"),
                article=F("sentence__article_id"),
            )
            .values_list(*ExportedTag._fields[:-3], "created_text", "updated_text", "article")
        )

    def _adjudications(self) -> QuerySet:
        s = self.selection
        rows = Adjudication.objects.all()
        if set(self.sections) != set(ALL_SECTIONS):
            rows = rows.filter(sentence__section__in=self.sections)
        if s.classroom_id is not None:
            deciders = get_user_model().objects.filter(
                Q(classes_taught__id=s.classroom_id) | Q(is_superuser=True)
            )
            rows = rows.filter(adjudicated_by_id__in=deciders.values("pk"))
        if not s.aggregate:
            if s.label:
                rows = rows.filter(label=s.label)
            if s.outlet_id is not None and s.outlet_role == "attributed":
                rows = rows.filter(outlet_id=s.outlet_id)
        return (
            rows.order_by("sentence__article_id", "start", "end")
            .annotate(
                adjudicated_text=IsoTimestamp("adjudicated_at"),
                article=F("sentence__article_id"),
            )
            .values_list(*ExportedAdjudication._fields[:-2], "adjudicated_text", "article")
        )

    def _selected(self) -> tuple[QuerySet, ...]:
        """What the export reads, but for the articles: the rows of articles,
        adjudications, sentences and tags (the last three ordered by article first: each
        article's rows are one run). Built once an export; `_chunk` adds the articles."""
        return (
            Article.objects.order_by("pk").values_list(*ExportedArticle._fields),
            self._adjudications(),
            Sentence.objects.order_by("article_id", "position").values_list(
                *ExportedSentence._fields
            ),
            self._tags(),
        )

    def articles(self, progress: Progress | None = None) -> Iterator[ArticleData]:
        """The selected articles with their sentences, tags and adjudications, one chunk
        of articles in memory at a time (four queries per chunk)."""
        ids = self.article_ids()
        skip_untagged = self.selection.filters_tags and not self.selection.aggregate
        done = tags_done = 0
        selected = self._selected()
        # On PostgreSQL the next chunk's queries run while this chunk is written.
        for article_rows, adjudication_rows, sentence_rows, tag_rows in read_ahead(
            _chunk(selected, chunk) for chunk in _chunks(ids, self.chunk_size)
        ):
            sentences, tags = _by_article(sentence_rows), _by_article(tag_rows)
            adjudications = {
                article: list(map(ExportedAdjudication._make, rows))
                for article, rows in _by_article(adjudication_rows).items()
            }
            for row in article_rows:
                article = ExportedArticle._make(row)
                data = ArticleData(
                    article=article,
                    sentence_rows=sentences.pop(article.id, []),
                    tag_rows=tags.pop(article.id, []),
                    adjudications=adjudications.pop(article.id, []),
                )
                done += 1
                tags_done += len(data.tag_rows)
                # Filters that choose tags leave out the articles without one (aggregated:
                # without a claim, see articles_with_claims).
                if skip_untagged and not data.tag_rows:
                    continue
                yield data
                if progress is not None:
                    progress(done, len(ids), tags_done)
        if progress is not None:
            progress(done, len(ids), tags_done)

    def articles_with_claims(
        self, progress: Progress | None = None
    ) -> Iterator[tuple[ArticleData, list[Claim]]]:
        """`articles()` with each article's aggregated claims; an article left without a
        claim by the filters is not exported."""
        for data in self.articles(progress):
            claims = self.claims(data)
            if claims or not self.selection.filters_tags:
                yield data, claims

    def claims(self, data: ArticleData) -> list[Claim]:
        """The article's claims with one label each, in text order, by the consensus rule:
        the adjudicated label, else a strict majority of the reviewers, else disputed.
        The outlet is the adjudicated one, else the one a strict majority of the tags
        name (else none); the cited source is the adjudicated one, else the one most
        often given by the reviewers of the winning label (a tie goes to the first of
        the tied in code-point order: the rule depends on the data only)."""
        by_claim: dict[tuple[int, int, int], list[ExportedTag]] = defaultdict(list)
        for tag in data.tags:
            by_claim[tag.sentence_id, tag.start, tag.end].append(tag)
        adjudicated = {(a.sentence_id, a.start, a.end): a for a in data.adjudications}
        s = self.selection
        claims = []
        for key in sorted(by_claim.keys() | adjudicated.keys(), key=lambda k: (k[1], k[2])):
            tags = by_claim.get(key, [])
            adjudication = adjudicated.get(key)
            votes = Counter(t.label for t in tags)
            decision = decide(votes, adjudication.label if adjudication else None)
            if decision.status == ADJUDICATED:
                outlet_id = adjudication.outlet_id
                cited_source, note = adjudication.cited_source, adjudication.note
            else:
                outlet_id, count = Counter(t.outlet_id for t in tags).most_common(1)[0]
                if count * 2 <= len(tags):
                    outlet_id = None
                cited_source, note = "", ""
                if decision.status == MAJORITY and decision.label == Label.SOURCED:
                    given = Counter(
                        t.cited_source for t in tags if t.label == decision.label and t.cited_source
                    )
                    # Most often given; a tie goes to the first in code-point order, so
                    # that the result depends on the data only (not on database ids).
                    cited_source = min(given, key=lambda c: (-given[c], c)) if given else ""
            if s.label and decision.label != s.label:
                continue
            if (
                s.outlet_id is not None
                and s.outlet_role == "attributed"
                and outlet_id != s.outlet_id
            ):
                continue
            claims.append(
                Claim(
                    sentence=data.sentence_by_id[key[0]],
                    start=key[1],
                    end=key[2],
                    label=decision.label,
                    status=decision.status,
                    votes=decision.votes,
                    counts={label: votes.get(label, 0) for label in Label.values},
                    outlet_id=outlet_id,
                    cited_source=cited_source,
                    note=note,
                    adjudicated_by_id=adjudication.adjudicated_by_id if adjudication else None,
                )
            )
        return claims


class IsoTimestamp(Func):
    """A timestamp as ISO 8601 text in UTC ("2025-01-31T12:00:00.250000+00:00"), written
    by the database: turning hundreds of thousands of them into datetime objects and
    back was most of an export's time."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps SQLite timestamps as UTC text: "2025-01-31 12:00:00.25".
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(REPLACE({sql}, ' ', 'T') || '+00:00')", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"""to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""",
            params,
        )


def isoformat(value: dt.datetime | dt.date | None) -> str | None:
    """ISO 8601 for a date or an aware datetime (UTC offset written out), or None."""
    return value.isoformat() if value is not None else None
