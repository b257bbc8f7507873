"""The claim-tag write, in SQL written out (annotator.services.tagging holds its rules and
says why): the claim locks, and the upsert of a tag with the revision that records it.

Tagging is the request reviewers make all day, from the pages and the API, and building
these statements with the ORM on each call took most of a request's time; they are built
once per database from the models' names (`_statements`) and run as they are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Max

from core.db.instances import converted
from core.db.sql import Columns, execute, model, values_rows
from core.db.workspace import TAGGING_FIELDS, for_tagging_sql, sentences_for_tagging_orm
from core.text.sections import UNTAGGABLE_SECTIONS

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


# A claim's fields, and a tag's values on it.
_CLAIM = ("sentence", "reviewer", "start", "end")
_VALUES = ("label", "outlet", "cited_source", "note")


def _last_seq(rev: Columns, given: dict[str, str]) -> str:
    """The number of the claim's last revision, 0 if none: `given` maps each claim field
    to the SQL that holds it (a placeholder, a column of the rows being written)."""
    match = " AND ".join(f'"rev".{rev[f]} = {given[f]}' for f in _CLAIM)
    return f"""(SELECT COALESCE(MAX("rev".{rev.seq}), 0) FROM {rev.table} AS "rev"
    WHERE {match})"""


def _on_conflict(tag: Columns) -> str:
    """The upsert's conflict clause: a tag already on the claim takes the values sent,
    with the time sent and the next number, only when a value differs."""
    changed = " OR ".join(f'"tag".{tag[f]} <> "excluded".{tag[f]}' for f in _VALUES)
    return f"""ON CONFLICT ({tag.unique("one_tag_per_reviewer_per_claim")}) DO UPDATE SET
    {", ".join(f'{tag[f]} = "excluded".{tag[f]}' for f in _VALUES)},
    {tag.updated_at} = "excluded".{tag.updated_at},
    {tag.seq} = "tag".{tag.seq} + 1
WHERE {changed}"""


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
    given = {f: f"%({f})s" for f in (*_CLAIM, *_VALUES)}  # each field's placeholder

    def where(columns: Columns) -> str:
        return " AND ".join(f"{columns[f]} = {given[f]}" for f in _CLAIM)

    upsert = f"""
INSERT INTO {tag.table} AS "tag"
    ({tag.list(*_CLAIM, *_VALUES, "created_at", "updated_at", "seq")})
