"""Republished stories: finding the articles that carry the same report, and grouping them.

Sentences are compared by their words only: the text is NFKC-normalised, case-folded and
cut into runs of letters and digits, so whitespace, punctuation, curly or straight quotes
and dashes make no difference. Two sentences *match* when their word sequences are equal,
or when they share a key (below) and difflib finds their words at least `SIMILARITY`
alike (one changed word in a sentence of ten or more words still matches).

Keys, so that only likely pairs are compared (an exact-hash-plus-fuzzy scheme):
- the whole normalised text (exact copies);
- its first `ANCHOR_WORDS` words and its last `ANCHOR_WORDS` words, for sentences of at
  least `ANCHOR_MIN_WORDS` words: one edit leaves at least one of the two intact;
- the smallest hash of its word trigrams (a one-permutation min-hash), which survives
  most edits that hit both ends.
A fuzzy key shared by more than `MAX_BUCKET` different texts is too common to mean
anything and is ignored.

Two articles are copies of one story when they share at least `MIN_SHARED` body
sentences of at least `MIN_WORDS` words, and those make at least `SHARED_FRACTION` of the
shorter article's such sentences. A sentence found in more than `MAX_COPIES` articles is
boilerplate, not a story, and does not count. Stories are the connected groups of copies.
Each story has one *original*: the copy its origin outlet published itself, else the
earliest published (then the earliest imported).

Inside a story every sentence but reader comments gets a *passage* number: matching
sentences of different copies share one, so a page can show what each copy kept, dropped
and added. Passages are numbered in the original's reading order.

Two ways in, with the same rules: `detect_stories()` recomputes everything (`manage.py
detect_stories --rebuild`), and `add_pending_articles()` files the articles imported since
the last run one by one (`manage.py detect_stories`, and the editors' button on the
stories page), reading only the stored keys of their candidate copies. After an import
through the API or the import page, the background worker files the new articles
(`annotator.ingest.jobs.file_stories`); articles imported by the commands wait for
`detect_stories` (or the button). Any run that moves articles imported earlier leaves a
StoryChange, which the pages show, so figures never change without notice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from annotator.models import (
    Article,
    ScannedArticle,
    Sentence,
    SentenceKey,
    Story,
    StoryArticle,
    StoryChange,
    StorySentence,
)
from core.db.bulk import indexes_dropped, insert_rows
from core.text.sections import Section

MIN_WORDS = 4
ANCHOR_WORDS = 5
ANCHOR_MIN_WORDS = 8
TRIGRAM_MIN_WORDS = 6
SIMILARITY = 0.8
MAX_BUCKET = 50
MAX_COPIES = 100
MIN_SHARED = 2
SHARED_FRACTION = 0.5

_WORD = re.compile(r"\w+")
Words = tuple[str, ...]


def words(text: str) -> Words:
    """The sentence's words, normalised: what matching compares."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _h64(value: str) -> int:
    """A stable signed 64-bit hash (Python's own `hash` of a string changes from run to
    run): CRC-32 and Adler-32 side by side. It need not be collision-proof: every
    candidate a key brings is compared word by word before it counts."""
    data = value.encode("utf-8")
    key = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return key - (1 << 64) if key >= 1 << 63 else key


class _WordHashes(dict):
    def __missing__(self, word: str) -> int:
        h = self[word] = zlib.crc32(word.encode("utf-8"))
        return h


_word_hashes = _WordHashes()


def exact_key(w: Words) -> int:
    """The key of the whole normalised text."""
    return _h64("=" + " ".join(w))


def fuzzy_keys(w: Words) -> list[int]:
    """The keys that let a slightly edited copy of the sentence find it."""
    keys = []
    if len(w) >= ANCHOR_MIN_WORDS:
        keys.append(_h64("<" + " ".join(w[:ANCHOR_WORDS])))
        keys.append(_h64(">" + " ".join(w[-ANCHOR_WORDS:])))
    if len(w) >= TRIGRAM_MIN_WORDS:
        if len(_word_hashes) > 1_000_000:
            _word_hashes.clear()
        hs = [_word_hashes[x] for x in w]
        # The hash of a tuple of ints is computed in C and is the same in every run (only
        # strings are salted): a cheap stable min-hash. A new CPython may change it; a
        # rebuild (`detect_stories --rebuild`) then renews the stored keys.
        keys.append(min(map(hash, zip(hs, hs[1:], hs[2:], strict=False))) ^ 0x5BD1E995)
    return keys


