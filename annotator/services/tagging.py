"""Writing claim tags: the one write path for a reviewer's claim. Every path that tags
(the workspace, the API single and bulk, apply-to-copies, corpus imports) calls these,
so the rules are written once: a reviewer writes only their own tags, a span lies
inside its sentence; writes to one reviewer's claim are serialised (`lock_claims`);
every change appends exactly one revision, numbered after the claim's last (`seq`) and
naming the account that acted; a tag that is already so writes nothing; changing or
deleting a tag that is gone raises ClaimTag.DoesNotExist (the views answer 404), and
never brings it back. Replaying a claim's revisions in `seq` order gives the stored tag
(annotator.selectors.history checks it)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Max
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from annotator.models import ClaimTag, Label, Sentence, TagRevision
from annotator.selectors.workspace import sentence_for_tagging, sentences_for_tagging
from core.db import tags as sql
from core.db.instances import loaded
from core.text.cleaning import clean_text
from core.text.sections import UNTAGGABLE_SECTIONS, not_a_claim
from sources.models import Outlet

# The labels a claim may take (Label.values builds its list anew at each use).
LABELS = frozenset(Label.values)

NOTE_MAX_CHARS = 2000


# Writes to one reviewer's claim are serialised, so that every change reads the tag as
# it stands and is numbered after the change before it: two tabs, a retrying script or
# the API beside the workspace each wait for the other instead of interleaving.
#
# On PostgreSQL, the tag's row lock does it for every write to an existing tag: the
# upsert (core.db.tags: ON CONFLICT DO UPDATE) and the reads FOR UPDATE of the other paths wait
# for the row and act on its latest version, whose `seq` gives the next number. Where
# there is no row to lock (a deletion racing a re-creation), the paths that run in a
# transaction (deleting, changing by id, bulk, apply-to-copies, imports) first take an
# advisory lock on (reviewer, sentence); the single upsert, one statement on its own,
# takes none (that would cost three more round trips on the busiest request): if a
# deletion of its claim commits after it began, the number it took for the re-created
# tag is taken already, the unique constraint one_revision_per_claim_seq refuses it,
# and it runs again. On SQLite every transaction takes the database's write lock when
# it begins (transaction_mode IMMEDIATE, in settings): writes are serialised already,
# and a read inside a write transaction sees the latest state.
SEQ_CONSTRAINT = "one_revision_per_claim_seq"
_RETRIES = 5


def _int4(n: int) -> int:
    """An id as a lock key (an int4): ids past 2**31 wrap around, and a shared key only
    makes two claims wait for each other."""
    return (n + 2**31) % 2**32 - 2**31


def lock_claims(claims: Iterable[tuple[int, int]], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Serialise the writes to these reviewers' claims, given as (reviewer id, sentence
    id), until the current transaction ends. Call it inside `transaction.atomic()`,
    before reading what the write depends on (read existing tags FOR UPDATE). A
    transaction that writes several claims locks them all here, first: they are taken
    in one order, so two such transactions cannot deadlock."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError("lock_claims() runs inside transaction.atomic()")
    if connection.vendor == "sqlite":
        if connection.transaction_mode != "IMMEDIATE":
            raise ImproperlyConfigured(
                "tag writes need SQLite's OPTIONS['transaction_mode'] = 'IMMEDIATE'"
            )
        return
    sql.lock_claims(
        connection, sorted({(_int4(reviewer), _int4(sentence)) for reviewer, sentence in claims})
    )


# Tagging is the request reviewers make all day, from the pages and the API, so its
# write is SQL written out (core.db.tags) rather than built by the ORM on each call
# (building the statements took most of a request's time).


@dataclass(frozen=True, slots=True)
class CheckedClaim:
    """A claim's values after `check_claim`: span resolved, outlet defaulted, text trimmed."""

    start: int
    end: int
    outlet_id: int
    cited_source: str
    note: str


