"""Reads that are more than a filter: the queries behind the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise
from typing import NamedTuple, Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from annotator.labels import LETTERS
from annotator.models import Article, ClaimTag, Label, Sentence
from annotator.selectors.progress import UNTAGGABLE_SECTIONS
from core.db import workspace as sql
from core.db.instances import loaded
from core.db.workspace import NAMES_SEPARATOR
from core.text.sections import Section
from sources.models import Outlet

LABEL_NAMES = dict(Label.choices)
SECTION_NAMES = dict(Section.choices)


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery over sentences, as an annotation (0 when none)."""
    counted = queryset.order_by().values("article").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class Counted(Protocol):
    done: int
    total: int


def article_list(
    articles: QuerySet[Article] | None = None,
    *,
    reviewer: AbstractBaseUser | None = None,
    unfinished: bool = False,
    counted: dict[int, Counted] | None = None,
) -> QuerySet[Article]:
    """`articles` (all of them by default; the page gives those its filters kept,
    `annotator.forms.ArticlePageFilter`, the API's filters) with publisher, origin and
    sentence count, newest import first unless `articles` is ordered otherwise.

    With `reviewer`, each article also carries `n_taggable` (its sentences that are
    claims) and `n_tagged` (those the reviewer has tagged, whole or in part), and
    `unfinished` keeps only the articles where the reviewer has some left. `counted`
    gives some articles' `done` and `total` another way (the units of a student's open
    assignments, classroom.selectors.workspace): `unfinished` goes by those for them."""
    if articles is None:
        articles = Article.objects.all()
    sentences = Sentence.objects.filter(article=OuterRef("pk"))
    articles = articles.select_related("publisher", "origin").annotate(
        n_sentences=_count(sentences)
    )
    if reviewer is not None:
        taggable = sentences.exclude(section__in=UNTAGGABLE_SECTIONS)
        mine = ClaimTag.objects.filter(sentence=OuterRef("pk"), reviewer=reviewer)
        articles = articles.annotate(
            n_taggable=_count(taggable), n_tagged=_count(taggable.filter(Exists(mine)))
        )
        if unfinished:
            counted = counted or {}
            left = [pk for pk, work in counted.items() if work.done < work.total]
            articles = articles.filter(
                (Q(n_tagged__lt=F("n_taggable")) & ~Q(pk__in=list(counted))) | Q(pk__in=left)
            )
    if articles.query.order_by:
        return articles
    return articles.order_by("-imported_at", "-id")


# --- The annotation workspace ------------------------------------------------------
#
# The article page shows hundreds of sentences and, for a teacher, thousands of tags: it
# reads plain rows (no model instances: the SQL is written out, in core.db.workspace)
# and prepares every string the sentence fragment prints, so that the template only
# puts them in place.


class SentenceRow(NamedTuple):
    """A sentence as the workspace reads it."""

    id: int
    position: int
    paragraph: int
    start: int
    end: int
    section: str
    text: str


class TagRow(NamedTuple):
    """One of the viewer's own tags, as the workspace shows it."""

    id: int
    sentence_id: int
    start: int
    end: int
    label: str
    outlet_name: str
    cited_source: str
    note: str
    seq: int  # the number of its last change (TagRevision.seq): what Undo names


class OthersRow(NamedTuple):
    """Other reviewers' tags that agree on everything: claim, label, outlet, cited source
    and note; with how many they are and who."""

    sentence_id: int
    start: int
    end: int
    label: str
    outlet_name: str
    cited_source: str
    note: str
    count: int
    names: str  # the reviewers' user names, joined by NAMES_SEPARATOR


@dataclass(slots=True)
class Progress:
    """How many of an article's claims (taggable sentences) a reviewer has tagged."""

    done: int
    total: int