VALUES ({", ".join(given.values())},
    %(now)s, %(now)s, {_last_seq(rev, given)} + 1)
{_on_conflict(tag)}
RETURNING {tag.list("id", "created_at", "seq")}
"""
    revision = _revision(rev, tag, given)
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


def _revision(rev: Columns, tag: Columns, given: dict[str, str]) -> str:
    """The insert of the revision that records the tag of `{written}` (a format field:
    the rows written, with the tag's id, creation time and number), its claim and
    values from `given` (each field's SQL)."""
    return f"""
INSERT INTO {rev.table}
    ({rev.list("tag", *_CLAIM, "changed_by", "seq", "action", *_VALUES, "changed_at")},
     {rev["suggestion_version"]})
SELECT "written".{tag["id"]}, {", ".join(given[f] for f in _CLAIM)}, %(by)s,
    "written".{tag["seq"]},
    CASE WHEN "written".{tag["created_at"]} = %(now)s THEN 'created' ELSE 'updated' END,
    {", ".join(given[f] for f in _VALUES)}, %(now)s, %(suggestion_version)s
FROM {{written}} AS "written"
"""


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


# A claim written with its sentence read (write_claim): the sentence's row as
# core.db.workspace.sentences_for_tagging gives it, named.
_FOUND = (*TAGGING_FIELDS, "origin", "publisher")
_FOUND += ("origin_name", "origin_slug", "publisher_name", "publisher_slug")


@cache
def _claim_statement() -> str:
    """PostgreSQL: write_claim's statement. The sentence is read as
    core.db.workspace.sentences_for_tagging reads one ("found"); the claim takes the
    span sent or the whole sentence, the outlet sent or the article's origin or else
    its publisher ("claim"); it is upserted and recorded as `_statements` does a tag
    (placeholders typed, as a SELECT gives the insert its values) when the sentence is
    a claim, the span lies in it and the claim has an outlet. One row comes back when
    the sentence exists: "found", the claim's span and outlet, the tag's id and creation
    time if it was written, and the claim's tag as the statement found it ("existing":
    id, creation and change times) when the claim keeps the rules: the tag already so
    when nothing was written, with no second statement to read it."""
    tag = Columns(model("annotator.ClaimTag"))
    rev = Columns(model("annotator.TagRevision"))
    sent = {f: f"CAST(%({f})s AS {_array_type(f)})" for f in (*_CLAIM, *_VALUES)}
    given = {**sent, **{f: f'"claim"."{f}"' for f in ("sentence", "start", "end", "outlet")}}
    written = {f: f'"written".{tag[f]}' for f in (*_CLAIM, *_VALUES)}
    found = ", ".join(f'"{f}"' for f in _FOUND)
    # The sections' names are the code's own constants, written in as literals.
    untaggable = ", ".join(f"'{section}'" for section in sorted(UNTAGGABLE_SECTIONS))
    rules = f"""
WHERE "found"."start" <= "claim"."start" AND "claim"."start" < "claim"."end"
    AND "claim"."end" <= "found"."end" AND "claim"."outlet" IS NOT NULL
    AND "found"."section" NOT IN ({untaggable})"""
    on_claim = " AND ".join(f'"tag".{tag[f]} = {given[f]}' for f in _CLAIM)
    return f"""
WITH "found"({found}) AS ({for_tagging_sql(1)}),
"claim" AS (
SELECT "found"."id" AS "sentence",
    COALESCE({sent["start"]}, "found"."start") AS "start",
    COALESCE({sent["end"]}, "found"."end") AS "end",
    COALESCE({sent["outlet"]}, "found"."origin", "found"."publisher") AS "outlet"
FROM "found"),
"existing" AS (
SELECT {tag.list("id", "created_at", "updated_at", alias="tag")}
FROM "claim" JOIN "found" ON true JOIN {tag.table} AS "tag" ON {on_claim}{rules}),
"written" AS (
INSERT INTO {tag.table} AS "tag"
    ({tag.list(*_CLAIM, *_VALUES, "created_at", "updated_at", "seq")})
SELECT {", ".join(given[f] for f in (*_CLAIM, *_VALUES))}, %(now)s, %(now)s,
    {_last_seq(rev, given)} + 1
FROM "claim" JOIN "found" ON true{rules}
{_on_conflict(tag)}
RETURNING {tag.list("id", "created_at", "seq", *_CLAIM, *_VALUES)}),
"recorded" AS ({_revision(rev, tag, written).format(written='"written"')})
SELECT "found".*, "claim"."start", "claim"."end", "claim"."outlet",
    "written".{tag["id"]}, "written".{tag["created_at"]},
    {tag.list("id", "created_at", "updated_at", alias="existing")}
FROM "found" JOIN "claim" ON true LEFT JOIN "written" ON true LEFT JOIN "existing" ON true
"""


class Claimed(NamedTuple):
    """What write_claim found and did: the sentence's row (as
    core.db.workspace.sentences_for_tagging gives it), the claim's span and outlet with
    their defaults, and the tag if it was written (created or changed) now."""

    sentence: tuple
    start: int
    end: int
    outlet: int | None
    written: Written | None
    # The tag already so, when the claim keeps the rules and nothing was written (None
    # too when its tag came or went while the statement ran: read it again).
    existing: Written | None = None


def write_claim(connection: BaseDatabaseWrapper, values: dict[str, object]) -> Claimed | None:
    """PostgreSQL: read a claim's sentence and write its tag in one statement, the
    sentence's read and the write being each a wait for the database on the busiest
    request (a reviewer's tag). `values` as `write_tag` takes them, but `start`, `end`
    and `outlet` may be None: the whole sentence, and the article's origin or else its
    publisher. The tag is written, with its revision, only when the sentence is a claim
    (no byline or credit line), the span lies inside it and the claim has an outlet (the
    rules of annotator.services.tagging.check_claim that need the sentence; it checks
    the rest before). None when there is no such sentence. `written` None when nothing was
    written: the claim breaks a rule, or its tag was already so (or deleted meanwhile):
    the caller tells which with the sentence at hand."""
    params = {
        **values,
        "id0": values["sentence"],  # for_tagging_sql's placeholder
        "now": connection.ops.adapt_datetimefield_value(values["now"]),
    }
    with connection.cursor() as cursor:
        execute(cursor, _claim_statement(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    found, rest = row[: len(_FOUND)], row[len(_FOUND) :]
    start, end, outlet, pk, created_at, existing_pk, existed_at, changed_at = rest
    written = None if pk is None else Written(pk, _datetime(connection, created_at), None)
    existing = None
    if written is None and existing_pk is not None:
        existing = Written(
            existing_pk, _datetime(connection, existed_at), _datetime(connection, changed_at)
        )
    return Claimed(found, start, end, outlet, written, existing)


# A tag's values in a many-tag write, in this order; the columns of the tag or revision
# field each fills (PostgreSQL: the type of its array).
_ROW = (*_CLAIM, *_VALUES, "by", "now", "suggestion_version")
_ROW_FIELDS = {"by": "changed_by", "now": "changed_at", "suggestion_version": "suggestion_version"}
_NOW = _ROW.index("now")
# Tags a statement of a many-tag write takes: SQLite binds at most 32,766 values.
_MANY = 500


def write_tags(
    connection: BaseDatabaseWrapper, rows: Sequence[dict[str, object]]
) -> list[Written | None]:
    """`write_tag` for each of `rows` in turn, answered in order, in a few statements:
    one per run of rows with no claim twice (a row's claim given again later is written
    by the next statement, so it changes the tag after the first, as in turn). Run it in
    a transaction that has locked the claims (annotator.services.tagging.lock_claims).

    PostgreSQL: each run is one statement, the rows as arrays (unnest), upserted and
    recorded as `write_tag` does one. SQLite: the upsert of the run, then the revisions
    of the rows it wrote. A row already so comes back from a last statement reading the
    claims that wrote nothing; None where it is gone (as `write_tag` says)."""
    answers: list[Written | None] = []
    run: list[dict[str, object]] = []
    claims: set[tuple] = set()
    for row in rows:
        claim = tuple(row[f] for f in _CLAIM)
        if claim in claims or len(run) == _MANY:
            answers += _write_run(connection, run)
            run, claims = [], set()
        run.append(row)
        claims.add(claim)
    if run:
        answers += _write_run(connection, run)
    return answers


def _write_run(
    connection: BaseDatabaseWrapper, rows: list[dict[str, object]]
) -> list[Written | None]:
    """The rows of one run (no claim twice), written; see write_tags."""
    adapt = connection.ops.adapt_datetimefield_value
    values = [[row[f] for f in _ROW] for row in rows]
    for row in values:
        row[_NOW] = adapt(row[_NOW])
    written: dict[tuple, Written] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = {f: [row[i] for row in values] for i, f in enumerate(_ROW)}
            execute(cursor, _many_postgresql(), arrays, planned_each_run=True)
            for *claim, pk, created_at in cursor.fetchall():
                written[tuple(claim)] = Written(pk, _datetime(connection, created_at), None)
        else:
            execute(cursor, _many_sqlite(len(values)), [v for row in values for v in row])
            done = {tuple(row[:4]): row[4:] for row in cursor.fetchall()}
            recorded: list[object] = []
            for given, row in zip(rows, values, strict=True):
                claim = tuple(row[:4])
                if claim in done:
                    pk, created_at, seq = done[claim]
                    # As the driver returns it: text, or a datetime where declared so.
                    created_at = _datetime(connection, created_at)
                    action = "created" if created_at == given["now"] else "updated"
                    recorded += (pk, *row, seq, action)
                    written[claim] = Written(pk, created_at, None)
            if written:
                execute(cursor, _record_sqlite(len(written)), recorded)
        unchanged = [row for row in values if tuple(row[:4]) not in written]
        if unchanged:
            execute(cursor, *_existing_many(connection, unchanged))
            for *claim, pk, created_at, updated_at in cursor.fetchall():
                written[tuple(claim)] = Written(
                    pk, _datetime(connection, created_at), _datetime(connection, updated_at)
                )
    return [written.get(tuple(row[:4])) for row in values]


def write_tags_orm(
    connection: BaseDatabaseWrapper, rows: Sequence[dict[str, object]]
) -> list[Written | None]:
    """`write_tags`' ORM twin: each row written in turn by `write_tag_orm`."""
    return [write_tag_orm(connection, row) for row in rows]


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


def write_claim_orm(connection: BaseDatabaseWrapper, values: dict[str, object]) -> Claimed | None:
    """`write_claim`'s ORM twin: the sentence read by the ORM, the defaults and the rules
    in Python, the tag written by `write_tag_orm`."""
    found = sentences_for_tagging_orm([values["sentence"]])
    if not found:
        return None
    row = found[0]
    sentence = dict(zip(_FOUND, row, strict=True))
    start = sentence["start"] if values["start"] is None else values["start"]
    end = sentence["end"] if values["end"] is None else values["end"]
    given = (values["outlet"], sentence["origin"], sentence["publisher"])
    outlet = next((pk for pk in given if pk is not None), None)
    claimed = Claimed(row, start, end, outlet, None)
    if (
        not sentence["start"] <= start < end <= sentence["end"]
        or outlet is None
        or sentence["section"] in UNTAGGABLE_SECTIONS
    ):
        return claimed
    stored = write_tag_orm(connection, {**values, "start": start, "end": end, "outlet": outlet})
    if stored.updated_at is None:
        return claimed._replace(written=stored)
    return claimed._replace(existing=stored)


def _many_columns() -> tuple[Columns, Columns, dict[str, str]]:
    """The tag's and revision's columns, and the field of a many-tag row's each value."""
    fields = {f: f for f in (*_CLAIM, *_VALUES)} | _ROW_FIELDS
    return Columns(model("annotator.ClaimTag")), Columns(model("annotator.TagRevision")), fields


def _claim_match(tag: Columns, given: str, names: Sequence[str]) -> str:
    """The condition that a row of `tag`'s table (alias "tag") holds the claim of
    `given`'s row, whose claim columns are `names`."""
    return " AND ".join(
        f'"tag".{tag[f]} = "{given}"."{name}"' for f, name in zip(_CLAIM, names, strict=True)
    )


def _upsert_many(source: str, names: Sequence[str]) -> str:
    """The upsert of every row of `source` (aliased "given", its columns `names`, one
    per _ROW field), as `_statements` upserts one; returning each written tag's claim,
    id, creation time and number."""
    tag, rev, _ = _many_columns()
    given = dict(zip(_ROW, (f'"given"."{name}"' for name in names), strict=True))
    return f"""
INSERT INTO {tag.table} AS "tag"
    ({tag.list(*_CLAIM, *_VALUES, "created_at", "updated_at", "seq")})
SELECT {", ".join(given[f] for f in (*_CLAIM, *_VALUES))}, {given["now"]}, {given["now"]},
    {_last_seq(rev, given)} + 1
FROM {source} AS "given" WHERE true
{_on_conflict(tag)}
RETURNING {tag.list(*_CLAIM, "id", "created_at", "seq")}"""


@cache
def _many_postgresql() -> str:
    """PostgreSQL's many-tag write: the rows as one array per _ROW field, upserted and
    each written one recorded, in one statement; it returns each written tag's claim, id
    and creation time."""
    tag, rev, fields = _many_columns()
    names = ", ".join(f'"{f}"' for f in _ROW)
    arrays = ", ".join(f"%({f})s::{_array_type(f)}[]" for f in _ROW)
    given = ", ".join(f'"given"."{f}"' for f in _ROW)
    return f"""
WITH "given" AS (SELECT * FROM unnest({arrays}) AS "given"({names})),
"written" AS ({_upsert_many('"given"', _ROW)}),
"recorded" AS (
INSERT INTO {rev.table} ({rev.list("tag", *(fields[f] for f in _ROW), "seq", "action")})
SELECT "tag".{tag.id}, {given}, "tag".{tag.seq},
    CASE WHEN "tag".{tag.created_at} = "given"."now" THEN 'created' ELSE 'updated' END
FROM "written" AS "tag" JOIN "given" ON {_claim_match(tag, "given", _CLAIM)})
SELECT {tag.list(*_CLAIM, "id", "created_at")} FROM "written" """


def _array_type(name: str) -> str:
    """The PostgreSQL type of the array of a many-tag row's value `name`: its column's,
    but text for a varchar(n), which a cast would cut to n characters where a value too
    long written to the column is refused."""
    kind = _field(name).db_type(connections[DEFAULT_DB_ALIAS])
    return "text" if kind.startswith("varchar") else kind


@lru_cache(maxsize=64)
def _many_sqlite(rows: int) -> str:
    """SQLite's upsert of `rows` rows, as VALUES (positional placeholders, _ROW's order)."""
    names = [f"column{i}" for i in range(1, len(_ROW) + 1)]
    return _upsert_many(f"(VALUES {values_rows(rows, len(_ROW))})", names)


@lru_cache(maxsize=64)
def _record_sqlite(rows: int) -> str:
    """SQLite's insert of `rows` revisions: each the tag's id, its _ROW values, its
    number and the action."""
    _, rev, fields = _many_columns()
    columns = rev.list("tag", *(fields[f] for f in _ROW), "seq", "action")
    return f"INSERT INTO {rev.table} ({columns}) VALUES {values_rows(rows, len(_ROW) + 3)}"


def _existing_many(connection: BaseDatabaseWrapper, rows: list[list]) -> tuple[str, object]:
    """The statement that reads the tags on the claims of `rows` (each _ROW's values):
    each tag's claim, id, creation and last change, and its parameters."""
    if connection.vendor == "postgresql":
        params: object = {f: [row[i] for row in rows] for i, f in enumerate(_CLAIM)}
        return _existing_sql(connection.vendor, 0), params
    params = [v for row in rows for v in row[: len(_CLAIM)]]
    return _existing_sql(connection.vendor, len(rows)), params


@lru_cache(maxsize=64)
def _existing_sql(vendor: str, rows: int) -> str:
    """`_existing_many`'s statement: the claims as arrays on PostgreSQL, as `rows` rows
    of VALUES on SQLite."""
    tag = Columns(model("annotator.ClaimTag"))
    columns = tag.list(*_CLAIM, "id", "created_at", "updated_at", alias="tag")
    if vendor == "postgresql":
        names = list(_CLAIM)
        arrays = ", ".join(f"%({f})s::bigint[]" for f in _CLAIM)
        columns_given = ", ".join(f'"{f}"' for f in _CLAIM)
        source = f'unnest({arrays}) AS "given"({columns_given})'
    else:
        names = [f"column{i}" for i in range(1, len(_CLAIM) + 1)]
        source = f'(VALUES {values_rows(rows, len(_CLAIM))}) AS "given"'
    match = _claim_match(tag, "given", names)
    return f'SELECT {columns} FROM {tag.table} AS "tag" JOIN {source} ON {match}'


def _field(name: str):
    """The tag's (or for `by`, `now` and `suggestion_version` the revision's) field that a
    many-tag row's value `name` fills."""
    if name in _ROW_FIELDS:
        return model("annotator.TagRevision")._meta.get_field(_ROW_FIELDS[name])
    return model("annotator.ClaimTag")._meta.get_field(name)


def _datetime(connection: BaseDatabaseWrapper, value: object) -> datetime:
    """A datetime column as the ORM would read it (SQLite returns text)."""
    value = converted(model("annotator.ClaimTag"), "created_at", value, connection)
    return value  # type: ignore[return-value]
