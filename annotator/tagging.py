"""Writing claim tags. Every path that tags (pages, API, admin, commands) calls these,
so the rules are written once: a reviewer writes only their own tags, a span lies
inside its sentence, and every change leaves a revision behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from annotator.cleaning import clean_text
from annotator.models import ClaimTag, Label, Sentence, TagRevision
from annotator.rows import loaded
from sources.models import Outlet

NOTE_MAX_CHARS = 2000


# Tagging is the request reviewers make all day, from the pages and the API, so its
# write is SQL written out here rather than built by the ORM on each call (building the
# statements took most of a request's time). The tag is written with an upsert, INSERT
# ... ON CONFLICT DO UPDATE ... RETURNING, which PostgreSQL and SQLite (3.35+) both run;
# the conflict target is the one_tag_per_reviewer_per_claim constraint, and a tag that
# is already so is left alone (no row comes back, no revision is written).
_UPSERT = """
INSERT INTO "annotator_claimtag" AS "tag"
    ("sentence_id", "reviewer_id", "start", "end",
     "label", "outlet_id", "cited_source", "note", "created_at", "updated_at")
VALUES (%(sentence)s, %(reviewer)s, %(start)s, %(end)s,
    %(label)s, %(outlet)s, %(cited_source)s, %(note)s, %(now)s, %(now)s)
ON CONFLICT ("reviewer_id", "sentence_id", "start", "end") DO UPDATE SET
    "label" = "excluded"."label",
    "outlet_id" = "excluded"."outlet_id",
    "cited_source" = "excluded"."cited_source",
    "note" = "excluded"."note",
    "updated_at" = "excluded"."updated_at"
WHERE "tag"."label" <> "excluded"."label"
    OR "tag"."outlet_id" <> "excluded"."outlet_id"
    OR "tag"."cited_source" <> "excluded"."cited_source"
    OR "tag"."note" <> "excluded"."note"
RETURNING "id", "created_at"
"""
# The revision of what was written. A new row carries the timestamp just sent as its
# creation time; an updated one keeps its own.
_REVISION = """
INSERT INTO "annotator_tagrevision"
    ("tag_id", "sentence_id", "reviewer_id", "changed_by_id", "action",
     "start", "end", "label", "outlet_id", "cited_source", "note", "changed_at")
SELECT "written"."id", %(sentence)s, %(reviewer)s, %(reviewer)s,
    CASE WHEN "written"."created_at" = %(now)s THEN 'created' ELSE 'updated' END,
    %(start)s, %(end)s, %(label)s, %(outlet)s, %(cited_source)s, %(note)s, %(now)s
FROM {written} AS "written"
"""
# PostgreSQL runs both as one statement (a data-modifying WITH): atomic on its own, and
# one round trip instead of four with BEGIN and COMMIT. SQLite runs them one after the
# other in a transaction, the revision reading the tag back by its claim.
_UPSERT_AND_RECORD = f"""
WITH "written" AS ({_UPSERT}), "recorded" AS ({_REVISION.format(written='"written"')})
SELECT "id", "created_at" FROM "written"
"""
_RECORD_AFTER_UPSERT = _REVISION.format(
    written="""(SELECT "id", "created_at" FROM "annotator_claimtag" WHERE "reviewer_id" =
    %(reviewer)s AND "sentence_id" = %(sentence)s AND "start" = %(start)s AND "end" = %(end)s)"""
)
_EXISTING = """
SELECT "id", "created_at", "updated_at" FROM "annotator_claimtag"
WHERE "reviewer_id" = %(reviewer)s AND "sentence_id" = %(sentence)s
    AND "start" = %(start)s AND "end" = %(end)s
"""


def _write(connection: BaseDatabaseWrapper, params: dict[str, object]) -> tuple | None:
    """Upsert the tag and record its revision; the tag's (id, created_at) as stored, or
    None when it was already so (nothing written)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_UPSERT_AND_RECORD, params)
            return cursor.fetchone()
        with transaction.atomic(using=connection.alias):
            cursor.execute(_UPSERT, params)
            written = cursor.fetchone()
            if written is not None:
                cursor.execute(_RECORD_AFTER_UPSERT, params)
            return written


def _datetime(connection: BaseDatabaseWrapper, value: object) -> datetime:
    """A datetime column as the ORM would read it (SQLite returns text)."""
    column = ClaimTag._meta.get_field("created_at").get_col(ClaimTag._meta.db_table)
    for convert in connection.ops.get_db_converters(column):
        value = convert(value, column, connection)
    return value  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class CheckedClaim:
    """A claim's values after `check_claim`: span resolved, outlet defaulted, text trimmed."""

    start: int
    end: int
    outlet_id: int
    cited_source: str
    note: str


def check_claim(
    *,
    sentence: Sentence,
    label: str,
    outlet: Outlet | None,
    start: int | None,
    end: int | None,
    cited_source: str,
    note: str,
) -> CheckedClaim:
    """The rules every judgement of a claim follows, a reviewer's tag or a teacher's
    adjudication: a known label, a non-empty span inside the sentence (the whole
    sentence by default), a cited source only on a sourced claim, bounded texts, and the
    article's origin as the outlet unless another is given. Raises ValidationError
    naming the field."""
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
    cited_source = clean_text(cited_source)
    if cited_source and label != Label.SOURCED:
        raise ValidationError({"cited_source": "only a sourced claim has a cited source"})
    if len(cited_source) > 300:
        raise ValidationError({"cited_source": "at most 300 characters"})
    note = clean_text(note)
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": f"at most {NOTE_MAX_CHARS} characters"})
    if outlet is None:
        article = sentence.article
        outlet_id = article.origin_id or article.publisher_id
        if outlet_id is None:
            raise ValidationError({"outlet": "the article has no outlet; choose one"})
    else:
        outlet_id = outlet.pk
    return CheckedClaim(start, end, outlet_id, cited_source, note)