class _SentClaim(NamedTuple):
    """A claim as sent, for write_claim, which fills in the span and the outlet left out
    (None) from the sentence it reads: CheckedClaim's fields before check_claim."""

    start: int | None
    end: int | None
    outlet_id: int | None
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
    adjudication: a known label, a sentence that is a claim (not a byline or a credit
    line), a non-empty span inside the sentence (the whole sentence by default), a cited
    source only on a sourced claim, bounded texts, and the article's origin as the
    outlet unless another is given. Raises ValidationError naming the field."""
    _check_label(label)
    _check_claim_sentence(sentence)
    start, end = _check_span(sentence, start, end)
    cited_source, note = _check_texts(label, cited_source, note)
    return CheckedClaim(start, end, _check_outlet(sentence, outlet), cited_source, note)


# check_claim's rules, in its order: those on the label and the texts need no sentence
# (save_tag_on checks them before it writes).


def _check_label(label: str) -> None:
    if label not in LABELS:
        raise ValidationError(
            {"label": f"unknown label {label!r}; use one of {', '.join(Label.values)}"}
        )


def _check_claim_sentence(sentence: Sentence) -> None:
    """A byline or a credit line asserts nothing: it is no claim to tag."""
    if reason := not_a_claim(sentence.section):
        raise ValidationError(
            {"sentence": f"sentence {sentence.pk} is {reason}: it cannot be tagged"}
        )


def _check_span(sentence: Sentence, start: int | None, end: int | None) -> tuple[int, int]:
    """The span, the sentence's own bounds where not given, when it lies inside it."""
    start = sentence.start if start is None else start
    end = sentence.end if end is None else end
    if not sentence.start <= start < end <= sentence.end:
        raise ValidationError(
            {
                "span": f"span {start}..{end} must be non-empty and inside the sentence "
                f"({sentence.start}..{sentence.end})"
            }
        )
    return start, end


def _check_outlet(sentence: Sentence, outlet: Outlet | None) -> int:
    """The outlet's id: the one given, else the article's origin or its publisher."""
    if outlet is not None:
        return outlet.pk
    article = sentence.article
    outlet_id = article.origin_id or article.publisher_id
    if outlet_id is None:
        raise ValidationError({"outlet": "the article has no outlet; choose one"})
    return outlet_id


