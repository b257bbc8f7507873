"""A reviewer's claim and its history: every change is one revision, numbered in order per
claim; replaying the revisions in that order gives the tag as stored, and the history
checker (annotator.selectors.history) says where it does not."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotator.export.selection import Selection
from annotator.export.streaming import export_stream
from annotator.ingest.corpus import import_corpus
from annotator.models import ClaimTag, Label, Sentence, TagRevision
from annotator.selectors.history import check_tag_history
from annotator.services.tagging import apply_tag_to_copies, delete_tag, tag_claim, update_tag


@pytest.fixture
def sentence(seeds) -> Sentence:
    return Sentence.objects.get(
        article=seeds["001"], text__startswith="According to the Syrian Defense Ministry"
    )


def history(sentence: Sentence) -> list[tuple]:
    return list(
        TagRevision.objects.filter(sentence=sentence)
        .order_by("seq")
        .values_list("seq", "action", "label", "note")
    )


def test_every_change_appends_one_revision_numbered_in_order(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)  # already so
    update_tag(tag=tag, by=student, label=Label.OPINION, note="loaded words")
    update_tag(tag=tag, by=student, label=Label.OPINION, note="loaded words")  # already so
    delete_tag(tag=tag, by=student)
    tag_claim(sentence=sentence, reviewer=student, label=Label.SPECULATION)  # again

    assert history(sentence) == [
        (1, "created", "unsourced", ""),
        (2, "updated", "opinion", "loaded words"),
        (3, "deleted", "opinion", "loaded words"),
        (4, "created", "speculation", ""),
    ]
    assert check_tag_history() == []


def test_the_database_refuses_a_second_revision_with_the_same_number(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    again = TagRevision.of(tag, action=TagRevision.Action.UPDATED, seq=1, changed_by_id=student.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_deleting_a_tag_that_is_already_deleted_is_refused_and_records_nothing(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    seen_by_a_second_tab = ClaimTag.objects.get(pk=tag.pk)
    delete_tag(tag=tag, by=student)

    with pytest.raises(ClaimTag.DoesNotExist):
        delete_tag(tag=seen_by_a_second_tab, by=student)

    assert [action for _, action, _, _ in history(sentence)] == ["created", "deleted"]


def test_a_deletion_records_the_values_the_tag_had_when_it_was_deleted(sentence, student):
    seen_earlier = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION, note="second tab")

    delete_tag(tag=seen_earlier, by=student)

    assert history(sentence)[-1] == (3, "deleted", "opinion", "second tab")
    assert check_tag_history() == []


def test_changing_a_deleted_tag_is_refused_and_does_not_bring_it_back(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    delete_tag(tag=ClaimTag.objects.get(pk=tag.pk), by=student)

    with pytest.raises(ClaimTag.DoesNotExist):
        update_tag(tag=tag, by=student, label=Label.OPINION)

    assert not ClaimTag.objects.filter(sentence=sentence).exists()
    assert [action for _, action, _, _ in history(sentence)] == ["created", "deleted"]


def test_the_checker_finds_a_tag_changed_behind_the_historys_back(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    ClaimTag.objects.filter(pk=tag.pk).update(label=Label.OPINION)

    [problem] = check_tag_history()

    assert (problem.reviewer_id, problem.sentence_id) == (student.pk, sentence.pk)
    assert "unsourced" in problem.problem and "opinion" in problem.problem
    with pytest.raises(CommandError, match="1 claim"):
        call_command("check_tag_history", stdout=io.StringIO())


def test_the_checker_finds_a_second_deletion_and_an_update_after_one(sentence, student):
    span = {"start": sentence.start, "end": sentence.start + len("According")}
    for claim, action in [({}, "deleted"), (span, "updated")]:
        tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED, **claim)
        delete_tag(tag=tag, by=student)
        forged = TagRevision.of(tag, action=action, seq=3, changed_by_id=student.pk)
        forged.tag = None
        forged.save()

    problems = sorted(p.problem for p in check_tag_history())

    assert problems == [
        "revision 3 is deleted while there is no tag",
        "revision 3 is updated while there is no tag",
    ]


def test_the_checker_finds_a_gap_in_the_numbers(sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    update_tag(tag=tag, by=student, label=Label.OPINION)
    TagRevision.objects.filter(seq=1).delete()

    [problem] = check_tag_history()

    assert "revision 2" in problem.problem


def test_the_command_says_when_the_history_explains_every_tag(sentence, student):
    tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    out = io.StringIO()

    call_command("check_tag_history", stdout=out)

    assert "1 claim" in out.getvalue() and "every" in out.getvalue()


# Who the history names


def test_an_import_continues_the_claims_numbers_and_names_the_importer(sentence, student, teacher):
    tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    [line] = [
        json.loads(line)
        for line in b"".join(export_stream(Selection(), "jsonl")).splitlines()
        if json.loads(line).get("tags")
    ]
    [exported] = line["tags"]
    exported.update(label="opinion", updated_at=timezone.now().isoformat())
    data = json.dumps(line).encode()

    summary = import_corpus(stream=io.BytesIO(data), fmt="jsonl", user=teacher)

    assert summary.errors == [] and summary.tags_updated == 1
    last = TagRevision.objects.filter(sentence=sentence).order_by("seq").last()
    assert (last.seq, last.action, last.label) == (2, "updated", "opinion")
    assert last.changed_by == teacher
    assert check_tag_history() == []


def test_an_import_without_an_account_names_nobody_rather_than_the_reviewer(sentence, student):
    tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    [line] = [
        json.loads(line)
        for line in b"".join(export_stream(Selection(), "jsonl")).splitlines()
        if json.loads(line).get("tags")
    ]
    line["tags"][0].update(label="opinion", updated_at=timezone.now().isoformat())

    import_corpus(stream=io.BytesIO(json.dumps(line).encode()), fmt="jsonl")

    last = TagRevision.objects.filter(sentence=sentence).order_by("seq").last()
    assert last.action == "updated" and last.changed_by is None


def test_only_the_tags_owner_applies_it_to_copies(sentence, student, teacher, admin_user):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)

    for someone_else in (teacher, admin_user):
        with pytest.raises(PermissionDenied):
            apply_tag_to_copies(tag=tag, by=someone_else)

    assert TagRevision.objects.count() == 1
