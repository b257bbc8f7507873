"""Adjudicating claims: a teacher's or editor's final label for a claim the reviewers
disagree on. `annotator.consensus.decide` then counts the adjudicated label for the
claim everywhere (outlet profiles, aggregated exports, class feedback)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotator.models import Adjudication, Label, Sentence
from annotator.roles import is_editor
from annotator.tagging import NOTE_MAX_CHARS
from sources.models import Outlet


def adjudicate(
    *,
    sentence: Sentence,
    label: str,
    by: AbstractBaseUser,
    start: int | None = None,
    end: int | None = None,
    outlet: Outlet | None = None,
    cited_source: str = "",
    note: str = "",
) -> Adjudication:
    """Set the final label of a claim (the whole sentence, or the span `start`..`end` in
    article offsets) and return the adjudication; adjudicating it again replaces it.

    Teachers/editors and admins only (PermissionDenied otherwise). The outlet defaults to
    the article's origin. Raises ValidationError, saving nothing, for a bad label, span,
    cited source or note."""
    if not is_editor(by):
        raise PermissionDenied("Only teachers, editors and admins can adjudicate claims.")
    if label not in Label.values:
        raise ValidationError(
            {"label": f"unknown label {label!r}; use one of {', '.join(Label.values)}"}
        )
    start = sentence.start if start is None else start
    end = sentence.end if end is None else end
    if not sentence.start <= start < end <= sentence.end:
        raise ValidationError(
            {
                "span": f"span {start}..{end} must be non-empty and inside the sentence "
                f"({sentence.start}..{sentence.end})"
            }
        )
    cited_source = cited_source.strip()
    if cited_source and label != Label.SOURCED:
        raise ValidationError({"cited_source": "only a sourced claim has a cited source"})
    if len(cited_source) > 300:
        raise ValidationError({"cited_source": "at most 300 characters"})
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": f"at most {NOTE_MAX_CHARS} characters"})
    if outlet is None:
        article = sentence.article
        outlet_id = article.origin_id or article.publisher_id
        if outlet_id is None:
            raise ValidationError({"outlet": "the article has no outlet; choose one"})
    else:
        outlet_id = outlet.pk

    with transaction.atomic():
        adjudication, _ = Adjudication.objects.update_or_create(
            sentence=sentence,
            start=start,
            end=end,
            defaults={
                "label": label,
                "outlet_id": outlet_id,
                "cited_source": cited_source,
                "note": note,
                "adjudicated_by": by,
                "adjudicated_at": timezone.now(),
            },
        )
    return adjudication


def withdraw_adjudication(*, adjudication: Adjudication, by: AbstractBaseUser) -> None:
    """Remove an adjudication, so that the reviewers' majority counts again (teachers/
    editors and admins only)."""
    if not is_editor(by):
        raise PermissionDenied("Only teachers, editors and admins can adjudicate claims.")
    adjudication.delete()
