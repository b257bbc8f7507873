"""Adding students from a roster: a CSV file of names and e-mails, or one student typed
in. All or nothing: a roster with any bad row saves nothing and lists every problem."""

from __future__ import annotations

import csv
import io
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from classroom.models import Account, Classroom, Membership
from classroom.permissions import require_manager
from classroom.services.classes import ensure_reviewer
from core.auth.roles import REVIEWERS
from core.auth.usernames import skeletons, username_problem
from core.text.cleaning import clean_text

ROSTER_MAX_BYTES = 1024 * 1024
ROSTER_MAX_ROWS = 1000


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int  # line in the file (the header is line 1)
    name: str
    email: str


@dataclass
class RosterResult:
    created: list[tuple[AbstractBaseUser, str]] = field(default_factory=list)  # with password
    added: list[AbstractBaseUser] = field(default_factory=list)
    already: list[AbstractBaseUser] = field(default_factory=list)
    # (row, account): an account with the row's e-mail that was not matched, because it
    # was made at the join page and its e-mail is not verified; the teacher decides.
    conflicts: list[tuple[RosterRow, AbstractBaseUser]] = field(default_factory=list)


class RosterError(Exception):
    """A roster with errors; nothing of it was saved. `errors` is a list of
    (line, message), line 0 for the file as a whole."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {message}" for line, message in errors))
        self.errors = errors


def _unreadable(reader, exc: csv.Error) -> RosterError:
    """The csv module's error as a roster error on its line (a cell over the csv
    module's field size limit, or a NUL byte)."""
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        message = f"a cell is longer than {limit:,} characters (name and email are short)"
    else:
        message = f"the file is not readable as CSV ({exc})"
    return RosterError([(reader.line_num, message)])


def parse_roster(data: bytes) -> list[RosterRow]:
    """Read a CSV roster: a header row naming a `name` and an `email` (or `e-mail`)
    column, then one student a row. RosterError lists every problem found."""
    if len(data) > ROSTER_MAX_BYTES:
        raise RosterError([(0, f"the file is larger than {ROSTER_MAX_BYTES // 1024} KB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError([(0, "the file is not UTF-8 text (save it as CSV UTF-8)")]) from None
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    if not header:
        raise RosterError([(0, "the file is empty")])
    columns = [h.strip().lower().replace("-", "").replace(" ", "") for h in header]
    if "name" not in columns or "email" not in columns:
        raise RosterError([(1, "the header row must name the columns 'name' and 'email'")])
    name_at, email_at = columns.index("name"), columns.index("email")
    rows, errors = [], []
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    for line, cells in enumerate(lines, start=2):
        if not any(c.strip() for c in cells):
            continue
        name = clean_text(cells[name_at]) if name_at < len(cells) else ""
        email = cells[email_at].strip() if email_at < len(cells) else ""
        rows.append(RosterRow(line=line, name=name, email=email))
    if len(rows) > ROSTER_MAX_ROWS:
        errors.append((0, f"at most {ROSTER_MAX_ROWS} students at a time"))
    if not rows and not errors:
        errors.append((0, "the file lists no students"))
    if errors:
        raise RosterError(errors)
    return rows


def _username_for(email: str, taken: set[str]) -> str:
    """A username from the e-mail's local part that reads as no name in `taken` (the
    skeletons of the names in use), which it joins."""
    base = slugify(email.split("@")[0]).replace("-", ".").strip(".")[:30] or "student"
    candidate, n = base, 1
    while skeletons(candidate) & taken or username_problem(candidate):
        n += 1
        candidate = f"{base}{n}"
    taken.update(skeletons(candidate))
    return candidate


@transaction.atomic
def add_students(
    *, classroom: Classroom, by: AbstractBaseUser, rows: Sequence[RosterRow]
) -> RosterResult:
    """Add the listed students to the class, all or nothing.

    A row whose e-mail (in any case) belongs to an existing account made by an
    administrator or a teacher, or whose e-mail is verified, adds that account. An
    account made at the join page with an unverified e-mail is never matched: anyone can
    type someone else's address there. It is reported in `conflicts`, and the row gets a
    new account like any other row: a reviewer account (username from the e-mail, a new
    random password, returned once so that the teacher can hand it out). RosterError
    lists every bad row (empty name, bad e-mail, an e-mail twice, an e-mail shared by
    several accounts, the teacher's own) and nothing is saved."""
    require_manager(by, classroom)
    users = get_user_model()
    errors: list[tuple[int, str]] = []
    seen = Counter(row.email.lower() for row in rows)
    existing: dict[str, list[AbstractBaseUser]] = {}
    untrusted: dict[str, list[AbstractBaseUser]] = {}
    emails = Q()
    for row in rows:
        if row.email:
            emails |= Q(email__iexact=row.email)
    candidates = users.objects.filter(emails).select_related("account") if emails else []
    for user in candidates:
        account = getattr(user, "account", None)
        trusted = account is None or account.email_trusted
        (existing if trusted else untrusted).setdefault(user.email.lower(), []).append(user)
    for row in rows:
        if not row.name:
            errors.append((row.line, "the name is empty"))
        if len(row.name) > 150:
            errors.append((row.line, "the name is longer than 150 characters"))
        try:
            validate_email(row.email)
        except ValidationError:
            errors.append((row.line, f"{row.email!r} is not an e-mail address"))
            continue
        if seen[row.email.lower()] > 1:
            errors.append((row.line, f"{row.email} is listed more than once"))
        matches = existing.get(row.email.lower(), [])
        if len(matches) > 1:
            errors.append((row.line, f"several accounts have the e-mail {row.email}"))
        elif matches and matches[0].pk == classroom.teacher_id:
            errors.append((row.line, f"{row.email} is the teacher's own account"))
    if errors:
        raise RosterError(errors)

    result = RosterResult()
    for row in rows:
        for user in untrusted.get(row.email.lower(), []):
            result.conflicts.append((row, user))
    members = set(classroom.memberships.values_list("student_id", flat=True))
    taken = {k for u in users.objects.values_list("username", flat=True) for k in skeletons(u)}
    reviewers = Group.objects.get(name=REVIEWERS)
    for row in rows:
        matches = existing.get(row.email.lower(), [])
        if matches:
            user = matches[0]
            if user.pk in members:
                result.already.append(user)
                continue
            ensure_reviewer(user)
            result.added.append(user)
        else:
            first, _, last = row.name.partition(" ")
            password = secrets.token_urlsafe(9)
            user = users(
                username=_username_for(row.email, taken),
                email=row.email,
                first_name=first[:150],
                last_name=last[:150],
            )
            user.set_password(password)
            user.save()
            user.groups.add(reviewers)
            Account.objects.create(user=user, origin=Account.Origin.ROSTER)
            result.created.append((user, password))
        Membership.objects.create(classroom=classroom, student=user, via=Membership.Via.ROSTER)
        members.add(user.pk)
    return result