@dataclass(slots=True)
class Marker:
    """A tag as its sentence shows it. In all-tags mode, the tags of other reviewers
    with the same label on the same claim make one marker, with a count."""

    label: str
    start: int
    end: int
    mine: bool
    excerpt: str  # the span's words; "" for a whole-sentence tag
    title: str  # everything about it in words: tooltip, and what screen readers say
    who: str = ""  # whose (all-tags mode), as shown
    pk: int | None = None  # the viewer's own tags only, with what the panel edits:
    outlet: str = ""
    cited_source: str = ""
    note: str = ""
    seq: int = 0

    @property
    def letter(self) -> str:
        return LETTERS[self.label]


@dataclass(slots=True)
class Segment:
    """A run of a sentence's text, with the labels of the span tags that cover it."""

    text: str
    classes: str = ""


@dataclass(slots=True)
class SentenceView:
    """Everything the sentence fragment (annotator.presenters.fragments) shows. Its
    sequences are tuples, shared, where empty: a page has hundreds of untagged sentences."""

    pk: int
    position: int  # counted from 1, as people count
    start: int
    end: int
    section: str
    text: str
    taggable: bool
    all_tags: bool
    markers: Sequence[Marker] = ()
    segments: Sequence[Segment] = ()  # empty: no span tags shown
    # The article's text between the previous sentence of the paragraph and this one
    # (a space, usually), printed before the sentence so that the page reads exactly as
    # written; "" for a paragraph's first sentence and for a sentence drawn on its own.
    gap: str = ""
    whole: Marker | None = None  # the viewer's whole-sentence tag
    spans: Sequence[Marker] = ()  # the viewer's span tags
    # Inside an assignment (classroom.selectors.workspace): whether the sentence is one of its
    # units (None: no assignment), and whether the viewer has answered it.
    unit: bool | None = None
    answered: bool = False

    @property
    def tagged(self) -> bool:
        """Whether the viewer has tagged it (the whole sentence or a span of it)."""
        return self.whole is not None or bool(self.spans)

    @property
    def section_name(self) -> str:
        return SECTION_NAMES[self.section]


@dataclass(slots=True)
class Paragraph:
    section: str
    sentences: list[SentenceView]
    # The section's name where a section begins (a run of comments is named once).
    heading: str = ""


@dataclass(slots=True)
class Workspace:
    """An article as the annotation page shows it to one user."""

    paragraphs: list[Paragraph]
    progress: Progress

    def sentences(self) -> Iterator[SentenceView]:
        for paragraph in self.paragraphs:
            yield from paragraph.sentences

    def find(self, pk: object) -> SentenceView | None:
        """The taggable sentence with primary key `pk` (as a query string gives it)."""
        try:
            wanted = int(pk)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
        return next((v for v in self.sentences() if v.pk == wanted and v.taggable), None)

    def first_taggable(self) -> SentenceView | None:
        return next((v for v in self.sentences() if v.taggable), None)


def _describe(label: str, excerpt: str) -> list[str]:
    return [LABEL_NAMES[label], *([f"span “{excerpt}”"] if excerpt else [])]


def _own_marker(tag, excerpt: str, *, all_tags: bool) -> Marker:
    words = [*_describe(tag.label, excerpt), f"attributed to {tag.outlet_name}"]
    if tag.cited_source:
        words.append(f"cited source: {tag.cited_source}")
    if tag.note:
        words.append(f"note: {tag.note}")
    if all_tags:
        words.append("yours")
    return Marker(
        label=tag.label,
        start=tag.start,
        end=tag.end,
        mine=True,
        excerpt=excerpt,
        title=" · ".join(words),
        who="you" if all_tags else "",
        pk=tag.id,
        outlet=tag.outlet_name,
        cited_source=tag.cited_source,
        note=tag.note,
        seq=tag.seq,
    )


def _agreeing(group: OthersRow) -> str:
    """Reviewers who agree on a claim's label, outlet, cited source and note, and on what:
    "reviewer01, reviewer04 (South Front; note: ...)"."""
    names = group.names
    if NAMES_SEPARATOR in names:
        names = ", ".join(sorted(names.split(NAMES_SEPARATOR)))
    details = group.outlet_name
    if group.cited_source:
        details += f"; cited source: {group.cited_source}"
    if group.note:
        details += f"; note: {group.note}"
    return f"{names} ({details})"


