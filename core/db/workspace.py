"""The annotation workspace's reads, in SQL written out (annotator.selectors.workspace
turns the rows into the page): an article's sentences, the tags a user sees on an
article or one sentence, the sentences a tagging request needs, and a user's progress.

The tagging request answers with the sentence's tags and the progress bar, and the article
page reads hundreds of sentences and thousands of tags: the ORM spent longer building
these queries than the database spends running them (bench/workspace.py). Each is built
once per database and shape, and returns plain rows (tuples); its twin `<name>_orm`
returns the same rows through the ORM (in another order where the statement sets none)."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import Literal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q

from core.db.sql import Columns, execute, model, string_agg

NAMES_SEPARATOR = "\x1f"  # the unit separator: no user name holds it
Within = Literal["article", "sentence"]  # an article's tags, or one sentence's

SENTENCE_FIELDS = ("id", "position", "paragraph", "start", "end", "section", "text")
TAG_FIELDS = ("id", "sentence", "start", "end", "label")  # then outlet name, cited, note, seq
CLAIM_FIELDS = ("sentence", "start", "end", "label")  # then outlet name, cited source, note


def sentences_orm(article_id: int) -> list[tuple]:
    return list(
        model("annotator.Sentence")
        .objects.filter(article_id=article_id)
        .order_by("position")
        .values_list(*SENTENCE_FIELDS)
    )


def _tables() -> tuple[Columns, Columns, Columns]:
    tag = Columns(model("annotator.ClaimTag"))
    return tag, Columns(model("sources.Outlet")), Columns(model("annotator.Sentence"))


def _tags_from(vendor: str, within: Within, condition: str) -> tuple[str, str]:
    """The FROM and the WHERE of a statement that reads the tags (as "tag") on the
    sentence `%(within)s`, or on the article `%(within)s`'s sentences, that meet
    `condition`.

    An article's tags are looked up sentence by sentence, in an index that leads with
    the sentence (the unique (reviewer, sentence, ...) one for a reviewer's own,
    claimtag_claim_votes or claimtag_noted for everyone else's), never by reading
    every tag of the reviewer or of the corpus. SQLite does that with `IN (SELECT ...)`.
    PostgreSQL, given `IN`, joined the article's sentences to the tags by hash: it read
    all of a reviewer's tags (1.7 ms for one reviewer's 6,640, bench/peers.py, against
    0.14 ms by the index) and, on a table filled since its last ANALYZE (the first
    minute after an import, before autovacuum), every tag of the corpus; it read every
    tag with a note even with statistics. So on PostgreSQL the tags come from a LATERAL
    subquery for each of the article's sentences, which `OFFSET 0` keeps from being
    merged into the outer query: looking each sentence's tags up is the only plan left,
    with or without statistics."""
    tag, _, sentence = _tables()
    if within == "sentence":
        return f'{tag.table} AS "tag"', f'{condition} AND "tag".{tag["sentence"]} = %(within)s'
    if vendor == "postgresql":
        lateral = f"""{sentence.table} AS "sentence"
CROSS JOIN LATERAL (
    SELECT * FROM {tag.table} AS "tag"
    WHERE {condition} AND "tag".{tag["sentence"]} = "sentence".{sentence["id"]}
    OFFSET 0
) AS "tag"
"""
        return lateral, f'"sentence".{sentence["article"]} = %(within)s'
    sentences = (
        f"SELECT {sentence['id']} FROM {sentence.table} WHERE {sentence['article']} = %(within)s"
    )
    return f'{tag.table} AS "tag"', f'{condition} AND "tag".{tag["sentence"]} IN ({sentences})'


def _own_columns(tag: Columns, outlet: Columns) -> str:
    """What a user's own tag is read as: TAG_FIELDS, the outlet's name, cited source, note
    and seq (annotator.selectors.workspace.TagRow)."""
    return (
        f'{tag.list(*TAG_FIELDS, alias="tag")}, "outlet".{outlet["name"]}, '
        f"{tag.list('cited_source', 'note', 'seq', alias='tag')}"
    )


@cache
def _own_tags_sql(vendor: str, within: Within) -> str:  # per database: see _tags_from
    tag, outlet, _ = _tables()
    tags, where = _tags_from(vendor, within, f'"tag".{tag["reviewer"]} = %(user)s')
    return f"""
