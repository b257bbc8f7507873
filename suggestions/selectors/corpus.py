"""The installation's own labelled claims, for training the suggester.

Only settled labels are read, never a student's live answer:
- adjudications (a teacher's or editor's final decision on a claim);
- answer key entries (labels a teacher promoted to an assignment's key);
- tags by teachers/editors and admins (an assignment's key is the teacher's own tags);
- students' answers only as handed in: each student's tags as they stood when they
  handed the assignment in (or at its due date), rebuilt from the tag history; a sentence
  counts when more than half of those answers agree.
A claim gets the first of these that gives it a label. Whole-sentence claims and spans
both count, each with its own text."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q

from annotator.models import Adjudication, ClaimTag, Sentence
from core.auth.roles import EDITORS
from suggestions.model import Example


def _text(sentence_text: str, sentence_start: int, start: int, end: int) -> str:
    return sentence_text[start - sentence_start : end - sentence_start]


def installation_examples() -> list[Example]:
    """The settled claims of this installation as labelled examples (see the module)."""
    from classroom.models import AnswerKeyEntry, Assignment, Submission
    from classroom.selectors.assignments import _tags_as_of, cutoff

    claims: dict[tuple[int, int, int], Example] = {}

    def put(sentence: Sentence, start: int, end: int, label: str, cited: str) -> None:
        claims.setdefault(
            (sentence.pk, start, end),
            Example(_text(sentence.text, sentence.start, start, end), label, cited),
        )

    for a in Adjudication.objects.select_related("sentence").order_by("pk"):
        put(a.sentence, a.start, a.end, a.label, a.cited_source)
    for k in AnswerKeyEntry.objects.select_related("sentence").order_by("pk"):
        put(k.sentence, k.sentence.start, k.sentence.end, k.label, k.cited_source)
    editors = get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name=EDITORS))
    for tag in (
        ClaimTag.objects.filter(reviewer__in=editors).select_related("sentence").order_by("pk")
    ):
        put(tag.sentence, tag.start, tag.end, tag.label, tag.cited_source)
    # Handed-in answers: frozen at each student's cutoff, read from the history.
    votes: dict[tuple[int, int, int], Counter] = defaultdict(Counter)
    cited: dict[tuple[int, int, int], str] = {}
    for assignment in Assignment.objects.prefetch_related("articles"):
        submissions = {s.student_id: s for s in Submission.objects.filter(assignment=assignment)}
        students = assignment.classroom.memberships.values_list("student_id", flat=True)
        cutoffs = {
            pk: when
            for pk in students
            if (when := cutoff(assignment, submissions.get(pk))) is not None
        }
        if not cutoffs:
            continue
        sentence_ids = list(
            Sentence.objects.filter(article__in=assignment.articles.all()).values_list(
                "pk", flat=True
            )
        )
        for by_sentence in _tags_as_of(cutoffs, sentence_ids).values():
            for sentence_id, tags in by_sentence.items():
                for tag in tags:
                    key = (sentence_id, tag.start, tag.end)
                    votes[key][tag.label] += 1
                    if tag.cited_source:
                        cited.setdefault(key, tag.cited_source)
    sentences = Sentence.objects.in_bulk({key[0] for key in votes})
    for key, counter in votes.items():
        label, count = counter.most_common(1)[0]
        if count * 2 > sum(counter.values()):
            put(
                sentences[key[0]],
                key[1],
                key[2],
                label,
                cited.get(key, "") if label == "sourced" else "",
            )
    return list(claims.values())
