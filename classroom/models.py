"""Classes, their students, join codes, assignments, submissions and answer keys.

A class belongs to its teacher. Students join with a join code (or the teacher adds
them); an assignment is a set of articles (or chosen sentences of them) with a due date;
its answer key is the teacher's own tags on those sentences, where the teacher has not
promoted a consensus label instead (`AnswerKeyEntry`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from annotator.models import Article, Label, Sentence
from sources.models import Outlet


class Classroom(models.Model):
    name = models.CharField(max_length=200)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classes_taught"
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="classes", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # An IANA name ("Europe/Berlin"): due dates and hand-in times on the class's pages
    # and in its gradebook are in this zone. The class form fills it from the browser.
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "class"
        verbose_name_plural = "classes"
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="classroom_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Via(models.TextChoices):
        CODE = "code", "Join code"
        ROSTER = "roster", "Added by the teacher"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["classroom", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="one_membership_per_student_and_class"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class Account(models.Model):
    """How an account came to be, for the accounts made without an administrator.

    An account made at the join page carries an e-mail address that its maker typed and
    nobody checked: a roster lists students by e-mail, and such an account is matched to
    a roster row only once its address is verified (an admin ticks `email_verified`).
    Accounts with no Account row were made by an administrator or a command."""

    class Origin(models.TextChoices):
        JOIN_PAGE = "join_page", "Signed up at the join page"
        ROSTER = "roster", "Added by a teacher"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="account"
    )
    origin = models.CharField(max_length=20, choices=Origin.choices)
    email_verified = models.BooleanField(
        default=False, help_text="The e-mail address is known to be the account owner's."
    )

    class Meta:
        ordering = ["user"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin__in=["join_page", "roster"]), name="account_origin_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_origin_display()})"

    @property
    def email_trusted(self) -> bool:
        """Whether a teacher's roster may match this account by its e-mail address."""
        return self.origin != self.Origin.JOIN_PAGE or self.email_verified


class JoinCode(models.Model):
    """A short code that lets a student sign up for (or join) a class until it expires
    or is revoked."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="join_codes")
    code = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0, help_text="Students who joined with it.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="join_code_expires_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def is_active(self, now=None) -> bool:
        """True while the code lets students join: not revoked and not expired."""
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at

    @property
    def display(self) -> str:
        """The code as printed for a class: two groups of four."""
        return f"{self.code[:4]}-{self.code[4:]}"


class Assignment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    due_at = models.DateTimeField()
    articles = models.ManyToManyField(Article, related_name="assignments")
    # When empty, every claim-bearing sentence of the articles is assigned.
    sentences = models.ManyToManyField(
        Sentence,
        related_name="assignments",
        blank=True,
        help_text="Chosen sentences; none means every sentence of the articles.",
    )
    include_boilerplate = models.BooleanField(default=False)
    include_comments = models.BooleanField(default=False)
    hints = models.BooleanField(
        default=False,
        help_text="Show label suggestions to students before they hand in.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="assignment_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_past_due(self, now=None) -> bool:
        return (now or timezone.now()) >= self.due_at


class Submission(models.Model):
    """A student's "I am done": from then on their answers are their tags as they stood
    at `submitted_at` (rebuilt from the tag history), and they see their feedback."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="one_submission_per_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} submitted {self.assignment}"


class AnswerKeyEntry(models.Model):
    """A label the teacher promoted to the key for one assigned sentence (a consensus:
    adjudicated, or the students' majority). It wins over the teacher's own tag."""

    class Basis(models.TextChoices):
        ADJUDICATED = "adjudicated", "Adjudicated"
        MAJORITY = "majority", "Majority of the class"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="key_entries")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=20, choices=Label.choices)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    cited_source = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    promoted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "sentence"]
        verbose_name = "answer key entry"
        verbose_name_plural = "answer key entries"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "sentence"], name="one_key_entry_per_sentence"
            ),
            models.CheckConstraint(
                condition=Q(label__in=Label.values), name="key_entry_label_valid"
            ),
            models.CheckConstraint(
                condition=Q(label=Label.SOURCED) | Q(cited_source=""),
                name="key_entry_cited_source_only_when_sourced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (key) on sentence {self.sentence_id}"


class Comment(models.Model):
    """One message in a sentence's thread on an assignment's disagreement view: the
    teacher's, or a student's once their answers are final (handed in or past due).
    Plain text, cleaned when written and escaped when shown."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="comments")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "sentence", "created_at", "id"]
        indexes = [models.Index(fields=["assignment", "sentence"])]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on sentence {self.sentence_id}"
