"""The claim-tag write, in SQL written out (annotator.services.tagging holds its rules and
says why): the claim locks, and the upsert of a tag with the revision that records it.

Tagging is the request reviewers make all day, from the pages and the API, and building
these statements with the ORM on each call took most of a request's time; they are built
once per database from the models' names (`_statements`) and run as they are."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Max

from core.db.instances import converted
from core.db.sql import Columns, execute, model

# A tag's claim lock: the key is (reviewer id, sentence id), each an int4.
_LOCK = "SELECT pg_advisory_xact_lock(%(reviewer)s, %(sentence)s)"
# unnest yields the keys in the order given, and each is locked as it comes.
_LOCK_MANY = """
SELECT pg_advisory_xact_lock("key"."reviewer", "key"."sentence")
FROM unnest(%(reviewers)s::int[], %(sentences)s::int[]) AS "key"("reviewer", "sentence")
"""


def lock_claims(connection: BaseDatabaseWrapper, keys: list[tuple[int, int]]) -> None:
    """Take PostgreSQL's transaction-scoped advisory lock on each (reviewer, sentence) key,
    in the order given (the caller sorts them, so that two writers cannot deadlock).
    A lock returns nothing, so it has no ORM twin: tests/api/test_tag_races.py shows
    the writes it serialises."""
    with connection.cursor() as cursor:
        if len(keys) == 1:
            cursor.execute(_LOCK, {"reviewer": keys[0][0], "sentence": keys[0][1]})
        elif keys:
            cursor.execute(
                _LOCK_MANY,
                {"reviewers": [r for r, _ in keys], "sentences": [s for _, s in keys]},
            )


class Statements(NamedTuple):
    upsert: str
    upsert_and_record: str  # PostgreSQL: the upsert and its revision in one statement
    record_after_upsert: str  # SQLite: the revision, after the upsert
    existing: str


@cache
def _statements(vendor: str) -> Statements:
    """The write's statements, built once per database.

    The tag is written with an upsert, INSERT ... ON CONFLICT DO UPDATE ... RETURNING,
    which PostgreSQL and SQLite (3.35+) both run; the conflict target is the
    one_tag_per_reviewer_per_claim constraint, and a tag that is already so is left alone
    (no row comes back, no revision is written). A new tag takes the number after its
    claim's last revision (a claim deleted before has some); a changed one the number
    after its own. The revision carries the timestamp just sent as its creation time for
    a new row; an updated one keeps its own."""
    tag = Columns(model("annotator.ClaimTag"))
    rev = Columns(model("annotator.TagRevision"))
    claim = {"sentence": "sentence", "reviewer": "reviewer", "start": "start", "end": "end"}
    values = {"label": "label", "outlet": "outlet", "cited_source": "cited_source", "note": "note"}

    def where(columns: Columns, alias: str = "") -> str:
        prefix = f'"{alias}".' if alias else ""
        return " AND ".join(f"{prefix}{columns[f]} = %({p})s" for f, p in claim.items())

    last_seq = f"""(SELECT COALESCE(MAX({rev["seq"]}), 0) FROM {rev.table}
    WHERE {where(rev)})"""
    changed = " OR ".join(f'"tag".{tag[f]} <> "excluded".{tag[f]}' for f in values)
    upsert = f"""
INSERT INTO {tag.table} AS "tag"
    ({tag.list(*claim, *values, "created_at", "updated_at", "seq")})
VALUES ({", ".join(f"%({p})s" for p in [*claim.values(), *values.values()])},
    %(now)s, %(now)s, {last_seq} + 1)
ON CONFLICT ({tag.unique("one_tag_per_reviewer_per_claim")}) DO UPDATE SET
    {", ".join(f'{tag[f]} = "excluded".{tag[f]}' for f in values)},
    {tag["updated_at"]} = "excluded".{tag["updated_at"]},
    {tag["seq"]} = "tag".{tag["seq"]} + 1
WHERE {changed}
RETURNING {tag.list("id", "created_at", "seq")}
"""
    revision = f"""
INSERT INTO {rev.table}
    ({rev.list("tag", *claim, "changed_by", "seq", "action", *values, "changed_at")},
     {rev["suggestion_version"]})