def _others_marker(groups: list[OthersRow], excerpt: str) -> Marker:
    """One marker for other reviewers' tags with the same label on the same claim: who,
    with what outlet, cited source and note (reviewers who agree on those named together).
    The page draws a thousand of these for a teacher: most are one group."""
    first = groups[0]
    if len(groups) == 1:
        count, described = first.count, _agreeing(first)
    else:
        count = sum(group.count for group in groups)
        described = "; ".join(sorted(map(_agreeing, groups)))
    by = f"by {count} reviewers: " if count > 1 else "by "
    what = f"{LABEL_NAMES[first.label]} · span “{excerpt}”" if excerpt else LABEL_NAMES[first.label]
    return Marker(
        label=first.label,
        start=first.start,
        end=first.end,
        mine=False,
        excerpt=excerpt,
        title=f"{what} · {by}{described}",
        who=first.names if count == 1 else f"×{count}",
    )


def _claim_order(row: TagRow | OthersRow) -> tuple[int, int, str]:
    """Markers in reading order: by where the claim starts, the longer first, then label."""
    return row.start, -row.end, row.label


def _view(sentence, tags: list[TagRow], others: list[OthersRow], *, all_tags: bool) -> SentenceView:
    """The fragment's view of one sentence (a SentenceRow, or a Sentence)
    with the viewer's own tags on it and, in all-tags mode, everyone else's."""
    start, end, text = sentence.start, sentence.end, sentence.text
    view = SentenceView(
        pk=sentence.id,
        position=sentence.position + 1,
        start=start,
        end=end,
        section=sentence.section,
        text=text,
        taggable=sentence.section not in UNTAGGABLE_SECTIONS,
        all_tags=all_tags,
    )
    if not tags and not others:
        return view
    markers: list[Marker] = []
    if tags:
        spans = []
        for tag in sorted(tags, key=_claim_order):
            if tag.start == start and tag.end == end:
                view.whole = _own_marker(tag, "", all_tags=all_tags)
            else:
                excerpt = text[tag.start - start : tag.end - start]
                spans.append(_own_marker(tag, excerpt, all_tags=all_tags))
        if view.whole:
            markers.append(view.whole)
        if spans:
            view.spans = spans
            markers += spans
    if others:
        by_claim: dict[tuple[int, int, str], list[OthersRow]] = {}
        for group in sorted(others, key=_claim_order):
            claim = (group.start, group.end, group.label)
            if claim in by_claim:
                by_claim[claim].append(group)
            else:
                by_claim[claim] = [group]
        for (claim_start, claim_end, _), groups in by_claim.items():
            whole = claim_start == start and claim_end == end
            excerpt = "" if whole else text[claim_start - start : claim_end - start]
            markers.append(_others_marker(groups, excerpt))
    view.markers = markers
    shown = [m for m in markers if m.excerpt]
    if shown:
        view.segments = _segments(view, shown)
    return view


def _segments(view: SentenceView, spans: list[Marker]) -> list[Segment]:
    """Cut the sentence's text where span tags begin and end, so that each run can be
    marked with the labels that cover it. The runs join up to exactly the text."""
    cuts = {view.start, view.end}
    for tag in spans:
        cuts.update((tag.start, tag.end))
    segments = []
    for start, end in pairwise(sorted(cuts)):
        labels = sorted({t.label for t in spans if t.start <= start and end <= t.end})
        segments.append(
            Segment(
                view.text[start - view.start : end - view.start],
                " ".join(f"t-{label}" for label in labels),
            )
        )
    return segments


def _by_sentence(rows: list) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.sentence_id, []).append(row)
    return grouped