def _check_texts(label: str, cited_source: str, note: str) -> tuple[str, str]:
    """The cited source and the note, trimmed, when they keep the rules."""
    cited_source = clean_text(cited_source)
    if cited_source and label != Label.SOURCED:
        raise ValidationError({"cited_source": "only a sourced claim has a cited source"})
    if len(cited_source) > 300:
        raise ValidationError({"cited_source": "at most 300 characters"})
    note = clean_text(note)
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": f"at most {NOTE_MAX_CHARS} characters"})
    return cited_source, note


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
    suggestion_version: str = "",
) -> ClaimTag:
    """Create or update `reviewer`'s tag on a claim and return it.

    The claim is the whole sentence, or the span `start`..`end` (article offsets) inside
    it. The outlet defaults to the article's origin. Tagging the same claim twice with
    the same values leaves one tag and one revision; a change adds a revision, which
    records `suggestion_version` when the change accepted a label suggestion.
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
        suggestion_version=suggestion_version,
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
    suggestion_version: str = "",
) -> Tagged:
    """`tag_claim`, also saying whether the tag was created or changed (the API answers
    201 for a new tag and 200 otherwise). Same rules, same errors."""
    _require_tagging_role(reviewer)
    sentence, label, checked, version = _checked(
        sentence=sentence,
        label=label,
        outlet=outlet,
        start=start,
        end=end,
        cited_source=cited_source,
        note=note,
        suggestion_version=suggestion_version,
    )
    connection = connections[router.db_for_write(ClaimTag)]
    write = {
        "sentence": sentence,
        "reviewer": reviewer,
        "label": label,
        "checked": checked,
        "suggestion_version": version,
    }
    if connection.vendor == "postgresql" or connection.in_atomic_block:
        # PostgreSQL: one statement, atomic on its own. In the caller's transaction
        # (a bulk request's, say), which has locked its claims (lock_claims) and on
        # SQLite holds the write lock: a savepoint for each tag would only add two
        # statements to it, as a failed write fails the whole transaction anyway.
        return _save(connection, **write)
    with transaction.atomic(using=connection.alias):  # SQLite: the lock
        return _save(connection, **write)


def save_tag_on(
    *,
    sentence_id: int,
    reviewer: AbstractBaseUser,
    label: str,
    outlet: Outlet | None = None,
    start: int | None = None,
    end: int | None = None,
    cited_source: str = "",
    note: str = "",
    suggestion_version: str = "",
) -> Tagged:
    """`save_tag` for the sentence with this id, which it reads; the tag comes with its
    sentence, the sentence with its article and outlets (as sentences_for_tagging gives
    them). Same rules, same errors; Sentence.DoesNotExist when there is no such sentence.

    On PostgreSQL the statement that writes the tag reads the sentence
    (core.db.tags.write_claim): a request that tags a claim waits for the database once
    for both. Where a rule that needs no sentence is broken, or the write must run again
    (see lock_claims), the sentence is read first and `save_tag` called, as elsewhere."""
    claim = {
        "reviewer": reviewer,
        "label": label,
        "outlet": outlet,
        "start": start,
        "end": end,
        "cited_source": cited_source,
        "note": note,
        "suggestion_version": suggestion_version,
    }
    connection = connections[router.db_for_write(ClaimTag)]
    if connection.vendor == "postgresql":
        tagged = _save_with_sentence(connection, sentence_id, **claim)
        if tagged is not None:
            return tagged
    sentence = sentences_for_tagging([sentence_id]).get(sentence_id)
    if sentence is None:
        raise Sentence.DoesNotExist(f"there is no sentence {sentence_id}")
    return save_tag(sentence=sentence, **claim)


def _save_with_sentence(
    connection: BaseDatabaseWrapper,
    sentence_id: int,
    *,
    reviewer: AbstractBaseUser,
    label: str,
    outlet: Outlet | None,
    start: int | None,
    end: int | None,
    cited_source: str,
    note: str,
    suggestion_version: str,
) -> Tagged | None:
    """`save_tag_on`'s one statement (PostgreSQL). The rules that need no sentence are
    checked first; the statement writes only a claim whose span lies in its sentence and
    that has an outlet; then the rules on the span and the outlet run on the sentence it
    read, which say why when nothing was written (else the tag was already so). None
    where `save_tag_on` reads the sentence first instead: a rule broken before (so that
    the errors come in `check_claim`'s order), or the number taken meanwhile."""
    _require_tagging_role(reviewer)
    try:
        _check_label(label)
        cited_source, note = _check_texts(label, cited_source, note)
    except ValidationError:
        return None
    now, version = timezone.now(), suggestion_version[:100]
    sent = _SentClaim(start, end, None if outlet is None else outlet.pk, cited_source, note)
    values = _row(sentence_id, reviewer, label, sent, version, now)
    try:
        claimed = sql.write_claim(connection, values)
    except IntegrityError as exc:
        if connection.in_atomic_block or SEQ_CONSTRAINT not in str(exc):
            raise
        return None
    if claimed is None:
        raise Sentence.DoesNotExist(f"there is no sentence {sentence_id}")
    # The rest of check_claim's rules, on the sentence read: the ones the statement
    # kept, which say why it wrote nothing, if it did not.
    sentence = sentence_for_tagging(claimed.sentence)
    _check_claim_sentence(sentence)
    start, end = _check_span(sentence, start, end)
    checked = CheckedClaim(start, end, _check_outlet(sentence, outlet), cited_source, note)
    if claimed.written is not None:
        return _tagged(claimed.written, sentence, reviewer, label, checked, now)
    if claimed.existing is not None:  # already so, as the statement found it
        return _tagged(claimed.existing, sentence, reviewer, label, checked, now)
    # Its tag came or went while the statement ran: as save_tag finds it.
    return _save(
        connection,
        sentence=sentence,
        reviewer=reviewer,
        label=label,
        checked=checked,
        suggestion_version=version,
    )


def _save(
    connection: BaseDatabaseWrapper,
    *,
    sentence: Sentence,
    reviewer: AbstractBaseUser,
    label: str,
    checked: CheckedClaim,
    suggestion_version: str = "",
) -> Tagged:
    """Write the checked claim; the reviewer is the one who acts."""
    for attempt in range(1, _RETRIES + 1):
        now = timezone.now()
        values = _row(sentence.pk, reviewer, label, checked, suggestion_version, now)
        try:
            stored = sql.write_tag(connection, values)
        except IntegrityError as exc:
            # The number taken twice (see lock_claims): run again, after the other
            # write. Inside a transaction the claim is locked and this cannot happen.
            if connection.in_atomic_block or SEQ_CONSTRAINT not in str(exc):
                raise
            if attempt == _RETRIES:
                raise
            continue
        if stored is not None:
            break
    return _tagged(stored, sentence, reviewer, label, checked, now)


class TagsRefused(Exception):
    """`save_tags` refused some of its items: `errors` holds, in the items' order, each
    one's ValidationError, or None for an item that was fine."""

    def __init__(self, errors: list[ValidationError | None]) -> None:
        super().__init__(f"{sum(e is not None for e in errors)} of {len(errors)} refused")
        self.errors = errors


def save_tags(*, reviewer: AbstractBaseUser, items: Sequence[dict]) -> list[Tagged]:
    """`save_tag` for each of `items` (each the arguments it takes but the reviewer), in
    turn: the same rules, tags, history and answers, written together by a few
    statements whatever their number (core.db.tags.write_tags). It runs in the caller's
    transaction, which has locked the items' claims (`lock_claims`). When any item is
    refused, nothing is written and TagsRefused lists every item's error."""
    _require_tagging_role(reviewer)
    connection = connections[router.db_for_write(ClaimTag)]
    if not connection.in_atomic_block:
        raise TransactionManagementError("save_tags() runs inside transaction.atomic()")
    claims, errors = [], []
    for item in items:
        try:
            claims.append(_checked(**item))
            errors.append(None)
        except ValidationError as exc:
            errors.append(exc)
    if any(errors):
        raise TagsRefused(errors)
    return _save_many(connection, reviewer, claims)


def _checked(
    *,
    sentence: Sentence,
    label: str,
    outlet: Outlet | None = None,
    start: int | None = None,
    end: int | None = None,
    cited_source: str = "",
    note: str = "",
    suggestion_version: str = "",
) -> tuple[Sentence, str, CheckedClaim, str]:
    """A claim's arguments checked (`check_claim`), as `save_tag`, `save_tags` and
    `apply_tag_to_copies` take them: (sentence, label, checked values, suggestion
    version cut to its column's length)."""
    checked = check_claim(
        sentence=sentence,
        label=label,
        outlet=outlet,
        start=start,
        end=end,
        cited_source=cited_source,
        note=note,
    )
    return sentence, label, checked, suggestion_version[:100]


def _require_tagging_role(reviewer: AbstractBaseUser) -> None:
    if not reviewer.has_perm("annotator.add_claimtag"):
        raise PermissionDenied("You are not allowed to tag claims.")


def _save_many(
    connection: BaseDatabaseWrapper,
    reviewer: AbstractBaseUser,
    claims: Sequence[tuple[Sentence, str, CheckedClaim, str]],
) -> list[Tagged]:
    """Write the checked claims (sentence, label, checked values, suggestion version) in
    turn, in the caller's transaction, which has locked them."""
    rows, times = [], []
    for sentence, label, checked, version in claims:
        # Each write a time of its own, later than the one before, as one by one: a
        # claim given twice is created, then changed (created_at = now tells them apart).
        now = max(timezone.now(), times[-1] + _TICK) if times else timezone.now()
        times.append(now)
        rows.append(_row(sentence.pk, reviewer, label, checked, version, now))
    tagged = []
    for (sentence, label, checked, version), stored, now in zip(
        claims, sql.write_tags(connection, rows), times, strict=True
    ):
        if stored is None:  # gone meanwhile: cannot happen to a locked claim, but as _save
            tagged.append(
                _save(
                    connection,
                    sentence=sentence,
                    reviewer=reviewer,
                    label=label,
                    checked=checked,
                    suggestion_version=version,
                )
            )
        else:
            tagged.append(_tagged(stored, sentence, reviewer, label, checked, now))
    return tagged


_TICK = timedelta(microseconds=1)


def _row(
    sentence_id: int,
    reviewer: AbstractBaseUser,
    label: str,
    checked: CheckedClaim | _SentClaim,
    suggestion_version: str,
    now: datetime,
) -> dict[str, object]:
    """The values of the claim's write (core.db.tags.write_tag, write_claim)."""
    return {
        "sentence": sentence_id,
        "reviewer": reviewer.pk,
        "by": reviewer.pk,
        "start": checked.start,
        "end": checked.end,
        "label": label,
        "outlet": checked.outlet_id,
        "cited_source": checked.cited_source,
        "note": checked.note,
        "now": now,
        "suggestion_version": suggestion_version,
    }


def _tagged(
    stored: sql.Written,
    sentence: Sentence,
    reviewer: AbstractBaseUser,
    label: str,
    checked: CheckedClaim,
    now: datetime,
) -> Tagged:
    """What the write of the claim at `now` did, with the tag as it stands (no query)."""
    pk, created_at, updated_at = stored
    changed = updated_at is None
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
            "updated_at": now if changed else updated_at,
        },
    )
    tag.sentence, tag.reviewer = sentence, reviewer
    return Tagged(tag, created=changed and created_at == now, changed=changed)