@dataclass(frozen=True, slots=True)
class Tagged:
    """What `save_tag` did: the tag, whether it is new, and whether anything changed
    (a created or updated tag has a new revision; an unchanged one does not)."""

    tag: ClaimTag
    created: bool
    changed: bool


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
    return save_tag(
        sentence=sentence,
        reviewer=reviewer,
        label=label,
        outlet=outlet,
        start=start,
        end=end,
        cited_source=cited_source,
        note=note,
    ).tag


def save_tag(
    *,
    sentence: Sentence,
    reviewer: AbstractBaseUser,
    label: str,
    outlet: Outlet | None = None,
    start: int | None = None,
    end: int | None = None,
    cited_source: str = "",
    note: str = "",
) -> Tagged:
    """`tag_claim`, also saying whether the tag was created or changed (the API answers
    201 for a new tag and 200 otherwise). Same rules, same errors."""
    if not reviewer.has_perm("annotator.add_claimtag"):
        raise PermissionDenied("You are not allowed to tag claims.")
    checked = check_claim(
        sentence=sentence,
        label=label,
        outlet=outlet,
        start=start,
        end=end,
        cited_source=cited_source,
        note=note,
    )
    connection = connections[router.db_for_write(ClaimTag)]
    now = timezone.now()
    params = {
        "sentence": sentence.pk,
        "reviewer": reviewer.pk,
        "start": checked.start,
        "end": checked.end,
        "label": label,
        "outlet": checked.outlet_id,
        "cited_source": checked.cited_source,
        "note": checked.note,
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    while True:
        written = _write(connection, params)
        if written is not None:
            pk, created_at = written
            updated_at = now
            break
        with connection.cursor() as cursor:
            cursor.execute(_EXISTING, params)
            existing = cursor.fetchone()
        if existing is not None:
            pk, created_at, updated_at = existing
            updated_at = _datetime(connection, updated_at)
            break
        # Deleted between the two statements (by a request of the same reviewer): write
        # it again, as if this request had come second.
    created_at = _datetime(connection, created_at)
    tag = loaded(
        ClaimTag,
        {
            "id": pk,
            "sentence_id": sentence.pk,
            "reviewer_id": reviewer.pk,
            "start": checked.start,
            "end": checked.end,
            "label": label,
            "outlet_id": checked.outlet_id,
            "cited_source": checked.cited_source,
            "note": checked.note,
            "created_at": created_at,
            "updated_at": updated_at,
        },
    )
    tag.sentence, tag.reviewer = sentence, reviewer
    return Tagged(
        tag, created=written is not None and created_at == now, changed=written is not None
    )


def update_tag(
    *,
    tag: ClaimTag,
    by: AbstractBaseUser,
    label: str,
    outlet: Outlet | None = None,
    cited_source: str = "",
    note: str = "",
) -> Tagged:
    """Change the label, outlet, cited source or note of an existing tag; only its own
    reviewer may (PermissionDenied otherwise). The claim (sentence and span) stays."""
    if tag.reviewer_id != by.pk:
        raise PermissionDenied("You can only change your own tags.")
    return save_tag(
        sentence=tag.sentence,
        reviewer=by,
        label=label,
        outlet=outlet,
        start=tag.start,
        end=tag.end,
        cited_source=cited_source,
        note=note,
    )


@transaction.atomic
def delete_tag(*, tag: ClaimTag, by: AbstractBaseUser) -> None:
    """Delete a tag; only its own reviewer may. Its history stays."""
    if tag.reviewer_id != by.pk:
        raise PermissionDenied("You can only delete your own tags.")
    TagRevision.of(tag, action=TagRevision.Action.DELETED, changed_by_id=by.pk).save()
    tag.delete()


def apply_tag_to_copies(*, tag: ClaimTag, by: AbstractBaseUser) -> int:
    """Give `tag`'s reviewer the same tag on the matching sentence of every other copy of
    the tag's story (see sources.stories); returns how many copies were tagged.

    A span is placed where its text occurs in the copy's sentence; a copy whose sentence
    lacks it is skipped. Only the tag's reviewer, a teacher/editor or an admin may do it;
    each copy is written by `tag_claim`, so it keeps history and checks permissions."""
    from annotator.roles import is_editor
    from sources.models import StorySentence

    if tag.reviewer_id != by.pk and not is_editor(by):
        raise PermissionDenied("You can only copy your own tags.")
    sentence = tag.sentence
    here = StorySentence.objects.filter(sentence=sentence).first()
    if here is None:
        return 0
    whole = (tag.start, tag.end) == (sentence.start, sentence.end)
    fragment = sentence.text[tag.start - sentence.start : tag.end - sentence.start]
    copied = 0
    with transaction.atomic():
        copies = (
            StorySentence.objects.filter(story_id=here.story_id, passage=here.passage)
            .exclude(sentence__article_id=sentence.article_id)
            .select_related("sentence__article")
            .order_by("sentence__article_id", "sentence__position")
        )
        seen: set[int] = set()
        for row in copies:
            other = row.sentence
            if other.article_id in seen:
                continue  # a passage repeated within one copy: its first occurrence
            if whole:
                start, end = other.start, other.end
            else:
                found = other.text.find(fragment)
                if found < 0:
                    continue
                start, end = other.start + found, other.start + found + len(fragment)
            seen.add(other.article_id)
            tag_claim(
                sentence=other,
                reviewer=tag.reviewer,
                label=tag.label,
                outlet=tag.outlet,
                start=start,
                end=end,
                cited_source=tag.cited_source,
                note=tag.note,
            )
            copied += 1
    return copied
