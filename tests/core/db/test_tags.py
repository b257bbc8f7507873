"""The tag write (core.db.tags.write_tag: one upsert with its revision) against its ORM
twin, over any sequence of writes and deletions a class may make: the same tags, the same
history, the same answers, on SQLite and on PostgreSQL (the suite runs on both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.models import Article, ClaimTag, Label, TagRevision
from annotator.services.tagging import delete_tag, lock_claims
from core.db.tags import (
    write_claim,
    write_claim_orm,
    write_tag,
    write_tag_orm,
    write_tags,
    write_tags_orm,
)

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
NOTES = ["", "a note", "«another», with ünïcode"]
SOURCES = ["", "the ministry"]

# A step: write (True) or delete (False) reviewer's claim on a sentence, whole (span 0)
# or a cut of it, with a label, outlet, cited source (sourced only) and note; who acts.
steps = st.lists(
    st.tuples(
        st.booleans() | st.just(True),
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(0, 1),
        st.sampled_from(Label.values),
        st.integers(0, 1),
        st.integers(0, len(SOURCES) - 1),
        st.integers(0, len(NOTES) - 1),
    ),
    min_size=1,
    max_size=25,
)


def _claim(world, reviewer, index, span):
    sentence = world.sentences[index]
    start, end = sentence.start, sentence.end
    if span:
        start, end = start + 1, end - 1
    return {
        "sentence": sentence.pk,
        "reviewer": world.users[reviewer].pk,
        "start": start,
        "end": end,
    }


def _values(world, n, step):
    """The write of step `n` (a writing step): its claim, values, author and time."""
    _, reviewer, index, span, label, outlet, source, note = step
    claim = _claim(world, reviewer, index, span)
    return {
        **claim,
        "label": label,
        "outlet": world.outlets[outlet].pk,
        "cited_source": SOURCES[source] if label == Label.SOURCED else "",
        "note": NOTES[note],
        "by": claim["reviewer"],
        "now": START + timedelta(minutes=n),
        "suggestion_version": f"v{n % 3}" if n % 2 else "",
    }


def _delete(world, step):
    """Delete the step's claim if it has a tag; whether it had one."""
    _, reviewer, index, span, *_ = step
    claim = _claim(world, reviewer, index, span)
    tag = ClaimTag.objects.filter(
        sentence_id=claim["sentence"],
        reviewer_id=claim["reviewer"],
        start=claim["start"],
        end=claim["end"],
    ).first()
    if tag is not None:
        delete_tag(tag=tag, by=world.users[reviewer])
    return tag is not None


def _replay(world, drawn, write):
    """Run the steps with `write`; what it answered, and the tags and history after."""
    answers = []
    for n, step in enumerate(drawn):
        if not step[0]:
            answers.append(_delete(world, step))
            continue
        with transaction.atomic():
            written = write(connection, _values(world, n, step))
        answers.append((written.created_at, written.updated_at))
    return answers, *_state()


def _replay_many(world, drawn, cuts, write_many):
    """`_replay`, the writes between two deletions sent together to `write_many`, cut
    also after each step numbered in `cuts`."""
    answers, batch = [], []

    def send():
        if batch:
            with transaction.atomic():
                answers.extend((w.created_at, w.updated_at) for w in write_many(connection, batch))
            batch.clear()

    for n, step in enumerate(drawn):
        if not step[0]:
            send()
            answers.append(_delete(world, step))
            continue
        batch.append(_values(world, n, step))
        if n in cuts:
            send()
    send()
    return answers, *_state()


def _state():
    """The tags and the history, in a comparable order."""
    tags = sorted(
        ClaimTag.objects.values_list(
            "sentence_id",
            "reviewer_id",
            "start",
            "end",
            "label",
            "outlet_id",
            "cited_source",
            "note",
            "seq",
            "created_at",
            "updated_at",
        )
    )
    history = sorted(
        TagRevision.objects.values_list(
            "sentence_id",
            "reviewer_id",
            "start",
            "end",
            "seq",
            "action",
            "label",
            "outlet_id",
            "cited_source",
            "note",
            "changed_by_id",
            "suggestion_version",
            "tag__start",
        )
    )
    changed_at = sorted(
        TagRevision.objects.exclude(action="deleted").values_list("seq", "changed_at")
    )
    return tags, history, changed_at