VALUE_FIELDS = ("label", "outlet", "cited_source", "note")


def update_tag(
    *,
    tag: ClaimTag,
    by: AbstractBaseUser,
    label: str,
    outlet: Outlet | None = None,
    cited_source: str = "",
    note: str = "",
    keep: Collection[str] = (),
) -> Tagged:
    """Change the label, outlet, cited source or note of an existing tag; only its own
    reviewer may (PermissionDenied otherwise). The claim (sentence and span) stays.
    The fields named in `keep` (of VALUE_FIELDS) keep the values the tag has when it is
    written, whatever is passed for them (a partial update).

    Raises ClaimTag.DoesNotExist when the tag is gone (deleted meanwhile): a change
    never brings a deleted tag back."""
    if tag.reviewer_id != by.pk:
        raise PermissionDenied("You can only change your own tags.")
    if not by.has_perm("annotator.add_claimtag"):
        raise PermissionDenied("You are not allowed to tag claims.")
    connection = connections[router.db_for_write(ClaimTag)]
    with transaction.atomic(using=connection.alias):
        lock_claims([(tag.reviewer_id, tag.sentence_id)], using=connection.alias)
        current = (
            ClaimTag.objects.using(connection.alias)
            .select_for_update(of=("self",))
            .select_related("outlet")
            .get(pk=tag.pk)
        )
        kept = {name: getattr(current, name) for name in keep}
        checked = check_claim(
            sentence=tag.sentence,
            label=kept.get("label", label),
            outlet=kept.get("outlet", outlet),
            start=current.start,
            end=current.end,
            cited_source=kept.get("cited_source", cited_source),
            note=kept.get("note", note),
        )
        return _save(
            connection,
            sentence=tag.sentence,
            reviewer=by,
            label=kept.get("label", label),
            checked=checked,
        )