SELECT {_own_columns(tag, outlet)}
FROM {tags}
JOIN {outlet.table} AS "outlet" ON "outlet".{outlet["id"]} = "tag".{tag["outlet"]}
WHERE {where}
"""


def own_tags(user_id: int, *, within: Within, pk: int) -> list[tuple]:
    """`user_id`'s tags on the article or the sentence `pk`, in no order: (id, sentence
    id, start, end, label, outlet name, cited source, note, seq)."""
    with connection.cursor() as cursor:
        cursor.execute(_own_tags_sql(connection.vendor, within), {"within": pk, "user": user_id})
        return cursor.fetchall()


def own_tags_orm(user_id: int, *, within: Within, pk: int) -> list[tuple]:
    tags = model("annotator.ClaimTag").objects.filter(
        reviewer_id=user_id, **{"sentence__article_id" if within == "article" else "sentence": pk}
    )
    fields = [f if f != "sentence" else "sentence_id" for f in TAG_FIELDS]
    return list(tags.values_list(*fields, "outlet__name", "cited_source", "note", "seq"))


@cache
def _sentences_and_own_tags_sql(vendor: str) -> str:  # per database: see _tags_from
    """The article's sentences in reading order, each with the user's tags on it (one row
    a tag, or one with no tag): the article page's two reads in one statement, one round
    trip less on PostgreSQL. Each sentence's tags are looked up in the unique
    (reviewer, sentence, ...) index, as in `_tags_from`: by a LATERAL subquery on
    PostgreSQL, by the join's condition on SQLite."""
    tag, outlet, sentence = _tables()
    condition = f'"tag".{tag["reviewer"]} = %(user)s'
    on = f'"tag".{tag["sentence"]} = "sentence".{sentence["id"]}'
    if vendor == "postgresql":
        tags = f"""LEFT JOIN LATERAL (
    SELECT * FROM {tag.table} AS "tag" WHERE {condition} AND {on} OFFSET 0
) AS "tag" ON TRUE"""
    else:
        tags = f'LEFT JOIN {tag.table} AS "tag" ON {condition} AND {on}'
    return f"""
SELECT {sentence.list(*SENTENCE_FIELDS, alias="sentence")}, {_own_columns(tag, outlet)}
FROM {sentence.table} AS "sentence"
{tags}
LEFT JOIN {outlet.table} AS "outlet" ON "outlet".{outlet["id"]} = "tag".{tag["outlet"]}
WHERE "sentence".{sentence["article"]} = %(article)s
ORDER BY "sentence".{sentence["position"]}
"""


def sentences_and_own_tags(article_id: int, user_id: int) -> tuple[list[tuple], list[tuple]]:
    """The article's sentences in reading order, (id, position, paragraph, start, end,
    section, text), and `own_tags(user_id, within="article", pk=article_id)` (in
    sentence order), read in one statement."""
    with connection.cursor() as cursor:
        execute(
            cursor,
            _sentences_and_own_tags_sql(connection.vendor),
            {"article": article_id, "user": user_id},
        )
        rows = cursor.fetchall()
    width = len(SENTENCE_FIELDS)
    sentences: list[tuple] = []
    tags = []
    for row in rows:
        if not sentences or sentences[-1][0] != row[0]:
            sentences.append(row[:width])
        if row[width] is not None:
            tags.append(row[width:])
    return sentences, tags


def sentences_and_own_tags_orm(article_id: int, user_id: int) -> tuple[list[tuple], list[tuple]]:
    return sentences_orm(article_id), own_tags_orm(user_id, within="article", pk=article_id)


