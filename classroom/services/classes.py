"""Writes for classes: every page, API view, admin action and command calls these, so
each rule is written once. Teachers (the Editors group) create classes and own them;
admins may act on any class; students join with a code or are added by their teacher."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotator.models import Article, Label, Sentence
from annotator.stats.consensus import ADJUDICATED, DISPUTED, MAJORITY, decide
from classroom.models import (
    Account,
    AnswerKeyEntry,
    Assignment,
    Classroom,
    Comment,
    JoinCode,
    Membership,
    Submission,
)
from classroom.permissions import require_manager, sees_results
from classroom.presenters.time_zones import check_time_zone
from classroom.selectors import assignments as selectors
from core.auth.roles import REVIEWERS, is_editor
from core.auth.usernames import validate_new_username
from core.text.cleaning import clean_text
from core.text.sections import UNTAGGABLE_SECTIONS

# No 0/O, 1/I/L: a code read aloud or from a projector is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_MAX_DAYS = 90


# Classes and join codes ----------------------------------------------------------------


def create_class(*, teacher: AbstractBaseUser, name: str, time_zone: str = "") -> Classroom:
    """Create a class owned by `teacher` (a teacher/editor or an admin); its times are
    shown in `time_zone` (an IANA name; empty: UTC)."""
    if not is_editor(teacher):
        raise PermissionDenied("Only teachers can create classes.")
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": "a class needs a name"})
    if len(name) > 200:
        raise ValidationError({"name": "at most 200 characters"})
    zone = check_time_zone(time_zone or "UTC")
    return Classroom.objects.create(teacher=teacher, name=name, time_zone=zone)


def set_time_zone(*, classroom: Classroom, by: AbstractBaseUser, time_zone: str) -> Classroom:
    """Show the class's due dates and hand-in times in `time_zone` (an IANA name);
    ValidationError naming `time_zone` for an unknown one."""
    require_manager(by, classroom)
    classroom.time_zone = check_time_zone(time_zone)
    classroom.save(update_fields=["time_zone"])
    return classroom


def normalize_code(raw: str) -> str:
    """A code as stored: upper case, without the spaces and dashes people type."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def create_join_code(*, classroom: Classroom, by: AbstractBaseUser, days: int = 14) -> JoinCode:
    """A new join code for the class, valid for `days` days (1 to 90)."""
    require_manager(by, classroom)
    if not 1 <= days <= CODE_MAX_DAYS:
        raise ValidationError({"days": f"a code is valid for 1 to {CODE_MAX_DAYS} days"})
    now = timezone.now()
    for _ in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return JoinCode.objects.create(
                    classroom=classroom,
                    code=code,
                    created_by=by,
                    created_at=now,
                    expires_at=now + timedelta(days=days),
                )
        except IntegrityError:
            continue  # the same code exists already: draw again
    raise RuntimeError("could not draw an unused join code")


def revoke_join_code(*, join_code: JoinCode, by: AbstractBaseUser) -> JoinCode:
    """Stop a code from working (idempotent)."""
    require_manager(by, join_code.classroom)
    if join_code.revoked_at is None:
        join_code.revoked_at = timezone.now()
        join_code.save(update_fields=["revoked_at"])
    return join_code


def active_code(raw: str) -> JoinCode:
    """The active join code typed as `raw`; ValidationError (the same message whether
    it does not exist, has expired or was revoked) otherwise."""
    code = normalize_code(raw)
    join_code = (
        JoinCode.objects.select_related("classroom").filter(code=code).first()
        if len(code) == CODE_LENGTH
        else None
    )
    if join_code is None or not join_code.is_active():
        raise ValidationError(
            {"code": "This join code is not valid: it may be mistyped, expired or revoked."}
        )
    return join_code


def ensure_reviewer(user: AbstractBaseUser) -> None:
    """Give an account with no role the reviewer role, so that it can tag."""
    if not user.is_superuser and not user.groups.exists():
        user.groups.add(Group.objects.get(name=REVIEWERS))


@transaction.atomic
def join_with_code(*, code: str, user: AbstractBaseUser) -> Membership:
    """Add a logged-in user to the class of an active code. Joining a class one already
    belongs to returns the existing membership; a teacher cannot join their own class."""
    join_code = active_code(code)
    classroom = join_code.classroom
    if classroom.teacher_id == user.pk:
        raise ValidationError({"code": "You teach this class; you cannot join it as a student."})
    membership, created = Membership.objects.get_or_create(
        classroom=classroom, student=user, defaults={"via": Membership.Via.CODE}
    )
    if created:
        JoinCode.objects.filter(pk=join_code.pk).update(uses=F("uses") + 1)
        ensure_reviewer(user)
    return membership


