"""The bulk insert (core.db.bulk: COPY on PostgreSQL, executemany on SQLite) against its
ORM twin (bulk_create): the same rows stored, whatever the values; and the indexes it
sets aside come back as they were."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.models import Sentence, SentenceKey
from core.db.bulk import indexes_dropped, insert_rows, insert_rows_orm
from core.text.sections import Section

examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Any text a sentence may hold: PostgreSQL stores no NUL, and import refuses it.
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1
)
sentences = st.lists(
    st.tuples(st.integers(0, 3), texts, st.sampled_from(Section.values), st.integers(0, 10**6)),
    max_size=30,
)
keys = st.lists(
    st.tuples(st.integers(-(2**63), 2**63 - 1), st.booleans(), st.integers(0, 5)), max_size=40
)


def _stored_sentences(article):
    return list(
        Sentence.objects.filter(article=article)
        .order_by("position")
        .values_list("position", "paragraph", "start", "end", "section", "text")
    )


def _both(insert_one_way, read):
    """What `read` finds after each way of inserting, each in a transaction rolled back."""
    found = []
    for insert in (insert_rows, insert_rows_orm):
        with transaction.atomic():
            insert_one_way(insert)
            found.append(read())
            transaction.set_rollback(True)
    return found


@examples
@given(drawn=sentences)
def test_inserted_sentences_are_what_bulk_create_stores(world, drawn):
    article = world.article
    rows = [
        (article.pk, 1000 + position, paragraph, start, start + len(text), section, text)
        for position, (paragraph, text, section, start) in enumerate(drawn)
    ]
    fields = ("article", "position", "paragraph", "start", "end", "section", "text")
    by_sql, by_orm = _both(
        lambda insert: insert(Sentence, fields, rows), lambda: _stored_sentences(article)
    )
    assert by_sql == by_orm
    assert len(by_sql) == len(world.sentences) + len(rows)


@examples
@given(drawn=keys)
def test_inserted_keys_are_what_bulk_create_stores(world, drawn):
    sentences = world.sentences
    rows = [(key, exact, sentences[n].pk, world.article.pk) for key, exact, n in drawn]
    fields = ("key", "exact", "sentence_id", "article")

    def read():
        return sorted(SentenceKey.objects.values_list("key", "exact", "sentence_id", "article_id"))

    by_sql, by_orm = _both(lambda insert: insert(SentenceKey, fields, rows), read)
    assert by_sql == by_orm == sorted(rows)


def test_a_bad_row_is_refused_as_bulk_create_refuses_it(world):
    sentence = world.sentences[0]
    # The same position twice in one article: the unique constraint refuses both ways.
    row = (world.article.pk, sentence.position, 0, 0, 1, "body", "x")
    for insert in (insert_rows, insert_rows_orm):
        with pytest.raises(Exception) as refused, transaction.atomic():
            insert(
                Sentence,
                ("article", "position", "paragraph", "start", "end", "section", "text"),
                [row],
            )
        assert "unique" in str(refused.value).lower() or "duplicate" in str(refused.value).lower()
    assert _stored_sentences(world.article)[0][-1] == sentence.text


def _indexes(model) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: c["columns"] for name, c in found.items() if c["index"] and not c["unique"]}


def test_the_indexes_come_back_after_a_bulk_write_and_stay_after_a_failure(world):
    names = {index.name for index in SentenceKey._meta.indexes}
    before = _indexes(SentenceKey)
    assert names <= before.keys()
    with transaction.atomic(), indexes_dropped(SentenceKey):
        assert not names & _indexes(SentenceKey).keys()
        insert_rows(
            SentenceKey,
            ("key", "exact", "sentence_id", "article"),
            [(7, True, world.sentences[0].pk, world.article.pk)],
        )
    assert _indexes(SentenceKey) == before
    assert SentenceKey.objects.filter(key=7).count() == 1

    with pytest.raises(RuntimeError), transaction.atomic(), indexes_dropped(SentenceKey):
        raise RuntimeError("the bulk write failed")
    assert _indexes(SentenceKey) == before