@cache
def _others_sql(vendor: str, within: Within) -> str:  # per database: string_agg, _tags_from
    """Everyone else's votes grouped by claim, label, outlet and cited source, read from
    the index claimtag_claim_votes alone (it holds each of those columns, in the groups'
    order: no sort, which was a third of the statement on SQLite): the note is not in it,
    and reading each tag's row for its note was a third of the statement. Each group
    comes with an empty note, as `others_tags` returns it. The outlet's name is joined to
    the groups, not to each tag."""
    tag, outlet, _ = _tables()
    users = Columns(get_user_model())
    vote = tag.list(*CLAIM_FIELDS[:3], "outlet", "label", "cited_source", alias="tag")
    tags, where = _tags_from(vendor, within, f'"tag".{tag["reviewer"]} <> %(user)s')
    return f"""
SELECT "vote".{tag["sentence"]}, "vote".{tag["start"]}, "vote".{tag["end"]},
    "vote".{tag["label"]}, "outlet".{outlet["name"]}, "vote".{tag["cited_source"]},
    '' AS "note", "vote"."n", "vote"."names"
FROM (
    SELECT {vote}, COUNT(*) AS "n",
        {string_agg(f'"reviewer".{users["username"]}', "%(separator)s")} AS "names"
    FROM {tags}
    JOIN {users.table} AS "reviewer" ON "reviewer".{users["id"]} = "tag".{tag["reviewer"]}
    WHERE {where}
    GROUP BY {vote}
) AS "vote"
JOIN {outlet.table} AS "outlet" ON "outlet".{outlet["id"]} = "vote".{tag["outlet"]}
"""


@cache
def _others_notes_sql(vendor: str, within: Within) -> str:  # per database: _tags_from
    """Everyone else's tags that carry a note, one row each: the vote's columns as
    above, the note, the name. Found by the partial index claimtag_noted (few tags have a
    note): the condition is the index's own, word for word, for SQLite to see that the
    index holds every row it asks for."""
    tag, outlet, _ = _tables()
    users = Columns(get_user_model())
    noted = f'"tag".{tag["reviewer"]} <> %(user)s AND NOT ("tag".{tag["note"]} = \'\')'
    tags, where = _tags_from(vendor, within, noted)
    return f"""
SELECT {tag.list(*CLAIM_FIELDS, alias="tag")}, "outlet".{outlet["name"]},
    {tag.list("cited_source", "note", alias="tag")}, "reviewer".{users["username"]}
FROM {tags}
JOIN {outlet.table} AS "outlet" ON "outlet".{outlet["id"]} = "tag".{tag["outlet"]}
JOIN {users.table} AS "reviewer" ON "reviewer".{users["id"]} = "tag".{tag["reviewer"]}
WHERE {where}
"""


def others_tags(user_id: int, *, within: Within, pk: int) -> list[tuple]:
    """Everyone else's tags on the article or the sentence `pk`, counted in the database
    (a teacher's page shows 20 reviewers' tags on 300 sentences, and reading them one by
    one took most of its time): one row per claim, label, outlet, cited source and note
    that some agree on, (sentence id, start, end, label, outlet name, cited source, note,
    how many, their user names joined by NAMES_SEPARATOR in no order), in no order.

    Two statements: the votes grouped without their notes, then the few tags with a
    note, each moved here from its group to the group of its note (a reviewer votes once
    on a claim, so a name is in one group only)."""
    params = {"separator": NAMES_SEPARATOR, "within": pk, "user": user_id}
    with connection.cursor() as cursor:
        execute(cursor, _others_sql(connection.vendor, within), params)
        votes = cursor.fetchall()
        noted_sql = _others_notes_sql(connection.vendor, within)
        execute(cursor, noted_sql, {"within": pk, "user": user_id})
        noted = cursor.fetchall()
    if not noted:
        return votes  # each with an empty note, as the statement gives it
    # claim (sentence, start, end, label, outlet, cited source): [count, names]
    groups = {tuple(vote[:6]): [vote[7], vote[8]] for vote in votes}
    with_notes: dict[tuple, list[str]] = {}
    for *claim, note, name in noted:
        # Each statement reads the tags as they are when it starts: a tag written in
        # between may be in the second only, and is then counted with its note alone.
        group = groups.get(tuple(claim))
        if group is not None:
            names = group[1].split(NAMES_SEPARATOR)
            if name in names:
                names.remove(name)
                group[0] -= 1
                group[1] = NAMES_SEPARATOR.join(names)
        with_notes.setdefault((*claim, note), []).append(name)
    rows = [(*claim, "", count, names) for claim, (count, names) in groups.items() if count]
    rows += [
        (*claim, len(names), NAMES_SEPARATOR.join(names)) for claim, names in with_notes.items()
    ]
    return rows


