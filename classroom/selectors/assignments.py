"""Reads behind the class pages and API: which sentences an assignment covers, each
student's answers, and the answer key.

Units. Each assigned sentence is one unit. Chosen sentences are the units exactly;
otherwise every headline and body sentence of the articles is, plus boilerplate and
reader comments when the assignment includes them (a byline names the author and makes
no claim).

A reviewer's value for a unit. Their whole-sentence tag's label. A sentence they tagged
only in spans counts by the strict majority of their span tags' labels (the project's
one rule, `annotator.stats.consensus.decide`); if those tie, the unit is missing for them, as
an untagged one is. Missing values are left out of the figures, never counted as wrong,
except in the gradebook's score (matches out of all keyed units).

Frozen answers. Once a student submits, their answers are their tags as they stood at
that moment, rebuilt from the tag history (`TagRevision`, replayed in each claim's
sequence order, `seq`), so editing tags afterwards,
with the key in view, changes nothing. After the due date the same holds for everyone
at the due date. Before either, the answers are the live tags (the teacher's progress).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Prefetch, Q, QuerySet

from annotator.models import Adjudication, Article, ClaimTag, Sentence, TagRevision
from annotator.stats.consensus import MAJORITY, decide
from classroom.models import (
    AnswerKeyEntry,
    Assignment,
    Classroom,
    Comment,
    Membership,
    Submission,
)
from core.text.sections import Section

CLAIM_SECTIONS = [Section.HEADLINE, Section.BODY]

KEY_FROM_TEACHER = "teacher"


@dataclass(frozen=True, slots=True)
class TagState:
    sentence_id: int
    start: int
    end: int
    label: str
    outlet_id: int
    cited_source: str
    note: str


@dataclass(frozen=True, slots=True)
class Answer:
    """One reviewer's value for one unit (or the key's, with its basis)."""

    label: str
    outlet_id: int
    cited_source: str = ""
    note: str = ""
    from_spans: bool = False
    basis: str = ""  # for the key: "teacher", "adjudicated" or "majority"


def classes_for(user: AbstractBaseUser) -> QuerySet[Classroom]:
    """The classes a user sees: all for an admin; those they teach or belong to."""
    classes = Classroom.objects.select_related("teacher").annotate(
        n_students=Count("memberships", distinct=True)
    )
    if user.is_superuser:
        return classes
    return classes.filter(Q(teacher=user) | Q(memberships__student=user)).distinct()


def members(classroom: Classroom) -> list[AbstractBaseUser]:
    """The class's students in the order they joined (the order of their pseudonyms)."""
    return [
        m.student
        for m in Membership.objects.filter(classroom=classroom)
        .select_related("student")
        .order_by("joined_at", "id")
    ]


def pseudonyms(students: Iterable[AbstractBaseUser]) -> dict[int, str]:
    """ "Student 1", "Student 2", … by order of joining: what students see of each other."""
    return {s.pk: f"Student {i}" for i, s in enumerate(students, start=1)}


def assignments_for(classroom: Classroom) -> QuerySet[Assignment]:
    return classroom.assignments.prefetch_related(
        Prefetch("articles", queryset=_articles_light())
    ).order_by("due_at", "id")


def _articles_light() -> QuerySet[Article]:
    return Article.objects.defer("text", "html").select_related("origin", "publisher")


def units(assignment: Assignment) -> list[Sentence]:
    """The assigned sentences, article by article in reading order."""
    chosen = Sentence.objects.filter(assignments=assignment)
    if chosen.exists():
        sentences = chosen
    else:
        sections = list(CLAIM_SECTIONS)
        if assignment.include_boilerplate:
            sections.append(Section.BOILERPLATE)
        if assignment.include_comments:
            sections.append(Section.COMMENT)
        sentences = Sentence.objects.filter(
            article__in=assignment.articles.all(), section__in=sections
        )
    return list(
        sentences.select_related("article", "article__origin")
        .defer("article__text", "article__html")
        .order_by("article_id", "position")
    )


def answer_of(sentence: Sentence, tags: Iterable[TagState]) -> Answer | None:
    """A reviewer's value for a sentence from their tags on it (see the module doc)."""
    tags = list(tags)
    for tag in tags:
        if (tag.start, tag.end) == (sentence.start, sentence.end):
            return Answer(tag.label, tag.outlet_id, tag.cited_source, tag.note)
    if not tags:
        return None
    decision = decide(Counter(tag.label for tag in tags))
    if decision.status != MAJORITY:
        return None
    tag = next(t for t in tags if t.label == decision.label)
    return Answer(tag.label, tag.outlet_id, tag.cited_source, tag.note, from_spans=True)


