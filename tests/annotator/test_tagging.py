from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError

from annotator.models import ClaimTag, Label, Sentence, TagRevision
from annotator.services.tagging import (
    SEQ_CONSTRAINT,
    TagsRefused,
    delete_tag,
    lock_claims,
    save_tag,
    save_tag_on,
    save_tags,
    tag_claim,
)
from sources.models import Outlet


@pytest.fixture
def sentence(seeds) -> Sentence:
    return Sentence.objects.get(
        article=seeds["001"],
        text__startswith="According to the Syrian Defense Ministry",
    )


def test_it_defaults_the_outlet_to_the_articles_origin(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)

    assert tag.outlet.name == "South Front"  # published by Global Research, written by South Front
    assert (tag.start, tag.end) == (sentence.start, sentence.end)
    assert not tag.is_span


def test_tagging_the_same_claim_twice_leaves_one_tag_and_one_revision(sentence, student):
    for _ in range(2):
        tag_claim(
            sentence=sentence,
            reviewer=student,
            label=Label.SOURCED,
            cited_source="Syrian Defense Ministry",
        )

    assert ClaimTag.objects.filter(sentence=sentence, reviewer=student).count() == 1
    assert TagRevision.objects.filter(sentence=sentence).count() == 1


def test_it_keeps_the_history_of_every_change(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED, cited_source="Ministry")
    delete_tag(tag=ClaimTag.objects.get(pk=tag.pk), by=student)

    history = list(
        TagRevision.objects.filter(sentence=sentence)
        .order_by("id")
        .values_list("action", "label", "cited_source")
    )
    assert history == [
        ("created", "unsourced", ""),
        ("updated", "sourced", "Ministry"),
        ("deleted", "sourced", "Ministry"),
    ]
    assert not ClaimTag.objects.filter(pk=tag.pk).exists()


def test_a_span_is_a_separate_claim_from_its_sentence(sentence, student):
    whole = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    part = tag_claim(
        sentence=sentence,
        reviewer=student,
        label=Label.UNSOURCED,
        start=sentence.start + sentence.text.index("28 terrorists"),
        end=sentence.end,
    )

    assert whole.pk != part.pk
    assert part.is_span
    assert sentence.article.text[part.start : part.end].startswith("28 terrorists were killed")


@pytest.mark.parametrize(
    "span",
    [
        lambda s: (s.start - 1, s.end),
        lambda s: (s.start, s.end + 1),
        lambda s: (s.start + 10, s.start + 5),
        lambda s: (s.start + 10, s.start + 10),
    ],
    ids=["starts before the sentence", "ends past the sentence", "end before start", "empty"],
)
def test_it_rejects_spans_outside_the_sentence(sentence, student, span):
    start, end = span(sentence)
    with pytest.raises(ValidationError, match="inside the sentence"):
        tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION, start=start, end=end)
    assert not ClaimTag.objects.exists()


def test_it_rejects_an_unknown_label(sentence, student):
    with pytest.raises(ValidationError, match="unknown label"):
        tag_claim(sentence=sentence, reviewer=student, label="propaganda")
    assert not ClaimTag.objects.exists()


def test_a_cited_source_needs_a_sourced_claim(sentence, student):
    with pytest.raises(ValidationError, match="only a sourced claim"):
        tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION, cited_source="X")
    assert not ClaimTag.objects.exists()


def test_a_user_without_a_role_cannot_tag(sentence, outsider):
    with pytest.raises(PermissionDenied):
        tag_claim(sentence=sentence, reviewer=outsider, label=Label.OPINION)
    assert not ClaimTag.objects.exists()


def test_student_cannot_delete_others_tags(sentence, student, other_student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION)

    with pytest.raises(PermissionDenied):
        delete_tag(tag=tag, by=other_student)
    assert ClaimTag.objects.filter(pk=tag.pk).exists()


def test_tags_can_be_attributed_to_another_outlet(seeds, student):
    framing = Sentence.objects.filter(article=seeds["004"]).order_by("position").first()
    wire = Outlet.objects.get(name="21st Century Wire")

    tag = tag_claim(sentence=framing, reviewer=student, label=Label.OPINION, outlet=wire)

    assert tag.outlet == wire


def test_the_database_allows_one_tag_per_reviewer_per_claim(sentence, student):
    outlet = Outlet.objects.first()
    values = dict(
        sentence=sentence,
        reviewer=student,
        start=sentence.start,
        end=sentence.end,
        label=Label.OPINION,
        outlet=outlet,
    )
    ClaimTag.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimTag.objects.create(**values)


