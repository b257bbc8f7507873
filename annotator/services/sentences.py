"""Corrections to sentences after import: a reviewer with the right knows better than
the section detector where the reader comments begin."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotator.models import Sentence
from core.text.sections import Section


@transaction.atomic
def correct_section(
    *, sentence: Sentence, section: str, by: AbstractBaseUser, through_end: bool = False
) -> int:
    """Set the section of `sentence` (and, with `through_end`, of every later sentence
    of its article, as when marking where reader comments begin).

    Returns how many sentences changed. Raises PermissionDenied for a user who may not
    change sentences and ValidationError for an unknown section."""
    if not by.has_perm("annotator.change_sentence"):
        raise PermissionDenied("You are not allowed to change sections.")
    if section not in Section.values:
        raise ValidationError(
            {"section": f"unknown section {section!r}; use one of {', '.join(Section.values)}"}
        )
    sentences = Sentence.objects.filter(article_id=sentence.article_id)
    if through_end:
        sentences = sentences.filter(position__gte=sentence.position)
    else:
        sentences = sentences.filter(pk=sentence.pk)
    return sentences.exclude(section=section).update(section=section)