SELECT "written".{tag["id"]}, {", ".join(f"%({p})s" for p in claim.values())}, %(by)s,
    "written".{tag["seq"]},
    CASE WHEN "written".{tag["created_at"]} = %(now)s THEN 'created' ELSE 'updated' END,
    {", ".join(f"%({p})s" for p in values.values())}, %(now)s, %(suggestion_version)s
FROM {{written}} AS "written"
"""
    return Statements(
        upsert=upsert,
        upsert_and_record=f"""
WITH "written" AS ({upsert}), "recorded" AS ({revision.format(written='"written"')})
SELECT {tag.list("id", "created_at", alias="written")} FROM "written"
""",
        record_after_upsert=revision.format(
            written=f"""(SELECT {tag.list("id", "created_at", "seq")} FROM {tag.table}
    WHERE {where(tag)})"""
        ),
        existing=f"""
SELECT {tag.list("id", "created_at", "updated_at")} FROM {tag.table} WHERE {where(tag)}
""",
    )


class Written(NamedTuple):
    """A tag as `write_tag` left it: `updated_at` None when it was written now (created
    or changed), else the time of its last change (it was already so)."""

    id: int
    created_at: datetime
    updated_at: datetime | None


def write_tag(connection: BaseDatabaseWrapper, values: dict[str, object]) -> Written | None:
    """Upsert a reviewer's tag on a claim and record its revision, numbered after the
    claim's last. `values`: sentence, reviewer, start, end (the claim), label, outlet,
    cited_source, note, by (the account acting), now (a datetime), suggestion_version.
    None when the tag was already so but is gone by the time it is read back (deleted
    meanwhile: write it again). On PostgreSQL one statement, atomic on its own; on SQLite
    two, which the caller runs in a transaction."""
    statements = _statements(connection.vendor)
    now = values["now"]
    params = {**values, "now": connection.ops.adapt_datetimefield_value(now)}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            execute(cursor, statements.upsert_and_record, params)
            written = cursor.fetchone()
        else:
            execute(cursor, statements.upsert, params)
            written = cursor.fetchone()
            if written is not None:
                execute(cursor, statements.record_after_upsert, params)
        if written is not None:
            return Written(written[0], _datetime(connection, written[1]), None)
        execute(cursor, statements.existing, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return Written(row[0], _datetime(connection, row[1]), _datetime(connection, row[2]))


_CLAIM = ("sentence", "reviewer", "start", "end")


def write_tag_orm(connection: BaseDatabaseWrapper, values: dict[str, object]) -> Written:
    """`write_tag`'s ORM twin: the same tag, revision and answer, row by row."""
    claim_tag, tag_revision = model("annotator.ClaimTag"), model("annotator.TagRevision")
    using = connection.alias
    claim = {f"{f}_id" if f in ("sentence", "reviewer") else f: values[f] for f in _CLAIM}
    given = {"label": values["label"], "outlet_id": values["outlet"]}
    given |= {"cited_source": values["cited_source"], "note": values["note"]}
    now = values["now"]
    with transaction.atomic(using=using):
        tag = claim_tag.objects.using(using).select_for_update().filter(**claim).first()
        if tag is None:
            last = tag_revision.objects.using(using).filter(**claim).aggregate(n=Max("seq"))["n"]
            tag = claim_tag(**claim, **given, created_at=now, updated_at=now, seq=(last or 0) + 1)
            action = "created"
        elif all(getattr(tag, name) == value for name, value in given.items()):
            return Written(tag.pk, tag.created_at, tag.updated_at)
        else:
            for name, value in given.items():
                setattr(tag, name, value)
            tag.updated_at, tag.seq, action = now, tag.seq + 1, "updated"
        tag.save(using=using)
        tag_revision.objects.using(using).create(
            tag=tag,
            **claim,
            **given,
            changed_by_id=values["by"],
            seq=tag.seq,
            action=action,
            changed_at=now,
            suggestion_version=values["suggestion_version"],
        )
    return Written(tag.pk, tag.created_at, None)


def _datetime(connection: BaseDatabaseWrapper, value: object) -> datetime:
    """A datetime column as the ORM would read it (SQLite returns text)."""
    value = converted(model("annotator.ClaimTag"), "created_at", value, connection)
    return value  # type: ignore[return-value]