def _live_tags(reviewer_ids, sentence_ids) -> dict[int, dict[int, list[TagState]]]:
    found: dict[int, dict[int, list[TagState]]] = defaultdict(lambda: defaultdict(list))
    rows = ClaimTag.objects.filter(
        reviewer_id__in=reviewer_ids, sentence_id__in=sentence_ids
    ).values_list(
        "reviewer_id", "sentence_id", "start", "end", "label", "outlet_id", "cited_source", "note"
    )
    for reviewer_id, *state in rows:
        found[reviewer_id][state[0]].append(TagState(*state))
    return found


def _tags_as_of(cutoffs: dict[int, datetime], sentence_ids) -> dict[int, dict[int, list[TagState]]]:
    """Each reviewer's tags as they stood at their cutoff, from the tag history: each
    claim's revisions replayed in sequence order, up to the first made after the cutoff
    (timestamps only say where to stop; the order is the sequence's)."""
    found: dict[int, dict[int, list[TagState]]] = defaultdict(lambda: defaultdict(list))
    if not cutoffs:
        return found
    state: dict[tuple[int, int, int, int], TagState | None] = {}
    stopped: set[tuple[int, int, int, int]] = set()
    revisions = (
        TagRevision.objects.filter(
            reviewer_id__in=list(cutoffs),
            sentence_id__in=sentence_ids,
            changed_at__lte=max(cutoffs.values()),
        )
        .order_by("reviewer_id", "sentence_id", "start", "end", "seq")
        .values_list(
            "reviewer_id",
            "changed_at",
            "action",
            "sentence_id",
            "start",
            "end",
            "label",
            "outlet_id",
            "cited_source",
            "note",
        )
    )
    for reviewer_id, changed_at, action, *tag in revisions:
        claim = (reviewer_id, tag[0], tag[1], tag[2])
        if claim in stopped:
            continue
        if changed_at > cutoffs[reviewer_id]:
            stopped.add(claim)
            continue
        state[claim] = None if action == TagRevision.Action.DELETED else TagState(*tag)
    for (reviewer_id, sentence_id, _, _), tag in state.items():
        if tag is not None:
            found[reviewer_id][sentence_id].append(tag)
    return found


def cutoff(assignment: Assignment, submission: Submission | None, now=None) -> datetime | None:
    """When a student's answers were frozen: at submission, else at the due date once it
    has passed; None while they are still live."""
    if submission is not None:
        return min(submission.submitted_at, assignment.due_at)
    if assignment.is_past_due(now):
        return assignment.due_at
    return None


def answers(
    assignment: Assignment,
    sentences: list[Sentence],
    students: Iterable[AbstractBaseUser],
    submissions: dict[int, Submission],
    now=None,
) -> dict[int, dict[int, Answer]]:
    """Each student's answers (student id -> sentence id -> Answer), frozen or live."""
    students = list(students)
    sentence_ids = [s.pk for s in sentences]
    cutoffs = {
        s.pk: c
        for s in students
        if (c := cutoff(assignment, submissions.get(s.pk), now)) is not None
    }
    frozen = _tags_as_of(cutoffs, sentence_ids)
    live = _live_tags([s.pk for s in students if s.pk not in cutoffs], sentence_ids)
    result: dict[int, dict[int, Answer]] = {}
    for student in students:
        tags = (frozen if student.pk in cutoffs else live).get(student.pk, {})
        result[student.pk] = {
            sentence.pk: answer
            for sentence in sentences
            if (answer := answer_of(sentence, tags.get(sentence.pk, ()))) is not None
        }
    return result


def answer_key(assignment: Assignment, sentences: list[Sentence]) -> dict[int, Answer]:
    """The key (sentence id -> Answer): the teacher's own tags, where no consensus label
    has been promoted for the sentence (a promoted entry wins)."""
    teacher_id = assignment.classroom.teacher_id
    tags = _live_tags([teacher_id], [s.pk for s in sentences]).get(teacher_id, {})
    key = {}
    for sentence in sentences:
        answer = answer_of(sentence, tags.get(sentence.pk, ()))
        if answer is not None:
            key[sentence.pk] = Answer(
                answer.label,
                answer.outlet_id,
                answer.cited_source,
                answer.note,
                answer.from_spans,
                basis=KEY_FROM_TEACHER,
            )
    for entry in AnswerKeyEntry.objects.filter(
        assignment=assignment, sentence_id__in=[s.pk for s in sentences]
    ):
        key[entry.sentence_id] = Answer(
            entry.label, entry.outlet_id, entry.cited_source, entry.note, basis=entry.basis
        )
    return key


