"""Adjudicating claims: a teacher's or editor's final label for a claim the reviewers
disagree on. `annotator.stats.consensus.decide` then counts the adjudicated label for the
claim everywhere (outlet profiles, aggregated exports, class feedback)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from annotator.models import Adjudication, Sentence
from annotator.services.tagging import check_claim
from core.auth.roles import is_editor
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
    checked = check_claim(
        sentence=sentence,
        label=label,
        outlet=outlet,
        start=start,
        end=end,
        cited_source=cited_source,
        note=note,
    )
    with transaction.atomic():
        adjudication, _ = Adjudication.objects.update_or_create(
            sentence=sentence,
            start=checked.start,
            end=checked.end,
            defaults={
                "label": label,
                "outlet_id": checked.outlet_id,
                "cited_source": checked.cited_source,
                "note": checked.note,
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