@pytest.mark.parametrize(
    "values",
    [
        {"label": "propaganda"},
        {"start": 50, "end": 50},
        {"label": Label.OPINION, "cited_source": "a ministry"},
    ],
    ids=["unknown label", "empty span", "cited source on an opinion"],
)
def test_the_database_refuses_bad_tags(sentence, student, values):
    row = dict(
        sentence=sentence,
        reviewer=student,
        start=sentence.start,
        end=sentence.end,
        label=Label.SOURCED,
        outlet=Outlet.objects.first(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimTag.objects.create(**(row | values))


def test_many_tags_saved_together_answer_as_one_by_one(sentence, student):
    span = {"start": sentence.start, "end": sentence.start + 8}
    items = [
        {"sentence": sentence, "label": Label.OPINION},
        {"sentence": sentence, "label": Label.SPECULATION, **span},
        # The first claim again: created above, changed here, in the same request.
        {"sentence": sentence, "label": Label.SOURCED, "cited_source": " the ministry "},
    ]
    with transaction.atomic():
        lock_claims([(student.pk, sentence.pk)])
        tagged = save_tags(reviewer=student, items=items)

    assert [(t.created, t.changed) for t in tagged] == [(True, True), (True, True), (False, True)]
    assert tagged[0].tag.pk == tagged[2].tag.pk and tagged[2].tag.cited_source == "the ministry"
    history = TagRevision.objects.filter(sentence=sentence).order_by("-end", "seq")
    assert list(history.values_list("end", "seq", "action", "label")) == [
        (sentence.end, 1, "created", "opinion"),
        (sentence.end, 2, "updated", "sourced"),
        (span["end"], 1, "created", "speculation"),
    ]
    # Sent again: nothing written, every tag unchanged.
    with transaction.atomic():
        again = save_tags(reviewer=student, items=items[1:])
    assert [(t.created, t.changed) for t in again] == [(False, False), (False, False)]
    assert TagRevision.objects.filter(sentence=sentence).count() == 3


def test_many_tags_with_one_refused_write_nothing_and_name_each_error(sentence, student):
    items = [
        {"sentence": sentence, "label": Label.OPINION},
        {"sentence": sentence, "label": "gossip"},
        {"sentence": sentence, "label": Label.OPINION, "cited_source": "someone"},
    ]
    with transaction.atomic(), pytest.raises(TagsRefused) as refused:
        save_tags(reviewer=student, items=items)

    errors = refused.value.errors
    assert errors[0] is None
    assert "label" in errors[1].message_dict and "cited_source" in errors[2].message_dict
    assert not ClaimTag.objects.exists() and not TagRevision.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_many_tags_are_saved_only_in_a_transaction_and_with_the_role(sentence, student, outsider):
    item = {"sentence": sentence, "label": Label.OPINION}
    with pytest.raises(TransactionManagementError):
        save_tags(reviewer=student, items=[item])
    with transaction.atomic(), pytest.raises(PermissionDenied):
        save_tags(reviewer=outsider, items=[item])
    assert not ClaimTag.objects.exists()


# save_tag_on: the sentence given by its id (on PostgreSQL read by the write's statement).
# Each call: the label, the span as offsets from the sentence's bounds ("empty": ends
# where it starts), the other values.
CALLS = [
    {"label": "sourced", "cited_source": "  the Ministry "},
    {"label": "sourced", "cited_source": "the Ministry"},  # already so
    {"label": "opinion", "note": "hedged"},  # changed
    {"label": "opinion", "start": 1, "end": -1},  # a span inside
    {"label": "speculation", "outlet": "hill-gazette"},
    {"label": "rumour"},
    {"label": "opinion", "start": -1},
    {"label": "opinion", "end": 1},
    {"label": "opinion", "start": 1, "end": "empty"},
    {"label": "opinion", "start": -1, "cited_source": "x"},  # two rules broken
    {"label": "opinion", "cited_source": "x"},
    {"label": "sourced", "note": "n" * 2001},
    {"label": "unsourced", "suggestion_version": "v" * 150},
]


def _outcome(call, sentence, save):
    """What `save` (save_tag or save_tag_on) made of the call: the error, or the tag."""
    values = {k: v for k, v in call.items() if k not in ("start", "end", "outlet")}
    if "start" in call:
        values["start"] = sentence.start + call["start"]
    if call.get("end") == "empty":
        values["end"] = values["start"]
    elif "end" in call:
        values["end"] = sentence.end + call["end"]
    if "outlet" in call:
        values["outlet"] = Outlet.objects.create(name="Hill Gazette", slug=call["outlet"])
    try:
        tagged = save(sentence, values)
    except ValidationError as error:
        return "refused", error.message_dict
    tag = tagged.tag
    revisions = list(
        TagRevision.objects.filter(tag_id=tag.pk)
        .order_by("seq")
        .values_list("seq", "action", "label", "note", "suggestion_version")
    )
    return (
        (tagged.created, tagged.changed),
        (tag.start, tag.end, tag.label, tag.outlet.slug, tag.cited_source, tag.note),
        (tag.sentence.text, tag.sentence.article.origin.name, tag.sentence.article_id),
        revisions,
    )


def test_a_tag_on_a_sentence_given_by_id_keeps_every_rule_of_save_tag(sentence, student):
    by_object = lambda s, values: save_tag(sentence=s, reviewer=student, **values)  # noqa: E731
    by_id = lambda s, values: save_tag_on(sentence_id=s.pk, reviewer=student, **values)  # noqa: E731
    results = []
    for save in (by_object, by_id):
        with transaction.atomic():
            results.append([_outcome(call, sentence, save) for call in CALLS])
            transaction.set_rollback(True)

    assert results[1] == results[0]
    outcomes = results[0]
    assert outcomes[0][0] == (True, True) and outcomes[1][0] == (False, False)
    assert outcomes[2][0] == (False, True)
    assert outcomes[3][1][:2] == (sentence.start + 1, sentence.end - 1)
    assert outcomes[4][1][3] == "hill-gazette"
    assert [o[1] for o in outcomes[5:12]] == [
        {"label": ["unknown label 'rumour'; use one of sourced, unsourced, opinion, speculation"]},
        {
            "span": [
                f"span {sentence.start - 1}..{sentence.end} must be non-empty and inside "
                f"the sentence ({sentence.start}..{sentence.end})"
            ]
        },
        {
            "span": [
                f"span {sentence.start}..{sentence.end + 1} must be non-empty and inside "
                f"the sentence ({sentence.start}..{sentence.end})"
            ]
        },
        {
            "span": [
                f"span {sentence.start + 1}..{sentence.start + 1} must be non-empty and "
                f"inside the sentence ({sentence.start}..{sentence.end})"
            ]
        },
        {
            "span": [
                f"span {sentence.start - 1}..{sentence.end} must be non-empty and inside "
                f"the sentence ({sentence.start}..{sentence.end})"
            ]
        },
        {"cited_source": ["only a sourced claim has a cited source"]},
        {"note": ["at most 2000 characters"]},
    ]
    assert outcomes[12][3][-1][-1] == "v" * 100


def test_a_tag_on_a_sentence_that_does_not_exist_or_by_someone_without_a_role(
    sentence, student, outsider
):
    missing = Sentence.objects.order_by("-pk").first().pk + 1
    with pytest.raises(Sentence.DoesNotExist, match=f"there is no sentence {missing}"):
        save_tag_on(sentence_id=missing, reviewer=student, label=Label.OPINION)
    with pytest.raises(PermissionDenied):
        save_tag_on(sentence_id=sentence.pk, reviewer=outsider, label=Label.OPINION)

    assert not ClaimTag.objects.exists()
    assert not TagRevision.objects.exists()


# The requests that wait for this transaction to end (PostgreSQL).
WAITING_FOR_ME = """
SELECT count(*) FROM pg_locks
WHERE NOT granted AND locktype = 'transactionid' AND transactionid = pg_current_xact_id()::xid
"""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write transaction"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("save", ["save_tag", "save_tag_on"])
def test_a_claim_whose_next_number_a_deletion_took_meanwhile_is_written_after_it(
    sentence, student, save
):
    # The race lock_claims describes, made to happen: the claim's tag is deleted in a
    # transaction (its "deleted" revision numbered 2) that commits only once the write
    # below waits for it. The write numbered its new tag 2 too, from what it saw when it
    # began; the revision's unique number refuses it, and it runs again after the deletion.
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION)
    deleted = threading.Event()
    problems = []

    def delete_when_the_write_waits():
        try:
            with transaction.atomic():
                delete_tag(tag=ClaimTag.objects.get(pk=tag.pk), by=student)
                deleted.set()
                with connection.cursor() as cursor:
                    for _ in range(3000):  # up to 30 s
                        cursor.execute(WAITING_FOR_ME)
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.01)
                    else:
                        problems.append("the write never waited for the deletion")
        finally:
            connection.close()

    refused = []

    def record(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except IntegrityError as error:
            refused.append(SEQ_CONSTRAINT in str(error))
            raise

    deleting = threading.Thread(target=delete_when_the_write_waits)
    deleting.start()
    assert deleted.wait(30)
    with connection.execute_wrapper(record):
        if save == "save_tag":
            tagged = save_tag(sentence=sentence, reviewer=student, label=Label.SOURCED)
        else:
            tagged = save_tag_on(sentence_id=sentence.pk, reviewer=student, label=Label.SOURCED)
    deleting.join(30)

    assert problems == []
    assert refused == [True]  # the number taken, once
    assert tagged.created
    assert tagged.tag.pk != tag.pk
    stored = ClaimTag.objects.get(sentence=sentence, reviewer=student)
    assert (stored.pk, stored.label, stored.seq) == (tagged.tag.pk, Label.SOURCED, 3)
    history = TagRevision.objects.filter(sentence=sentence, reviewer=student).order_by("seq")
    assert list(history.values_list("seq", "action", "label")) == [
        (1, "created", Label.OPINION),
        (2, "deleted", Label.OPINION),
        (3, "created", Label.SOURCED),
    ]
