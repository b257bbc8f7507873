"""What counts as a student's answer, the key, and the figures built from them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.models import Label, Sentence, TagRevision
from annotator.services.adjudication import adjudicate
from annotator.services.tagging import delete_tag
from classroom.models import AnswerKeyEntry, Submission
from classroom.presenters.gradebook import gradebook_response
from classroom.selectors import assignments as selectors
from classroom.selectors import results
from classroom.services import classes as services
from core.spreadsheet import safe_cell
from core.text.sections import Section

from .conftest import tag

S, U, OP, P = Label.SOURCED, Label.UNSOURCED, Label.OPINION, Label.SPECULATION


def test_an_assignment_covers_headlines_and_body_not_bylines_boilerplate_or_comments(
    classroom, teacher, seeds
):
    article = seeds["002"]  # has boilerplate and reader comments
    plain = services.create_assignment(
        classroom=classroom, by=teacher, title="a", due_at=timezone.now(), articles=[article]
    )
    everything = services.create_assignment(
        classroom=classroom,
        by=teacher,
        title="b",
        due_at=timezone.now(),
        articles=[article],
        include_boilerplate=True,
        include_comments=True,
    )

    plain_sections = {s.section for s in selectors.units(plain)}
    all_sections = {s.section for s in selectors.units(everything)}

    assert plain_sections <= {Section.HEADLINE, Section.BODY}
    assert {Section.BOILERPLATE, Section.COMMENT} <= all_sections
    assert Section.BYLINE not in all_sections


def test_chosen_sentences_are_the_units_exactly(assignment, teacher, sentences):
    services.choose_sentences(assignment=assignment, by=teacher, sentences=sentences[3:5])

    assert selectors.units(assignment) == sentences[3:5]


def test_a_sentence_outside_the_articles_cannot_be_chosen(assignment, teacher, seeds):
    other = Sentence.objects.filter(article=seeds["001"]).first()

    with pytest.raises(Exception, match="not in the assignment"):
        services.choose_sentences(assignment=assignment, by=teacher, sentences=[other])


def test_a_whole_sentence_tag_is_the_answer_and_span_tags_count_by_majority(
    assignment, student, other_student, teacher, sentences
):
    whole, spans, tied = sentences[1], sentences[2], sentences[3]
    tag(student, whole, S)
    tag(student, whole, OP, start=whole.start, end=whole.start + 5)  # a span beside it
    tag(student, spans, P, start=spans.start, end=spans.start + 5)
    tag(student, spans, P, start=spans.start + 6, end=spans.start + 12)
    tag(student, spans, OP, start=spans.start + 13, end=spans.start + 20)
    tag(student, tied, P, start=tied.start, end=tied.start + 5)
    tag(student, tied, OP, start=tied.start + 6, end=tied.start + 12)

    data = selectors.assignment_data(assignment)
    mine = data.answers[student.pk]

    assert mine[whole.pk].label == S and not mine[whole.pk].from_spans
    assert mine[spans.pk].label == P and mine[spans.pk].from_spans
    assert tied.pk not in mine  # a tie between span labels leaves the sentence unanswered


def test_answers_freeze_at_submission_whatever_is_tagged_later(assignment, student, sentences):
    first, second = sentences[1], sentences[2]
    tag(student, first, S)
    TagRevision.objects.update(changed_at=timezone.now() - timedelta(seconds=10))
    services.submit(assignment=assignment, student=student)
    Submission.objects.update(submitted_at=timezone.now() - timedelta(seconds=5))
    tagged = tag(student, first, OP)  # changed after seeing the key
    tag(student, second, U)  # added after
    delete_tag(tag=tagged, by=student)  # and deleted

    data = selectors.assignment_data(assignment)

    assert {pk: a.label for pk, a in data.answers[student.pk].items()} == {first.pk: S}
    assert data.is_frozen(student.pk)


def test_frozen_answers_replay_the_history_in_sequence_order_whatever_the_clock_said(
    assignment, student, sentences
):
    first = sentences[1]
    tag(student, first, S)
    tag(student, first, OP)
    # The server's clock stepped back between the two changes: the later one, revision
    # 2, bears the earlier time. Both were made before the hand-in.
    earlier = timezone.now() - timedelta(seconds=30)
    TagRevision.objects.filter(seq=1).update(changed_at=earlier + timedelta(seconds=1))
    TagRevision.objects.filter(seq=2).update(changed_at=earlier)
    services.submit(assignment=assignment, student=student)

    data = selectors.assignment_data(assignment)

    assert data.is_frozen(student.pk)
    assert data.answers[student.pk][first.pk].label == OP


def test_past_due_answers_are_those_at_the_due_date(assignment, student, sentences):
    tag(student, sentences[1], S)
    assignment.due_at = timezone.now()
    assignment.save()
    tag(student, sentences[2], OP)  # after the due date

    data = selectors.assignment_data(assignment)

    assert set(data.answers[student.pk]) == {sentences[1].pk}


def test_until_then_the_answers_are_live(assignment, student, sentences):
    tag(student, sentences[1], S)
    tag(student, sentences[1], OP)

    data = selectors.assignment_data(assignment)

    assert data.answers[student.pk][sentences[1].pk].label == OP
    assert not data.is_frozen(student.pk)


def test_a_student_hands_in_once_and_never_after_the_due_date(assignment, student, outsider):
    services.submit(assignment=assignment, student=student)
    with pytest.raises(Exception, match="already"):
        services.submit(assignment=assignment, student=student)
    with pytest.raises(Exception, match="Only the class"):
        services.submit(assignment=assignment, student=outsider)
    assignment.due_at = timezone.now() - timedelta(minutes=1)
    assignment.save()
    with pytest.raises(Exception, match="due date"):
        services.submit(assignment=assignment, student=assignment.classroom.students.last())


def test_the_key_is_the_teachers_tags_unless_a_consensus_was_promoted(
    assignment, teacher, student, other_student, sentences
):
    first, second = sentences[1], sentences[2]
    tag(teacher, first, U, note="A fact, no source.")
    tag(teacher, second, OP)
    for s in (student, other_student):
        tag(s, second, P)

    before = selectors.answer_key(assignment, sentences)
    promoted = services.promote_consensus(assignment=assignment, by=teacher)
    after = selectors.answer_key(assignment, sentences)

    assert (before[first.pk].label, before[first.pk].note) == (U, "A fact, no source.")
    assert before[second.pk].basis == "teacher"
    assert promoted.majority == 1
    assert (after[second.pk].label, after[second.pk].basis) == (P, "majority")
    assert after[first.pk].label == U  # no class answers there: the teacher's tag stays

    services.clear_promoted_key(assignment=assignment, by=teacher)
    assert selectors.answer_key(assignment, sentences)[second.pk].label == OP


def test_an_adjudicated_label_wins_over_the_majority_when_promoted(
    assignment, teacher, student, other_student, sentences
):
    s = sentences[4]
    tag(student, s, P)
    tag(other_student, s, P)
    adjudicate(sentence=s, label=S, cited_source="some experts", note="Attributed.", by=teacher)

    services.promote_consensus(assignment=assignment, by=teacher)
    entry = AnswerKeyEntry.objects.get(assignment=assignment, sentence=s)

    assert (entry.label, entry.basis, entry.cited_source, entry.note) == (
        S,
        "adjudicated",
        "some experts",
        "Attributed.",
    )


def test_only_the_teacher_promotes_the_key(assignment, editor, student):
    for user in (editor, student):
        with pytest.raises(Exception, match="teacher"):
            services.promote_consensus(assignment=assignment, by=user)


def test_feedback_compares_with_the_key_and_explains_each_difference(
    assignment, teacher, student, sentences
):
    experts = next(s for s in sentences if s.text.startswith("According to some experts"))
    may = next(s for s in sentences if " may " in s.text)
    tag(teacher, experts, S, cited_source="some experts")
    tag(teacher, may, P, note="A prediction.")
    tag(teacher, sentences[1], U)
    tag(student, experts, P)
    tag(student, may, OP)
    tag(student, sentences[1], U)

    result = results.feedback(selectors.assignment_data(assignment), student.pk)

    assert (result.keyed, result.answered, result.matches) == (3, 3, 1)
    assert result.percent == pytest.approx(1 / 3)
    by_sentence = {d.sentence.pk: d for d in result.differences}
    assert set(by_sentence) == {experts.pk, may.pk}
    assert "some experts" in by_sentence[experts.pk].cue
    assert "“may”" in by_sentence[may.pk].cue
    assert by_sentence[may.pk].key.note == "A prediction."
    # Confusion rows are the key's label, columns the student's.
    labels = results.LABELS
    assert result.confusion[labels.index(S)][labels.index(P)] == 1
    assert result.confusion[labels.index(U)][labels.index(U)] == 1
    recall = {s.label: s.recall for s in result.scores}
    assert recall[U] == 1.0 and recall[S] == 0.0


def test_an_unanswered_sentence_lowers_the_score_but_not_the_agreement(
    assignment, teacher, student, sentences
):
    tag(teacher, sentences[1], U)
    tag(teacher, sentences[2], OP)
    tag(student, sentences[1], U)

    result = results.feedback(selectors.assignment_data(assignment), student.pk)

    assert result.percent == 1.0
    assert result.score == 0.5
    assert result.unanswered == [sentences[2]]


def test_the_hardest_sentences_are_those_most_students_get_wrong(
    assignment, teacher, student, other_student, sentences
):
    easy, split, wrong = sentences[1], sentences[2], sentences[3]
    for s in (easy, split, wrong):
        tag(teacher, s, U)
    tag(student, easy, U)
    tag(other_student, easy, U)
    tag(student, split, U)
    tag(other_student, split, OP)
    tag(student, wrong, OP)
    tag(other_student, wrong, OP)

    figures = results.figures([selectors.assignment_data(assignment)])

    assert [h.sentence for h in figures.hardest] == [wrong, split]
    assert figures.hardest[0].miss_rate == 1.0


def test_class_figures_measure_agreement_among_the_students(
    assignment, student, other_student, sentences
):
    for s in sentences[1:6]:
        tag(student, s, U)
        tag(other_student, s, U)
    tag(student, sentences[6], OP)
    tag(other_student, sentences[6], S)

    among = results.figures([selectors.assignment_data(assignment)]).among

    assert among.units == 6
    assert among.percent == pytest.approx(5 / 6)
    assert among.alpha is not None and among.alpha < 1


def test_a_student_sees_only_classmates_who_have_handed_in(
    assignment, student, other_student, sentences
):
    tag(student, sentences[1], U)
    tag(other_student, sentences[1], OP)
    services.submit(assignment=assignment, student=student)

    figures = results.figures([selectors.assignment_data(assignment)], frozen_only=True)

    assert figures.students == 1


def test_the_gradebook_neutralises_formulas_in_cells(assignment, teacher, student, sentences):
    student.first_name = '=HYPERLINK("http://evil")'
    student.last_name = "x"
    student.email = "@evil@example.org"
    student.save()
    tag(teacher, sentences[1], U)
    tag(student, sentences[1], OP)

    response = gradebook_response([selectors.assignment_data(assignment)], filename="gradebook.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    row = next(r for r in rows if r[1] == "student1")

    assert rows[0][0] == "Assignment"
    assert row[2].startswith("'=HYPERLINK")
    assert row[3] == "'@evil@example.org"
    assert row[8] == "0.0"  # a number stays a number
    assert [safe_cell(v) for v in ("+1", "-1", "\tx", "\rx", "ok", -0.5)] == [
        "'+1",
        "'-1",
        "'\tx",
        "'\rx",
        "ok",
        -0.5,
    ]