def next_seqs(
    claims: Iterable[tuple[int, int, int, int]], *, using: str = DEFAULT_DB_ALIAS
) -> dict[tuple[int, int, int, int], int]:
    """The number a new tag on each claim (sentence, reviewer, start, end) takes: the one
    after its claim's last revision (1 for a claim never tagged). The claims must be
    locked (`lock_claims`)."""
    claims = set(claims)
    if not claims:
        return {}
    last = (
        TagRevision.objects.using(using)
        .filter(sentence_id__in={c[0] for c in claims}, reviewer_id__in={c[1] for c in claims})
        .values_list("sentence_id", "reviewer_id", "start", "end")
        .annotate(last=Max("seq"))
        .order_by()
    )
    found = {tuple(row[:4]): row[4] for row in last}
    return {claim: found.get(claim, 0) + 1 for claim in claims}


def record_revisions(changes: Sequence[tuple[ClaimTag, str]], *, changed_by_id: int | None) -> None:
    """Append one revision for each (tag, action) just written, numbered `tag.seq` (a
    new tag's from `next_seqs`, a changed or deleted one's seq + 1), by `changed_by_id`
    (None: no account, a command run without one). The claims must be locked
    (`lock_claims`, the tags read FOR UPDATE) in the current transaction."""
    now = timezone.now()
    TagRevision.objects.using(router.db_for_write(TagRevision)).bulk_create(
        TagRevision.of(tag, action=action, seq=tag.seq, changed_by_id=changed_by_id, changed_at=now)
        for tag, action in changes
    )


