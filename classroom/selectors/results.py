"""Figures for the class pages, the feedback and the gradebook, computed from the data
`classroom.selectors.assignments.assignment_data` loads (no queries here).

- Progress: units a student has a value for, out of the assigned units.
- Feedback (one student against the key): over the units that have a key label, the
  share answered like the key (percent agreement, over the answered ones), Cohen's kappa,
  per-label precision and recall, the confusion matrix, and each differing sentence with
  the key's note and the cue that decides it. The gradebook's *score* is matches out of
  all keyed units (an unanswered unit counts as not matched there only).
- Class figures: agreement among the students (`annotator.stats.agreement.reliability`, each
  unit an assigned sentence of an assignment), the feedback figures pooled over the
  students, and the hardest sentences: ranked by the share of students whose label
  differs from the key, then by how evenly the students split (the entropy of their
  labels), then in reading order (assignment, article, sentence); sentences without a
  key label rank after those with one. The pages state this rule and show the split in
  words (`classroom.presenters.plain_words`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from annotator.models import Adjudication, Article, Label, Sentence
from annotator.selectors.suggestions import suggester
from annotator.stats.agreement import (
    LabelScore,
    Reliability,
    cohen_kappa,
    confusion_matrix,
    entropy,
    percent_agreement,
    precision_recall,
    reliability,
)
from classroom.selectors.assignments import Answer, AssignmentData
from classroom.selectors.cues import deciding_cue

LABELS: list[str] = list(Label.values)
LABEL_NAMES = dict(Label.choices)


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


# Progress -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleProgress:
    article: Article
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class StudentProgress:
    student: object
    pseudonym: str
    done: int
    total: int
    articles: list[ArticleProgress]
    submitted_at: object  # datetime | None
    frozen: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _articles(data: AssignmentData) -> list[tuple[Article, list[Sentence]]]:
    grouped: dict[int, tuple[Article, list[Sentence]]] = {}
    for sentence in data.units:
        grouped.setdefault(sentence.article_id, (sentence.article, []))[1].append(sentence)
    return list(grouped.values())


def progress(data: AssignmentData, student_id: int) -> StudentProgress:
    """One student's progress, in all and per article."""
    answered = data.answers.get(student_id, {})
    student = next(s for s in data.students if s.pk == student_id)
    per_article = [
        ArticleProgress(article, sum(s.pk in answered for s in sentences), len(sentences))
        for article, sentences in _articles(data)
    ]
    submission = data.submissions.get(student_id)
    return StudentProgress(
        student=student,
        pseudonym=data.pseudonyms[student_id],
        done=sum(p.done for p in per_article),
        total=len(data.units),
        articles=per_article,
        submitted_at=submission.submitted_at if submission else None,
        frozen=data.is_frozen(student_id),
    )


def class_progress(data: AssignmentData) -> list[StudentProgress]:
    return [progress(data, s.pk) for s in data.students]


def article_totals(data: AssignmentData) -> list[ArticleProgress]:
    """Per article: answered units summed over the students, out of units × students."""
    result = []
    for article, sentences in _articles(data):
        done = sum(
            s.pk in data.answers.get(student.pk, {}) for student in data.students for s in sentences
        )
        result.append(ArticleProgress(article, done, len(sentences) * len(data.students)))
    return result


# Feedback ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    sentence: Sentence
    answer: Answer
    key: Answer
    cue: str
    # The label suggester's label and its explanation, shown beside the key after
    # handing in (the suggestions app, through annotator.selectors.suggestions): what
    # in the wording points where.
    suggestion_label: str = ""
    suggestion: str = ""


@dataclass(frozen=True, slots=True)
class Feedback:
    keyed: int  # assigned units with a key label
    answered: int  # of those, the ones the student answered
    matches: int
    percent: float | None  # matches / answered
    score: float | None  # matches / keyed
    kappa: float | None
    scores: list[LabelScore]
    confusion: list[list[int]]
    differences: list[Difference]
    unanswered: list[Sentence]

    @property
    def confusion_rows(self) -> list[tuple[str, list[int]]]:
        return [
            (LABEL_NAMES[label], row) for label, row in zip(LABELS, self.confusion, strict=True)
        ]


def _rows(data: AssignmentData, student_id: int, sentences: Sequence[Sentence]):
    answered = data.answers.get(student_id, {})
    key = [data.key[s.pk].label if s.pk in data.key else None for s in sentences]
    given = [answered[s.pk].label if s.pk in answered else None for s in sentences]
    return key, given


