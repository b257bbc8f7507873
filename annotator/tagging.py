"""Writing claim tags. Every path that tags (pages, API, admin, commands) calls these,
so the rules are written once: a reviewer writes only their own tags, a span lies
inside its sentence, and every change leaves a revision behind."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotator.models import ClaimTag, Label, Sentence, TagRevision
from sources.models import Outlet

NOTE_MAX_CHARS = 2000
TAGGED_FIELDS = ("label", "outlet_id", "cited_source", "note")


def _record(tag: ClaimTag, *, action: str, by: AbstractBaseUser) -> None:
    TagRevision.objects.create(
        tag=tag if action != TagRevision.Action.DELETED else None,
        sentence_id=tag.sentence_id,
        reviewer_id=tag.reviewer_id,
        changed_by=by,
        action=action,
        start=tag.start,
        end=tag.end,
        label=tag.label,
        outlet_id=tag.outlet_id,
        cited_source=tag.cited_source,
        note=tag.note,
    )


def tag_claim(
    *,
    sentence: Sentence,
    reviewer: AbstractBaseUser,
    label: str,
    outlet: Outlet | None = None,
    start: int | None = None,
    end: int | None = None,
    cited_source: str = "",
    note: str = "",
) -> ClaimTag:
    """Create or update `reviewer`'s tag on a claim and return it.

    The claim is the whole sentence, or the span `start`..`end` (article offsets) inside
    it. The outlet defaults to the article's origin. Tagging the same claim twice with
    the same values leaves one tag and one revision; a change adds a revision.
    Raises ValidationError for a bad label, span or field, PermissionDenied when the
    reviewer may not tag."""
    if not reviewer.has_perm("annotator.add_claimtag"):
        raise PermissionDenied("You are not allowed to tag claims.")
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

    values = {"label": label, "outlet_id": outlet_id, "cited_source": cited_source, "note": note}
    claim = {"sentence": sentence, "reviewer": reviewer, "start": start, "end": end}
    with transaction.atomic():
        tag = ClaimTag.objects.select_for_update().filter(**claim).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = ClaimTag.objects.create(**claim, **values)
            except IntegrityError:
                # Another request created the same claim's tag a moment ago: update it.
                tag = ClaimTag.objects.select_for_update().get(**claim)
            else:
                _record(tag, action=TagRevision.Action.CREATED, by=reviewer)
                return tag
        if all(getattr(tag, field) == value for field, value in values.items()):
            return tag
        for field, value in values.items():
            setattr(tag, field, value)
        tag.updated_at = timezone.now()
        tag.save(update_fields=[*values, "updated_at"])
        _record(tag, action=TagRevision.Action.UPDATED, by=reviewer)
    return tag


@transaction.atomic
def delete_tag(*, tag: ClaimTag, by: AbstractBaseUser) -> None:
    """Delete a tag; only its own reviewer may. Its history stays."""
    if tag.reviewer_id != by.pk:
        raise PermissionDenied("You can only delete your own tags.")
    _record(tag, action=TagRevision.Action.DELETED, by=by)
    tag.delete()
