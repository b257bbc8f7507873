"""core.db.read_ahead: batches of querysets read in order; on PostgreSQL, the next batch
sent before the caller gets this one (pipeline mode), with the same rows as the ORM's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from annotator.export.selection import Corpus, Selection, _chunk
from annotator.models import ClaimTag, Sentence
from annotator.services.imports import import_article
from annotator.services.tagging import save_tag
from core.auth.roles import REVIEWERS
from core.db.read_ahead import read_ahead

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pipeline mode is PostgreSQL's (libpq)"
)


@pytest.fixture
def tagged(world):
    """Every claim tagged by two reviewers, one with a note and a cited source; and a
    second article, untagged, published on a date."""
    import_article(
        text="A second story. It has two sentences.",
        title="Second",
        publisher=world.outlets[1],
        published_on=dt.date(2024, 2, 29),
    )
    reviewers = Group.objects.get(name=REVIEWERS)
    for user in world.users:
        user.groups.add(reviewers)
    for sentence in world.claims:
        save_tag(reviewer=world.users[0], sentence=sentence, label="sourced", cited_source="AP")
        save_tag(reviewer=world.users[1], sentence=sentence, label="opinion", note="«sic»\n")
    return world


def batches(corpus: Corpus, ids: list[int], size: int) -> list[tuple]:
    selected = corpus._selected()
    return [_chunk(selected, ids[i : i + size]) for i in range(0, len(ids), size)]


@pytest.mark.parametrize("fast", [True, False], ids=["read ahead", "orm"])
def test_the_rows_are_the_orms_batch_by_batch(tagged, settings, fast):
    """The export's four querysets a chunk (articles with dates and times, adjudications,
    sentences, tags with their timestamps as text): the same rows, in the same order and
    of the same types, as iterating each queryset, for every chunk."""
    if not fast:
        settings.FAST_PATHS = settings.FAST_PATHS - {"read_ahead"}
    world = tagged
    corpus = Corpus(Selection())
    ids = corpus.article_ids()
    expected = [[list(q) for q in batch] for batch in batches(corpus, ids, 1)]

    got = list(read_ahead(batches(corpus, ids, 1)))

    assert len(got) == 2
    assert got == expected
    assert [[[type(v) for v in row] for rows in b for row in rows] for b in got] == [
        [[type(v) for v in row] for rows in b for row in rows] for b in expected
    ]
    articles, _, sentences, tags = got[0]
    assert articles[0][0] == world.article.pk and len(sentences) == len(world.sentences)
    assert len(tags) == 2 * len(world.claims)


def test_each_batch_costs_its_own_queries_and_nothing_else(tagged):
    corpus = Corpus(Selection())
    ids = corpus.article_ids()

    with CaptureQueriesContext(connection) as queries:
        rows = list(read_ahead(batches(corpus, ids, 1)))

    assert len(queries) == 4 * len(rows) == 8
    assert [len(r) for r in rows[0]] == [1, 0, len(tagged.sentences), 2 * len(tagged.claims)]


def test_no_batch_reads_nothing(db):
    with CaptureQueriesContext(connection) as queries:
        assert list(read_ahead([])) == []
    assert len(queries) == 0


@POSTGRES_ONLY
def test_a_query_between_two_batches_is_refused_and_the_connection_stays_usable(tagged):
    """The connection is in pipeline mode while the read lasts: the caller's own query
    would run unseen (a save goes by a row count not yet read), so it is refused."""
    reading = read_ahead(
        [[Sentence.objects.values_list("pk")], [ClaimTag.objects.values_list("pk")]]
    )
    next(reading)

    with pytest.raises(RuntimeError, match=r"while core\.db\.read_ahead was reading"):
        list(ClaimTag.objects.filter(reviewer=tagged.users[0]))
    rest = list(reading)

    assert len(rest) == 1 and len(rest[0][0]) == 2 * len(tagged.claims)
    assert connection.connection._pipeline is None
    # Usable again, out of pipeline mode: an update counts its rows.
    assert ClaimTag.objects.filter(reviewer=tagged.users[0]).update(note="changed") == len(
        tagged.claims
    )


@POSTGRES_ONLY
def test_a_read_closed_half_way_leaves_the_connection_as_it_was(tagged):
    sentences = Sentence.objects.count()
    reading = read_ahead([[Sentence.objects.values_list("pk")]] * 3)
    next(reading)
    reading.close()

    assert connection.connection._pipeline is None
    assert Sentence.objects.count() == sentences


@POSTGRES_ONLY
def test_a_failing_statement_is_djangos_error(tagged):
    broken = Sentence.objects.extra(where=["1/0 = 1"]).values_list("pk")

    with pytest.raises(DatabaseError, match="division by zero"):
        list(read_ahead([[Sentence.objects.values_list("pk")], [broken]]))

    assert connection.connection._pipeline is None


def test_where_each_query_is_watched_the_orm_reads_and_the_watcher_sees_every_query(tagged):
    """A wrapper installed with connection.execute_wrapper (a profiler, a query counter)
    sees each of the reads' queries; nothing is refused."""
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    corpus = Corpus(Selection())
    ids = corpus.article_ids()
    with connection.execute_wrapper(watch):
        rows = list(read_ahead(batches(corpus, ids, 1)))

    assert len(rows) == 2 and len(seen) == 8
    assert rows == [[list(q) for q in batch] for batch in batches(corpus, ids, 1)]