@dataclass(frozen=True, slots=True)
class Score:
    """The gradebook's score: answers like the key, out of every keyed unit."""

    matches: int
    keyed: int

    @property
    def share(self) -> float | None:
        return self.matches / self.keyed if self.keyed else None


def score(data: AssignmentData, student_id: int) -> Score:
    """One student's score, as `feedback` counts it, without the rest of the feedback."""
    answered = data.answers.get(student_id, {})
    matches = sum(
        1 for pk, k in data.key.items() if pk in answered and answered[pk].label == k.label
    )
    return Score(matches, len(data.key))


def class_scores(datas: Sequence[AssignmentData]) -> dict[int, Score]:
    """Each student's score over several assignments: matches and keyed units summed."""
    totals: dict[int, Score] = {}
    for data in datas:
        for student in data.students:
            s = score(data, student.pk)
            before = totals.get(student.pk, Score(0, 0))
            totals[student.pk] = Score(before.matches + s.matches, before.keyed + s.keyed)
    return totals


def feedback(data: AssignmentData, student_id: int) -> Feedback:
    """One student's answers against the key."""
    keyed_units = [s for s in data.units if s.pk in data.key]
    answered = data.answers.get(student_id, {})
    key, given = _rows(data, student_id, keyed_units)
    matches = sum(1 for k, g in zip(key, given, strict=True) if g is not None and k == g)
    n_answered = sum(g is not None for g in given)
    differing = [
        s for s in keyed_units if s.pk in answered and answered[s.pk].label != data.key[s.pk].label
    ]
    suggested = (
        suggester().suggest([(s.pk, s.text, s.start) for s in differing]) if differing else []
    )
    differences = [
        Difference(
            sentence=s,
            answer=answered[s.pk],
            key=data.key[s.pk],
            cue=deciding_cue(
                text=s.text, label=data.key[s.pk].label, cited_source=data.key[s.pk].cited_source
            ),
            suggestion_label=suggestion.label,
            suggestion=suggestion.explanation,
        )
        for s, suggestion in zip(differing, suggested, strict=True)
    ]
    return Feedback(
        keyed=len(keyed_units),
        answered=n_answered,
        matches=matches,
        percent=matches / n_answered if n_answered else None,
        score=matches / len(keyed_units) if keyed_units else None,
        kappa=cohen_kappa(key, given),
        scores=precision_recall(key, given, LABELS),
        confusion=confusion_matrix(key, given, LABELS),
        differences=differences,
        unanswered=[s for s in keyed_units if s.pk not in answered],
    )


# Class figures ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hard:
    assignment_id: int
    sentence: Sentence
    key: Answer | None
    counts: Counter
    miss_rate: float | None  # share of answering students who differ from the key
    entropy: float

    @property
    def tally(self) -> list[tuple[str, int]]:
        """The labels given, most frequent first (a template cannot call a Counter's
        methods: it looks keys up first)."""
        return self.counts.most_common()


@dataclass(frozen=True, slots=True)
class AgreementFigures:
    """How far a class's students agree, among themselves and with the answer key."""

    students: int
    units: int
    among: Reliability  # agreement among the students
    percent: float | None  # mean over students of their agreement with the key
    kappa: float | None  # mean over students of their kappa with the key
    scores: list[LabelScore]  # pooled over the students
    confusion: list[list[int]]  # pooled over the students
    hardest: list[Hard]

    @property
    def confusion_rows(self) -> list[tuple[str, list[int]]]:
        return [
            (LABEL_NAMES[label], row) for label, row in zip(LABELS, self.confusion, strict=True)
        ]

    @property
    def per_label(self) -> list[tuple[str, Reliability | None]]:
        return [(LABEL_NAMES[label], self.among.per_label.get(label)) for label in LABELS]


