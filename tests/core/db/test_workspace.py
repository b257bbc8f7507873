"""The workspace's hand-written reads (core.db.workspace) against their ORM twins, on
whatever tags a class may have written: the same rows, on SQLite and on PostgreSQL (the
suite runs on both: DATABASE_URL)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.models import ClaimTag, Label
from annotator.selectors.workspace import UNTAGGABLE_SECTIONS
from core.db import workspace as sql
from core.text.sections import Section

NOTES = ["", "see §2", "«quoted» note, with a comma", "multi\nline"]
SOURCES = ["", "the ministry", "Some experts ‘close to it’"]

# A tag: (reviewer, sentence, span: 0 the whole sentence, else a cut of it), label,
# outlet, cited source (sourced only), note.
tags = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.integers(0, 20),
        st.integers(0, 3),
        st.sampled_from(Label.values),
        st.integers(0, 1),
        st.integers(0, len(SOURCES) - 1),
        st.integers(0, len(NOTES) - 1),
    ),
    max_size=40,
)
examples = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(world, drawn) -> None:
    stamp = datetime(2026, 5, 1, tzinfo=UTC)
    made = {}
    for reviewer, index, span, label, outlet, source, note in drawn:
        sentence = world.sentences[index % len(world.sentences)]
        start, end = sentence.start, sentence.end
        if span and end - start > span:
            start, end = start + span, end - span + 1
        claim = (world.users[reviewer].pk, sentence.pk, start, end)
        made[claim] = ClaimTag(
            reviewer=world.users[reviewer],
            sentence=sentence,
            start=start,
            end=end,
            label=label,
            outlet=world.outlets[outlet],
            cited_source=SOURCES[source] if label == Label.SOURCED else "",
            note=NOTES[note],
            created_at=stamp,
            updated_at=stamp,
        )
    ClaimTag.objects.bulk_create(made.values())


def _names_sorted(rows):
    return sorted((*row[:-1], sorted(row[-1].split(sql.NAMES_SEPARATOR))) for row in rows)


@examples
@given(drawn=tags)
def test_the_tag_reads_agree_with_their_orm_twins(world, drawn):
    with transaction.atomic():
        _write(world, drawn)
        for user in world.users:
            places = [("article", world.article.pk)]
            places += [("sentence", s.pk) for s in world.sentences]
            sentences, own = sql.sentences_and_own_tags(world.article.pk, user.pk)
            twin_sentences, twin_own = sql.sentences_and_own_tags_orm(world.article.pk, user.pk)
            assert sentences == twin_sentences and sorted(own) == sorted(twin_own)
            for within, pk in places:
                own = sql.own_tags(user.pk, within=within, pk=pk)
                assert sorted(own) == sorted(sql.own_tags_orm(user.pk, within=within, pk=pk))
                others = sql.others_tags(user.pk, within=within, pk=pk)
                assert _names_sorted(others) == _names_sorted(
                    sql.others_tags_orm(user.pk, within=within, pk=pk)
                )
            skip = UNTAGGABLE_SECTIONS
            progress = sql.progress(user.pk, world.article.pk, skip=skip)
            assert progress == sql.progress_orm(user.pk, world.article.pk, skip=skip)
        transaction.set_rollback(True)


@examples
@given(
    drawn=tags,
    skip=st.sets(st.sampled_from(Section.values), min_size=1),
)
def test_progress_counts_what_the_orm_counts_whatever_sections_are_left_out(world, drawn, skip):
    with transaction.atomic():
        _write(world, drawn)
        for user in world.users:
            progress = sql.progress(user.pk, world.article.pk, skip=skip)
            assert progress == sql.progress_orm(user.pk, world.article.pk, skip=skip)
        transaction.set_rollback(True)


def test_the_reads_find_what_a_reviewer_wrote(world):
    """The comparisons above cannot both be empty by mistake: a tag shows in each."""
    ana, bo = world.users[:2]
    sentence = world.sentences[0]
    for user in (ana, bo):
        ClaimTag.objects.create(
            reviewer=user,
            sentence=sentence,
            start=sentence.start,
            end=sentence.end,
            label="opinion",
            outlet=world.outlets[1],
        )
    (own,) = sql.own_tags(ana.pk, within="sentence", pk=sentence.pk)
    assert own[1:6] == (sentence.pk, sentence.start, sentence.end, "opinion", "Hill Gazette ✓")
    (others,) = sql.others_tags(ana.pk, within="article", pk=world.article.pk)
    assert others[-2:] == (1, "bo")
    total, done = sql.progress(ana.pk, world.article.pk, skip=UNTAGGABLE_SECTIONS)
    assert done == 1 and total == sum(s.section not in UNTAGGABLE_SECTIONS for s in world.sentences)


def test_the_sentence_reads_agree_with_their_orm_twins(world):
    sentences, _ = sql.sentences_and_own_tags(world.article.pk, world.users[0].pk)
    assert sentences == sql.sentences_orm(world.article.pk)
    assert [row[0] for row in sentences] == [s.pk for s in world.sentences]


def test_the_pages_read_keeps_every_sentence_once_whatever_its_tags(world):
    """A sentence with several of the user's spans comes once, one without a tag too, and
    another reviewer's tags are not the user's."""
    ana, bo = world.users[:2]
    first, second = world.sentences[:2]
    claims = [(ana, first, start, "opinion") for start in range(first.start, first.start + 3)]
    claims.append((bo, second, second.start, "sourced"))
    ClaimTag.objects.bulk_create(
        ClaimTag(reviewer=u, sentence=s, start=a, end=s.end, label=label, outlet=world.outlets[0])
        for u, s, a, label in claims
    )

    sentences, own = sql.sentences_and_own_tags(world.article.pk, ana.pk)

    assert sentences == sql.sentences_orm(world.article.pk)
    assert sorted((row[1], row[2]) for row in own) == [
        (first.pk, first.start),
        (first.pk, first.start + 1),
        (first.pk, first.start + 2),
    ]
    assert sql.sentences_and_own_tags(world.article.pk, bo.pk)[1][0][1:5] == (
        second.pk,
        second.start,
        second.end,
        "sourced",
    )


@examples
@given(picks=st.lists(st.integers(-3, 25), unique=True, max_size=12))
def test_the_sentences_for_tagging_agree_with_their_orm_twin(world, picks):
    # Ids of the world's sentences, and some of no sentence at all.
    first = world.sentences[0].pk
    ids = [first + n for n in picks]
    assert sorted(sql.sentences_for_tagging(ids)) == sorted(sql.sentences_for_tagging_orm(ids))


def _tag(user, sentence, *, label="opinion", outlet, note="", start=None, end=None):
    return ClaimTag.objects.create(
        reviewer=user,
        sentence=sentence,
        start=sentence.start if start is None else start,
        end=sentence.end if end is None else end,
        label=label,
        outlet=outlet,
        note=note,
    )


def test_a_note_makes_a_group_of_its_own_and_leaves_the_others_counted(world):
    """Three others agree on a claim; one of them adds a note: the teacher sees two
    agreeing without a note and one with it, each name once."""
    teacher = world.users[0]
    reviewers = [
        *world.users[1:],
        get_user_model().objects.create_user(username="dee", password="pw"),
        get_user_model().objects.create_user(username="eli", password="pw"),
    ]
    first, second = world.sentences[0], world.sentences[1]
    outlet = world.outlets[0]
    for user in reviewers[:3]:
        _tag(user, first, outlet=outlet, note="my reason" if user.username == "dee" else "")
    # Two notes in one group, one on a group that has no plain vote left.
    _tag(reviewers[0], second, outlet=outlet, note="same")
    _tag(reviewers[1], second, outlet=outlet, note="same")
    _tag(reviewers[3], second, outlet=outlet, note="other")
    _tag(teacher, first, outlet=outlet, note="the teacher's own")

    rows = _names_sorted(sql.others_tags(teacher.pk, within="article", pk=world.article.pk))
    claim = (first.pk, first.start, first.end, "opinion", outlet.name, "")
    second_claim = (second.pk, second.start, second.end, "opinion", outlet.name, "")
    assert rows == sorted(
        [
            (*claim, "", 2, ["bo", "chen-李"]),
            (*claim, "my reason", 1, ["dee"]),
            (*second_claim, "other", 1, ["eli"]),
            (*second_claim, "same", 2, ["bo", "chen-李"]),
        ]
    )
    assert rows == _names_sorted(
        sql.others_tags_orm(teacher.pk, within="article", pk=world.article.pk)
    )
    one = _names_sorted(sql.others_tags(teacher.pk, within="sentence", pk=first.pk))
    assert one == rows[:2]


def _plan(sql_text: str, params: dict) -> str:
    """SQLite's plan for a statement, as one string."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql_text, params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize("within", ["article", "sentence"])