def _each_rolled_back(replay, world, drawn, writes) -> list:
    """`replay(world, drawn, write)` with each of `writes`, each in a transaction rolled
    back after it, so that each starts from the same database."""
    results = []
    for write in writes:
        with transaction.atomic():
            results.append(replay(world, drawn, write))
            transaction.set_rollback(True)
    return results


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=steps)
def test_the_tag_write_agrees_with_its_orm_twin(world, drawn):
    by_sql, by_orm = _each_rolled_back(_replay, world, drawn, (write_tag, write_tag_orm))
    assert by_sql == by_orm


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=steps, cuts=st.sets(st.integers(0, 24)))
def test_writing_many_tags_at_once_is_writing_them_in_turn(world, drawn, cuts):
    # Many claims twice in one batch, tags already so, changed, deleted and re-created:
    # the same answers, tags and history as one write after the other, on both databases.
    results = []
    for replay in (
        lambda: _replay(world, drawn, write_tag),
        lambda: _replay_many(world, drawn, cuts, write_tags),
        lambda: _replay_many(world, drawn, cuts, write_tags_orm),
    ):
        with transaction.atomic():
            results.append(replay())
            transaction.set_rollback(True)
    assert results[1] == results[0]
    assert results[2] == results[0]


# A claim written with its sentence read (write_claim, PostgreSQL's): who, which
# sentence (three claims, then the byline, which is none; the last index: one that does
# not exist), where the span starts and ends
# (None: the sentence's own bound; else an offset from it: outside, on it, inside; or
# an empty span), the label, the outlet sent (None: the article's), cited source, note,
# and the article's (origin, publisher) at that moment (an index of ARTICLE_OUTLETS).
ARTICLE_OUTLETS = [(1, 0), (None, 0), (None, None), (0, None)]
claims = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(0, 4),
        st.sampled_from([None, -1, 0, 1]),
        st.sampled_from([None, 1, 0, -1, "empty"]),
        st.sampled_from(Label.values),
        st.sampled_from([None, 0, 1]),
        st.integers(0, len(SOURCES) - 1),
        st.integers(0, len(NOTES) - 1),
        st.integers(0, len(ARTICLE_OUTLETS) - 1),
    ),
    min_size=1,
    max_size=20,
)


def _replay_claims(world, drawn, write):
    """Write the drawn claims with `write`; its answers (the written tag by its times,
    as ids differ from run to run), and the tags and history after."""
    missing = max(s.pk for s in world.sentences) + 10_000
    answers = []
    for n, (reviewer, index, start_at, end_at, label, outlet, source, note, held) in enumerate(
        drawn
    ):
        origin, publisher = (None if i is None else world.outlets[i] for i in ARTICLE_OUTLETS[held])
        Article.objects.filter(pk=world.article.pk).update(origin=origin, publisher=publisher)
        sentence = world.sentences[index] if index < 4 else None
        start = end = None
        if sentence is not None:
            start = None if start_at is None else sentence.start + start_at
            if end_at == "empty":
                end = sentence.start if start is None else start
            elif end_at is not None:
                end = sentence.end - end_at
        user = world.users[reviewer].pk
        values = {
            "sentence": missing if sentence is None else sentence.pk,
            "reviewer": user,
            "start": start,
            "end": end,
            "label": label,
            "outlet": None if outlet is None else world.outlets[outlet].pk,
            "cited_source": SOURCES[source] if label == Label.SOURCED else "",
            "note": NOTES[note],
            "by": user,
            "now": START + timedelta(minutes=n),
            "suggestion_version": "",
        }
        claimed = write(connection, values)
        if claimed is not None:
            written = claimed.written and (claimed.written.created_at, claimed.written.updated_at)
            existing = claimed.existing and claimed.existing[1:]
            claimed = claimed._replace(written=written, existing=existing)
        answers.append(claimed)
    return answers, *_state()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="write_claim is PostgreSQL's")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=claims)