def delete_tag(*, tag: ClaimTag, by: AbstractBaseUser) -> None:
    """Delete a tag; only its own reviewer may. Its history stays, ending with a
    revision of the values the tag had when it was deleted. Raises
    ClaimTag.DoesNotExist when it is gone already (deleted meanwhile): nothing is
    recorded twice."""
    if tag.reviewer_id != by.pk:
        raise PermissionDenied("You can only delete your own tags.")
    using = router.db_for_write(ClaimTag)
    with transaction.atomic(using=using):
        lock_claims([(tag.reviewer_id, tag.sentence_id)], using=using)
        current = ClaimTag.objects.using(using).select_for_update().get(pk=tag.pk)
        current.seq += 1
        record_revisions([(current, TagRevision.Action.DELETED)], changed_by_id=by.pk)
        current.delete()


def apply_tag_to_copies(*, tag: ClaimTag, by: AbstractBaseUser) -> int:
    """Give the same tag on the matching sentence of every other copy of the tag's story
    (see annotator.services.stories); returns how many copies were tagged.

    A span is placed where its text occurs in the copy's sentence; a copy whose sentence
    lacks it, or is no claim there (a byline or a credit line), is skipped. Only the
    tag's own reviewer may (PermissionDenied otherwise): the copies are their tags,
    written as they are, with the values the tag has when they are written, in one
    transaction. ClaimTag.DoesNotExist when the tag is gone."""
    from annotator.models import StorySentence

    if tag.reviewer_id != by.pk:
        raise PermissionDenied("Only the tag's reviewer can apply it to other copies.")
    _require_tagging_role(by)
    sentence = tag.sentence
    here = StorySentence.objects.filter(sentence=sentence).first()
    if here is None:
        return 0
    whole = (tag.start, tag.end) == (sentence.start, sentence.end)
    fragment = sentence.text[tag.start - sentence.start : tag.end - sentence.start]
    connection = connections[router.db_for_write(ClaimTag)]
    with transaction.atomic(using=connection.alias):
        copies = (
            StorySentence.objects.filter(story_id=here.story_id, passage=here.passage)
            .exclude(sentence__article_id=sentence.article_id)
            .select_related("sentence__article")
            .order_by("sentence__article_id", "sentence__position")
        )
        targets: dict[int, tuple[Sentence, int, int]] = {}
        for row in copies:
            other = row.sentence
            if other.article_id in targets:
                continue  # a passage repeated within one copy: its first occurrence
            if other.section in UNTAGGABLE_SECTIONS:
                continue  # the copy made it a credit line (or a byline): no claim there
            if whole:
                targets[other.article_id] = (other, other.start, other.end)
            else:
                found = other.text.find(fragment)
                if found >= 0:
                    start = other.start + found
                    targets[other.article_id] = (other, start, start + len(fragment))
        claims = [(by.pk, sentence.pk)] + [(by.pk, t[0].pk) for t in targets.values()]
        lock_claims(claims, using=connection.alias)
        current = (
            ClaimTag.objects.using(connection.alias)
            .select_for_update(of=("self",))
            .select_related("outlet")
            .get(pk=tag.pk)
        )
        _save_many(
            connection,
            by,
            [
                _checked(
                    sentence=other,
                    label=current.label,
                    outlet=current.outlet,
                    start=start,
                    end=end,
                    cited_source=current.cited_source,
                    note=current.note,
                )
                for other, start, end in targets.values()
            ],
        )
    return len(targets)