@transaction.atomic
def sign_up_with_code(
    *,
    code: str,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Create a reviewer account and make it a member of the code's class: the one way
    to get an account without an administrator. Saves nothing on any error."""
    join_code = active_code(code)
    users = get_user_model()
    username = validate_new_username(username)
    user = users(
        username=username,
        email=email,
        first_name=clean_text(first_name),
        last_name=clean_text(last_name),
    )
    user.full_clean(exclude=["password"])
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=REVIEWERS))
    # Its e-mail is what the visitor typed: a roster will not match it until verified.
    Account.objects.create(user=user, origin=Account.Origin.JOIN_PAGE)
    membership = Membership.objects.create(
        classroom=join_code.classroom, student=user, via=Membership.Via.CODE
    )
    JoinCode.objects.filter(pk=join_code.pk).update(uses=F("uses") + 1)
    return membership


def remove_student(
    *, classroom: Classroom, student: AbstractBaseUser, by: AbstractBaseUser
) -> None:
    """Take a student off the class (their account and tags stay)."""
    require_manager(by, classroom)
    Membership.objects.filter(classroom=classroom, student=student).delete()


# Assignments -----------------------------------------------------------------------------


def _check_assignment(title: str, due_at: datetime, articles: Sequence[Article]) -> str:
    title = clean_text(title)
    errors = {}
    if not title:
        errors["title"] = "an assignment needs a title"
    elif len(title) > 200:
        errors["title"] = "at most 200 characters"
    if not articles:
        errors["articles"] = "choose at least one article"
    if due_at is None or timezone.is_naive(due_at):
        errors["due_at"] = "give a due date and time"
    if errors:
        raise ValidationError(errors)
    return title


@transaction.atomic
def create_assignment(
    *,
    classroom: Classroom,
    by: AbstractBaseUser,
    title: str,
    due_at: datetime,
    articles: Sequence[Article],
    instructions: str = "",
    include_boilerplate: bool = False,
    include_comments: bool = False,
    hints: bool = False,
) -> Assignment:
    """Set the class an assignment on these articles (every sentence of them, until
    `choose_sentences` narrows it)."""
    require_manager(by, classroom)
    title = _check_assignment(title, due_at, articles)
    assignment = Assignment.objects.create(
        classroom=classroom,
        title=title,
        instructions=clean_text(instructions),
        due_at=due_at,
        include_boilerplate=include_boilerplate,
        include_comments=include_comments,
        hints=hints,
        created_by=by,
    )
    assignment.articles.set(articles)
    return assignment


@transaction.atomic
def update_assignment(
    *,
    assignment: Assignment,
    by: AbstractBaseUser,
    title: str,
    due_at: datetime,
    articles: Sequence[Article],
    instructions: str = "",
    include_boilerplate: bool = False,
    include_comments: bool = False,
    hints: bool = False,
) -> Assignment:
    """Change an assignment; chosen sentences of articles no longer in it are dropped."""
    require_manager(by, assignment.classroom)
    assignment.title = _check_assignment(title, due_at, articles)
    assignment.due_at = due_at
    assignment.instructions = clean_text(instructions)
    assignment.include_boilerplate = include_boilerplate
    assignment.include_comments = include_comments
    assignment.hints = hints
    assignment.save()
    assignment.articles.set(articles)
    assignment.sentences.remove(*assignment.sentences.exclude(article__in=[a.pk for a in articles]))
    return assignment


def choose_sentences(
    *, assignment: Assignment, by: AbstractBaseUser, sentences: Iterable[Sentence]
) -> None:
    """Narrow the assignment to these sentences of its articles (none: all of them)."""
    require_manager(by, assignment.classroom)
    sentences = list(sentences)
    article_ids = set(assignment.articles.values_list("pk", flat=True))
    if any(s.article_id not in article_ids for s in sentences):
        raise ValidationError(
            {"sentences": "a chosen sentence is not in the assignment's articles"}
        )
    if any(s.section in UNTAGGABLE_SECTIONS for s in sentences):
        raise ValidationError(
            {"sentences": "a byline or a credit line is not a claim: it cannot be assigned"}
        )
    assignment.sentences.set(sentences)


def submit(*, assignment: Assignment, student: AbstractBaseUser) -> Submission:
    """Hand in: the student's answers freeze as they stand now and the feedback opens.

    Only a member, only before the due date (after it, answers are frozen at the due
    date anyway), and once."""
    if not assignment.classroom.memberships.filter(student=student).exists():
        raise PermissionDenied("Only the class's students hand in its assignments.")
    now = timezone.now()
    if assignment.is_past_due(now):
        raise ValidationError("The due date has passed: your answers as they stood then count.")
    submission, created = Submission.objects.get_or_create(
        assignment=assignment, student=student, defaults={"submitted_at": now}
    )
    if not created:
        raise ValidationError("You have already handed this assignment in.")
    return submission


# Comments ----------------------------------------------------------------------------------

COMMENT_MAX_CHARS = 1000


def add_comment(
    *, assignment: Assignment, sentence: Sentence, author: AbstractBaseUser, body: str
) -> Comment:
    """Add a message to the sentence's thread on this assignment. PermissionDenied for
    anyone who does not see the others' answers yet (`sees_results`); ValidationError
    (naming `body` or `sentence`) for an empty or too long text or a sentence the
    assignment does not cover."""
    if not sees_results(author, assignment):
        raise PermissionDenied(
            "The teacher comments any time; students once they have handed the assignment in."
        )
    body = clean_text(body)
    if not body:
        raise ValidationError({"body": "write a comment (it was empty)"})
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationError(
            {"body": f"at most {COMMENT_MAX_CHARS} characters (this one has {len(body)})"}
        )
    if sentence.pk not in {s.pk for s in selectors.units(assignment)}:
        raise ValidationError({"sentence": "this sentence is not part of the assignment"})
    return Comment.objects.create(
        assignment=assignment, sentence=sentence, author=author, body=body
    )


# Answer key --------------------------------------------------------------------------------


def put_in_key(
    *,
    assignment: Assignment,
    sentence: Sentence,
    by: AbstractBaseUser,
    label: str,
    outlet_id: int,
    cited_source: str = "",
    note: str = "",
    basis: str = AnswerKeyEntry.Basis.ADJUDICATED,
) -> AnswerKeyEntry:
    """Make `label` the key for one assigned sentence (it wins over the teacher's tag)."""
    require_manager(by, assignment.classroom)
    if label not in Label.values:
        raise ValidationError({"label": f"unknown label {label!r}"})
    if sentence.pk not in {s.pk for s in selectors.units(assignment)}:
        raise ValidationError({"sentence": "the sentence is not part of this assignment"})
    return _save_key_entry(
        assignment=assignment,
        sentence=sentence,
        by=by,
        label=label,
        outlet_id=outlet_id,
        cited_source=cited_source,
        note=note,
        basis=basis,
    )


def _save_key_entry(*, assignment, sentence, by, label, outlet_id, cited_source, note, basis):
    entry, _ = AnswerKeyEntry.objects.update_or_create(
        assignment=assignment,
        sentence=sentence,
        defaults={
            "label": label,
            "outlet_id": outlet_id,
            "cited_source": cited_source if label == Label.SOURCED else "",
            "note": clean_text(note),
            "basis": basis,
            "promoted_by": by,
            "promoted_at": timezone.now(),
        },
    )
    return entry


@dataclass(frozen=True, slots=True)
class Promoted:
    adjudicated: int
    majority: int
    disputed: int


@transaction.atomic
def promote_consensus(*, assignment: Assignment, by: AbstractBaseUser) -> Promoted:
    """Make the consensus of each assigned sentence its key: the adjudicated label, else
    the strict majority of the class's answers (`annotator.stats.consensus.decide`). Disputed
    sentences keep whatever key they had. Returns how many of each there were."""
    require_manager(by, assignment.classroom)
    data = selectors.assignment_data(assignment)
    counts = Counter()
    for sentence in data.units:
        given = [a[sentence.pk] for a in data.answers.values() if sentence.pk in a]
        adjudication = data.adjudications.get(sentence.pk)
        decision = decide(
            Counter(a.label for a in given), adjudication.label if adjudication else None
        )
        counts[decision.status] += 1
        if decision.status == ADJUDICATED:
            _save_key_entry(
                assignment=assignment,
                sentence=sentence,
                by=by,
                label=adjudication.label,
                outlet_id=adjudication.outlet_id,
                cited_source=adjudication.cited_source,
                note=adjudication.note,
                basis=AnswerKeyEntry.Basis.ADJUDICATED,
            )
        elif decision.status == MAJORITY:
            model = next(a for a in given if a.label == decision.label)
            _save_key_entry(
                assignment=assignment,
                sentence=sentence,
                by=by,
                label=decision.label,
                outlet_id=model.outlet_id,
                cited_source=model.cited_source,
                note="",
                basis=AnswerKeyEntry.Basis.MAJORITY,
            )
    return Promoted(counts[ADJUDICATED], counts[MAJORITY], counts[DISPUTED])


def clear_promoted_key(*, assignment: Assignment, by: AbstractBaseUser) -> int:
    """Drop the promoted entries: the teacher's own tags are the key again."""
    require_manager(by, assignment.classroom)
    deleted, _ = assignment.key_entries.all().delete()
    return deleted