def test_the_claim_write_reads_its_sentence_and_keeps_the_rules_as_its_orm_twin(world, drawn):
    # Spans inside, on, across and outside their sentence, empty ones, the defaults, an
    # article whose outlets come and go, a byline, a sentence that does not exist, tags
    # already so: the same answers, tags and history.
    assert world.sentences[3].section == "byline"
    writes = (write_claim, write_claim_orm)
    by_sql, by_orm = _each_rolled_back(_replay_claims, world, drawn, writes)
    assert by_sql == by_orm


def test_a_batch_is_a_few_statements_whatever_its_size(world, django_assert_num_queries):
    rows = [
        _values(world, n, (True, reviewer, index, span, "opinion", 0, 0, 0))
        for n, (reviewer, index, span) in enumerate(
            (r, i, s) for r in range(3) for i in range(len(world.sentences)) for s in (0, 1)
        )
    ]
    assert len(rows) > 30
    # SQLite: the upsert, then the revisions; PostgreSQL: one statement.
    with transaction.atomic(), django_assert_num_queries(2 if connection.vendor == "sqlite" else 1):
        written = write_tags(connection, rows)
    assert all(w.updated_at is None for w in written)
    # The same again: nothing to write, the tags read back in one statement more.
    with transaction.atomic(), django_assert_num_queries(2):
        again = write_tags(connection, rows)
    assert [(w.id, w.created_at, w.updated_at) for w in again] == [
        (w.id, w.created_at, w.created_at) for w in written
    ]
    assert TagRevision.objects.count() == ClaimTag.objects.count() == len(rows)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements; SQLite has none"
)
def test_the_many_tag_write_is_planned_at_each_run_not_prepared(world):
    # psycopg prepares a statement run 5 times, and PostgreSQL then keeps one plan for
    # it; this one's, made while the tables were small, read every revision of the
    # reviewer for each tag as the tables grew (core.db.sql.execute).
    rows = [
        _values(world, n, (True, 0, index, 0, "opinion", 0, 0, 0))
        for n, index in enumerate(range(len(world.sentences)))
    ]
    for n in range(8):
        with transaction.atomic():
            write_tags(connection, [{**row, "label": Label.values[n % 4]} for row in rows])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert not any("unnest" in statement for statement in prepared)
    assert TagRevision.objects.count() == 8 * len(rows)


def test_a_new_tag_changed_and_written_again_keeps_one_tag_and_numbers_its_history(world):
    claim = _claim(world, 0, 0, 0)
    values = {
        **claim,
        "label": "opinion",
        "outlet": world.outlets[0].pk,
        "cited_source": "",
        "note": "",
        "by": claim["reviewer"],
        "suggestion_version": "",
    }
    with transaction.atomic():
        first = write_tag(connection, {**values, "now": START})
    with transaction.atomic():
        second = write_tag(
            connection, {**values, "label": "speculation", "now": START + timedelta(1)}
        )
    with transaction.atomic():
        again = write_tag(
            connection, {**values, "label": "speculation", "now": START + timedelta(2)}
        )
    assert first.updated_at is None and second.updated_at is None  # both written
    assert again == (first.id, START, START + timedelta(1))  # already so: nothing written
    assert first.id == second.id and first.created_at == START
    assert list(TagRevision.objects.order_by("seq").values_list("seq", "action", "label")) == [
        (1, "created", "opinion"),
        (2, "updated", "speculation"),
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    claims=st.lists(st.tuples(st.integers(1, 2**40), st.integers(1, 2**40)), min_size=1, max_size=6)
)
def test_the_claim_locks_are_held_on_the_claims_asked_for_until_the_transaction_ends(
    transactional_db, django_assert_num_queries, claims
):
    def held() -> set[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory' "
                "AND objsubid = 2 AND pid = pg_backend_pid()"
            )
            return set(cursor.fetchall())

    if connection.vendor == "sqlite":
        # SQLite: the transaction's write lock serialises the writes; nothing to send.
        with transaction.atomic(), django_assert_num_queries(0):
            lock_claims(claims)
        return
    with transaction.atomic():
        lock_claims(claims)
        # Each (reviewer, sentence) as two int4 keys; pg_locks shows them as oids.
        assert held() == {(r % 2**32, s % 2**32) for r, s in claims}
    assert held() == set()