def adjudications(
    sentences: list[Sentence], *, classroom: Classroom | None = None
) -> dict[int, Adjudication]:
    """The whole-sentence adjudications of these sentences (sentence id -> adjudication).

    For a class, only those its teacher (or an admin) made: an editor adjudicating the
    same article for another class does not decide this class's consensus or key."""
    rows = Adjudication.objects.filter(
        sentence_id__in=[s.pk for s in sentences],
        start=F("sentence__start"),
        end=F("sentence__end"),
    )
    if classroom is not None:
        rows = rows.filter(
            Q(adjudicated_by_id=classroom.teacher_id) | Q(adjudicated_by__is_superuser=True)
        )
    return {a.sentence_id: a for a in rows.select_related("adjudicated_by")}


@dataclass
class AssignmentData:
    """Everything the pages of one assignment compute from: loaded once per request."""

    assignment: Assignment
    units: list[Sentence]
    students: list[AbstractBaseUser]
    pseudonyms: dict[int, str]
    submissions: dict[int, Submission]
    answers: dict[int, dict[int, Answer]]
    key: dict[int, Answer]
    adjudications: dict[int, Adjudication] = field(default_factory=dict)

    def is_frozen(self, student_id: int, now=None) -> bool:
        """True once the student's answers are final (submitted, or past due)."""
        return cutoff(self.assignment, self.submissions.get(student_id), now) is not None


def assignment_data(assignment: Assignment, now=None) -> AssignmentData:
    """Load an assignment's units, students, submissions, answers, key and adjudications."""
    sentences = units(assignment)
    students = members(assignment.classroom)
    submissions = {s.student_id: s for s in Submission.objects.filter(assignment=assignment)}
    return AssignmentData(
        assignment=assignment,
        units=sentences,
        students=students,
        pseudonyms=pseudonyms(students),
        submissions=submissions,
        answers=answers(assignment, sentences, students, submissions, now),
        key=answer_key(assignment, sentences),
        adjudications=adjudications(sentences, classroom=assignment.classroom),
    )


def reviewer_answers(sentences: list[Sentence]) -> tuple[list[AbstractBaseUser], dict]:
    """Every reviewer who tagged these sentences, with their live answers: the editors'
    view of an article's disagreements outside any class."""
    users = get_user_model()
    reviewer_ids = set(
        ClaimTag.objects.filter(sentence__in=sentences).values_list("reviewer_id", flat=True)
    )
    reviewers = list(users.objects.filter(pk__in=reviewer_ids).order_by("username"))
    tags = _live_tags(reviewer_ids, [s.pk for s in sentences])
    return reviewers, {
        r.pk: {
            s.pk: a
            for s in sentences
            if (a := answer_of(s, tags.get(r.pk, {}).get(s.pk, ()))) is not None
        }
        for r in reviewers
    }


@dataclass(frozen=True, slots=True)
class StudentStatus:
    """Where one student stands on one assignment."""

    assignment: Assignment
    done: int
    total: int
    submitted_at: datetime | None
    past_due: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def frozen(self) -> bool:
        """Handed in or past due: the answers are final and the feedback is open."""
        return self.submitted_at is not None or self.past_due


def student_status(assignment: Assignment, student: AbstractBaseUser) -> StudentStatus:
    sentences = units(assignment)
    submission = Submission.objects.filter(assignment=assignment, student=student).first()
    mine = answers(
        assignment, sentences, [student], {student.pk: submission} if submission else {}
    )[student.pk]
    return StudentStatus(
        assignment=assignment,
        done=len(mine),
        total=len(sentences),
        submitted_at=submission.submitted_at if submission else None,
        past_due=assignment.is_past_due(),
    )


def assignments_of(student: AbstractBaseUser) -> list[StudentStatus]:
    """A student's assignments in every class they belong to, soonest due first."""
    assignments = (
        Assignment.objects.filter(classroom__memberships__student=student)
        .select_related("classroom", "classroom__teacher")
        .order_by("due_at", "id")
    )
    return [student_status(a, student) for a in assignments]


def comments(
    assignment: Assignment, sentence_ids: Iterable[int], *, names: dict[int, str]
) -> dict[int, list[tuple[str, Comment]]]:
    """The comment threads of these sentences on this assignment (sentence id -> list of
    (author's name, comment), oldest first), in one query. `names` says how the viewer
    sees each author (real names for the teacher, pseudonyms for students); an author
    not in it (the teacher, an admin) shows by user name."""
    threads: dict[int, list[tuple[str, Comment]]] = defaultdict(list)
    rows = (
        Comment.objects.filter(assignment=assignment, sentence_id__in=list(sentence_ids))
        .select_related("author")
        .order_by("created_at", "id")
    )
    for comment in rows:
        name = names.get(comment.author_id) or comment.author.get_username()
        threads[comment.sentence_id].append((name, comment))
    return threads