def figures(
    datas: Sequence[AssignmentData],
    *,
    article: Article | None = None,
    frozen_only: bool = False,
    hardest: int = 10,
) -> AgreementFigures:
    """The class figures over one or more assignments of a class (optionally one
    article's units only; `frozen_only`: only students whose answers are final, which
    is all a student may see)."""
    columns = [
        (data, s)
        for data in datas
        for s in data.units
        if article is None or s.article_id == article.pk
    ]
    students = datas[0].students if datas else []
    if frozen_only:
        students = [s for s in students if all(d.is_frozen(s.pk) for d in datas)]
    rows = [
        [
            data.answers.get(student.pk, {}).get(s.pk).label
            if s.pk in data.answers.get(student.pk, {})
            else None
            for data, s in columns
        ]
        for student in students
    ]
    key = [data.key[s.pk].label if s.pk in data.key else None for data, s in columns]
    pooled_key = [k for _ in rows for k in key]
    pooled_given = [g for row in rows for g in row]
    hard = []
    for index, (data, sentence) in enumerate(columns):
        values = [row[index] for row in rows if row[index] is not None]
        if not values:
            continue
        k = data.key.get(sentence.pk)
        miss = sum(v != k.label for v in values) / len(values) if k else None
        spread = entropy(values)
        if (miss or 0) > 0 or spread > 0:
            hard.append(Hard(data.assignment.pk, sentence, k, Counter(values), miss, spread))
    # The rule the pages state: most differing from the key, then most evenly split,
    # then reading order (`columns` is in assignment, article and sentence order).
    hard.sort(key=lambda h: (h.miss_rate is None, -(h.miss_rate or 0), -h.entropy))
    return AgreementFigures(
        students=len(students),
        units=len(columns),
        among=reliability(rows, labels=LABELS),
        percent=_mean(percent_agreement(key, row) for row in rows),
        kappa=_mean(cohen_kappa(key, row) for row in rows),
        scores=precision_recall(pooled_key, pooled_given, LABELS),
        confusion=confusion_matrix(pooled_key, pooled_given, LABELS),
        hardest=hard[:hardest],
    )


# Disagreements --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    name: str
    answer: Answer | None
    outlet: str
    is_you: bool = False


@dataclass(frozen=True, slots=True)
class DisagreementRow:
    sentence: Sentence
    cells: list[Cell]
    key: Answer | None
    key_outlet: str
    adjudication: Adjudication | None
    counts: Counter
    entropy: float
    labels_for_picking: list[Answer]  # distinct answers, to adopt one as the final label
    # The sentence's comment thread: (author as the viewer sees them, Comment), oldest first.
    comments: list[tuple[str, object]] = field(default_factory=list)

    @property
    def disputed(self) -> bool:
        return len(self.counts) > 1


def disagreement_rows(
    sentences: Sequence[Sentence],
    *,
    coders: Sequence[tuple[int, str]],
    answers: Mapping[int, Mapping[int, Answer]],
    key: Mapping[int, Answer],
    adjudications: Mapping[int, Adjudication],
    outlets: Mapping[int, str],
    you: int | None = None,
    comments: Mapping[int, list[tuple[str, object]]] | None = None,
) -> list[DisagreementRow]:
    """One row per sentence with every coder's answer side by side, most disputed first
    (by the entropy of the labels, then by the number of labels, then reading order)."""
    rows = []
    for sentence in sentences:
        cells = [
            Cell(
                name=name,
                answer=(a := answers.get(coder_id, {}).get(sentence.pk)),
                outlet=outlets.get(a.outlet_id, "") if a else "",
                is_you=coder_id == you,
            )
            for coder_id, name in coders
        ]
        given = [c.answer for c in cells if c.answer is not None]
        distinct: dict[tuple, Answer] = {}
        for a in given:
            distinct.setdefault((a.label, a.outlet_id, a.cited_source), a)
        k = key.get(sentence.pk)
        rows.append(
            DisagreementRow(
                sentence=sentence,
                cells=cells,
                key=k,
                key_outlet=outlets.get(k.outlet_id, "") if k else "",
                adjudication=adjudications.get(sentence.pk),
                counts=Counter(a.label for a in given),
                entropy=entropy(a.label for a in given),
                labels_for_picking=list(distinct.values()),
                comments=(comments or {}).get(sentence.pk, []),
            )
        )
    rows.sort(
        key=lambda r: (-r.entropy, -len(r.counts), r.sentence.article_id, r.sentence.position)
    )
    return rows


def kappa(data: AssignmentData, student_id: int) -> float | None:
    """Cohen's kappa of one student's answers against the key (None when undefined)."""
    keyed_units = [s for s in data.units if s.pk in data.key]
    key, given = _rows(data, student_id, keyed_units)
    return cohen_kappa(key, given)