def others_tags_orm(user_id: int, *, within: Within, pk: int) -> list[tuple]:
    tags = (
        model("annotator.ClaimTag")
        .objects.filter(**{"sentence__article_id" if within == "article" else "sentence": pk})
        .exclude(reviewer_id=user_id)
    )
    fields = [f if f != "sentence" else "sentence_id" for f in CLAIM_FIELDS]
    fields += ["outlet__name", "cited_source", "note"]
    groups: dict[tuple, list[str]] = {}
    for *claim, name in tags.values_list(*fields, "reviewer__username"):
        groups.setdefault(tuple(claim), []).append(name)
    return [(*claim, len(names), NAMES_SEPARATOR.join(names)) for claim, names in groups.items()]


# A sentence as a tagging request needs it: its columns, then its article's origin and
# publisher (ids, names, slugs: the default attribution and the outlets offered first).
TAGGING_FIELDS = ("id", "article", "position", "paragraph", "start", "end", "section", "text")


@cache
def for_tagging_sql(count: int) -> str:
    """`sentences_for_tagging`'s statement for `count` ids, placeholders %(id0)s..."""
    sentence = Columns(model("annotator.Sentence"))
    article, outlet = Columns(model("annotator.Article")), Columns(model("sources.Outlet"))
    joins = "\n".join(
        f'LEFT JOIN {outlet.table} AS "{role}" '
        f'ON "{role}".{outlet["id"]} = "article".{article[role]}'
        for role in ("origin", "publisher")
    )
    return f"""
SELECT {sentence.list(*TAGGING_FIELDS, alias="sentence")},
    {article.list("origin", "publisher", alias="article")},
    {outlet.list("name", "slug", alias="origin")}, {outlet.list("name", "slug", alias="publisher")}
FROM {sentence.table} AS "sentence"
JOIN {article.table} AS "article" ON "article".{article["id"]} = "sentence".{sentence["article"]}
{joins}
WHERE "sentence".{sentence["id"]} IN ({", ".join(f"%(id{i})s" for i in range(count))})
"""


def sentences_for_tagging(ids: Collection[int]) -> list[tuple]:
    """The sentences with these distinct primary keys (those that exist), in no order:
    TAGGING_FIELDS, then the article's origin id, publisher id, the origin's name and
    slug, and the publisher's name and slug (None where the article has none)."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        execute(cursor, for_tagging_sql(len(ids)), {f"id{i}": pk for i, pk in enumerate(ids)})
        return cursor.fetchall()


def sentences_for_tagging_orm(ids: Collection[int]) -> list[tuple]:
    fields = [f if f != "article" else "article_id" for f in TAGGING_FIELDS]
    outlets = ["article__origin__name", "article__origin__slug"]
    outlets += ["article__publisher__name", "article__publisher__slug"]
    return list(
        model("annotator.Sentence")
        .objects.filter(id__in=ids)
        .values_list(*fields, "article__origin_id", "article__publisher_id", *outlets)
    )


@cache
def _progress_sql(skipped: int) -> str:
    tag, _, sentence = _tables()
    sections = ", ".join(f"%(section{i})s" for i in range(skipped))
    return f"""
SELECT COUNT(*), COUNT(CASE WHEN EXISTS (
    SELECT 1 FROM {tag.table} AS "tag"
    WHERE "tag".{tag["reviewer"]} = %(user)s
        AND "tag".{tag["sentence"]} = "sentence".{sentence["id"]}
) THEN 1 END)
FROM {sentence.table} AS "sentence"
WHERE "sentence".{sentence["article"]} = %(article)s
    AND "sentence".{sentence["section"]} NOT IN ({sections})
"""


def progress(user_id: int, article_id: int, *, skip: Collection[str]) -> tuple[int, int]:
    """(claims, tagged): how many of the article's sentences outside the sections `skip`
    (not empty) there are, and how many of them `user_id` has tagged, whole or in part."""
    params = {f"section{i}": section for i, section in enumerate(sorted(skip))}
    with connection.cursor() as cursor:
        cursor.execute(_progress_sql(len(skip)), {**params, "user": user_id, "article": article_id})
        return cursor.fetchone()


def progress_orm(user_id: int, article_id: int, *, skip: Collection[str]) -> tuple[int, int]:
    tags = model("annotator.ClaimTag").objects.filter(reviewer_id=user_id, sentence=OuterRef("pk"))
    counts = (
        model("annotator.Sentence")
        .objects.filter(article_id=article_id)
        .exclude(section__in=skip)
        .aggregate(total=Count("pk"), done=Count("pk", filter=Q(Exists(tags))))
    )
    return counts["total"], counts["done"]
