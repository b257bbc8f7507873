"""What a username may be, checked in one place for every way an account is made: the
join page, a teacher's roster, the admin and `createsuperuser` (through the user model's
username validators, see AnnotatorConfig.ready).

A username is stored in Unicode normal form NFKC and compared without regard to case or
to look-alike characters: `Student1`, `studentl` and Cyrillic `аdmin` are refused while
`student1` and `admin` exist. Look-alikes are read from the Unicode confusables table
that the confusable_homoglyphs package ships, loaded on the first check: its tables take
~8 MB, which every server process would hold for the rare request that makes an account.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

#: The message for a name that is taken or looks like one that is: the same words for
#: both, so that the join page does not tell a visitor which names exist.
UNAVAILABLE = "This username is not available; choose another."


def normalize_username(raw: str) -> str:
    """The username as stored: NFKC (full-width letters become ASCII ones, and so on)."""
    return unicodedata.normalize("NFKC", raw)


def _confusables():
    """The confusables module, imported when first needed (see the module's docstring)."""
    from confusable_homoglyphs import confusables

    return confusables


@cache
def _prototype(ch: str) -> str:
    """One character standing for every character that looks like `ch`: the smallest of
    the look-alikes reachable from it in the confusables table."""
    seen, todo = {ch}, [ch]
    while todo and len(seen) < 64:
        for glyph in _confusables().confusables_data.get(todo.pop(), ()):
            other = glyph["c"]
            if len(other) == 1 and other not in seen:
                seen.add(other)
                todo.append(other)
    return min(seen)


def skeletons(name: str) -> frozenset[str]:
    """Keys under which names that read the same compare equal: each character replaced
    by its look-alike prototype, after case folding (`Student1` and `student1`) and before
    it (capital `I` looks like `l`, small `i` does not)."""
    normal = normalize_username(name)
    folded = normalize_username(normal.casefold())
    return frozenset(
        {"".join(_prototype(ch) for ch in folded), "".join(_prototype(ch) for ch in normal)}
    )


def username_problem(name: str) -> str | None:
    """Why `name` cannot be a username on its own (without looking at other accounts):
    empty, a path separator, only dots, a control or invisible character, a mix of
    scripts that imitates another name. None when it is fine."""
    if not name:
        return "A username cannot be empty."
    if any(sep in name for sep in "/\\"):
        return "A username cannot contain / or \\."
    if not name.strip("."):
        return "A username cannot be made of dots only."
    if any(unicodedata.category(ch)[0] in "CZ" for ch in name):
        return "A username cannot contain spaces, control or invisible characters."
    if _confusables().is_dangerous(name):
        return "A username cannot mix letters of different scripts that look alike."
    return None


def clashing_username(name: str, *, exclude_pk: object = None) -> str | None:
    """An existing account's username that `name` reads as (the same letters in another
    case, or look-alikes), or None."""
    users = get_user_model().objects.all()
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    keys = skeletons(name)
    # Every account's name is compared: the skeletons are not stored, and a class-sized
    # site has few enough accounts for this to cost milliseconds.
    for existing in users.values_list("username", flat=True).iterator():
        if keys & skeletons(existing):
            return existing
    return None


@deconstructible
class UsernameValidator:
    """The user model's username validator (added in AnnotatorConfig.ready, so that the
    join page, the admin's forms and `createsuperuser` all run it): username_problem's
    rules, and no look-alike of another account's name. The exact same name is left to
    the field's unique check, so that an account can be saved under its own name."""

    def __call__(self, value: str) -> None:
        problem = username_problem(value)
        if problem:
            raise ValidationError(problem, code="invalid_username")
        clash = clashing_username(value)
        if clash is not None and clash != value:
            raise ValidationError(UNAVAILABLE, code="unavailable_username")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UsernameValidator)


def validate_new_username(name: str, *, exclude_pk: object = None) -> str:
    """Check a username for a new (or renamed) account and return it normalised;
    ValidationError under "username" when it breaks a rule or reads as an existing one."""
    name = normalize_username(name)
    problem = username_problem(name)
    if problem:
        raise ValidationError({"username": ValidationError(problem, code="invalid_username")})
    if clashing_username(name, exclude_pk=exclude_pk) is not None:
        raise ValidationError(
            {"username": ValidationError(UNAVAILABLE, code="unavailable_username")}
        )
    return name