def similar(a: Words, b: Words) -> bool:
    """True when two normalised sentences are the same text up to small edits."""
    if a == b:
        return True
    if not a or not b or min(len(a), len(b)) < SIMILARITY * max(len(a), len(b)):
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= SIMILARITY and matcher.ratio() >= SIMILARITY


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent.get(x, x)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _cluster(texts: Sequence[Words], keys: Sequence[list[int]] | None = None) -> _UnionFind:
    """Union the indexes of `texts` that match (texts are distinct); `keys` are their
    fuzzy keys, if already computed."""
    buckets: dict[int, list[int]] = defaultdict(list)
    for i, w in enumerate(texts):
        for key in keys[i] if keys is not None else fuzzy_keys(w):
            buckets[key].append(i)
    found = _UnionFind()
    for members in buckets.values():
        if len(members) < 2 or len(members) > MAX_BUCKET:
            continue
        for i, j in combinations(members, 2):
            if found.find(i) != found.find(j) and similar(texts[i], texts[j]):
                found.union(i, j)
    return found


def _related(shared: int, a_count: int, b_count: int) -> bool:
    return shared >= MIN_SHARED and shared >= SHARED_FRACTION * min(a_count, b_count)


@dataclass(frozen=True, slots=True)
class Detection:
    """What a full detection found."""

    articles: int  # articles compared
    sentence_pairs: int  # for each shared body sentence, the pairs of articles sharing it
    article_pairs: int  # pairs of articles that are copies of each other
    stories: int


def _chunks(items: Sequence[int], size: int = 5000) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _insert_keys(rows: Iterable[tuple[int, bool, int, int]]) -> None:
    """Insert SentenceKey rows (key, exact, sentence, article)."""
    insert_rows(SentenceKey, ("key", "exact", "sentence_id", "article"), rows)


def _key_rows(
    sentences: Iterable[tuple[int, int, int]], exact: Sequence[int], fuzzy: Sequence[list[int]]
) -> Iterable[tuple]:
    """Rows for SentenceKey from (sentence, article, text index) and each text's keys."""
    for sentence_id, article_id, index in sentences:
        yield (exact[index], True, sentence_id, article_id)
        for key in fuzzy[index]:
            yield (key, False, sentence_id, article_id)


@transaction.atomic
def detect_stories() -> Detection:
    """Recompute every story from the body sentences of all articles, and the stored keys
    that `add_article` looks up. Reads the sentences once, in order; the work is linear
    in their number (buckets of common keys are capped)."""
    texts: dict[Words, int] = {}
    keyed: list[tuple[int, int, int]] = []  # (sentence, article, text index)
    articles: set[int] = set()
    rows = (
        Sentence.objects.filter(section=Section.BODY)
        .order_by()
        .values_list("id", "article_id", "text")
        .iterator(chunk_size=20_000)
    )
    for sentence_id, article_id, text in rows:
        articles.add(article_id)
        w = words(text)
        if len(w) < MIN_WORDS:
            continue
        keyed.append((sentence_id, article_id, texts.setdefault(w, len(texts))))

    distinct = list(texts)
    keys = [fuzzy_keys(w) for w in distinct]
    found = _cluster(distinct, keys)
    in_articles: dict[int, set[int]] = defaultdict(set)
    per_article: dict[int, set[int]] = defaultdict(set)
    for _, article_id, index in keyed:
        cluster = found.find(index)
        in_articles[cluster].add(article_id)
        per_article[article_id].add(index)

    shared: Counter[tuple[int, int]] = Counter()
    sentence_pairs = 0
    for members in in_articles.values():
        if 2 <= len(members) <= MAX_COPIES:
            pairs = list(combinations(sorted(members), 2))
            sentence_pairs += len(pairs)
            shared.update(pairs)
    copies = _UnionFind()
    grouped: set[int] = set()
    article_pairs = 0
    for (a, b), n in shared.items():
        if _related(n, len(per_article[a]), len(per_article[b])):
            copies.union(a, b)
            grouped.update((a, b))
            article_pairs += 1
    groups: dict[int, list[int]] = defaultdict(list)
    for article_id in grouped:
        groups[copies.find(article_id)].append(article_id)

    StorySentence.objects.all().delete()
    StoryArticle.objects.all().delete()
    Story.objects.all().delete()
    SentenceKey.objects.all().delete()
    ScannedArticle.objects.all().delete()
    with indexes_dropped(SentenceKey):
        _insert_keys(_key_rows(keyed, [exact_key(w) for w in distinct], keys))
    _mark_scanned(Article.objects.values_list("id", flat=True))
    _write_stories(sorted(sorted(g) for g in groups.values()))
    return Detection(
        articles=len(articles),
        sentence_pairs=sentence_pairs,
        article_pairs=article_pairs,
        stories=len(groups),
    )