def test_the_others_votes_come_from_an_index_and_their_notes_from_the_noted_index(world, within):
    """The teacher's page reads thousands of tags: their votes from the index
    claimtag_claim_votes without touching the table, in their groups' order (no sort),
    and only the tags with a note
    through the partial index claimtag_noted (bench/workspace.py). SQLite's plan depends
    on the schema alone; PostgreSQL's on the table's statistics too (a test database's
    change from test to test), so there the indexes are checked as they stand."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                [ClaimTag._meta.db_table],
            )
            indexes = dict(cursor.fetchall())
        assert (
            '(sentence_id, start, "end", outlet_id, label, cited_source, reviewer_id)'
            in (indexes["claimtag_claim_votes"])
        )
        assert indexes["claimtag_noted"].endswith("(sentence_id) WHERE (NOT (note = ''::text))")
        return
    pk = world.article.pk if within == "article" else world.sentences[0].pk
    params = {"separator": sql.NAMES_SEPARATOR, "within": pk, "user": world.users[0].pk}
    votes = _plan(sql._others_sql(connection.vendor, within), params)
    notes = _plan(
        sql._others_notes_sql(connection.vendor, within), {"within": pk, "user": params["user"]}
    )
    assert "COVERING INDEX claimtag_claim_votes" in votes
    assert "TEMP B-TREE FOR GROUP BY" not in votes
    assert "INDEX claimtag_noted" in notes


def _forget_statistics(cursor, tables) -> None:
    """The tables as right after a bulk load, before autovacuum's first ANALYZE: no
    column statistics and, on PostgreSQL, no row count either (rolled back with the
    test's transaction)."""
    names = [t._meta.db_table for t in tables]
    if connection.vendor == "postgresql":
        tables = "ANY(%s::text[]::regclass[])"
        cursor.execute(f"DELETE FROM pg_statistic WHERE starelid = {tables}", [names])
        cursor.execute(
            f"UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = {tables}", [names]
        )
    else:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")


def _plans(cursor, statement: str, params: dict) -> list[str]:
    """The statement's plan for these parameters and, on PostgreSQL, also the generic
    plan a connection keeps once it has prepared the statement (core.db.sql.execute)."""
    if connection.vendor != "postgresql":
        return [_plan(statement, params)]
    names = list(params)
    for number, name in enumerate(names, 1):
        statement = statement.replace(f"%({name})s", f"${number}")
    types = ", ".join("bigint" if isinstance(params[n], int) else "text" for n in names)
    # EXECUTE takes no bound parameters: the test's own values, written out.
    quoted = {n: "'" + v.replace("'", "''") + "'" for n, v in params.items() if isinstance(v, str)}
    values = ", ".join(quoted.get(n, str(params[n])) for n in names)
    plans = []
    for mode in ("force_custom_plan", "force_generic_plan"):
        # Named afresh each time: a prepared statement outlives a failed test's rollback.
        name = f"tags_{uuid.uuid4().hex}"
        cursor.execute(f"SET LOCAL plan_cache_mode = {mode}")
        cursor.execute(f"PREPARE {name} ({types}) AS {statement}")
        cursor.execute(f"EXPLAIN EXECUTE {name} ({values})")
        plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute(f"DEALLOCATE {name}")
    return plans


@pytest.mark.parametrize("statistics", ["gathered", "none yet"])
@pytest.mark.parametrize("whose", ["own", "own, with the sentences", "others", "others' notes"])
def test_the_tags_on_an_article_are_looked_up_sentence_by_sentence(world, statistics, whose):
    """The article page reads the tags on the article's sentences through an index that
    leads to each sentence's tags, however many tags there are elsewhere: a reviewer's
    own, everyone else's grouped, and everyone else's with a note. Here one reviewer
    holds every tag, most of them on another article, some with a note. With the
    table's statistics gathered, reading the whole table looked cheap to PostgreSQL (as
    on bench/peers.py's workload: 1.7 ms against 0.14 ms by the index), and it read
    every tag with a note in the corpus; without statistics (a table filled since the
    last ANALYZE, as in the first minute after an import) it read all the reviewer's
    tags by the index's first column (3.7 ms against 0.2), or every tag."""
    from annotator.models import Sentence
    from annotator.services.imports import import_article
    from core.db.bulk import insert_rows

    other = import_article(
        text=" ".join(f"Report {i} says the town was taken at dawn." for i in range(80)),
        title="Elsewhere",
        publisher=world.outlets[0],
    ).article
    reviewer, outlet = world.users[0].pk, world.outlets[0].pk
    now = connection.ops.adapt_datetimefield_value(datetime(2026, 5, 1, tzinfo=UTC))
    elsewhere = [
        (s.pk, reviewer, start, start + 5)
        for s in other.sentences.all()
        for start in range(s.start, s.start + 30)
    ]
    here = [(s.pk, reviewer, s.start, s.end) for s in world.sentences]
    fields = ["sentence", "reviewer", "start", "end", "label", "outlet", "cited_source", "note"]
    insert_rows(
        ClaimTag,
        [*fields, "created_at", "updated_at", "seq"],
        [
            (*claim, "opinion", outlet, "", "" if n % 4 else "noted", now, now, 1)
            for n, claim in enumerate(elsewhere + here)
        ],
    )
    assert len(elsewhere) > 2000
    with connection.cursor() as cursor:
        if statistics == "gathered":
            for table in (ClaimTag, Sentence):
                cursor.execute("ANALYZE " + connection.ops.quote_name(table._meta.db_table))
        else:
            _forget_statistics(cursor, [ClaimTag, Sentence])
        if whose == "own":
            statement = sql._own_tags_sql(connection.vendor, "article")
            params = {"within": world.article.pk, "user": reviewer}
        elif whose == "own, with the sentences":
            statement = sql._sentences_and_own_tags_sql(connection.vendor)
            params = {"article": world.article.pk, "user": reviewer}
        elif whose == "others":
            statement = sql._others_sql(connection.vendor, "article")
            params = {"within": world.article.pk, "user": world.users[1].pk, "separator": ","}
        else:
            statement = sql._others_notes_sql(connection.vendor, "article")
            params = {"within": world.article.pk, "user": world.users[1].pk}
        plans = _plans(cursor, statement, params)
    for plan in plans:
        # Each sentence's tags looked up in an index, not the tags read and filtered.
        looked_up = [
            line
            for line in plan.splitlines()
            if ("Index Cond" in line or "USING INDEX" in line or "USING COVERING INDEX" in line)
            and "sentence_id" in line
        ]
        assert looked_up, plan
        assert "Seq Scan on annotator_claimtag" not in plan and "SCAN tag" not in plan, plan
    if whose.startswith("own"):
        if whose == "own":
            found = sql.own_tags(reviewer, within="article", pk=world.article.pk)
        else:
            sentences, found = sql.sentences_and_own_tags(world.article.pk, reviewer)
            assert [row[0] for row in sentences] == [s.pk for s in world.sentences]
        assert sorted(row[1:4] for row in found) == sorted((s, a, b) for s, _, a, b in here)
    else:
        found = sql.others_tags(world.users[1].pk, within="article", pk=world.article.pk)
        assert sum(row[7] for row in found) == len(here)
        assert sum(row[7] for row in found if row[6] == "noted") == len(
            [n for n, _ in enumerate(elsewhere + here) if n >= len(elsewhere) and n % 4 == 0]
        )


def test_the_sentences_for_tagging_come_with_their_article_and_its_outlets(world):
    """What a tagging request reads of each sentence: its article's origin and
    publisher, loaded with it (no query more), one article instance for the sentences of
    one article."""
    from annotator.selectors.workspace import sentences_for_tagging

    ids = [s.pk for s in world.sentences[:4]]
    found = sentences_for_tagging([*ids, ids[0], max(ids) + 10_000])
    assert sorted(found) == sorted(ids)
    with CaptureQueriesContext(connection) as queries:
        named = {(s.article.origin.name, s.article.publisher.name) for s in found.values()}
        articles = {id(s.article) for s in found.values()}
    assert not queries.captured_queries
    assert named == {(world.outlets[1].name, world.outlets[0].name)}
    assert len(articles) == 1 and found[ids[0]].article.pk == world.article.pk