def workspace(article: Article, *, user: AbstractBaseUser, all_tags: bool = False) -> Workspace:
    """The article's sentences by paragraph with the tags `user` may see on them (their
    own; everyone's with `all_tags`, which the caller must have allowed), and the
    user's progress. One query (two with `all_tags`), whatever the number of
    sentences, tags and reviewers; `article.text` must be loaded (the whitespace between
    a paragraph's sentences is read from it)."""
    sentence_rows, own_rows = sql.sentences_and_own_tags(article.pk, user.pk)
    sentences = [SentenceRow._make(row) for row in sentence_rows]
    own_by_sentence = _by_sentence([TagRow._make(row) for row in own_rows])
    others_by_sentence: dict[int, list] = {}
    if all_tags:
        others = sql.others_tags(user.pk, within="article", pk=article.pk)
        others_by_sentence = _by_sentence([OthersRow._make(row) for row in others])

    paragraphs: list[Paragraph] = []
    done = total = 0
    previous = Section.BODY
    for _, group in groupby(sentences, key=lambda s: s.paragraph):
        views = [
            _view(
                s,
                own_by_sentence.get(s.id, []),
                others_by_sentence.get(s.id, []),
                all_tags=all_tags,
            )
            for s in group
        ]
        for before, view in pairwise(views):
            view.gap = article.text[before.end : view.start]
        for view in views:
            if view.taggable:
                total += 1
                done += view.tagged
        section = views[0].section
        heading = SECTION_NAMES[section] if section not in (previous, Section.BODY) else ""
        paragraphs.append(Paragraph(section=section, sentences=views, heading=heading))
        previous = section
    return Workspace(paragraphs=paragraphs, progress=Progress(done=done, total=total))


_SENTENCE_COLUMNS = ["id", "article_id", "position", "paragraph", "start", "end", "section", "text"]


def sentences_for_tagging(ids: Iterable[int]) -> dict[int, Sentence]:
    """The sentences with these primary keys (those that exist), each with what tagging
    it needs at hand: its article's origin and publisher (the default attribution, and
    the outlets the panel offers first). One query, written out (core.db.workspace);
    the rest of the article (its text above all) is loaded only if asked for. The
    sentences of one article share one instance of it and of its outlets (a bulk request
    tags a whole article: making three instances a sentence was a tenth of its time)."""
    found = {}
    articles: dict[int, Article] = {}
    for row in sql.sentences_for_tagging(sorted(set(ids))):
        sentence = sentence_for_tagging(row, articles)
        found[sentence.pk] = sentence
    return found


def sentence_for_tagging(row: tuple, articles: dict[int, Article] | None = None) -> Sentence:
    """The sentence of a row as core.db.workspace.sentences_for_tagging reads one, with
    its article and outlets; the article from `articles` when it has it (and put there)."""
    sentence = loaded(Sentence, dict(zip(_SENTENCE_COLUMNS, row[:8], strict=True)))
    article = None if articles is None else articles.get(sentence.article_id)
    if article is None:
        article = _article_for_tagging(sentence, row[8:])
        if articles is not None:
            articles[sentence.article_id] = article
    sentence.article = article
    return sentence


def _article_for_tagging(sentence: Sentence, outlets: tuple) -> Article:
    origin_id, publisher_id, origin_name, origin_slug, publisher_name, publisher_slug = outlets
    article = loaded(
        Article, {"id": sentence.article_id, "origin_id": origin_id, "publisher_id": publisher_id}
    )
    if origin_id is not None:
        article.origin = loaded(Outlet, {"id": origin_id, "name": origin_name, "slug": origin_slug})
    if publisher_id is not None:
        article.publisher = loaded(
            Outlet, {"id": publisher_id, "name": publisher_name, "slug": publisher_slug}
        )
    return article


def sentence_view(
    sentence: Sentence, *, user: AbstractBaseUser, all_tags: bool = False
) -> SentenceView:
    """One sentence as `workspace` shows it (one query; two with `all_tags`)."""
    own = sql.own_tags(user.pk, within="sentence", pk=sentence.pk)
    others = sql.others_tags(user.pk, within="sentence", pk=sentence.pk) if all_tags else []
    return _view(
        sentence,
        [TagRow._make(row) for row in own],
        [OthersRow._make(row) for row in others],
        all_tags=all_tags,
    )


def progress(article_id: int, *, user: AbstractBaseUser) -> Progress:
    """`user`'s progress on an article (one query)."""
    total, done = sql.progress(user.pk, article_id, skip=UNTAGGABLE_SECTIONS)
    return Progress(done=done, total=total)