def _mark_scanned(article_ids: Iterable[int]) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    insert_rows(ScannedArticle, ("article", "scanned_at"), [(pk, now) for pk in article_ids])


def pending_articles() -> list[int]:
    """Ids of the articles that story detection has not read yet, oldest first."""
    return list(
        Article.objects.exclude(id__in=ScannedArticle.objects.values("article_id"))
        .order_by("id")
        .values_list("id", flat=True)
    )


def pending_count() -> int:
    """How many articles story detection has not read yet."""
    return Article.objects.exclude(id__in=ScannedArticle.objects.values("article_id")).count()


def add_pending_articles(*, by: object = None, how: str = StoryChange.How.COMMAND) -> int:
    """File every article imported since detection last ran; returns how many. When
    that moves articles imported earlier (`by` whom, `how`), a StoryChange says so."""
    pending = pending_articles()
    if not pending:
        return 0
    with recording_changes(by=by, how=how, read=len(pending)):
        for article_id in pending:
            add_article(article=Article(pk=article_id))
    return len(pending)


def _groups() -> dict[int, frozenset[int]]:
    """Each article in a story, with the articles of its story."""
    members: dict[int, set[int]] = defaultdict(set)
    for story_id, article_id in StoryArticle.objects.values_list("story_id", "article_id"):
        members[story_id].add(article_id)
    return {a: frozenset(group) for group in members.values() for a in group}


@contextmanager
def recording_changes(*, by: object, how: str, read: int) -> Iterator[None]:
    """Record a StoryChange when the block moves articles between stories (story ids are
    renewed by each write, so stories are compared by their articles)."""
    before = _groups()
    yield
    after = _groups()
    moved = sum(
        1
        for article_id in before.keys() | after.keys()
        if before.get(article_id, frozenset()) != after.get(article_id, frozenset())
    )
    if moved:
        StoryChange.objects.create(changed_by=by, how=how, articles_read=read, articles_moved=moved)


def last_change() -> StoryChange | None:
    """The latest detection run that moved articles between stories."""
    return StoryChange.objects.select_related("changed_by").first()