def _values(row: ClaimTag | TagRevision | None) -> tuple | None:
    """A tag's values as a revision records them (None: no tag)."""
    if row is None:
        return None
    return (row.label, row.outlet_id, row.cited_source, row.note)


def undo_change(
    *, sentence: Sentence, by: AbstractBaseUser, start: int, end: int, seq: int
) -> TagRevision:
    """Take back change `seq` of `by`'s own claim `start`..`end` on `sentence`: put the
    claim back as it stood before that change, and return the revision that records it
    (it names the change it undid, `undoes`). Undoing a creation deletes the tag;
    undoing a change restores the values before it; undoing a deletion brings the tag
    back with its creation time, and its earlier revisions point at it again.

    Only while the claim is still as that change left it: a later change (from another
    tab, or the API) raises ValidationError, as does a change that is not one of `by`'s
    own or does not exist; nothing is written then. Like every write here it is one
    transaction, serialised with the claim's other writes, and records one revision."""
    if not by.has_perm("annotator.add_claimtag"):
        raise PermissionDenied("You are not allowed to tag claims.")
    try:
        return _undo(sentence=sentence, by=by, start=start, end=end, seq=seq)
    except IntegrityError:
        # A tag written on the claim meanwhile by the one path that takes no claim lock
        # (the single upsert, see lock_claims): it changed since, as the check says.
        raise ValidationError(CHANGED_SINCE) from None


CHANGED_SINCE = (
    "This tag has changed since (in another tab or through the API): "
    "that change can no longer be undone."
)


def _undo(
    *, sentence: Sentence, by: AbstractBaseUser, start: int, end: int, seq: int
) -> TagRevision:
    using = router.db_for_write(ClaimTag)
    claim = {"sentence_id": sentence.pk, "reviewer_id": by.pk, "start": start, "end": end}
    with transaction.atomic(using=using):
        lock_claims([(by.pk, sentence.pk)], using=using)
        history = list(TagRevision.objects.using(using).filter(**claim).order_by("seq"))
        target = next((r for r in history if r.seq == seq), None)
        if target is None or target.changed_by_id != by.pk:
            raise ValidationError({"seq": "there is no such change of yours to undo"})
        current = ClaimTag.objects.using(using).select_for_update().filter(**claim).first()
        left = None if target.action == TagRevision.Action.DELETED else _values(target)
        if _values(current) != left:
            raise ValidationError(CHANGED_SINCE)
        before = next((r for r in history if r.seq == seq - 1), None)
        if before is not None and before.action == TagRevision.Action.DELETED:
            before = None
        now = timezone.now()
        next_seq = history[-1].seq + 1
        if before is None:  # undoing a creation
            current.seq = next_seq
            revision = TagRevision.of(
                current, action=TagRevision.Action.DELETED, seq=next_seq, changed_by_id=by.pk
            )
            revision.undoes = target
            revision.save(using=using)
            current.delete(using=using)
            return revision
        if current is None:  # undoing a deletion: the tag comes back
            created = max(
                (r for r in history if r.seq < seq and r.action == TagRevision.Action.CREATED),
                key=lambda r: r.seq,
            )
            current = ClaimTag(**claim, created_at=created.changed_at)
            action = TagRevision.Action.CREATED
        else:
            action = TagRevision.Action.UPDATED
        current.label, current.outlet_id, current.cited_source, current.note = _values(before)
        current.updated_at = now
        current.seq = next_seq
        current.save(using=using)
        if action == TagRevision.Action.CREATED:
            TagRevision.objects.using(using).filter(
                **claim, seq__gte=created.seq, seq__lt=seq, tag__isnull=True
            ).exclude(action=TagRevision.Action.DELETED).update(tag=current)
        revision = TagRevision.of(current, action=action, seq=next_seq, changed_by_id=by.pk)
        revision.changed_at = now
        revision.undoes = target
        revision.save(using=using)
        return revision