@transaction.atomic
def add_article(*, article: Article) -> Story | None:
    """File one article that detection has not read yet: store its keys, and put it (with
    the copies it matches, and their stories) into one story. Returns that story, or None.

    Four queries for an article that matches nothing: its body sentences, the counts of
    its keys among the stored ones, the insert of its keys and its mark as read."""
    _mark_scanned([article.pk])
    own = [
        (sentence_id, article.pk, w)
        for sentence_id, text in Sentence.objects.filter(
            article=article, section=Section.BODY
        ).values_list("id", "text")
        if len(w := words(text)) >= MIN_WORDS
    ]
    if not own:
        return None
    mine: dict[int, list[Words]] = defaultdict(list)  # key -> my normalised texts with it
    for w in {w for _, _, w in own}:
        for key in [exact_key(w), *fuzzy_keys(w)]:
            mine[key].append(w)

    usable = [
        row["key"]
        for row in SentenceKey.objects.filter(key__in=list(mine))
        .exclude(article=article)
        .values("key")
        .annotate(n=Count("id"))
        if row["n"] <= MAX_COPIES
    ]
    related: list[int] = []
    if usable:
        hits = list(
            SentenceKey.objects.filter(key__in=usable)
            .exclude(article=article)
            .values_list("key", "sentence_id", "article_id")
        )
        candidate_text = {
            sentence_id: words(text)
            for chunk in _chunks(sorted({sentence_id for _, sentence_id, _ in hits}))
            for sentence_id, text in Sentence.objects.filter(id__in=chunk).values_list("id", "text")
        }
        matched: dict[int, set[Words]] = defaultdict(set)  # article -> my texts it has
        for key, sentence_id, other in hits:
            for w in mine[key]:
                if w not in matched[other] and similar(w, candidate_text[sentence_id]):
                    matched[other].add(w)
        if matched:
            counts = dict(
                SentenceKey.objects.filter(article_id__in=list(matched), exact=True)
                .values("article_id")
                .annotate(n=Count("key", distinct=True))
                .values_list("article_id", "n")
            )
            related = [
                other
                for other, texts in matched.items()
                if _related(len(texts), len({w for _, _, w in own}), counts.get(other, 0))
            ]

    texts = sorted({w for _, _, w in own})
    index = {w: i for i, w in enumerate(texts)}
    _insert_keys(
        _key_rows(
            [(sentence_id, article_id, index[w]) for sentence_id, article_id, w in own],
            [exact_key(w) for w in texts],
            [fuzzy_keys(w) for w in texts],
        )
    )
    if not related:
        return None
    stories = set(
        StoryArticle.objects.filter(article_id__in=related).values_list("story_id", flat=True)
    )
    group = {article.pk, *related}
    group.update(
        StoryArticle.objects.filter(story_id__in=stories).values_list("article_id", flat=True)
    )
    Story.objects.filter(id__in=stories).delete()
    return _write_stories([sorted(group)])[0]


def _original(articles: list[dict]) -> dict:
    """The story's reference copy: published by its own origin, else the earliest."""
    return min(
        articles,
        key=lambda a: (
            a["publisher_id"] is None or a["publisher_id"] != a["origin_id"],
            a["published_on"] or dt.date.max,
            a["id"],
        ),
    )


def _passages(original_id: int, sentences: list[tuple[int, int, str]]) -> dict[int, int]:
    """Passage number per sentence id, for the sentences of one story (id, article, text)
    in reading order, the original's first."""
    ordered = sorted(sentences, key=lambda s: s[1] != original_id)
    texts: dict[Words, int] = {}
    index_of: dict[int, int] = {}
    for sentence_id, _, text in ordered:
        w = words(text)
        # A sentence without words ("…") matches nothing: its own text index.
        index_of[sentence_id] = texts.setdefault(w, len(texts)) if w else -sentence_id
    found = _cluster(list(texts))
    numbers: dict[int, int] = {}
    result = {}
    for sentence_id, _, _ in ordered:
        index = index_of[sentence_id]
        root = found.find(index) if index >= 0 else index
        result[sentence_id] = numbers.setdefault(root, len(numbers) + 1)
    return result


def _write_stories(groups: list[list[int]]) -> list[Story]:
    """Create one story per group of article ids, with its copies and passages."""
    if not groups:
        return []
    ids = sorted({a for g in groups for a in g})
    meta = {
        row["id"]: row
        for chunk in _chunks(ids)
        for row in Article.objects.filter(id__in=chunk)
        .order_by()
        .values("id", "title", "publisher_id", "origin_id", "published_on")
    }
    by_article: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for chunk in _chunks(ids, 2000):
        for row in (
            Sentence.objects.filter(article_id__in=chunk)
            .exclude(section=Section.COMMENT)
            .order_by("article_id", "position")
            .values_list("id", "article_id", "text")
        ):
            by_article[row[1]].append(row)

    originals = [_original([meta[a] for a in group]) for group in groups]
    stories = Story.objects.bulk_create(
        [Story(title=original["title"][:500]) for original in originals]
    )
    copies, passages = [], []
    for story, group, original in zip(stories, groups, originals, strict=True):
        copies += [(story.pk, a, a == original["id"]) for a in group]
        sentences = [row for a in group for row in by_article[a]]
        passages += [
            (story.pk, sentence_id, number)
            for sentence_id, number in _passages(original["id"], sentences).items()
        ]
    insert_rows(StoryArticle, ("story", "article", "is_original"), copies)
    insert_rows(StorySentence, ("story", "sentence", "passage"), passages)
    return stories


# Reading a story side by side.

KEPT, EDITED, ADDED, DROPPED, ABSENT = "kept", "edited", "added", "dropped", "absent"


@dataclass(frozen=True, slots=True)
class Cell:
    """One copy's sentence for one passage, or None where the copy lacks it."""

    passage: int
    sentence: Sentence | None
    status: str  # KEPT, EDITED (kept with small edits), ADDED, DROPPED or ABSENT


@dataclass(frozen=True, slots=True)
class Copy:
    article: Article
    is_original: bool
    kept: int  # passages of the original this copy has, edited or not
    edited: int
    dropped: int
    added: list[Sentence]


@dataclass(frozen=True, slots=True)
class StoryTable:
    story: Story
    copies: list[Copy]  # the original first
    rows: list[list[Cell]]  # one row per passage, one cell per copy, in reading order


def story_table(*, story: Story) -> StoryTable:
    """The story's copies side by side: one row per passage, in the original's reading
    order, a passage that a copy added placed after the passage it follows in that copy.
    Three queries (copies with their articles and outlets, passages with sentences)."""
    links = list(
        StoryArticle.objects.filter(story=story)
        .select_related("article__publisher", "article__origin")
        .order_by("-is_original", "article__published_on", "article_id")
    )
    order = {link.article_id: i for i, link in enumerate(links)}
    cells: dict[int, dict[int, Sentence]] = defaultdict(dict)  # passage -> copy -> sentence
    sequence: dict[int, list[tuple[int, Sentence]]] = defaultdict(list)
    for row in StorySentence.objects.filter(story=story).select_related("sentence"):
        copy = order[row.sentence.article_id]
        cells[row.passage].setdefault(copy, row.sentence)
        sequence[copy].append((row.passage, row.sentence))

    in_original = set() if not links else {p for p, _ in sequence[0]}
    place: dict[int, tuple] = {}
    for position, (passage, _) in enumerate(sorted(sequence[0], key=lambda x: x[1].position)):
        place.setdefault(passage, (position, 0, 0, 0))
    for copy in range(1, len(links)):
        previous = (-1,)
        for position, (passage, _) in enumerate(
            sorted(sequence[copy], key=lambda x: x[1].position)
        ):
            if passage in place:
                previous = place[passage]
            else:
                place[passage] = (previous[0], 1, copy, position)

    rows = []
    for passage in sorted(place, key=place.__getitem__):
        original = cells[passage].get(0)
        row = []
        for copy in range(len(links)):
            sentence = cells[passage].get(copy)
            if sentence is None:
                status = DROPPED if passage in in_original else ABSENT
            elif passage not in in_original:
                status = ADDED
            elif copy == 0 or words(sentence.text) == words(original.text):
                status = KEPT
            else:
                status = EDITED
            row.append(Cell(passage, sentence, status))
        rows.append(row)

    copies = []
    for copy, link in enumerate(links):
        statuses = [row[copy] for row in rows]
        copies.append(
            Copy(
                article=link.article,
                is_original=link.is_original,
                kept=sum(c.status in (KEPT, EDITED) for c in statuses),
                edited=sum(c.status == EDITED for c in statuses),
                dropped=sum(c.status == DROPPED for c in statuses),
                added=[c.sentence for c in statuses if c.status == ADDED],
            )
        )
    return StoryTable(story=story, copies=copies, rows=rows)
