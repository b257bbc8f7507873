"""The outlet figures' statement: every claim's consensus label, attributed outlet and
cited source, counted per outlet (and reviewer group) in one SQL statement.

The rules it follows, and why it is written out (CTEs and window functions, which the ORM
does not express; a page makes the same number of queries whatever the data), are in
`framing.selectors.figures`; that module turns the rows into figures. The statement is
written for a million tags (`bench/framing.py`): the sentences in focus come from the index
on (outlet, sentence); each claim's votes are counted in one ordered pass over the index on
(sentence, start, end, outlet, label, cited source, reviewer): per label, with the least
and greatest outlet and cited source, which settle nearly every claim. Only a claim whose
tags name several outlets without the article's origin holding half of them, or give
three or more different cited sources, is looked up again, alone, in the same index.
Derived sets are joined to tables, through the tables' indexes, rather than to each
other: the planner cannot estimate their sizes, and a wrong guess there costs seconds.
Each database counts the tags as the index gives them, without sorting them (see
`sentences` below: the one place where the statement differs between the two); a
sentence's article, section and offsets come, on PostgreSQL, from the index
`sentence_place` alone (migration annotator/0012).

Table and column names come from the models (through the app registry: core imports no
app), so a renamed field changes the statement with it; every value is a named
placeholder (`%(outlet_0)s`, `%(date_from)s`, ...), each bound once however often the
statement repeats it. Its twin is the rule in Python (`annotator.stats.consensus.decide`
over tags read with the ORM): tests/sources/test_framing.py compares the two on random
tags, and tests/classroom/test_blind_figures.py the blind rule's conditions with the
ORM's, on both databases.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from core.db.sql import Columns


class HiddenTags(Protocol):
    """Tags on `articles` are hidden: those of `reviewers`, or, when it is None,
    everyone's but the viewer's (and the articles' adjudications too)."""

    articles: frozenset[int]
    reviewers: frozenset[int] | None


class BlindRule(Protocol):
    """What the statement needs of a viewer's blind rule
    (`classroom.selectors.blindness.TagScope`)."""

    viewer_id: int | None
    hidden: tuple[HiddenTags, ...]


@dataclass(frozen=True, slots=True)
class Claims:
    """Which claims count (`framing.selectors.figures.Filters`, as plain values)."""

    outlet_ids: Sequence[int]
    sections: Sequence[str]
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    group_id: int | None = None  # only this reviewer group's tags vote
    by_group: bool = False  # one row per reviewer group


@dataclass(frozen=True, slots=True)
class _Tables:
    tag: Columns
    sentence: Columns
    article: Columns
    adjudication: Columns
    passage: Columns
    copy: Columns
    membership: Columns
    labels: tuple[str, ...]


@cache
def _tables() -> _Tables:
    user = apps.get_model(settings.AUTH_USER_MODEL)
    tag = apps.get_model("annotator", "ClaimTag")
    labels = tuple(value for value, _ in tag._meta.get_field("label").choices)
    # The labels are written into the statement as literals (CASE arms and column
    # aliases): only plain words may be.
    assert all(re.fullmatch(r"[a-z_]+", label) for label in labels), labels
    return _Tables(
        tag=Columns(tag),
        sentence=Columns(apps.get_model("annotator", "Sentence")),
        article=Columns(apps.get_model("annotator", "Article")),
        adjudication=Columns(apps.get_model("annotator", "Adjudication")),
        passage=Columns(apps.get_model("annotator", "StorySentence")),
        copy=Columns(apps.get_model("annotator", "StoryArticle")),
        membership=Columns(user._meta.get_field("groups").remote_field.through),
        labels=labels,
    )


class _Params(dict):
    """The statement's values by placeholder name; `one` and `many` return the
    placeholders' text."""

    def one(self, name: str, value: object) -> str:
        self[name] = value
        return f"%({name})s"

    def many(self, prefix: str, values: Iterable[object]) -> str:
        return ", ".join(self.one(f"{prefix}_{i}", value) for i, value in enumerate(values))


def figures_sql(
    claims: Claims, blind: BlindRule, *, sourced: str, disputed: str
) -> tuple[str, dict[str, object]]:
    """The statement and its named parameters. Its rows: (group id or 0, outlet id, label
    or `disputed`, cited source in lower case, cited source as first spelled, claims),
    the cited source None for labels other than `sourced`."""
    n = _tables()
    T, S, A, J, P, K, G = (
        n.tag,
        n.sentence,
        n.article,
        n.adjudication,
        n.passage,
        n.copy,
        n.membership,
    )
    assert sourced in n.labels and re.fullmatch(r"[a-z_]+", disputed)
    grouped = claims.by_group or claims.group_id is not None
    params = _Params()
    outlets = params.many("outlet", claims.outlet_ids)

    scope = [f"s.{S.section} IN ({params.many('section', claims.sections)})"]
    if claims.date_from:
        scope.append(f"a.{A.published_on} >= {params.one('date_from', claims.date_from)}")
    if claims.date_to:
        scope.append(f"a.{A.published_on} <= {params.one('date_to', claims.date_to)}")
    if claims.q:
        escaped = claims.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        scope.append(f"LOWER(a.{A.text}) LIKE {params.one('q', f'%{escaped}%')} ESCAPE '\\'")
    in_scope = " AND ".join(scope)

    def named_on(sentence_id: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {T.table} y WHERE y.{T.sentence} = {sentence_id} "
            f"AND y.{T.outlet} IN ({outlets}))"
        )

    def decided_on(sentence_id: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {J.table} y WHERE y.{J.sentence} = {sentence_id} "
            f"AND y.{J.outlet} IN ({outlets}))"
        )

    # With a reviewer group, only its members' tags vote: `grp` is the group's id (0
    # without one), and the look-ups of single claims below count the same tags.
    def voters(alias: str, claim: str) -> str:
        if not grouped:
            return ""
        return (
            f"JOIN {G.table} {alias}g ON {alias}g.{G.user} = {alias}.{T.reviewer} "
            f"AND {alias}g.{G.group} = {claim}.grp"
        )

    group_join, grp, by_grp = "", "0", ""
    if grouped:
        group_join = f"JOIN {G.table} ug ON ug.{G.user} = t.{T.reviewer}"
        grp, by_grp = f"ug.{G.group}", f", ug.{G.group}"
        if claims.group_id is not None:
            group = params.one("group", claims.group_id)
            group_join += f" AND ug.{G.group} = {group}"
            if not claims.by_group:
                # One group: a constant, so that grouping by it sorts nothing.
                grp, by_grp = f"CAST({group} AS BIGINT)", ""

    # The blind rule (`classroom.selectors.blindness`): the tags and adjudications this
    # viewer's figures may not read are left out wherever tags are read; for everyone
    # who sees everything these add nothing to the statement.
    def visible(article: str, reviewer: str) -> str:
        conditions = []
        for i, block in enumerate(blind.hidden):
            on_articles = (
                f"{article} IN ({params.many(f'hidden{i}_article', sorted(block.articles))})"
            )
            if block.reviewers is None:
                viewer = params.one("viewer", blind.viewer_id)
                conditions.append(f"NOT ({on_articles} AND {reviewer} <> {viewer})")
            else:
                reviewers = params.many(f"hidden{i}_reviewer", sorted(block.reviewers))
                conditions.append(f"NOT ({on_articles} AND {reviewer} IN ({reviewers}))")
        return "".join(f" AND {condition}" for condition in conditions)

    closed = sorted(frozenset().union(*(b.articles for b in blind.hidden if b.reviewers is None)))

    def decided(article: str) -> str:
        if not closed:
            return ""
        return f" AND {article} NOT IN ({params.many('closed_article', closed)})"

    def article_of(sentence_id: str) -> str:
        return f"(SELECT z.{S.article} FROM {S.table} z WHERE z.{S.id} = {sentence_id})"

    label_counts = ", ".join(
        f"COUNT(*) FILTER (WHERE t.{T.label} = '{label}') AS n_{label}" for label in n.labels
    )
    majority = " ".join(f"WHEN 2 * v.n_{label} > v.total THEN '{label}'" for label in n.labels)
    cited_tag = f"t.{T.label} = '{sourced}' AND t.{T.cited_source} <> ''"

    def same_claim(c: str) -> str:
        return f"x.{T.sentence} = {c}.sid AND x.{T.start} = {c}.st AND x.{T.end} = {c}.en"

    # The rules themselves for one claim, read from the index on (sentence, start, end,
    # ...) only where the shortcuts below cannot tell. (SQLite cannot read the outer
    # query's columns in the ORDER BY of a grouped subquery: hence the derived table.)
    top_outlet = f"""(
        SELECT outlet_id FROM (
            SELECT x.{T.outlet} AS outlet_id, COUNT(*) AS n,
                   CASE WHEN x.{T.outlet} = v.origin THEN 0 ELSE 1 END AS elsewhere
            FROM {T.table} x {voters("x", "v")}
            WHERE {same_claim("v")}{visible("v.article", f"x.{T.reviewer}")}
            GROUP BY x.{T.outlet}
        ) named
        ORDER BY n DESC, elsewhere, outlet_id
        LIMIT 1)"""

    top_cited = f"""(
        SELECT MIN(x.{T.cited_source}) FROM {T.table} x {voters("x", "c")}
        WHERE {same_claim("c")} AND x.{T.label} = '{sourced}' AND x.{T.cited_source} <> ''
              {visible("c.article", f"x.{T.reviewer}")}
        GROUP BY LOWER(x.{T.cited_source})
        ORDER BY COUNT(*) DESC, LOWER(x.{T.cited_source})
        LIMIT 1)"""

    # Most claims need no look-up: all their tags name one outlet, or the article's
    # origin has at least half of the votes (no other outlet can have more, and a tie
    # goes to the origin).
    voted_outlet = f"""CASE WHEN v.outlet_lo = v.outlet_hi THEN v.outlet_lo
                     WHEN 2 * v.at_origin >= v.total THEN v.origin
                     ELSE {top_outlet} END"""

    claim_cols = (
        "grp, sid, st, en, total, adjudicated, label, outlet, cited, "
        "origin, article, s_st, s_en, story, passage"
    )
    votes_cols = "v.origin, v.article, v.s_st, v.s_en, v.story, v.passage"
    # The cited source of a sourced claim, when its tags tell without a look-up: none
    # recorded (""), one (in any case), or two (a tie: the first alphabetically).
    voted_cited = """CASE WHEN v.cited_n = 0 THEN ''
                    WHEN v.cited_lo = v.cited_hi THEN v.cited_first
                    WHEN v.cited_n = 2 AND LOWER(v.cited_first) = v.cited_lo THEN v.cited_first
                    WHEN v.cited_n = 2 THEN v.cited_last END"""

    # The sentences in focus lead the read of their tags, in the order of the index on
    # (sentence, start, end, ...), so that each claim's tags arrive together and are
    # counted as they come, without sorting them. The two databases get there
    # differently: PostgreSQL merges the sorted list of sentences with the index (it
    # cannot tell how long a list built from a CTE is, and given it as an IN it loops
    # over a guess and sorts every tag); SQLite walks the sentences through an IN list,
    # which it reads in order (from a joined derived table it sorts every tag).
    if connection.vendor == "postgresql":
        sentences = f"focus f JOIN {S.table} s ON s.{S.id} = f.sentence_id"
        in_focus = ""
    else:
        sentences = f"{S.table} s"
        in_focus = f"s.{S.id} IN (SELECT sentence_id FROM focus) AND "

    sql = f"""
    WITH named AS (
        -- The sentences with a tag naming one of the outlets, from the index on
        -- (outlet, sentence).
        SELECT {T.sentence} AS sentence_id FROM {T.table} WHERE {T.outlet} IN ({outlets})
        GROUP BY {T.sentence}
    ),
    focus AS (
        -- The sentences whose claims may count for these outlets: those with a tag
        -- or an adjudication naming one of them, and the other copies of their story
        -- passages (the copy that counts may be one of those); each once, in order.
        SELECT sentence_id FROM named
        UNION ALL
        SELECT sentence_id FROM (
            SELECT {J.sentence} AS sentence_id FROM {J.table} WHERE {J.outlet} IN ({outlets})
            UNION ALL
            SELECT {P.sentence} AS sentence_id FROM {P.table}
            WHERE ({P.story}, {P.passage}) IN (
                SELECT p.{P.story}, p.{P.passage} FROM named n
                JOIN {P.table} p ON p.{P.sentence} = n.sentence_id
                UNION ALL
                SELECT p.{P.story}, p.{P.passage} FROM {J.table} j
                JOIN {P.table} p ON p.{P.sentence} = j.{J.sentence}
                WHERE j.{J.outlet} IN ({outlets})
            )
        ) more
        WHERE NOT EXISTS (SELECT 1 FROM named n WHERE n.sentence_id = more.sentence_id)
        GROUP BY sentence_id
        ORDER BY sentence_id
    ),
    votes AS (
        -- Each claim in one pass over its tags, read in order from the index on
        -- (sentence, start, end, ...): votes per label, and enough about outlets and
        -- cited sources to settle most claims without reading their tags again.
        SELECT {grp} AS grp, s.{S.id} AS sid,
               t.{T.start} AS st, t.{T.end} AS en, COUNT(*) AS total, {label_counts},
               MIN(t.{T.outlet}) AS outlet_lo, MAX(t.{T.outlet}) AS outlet_hi,
               COUNT(*) FILTER (WHERE t.{T.outlet} = a.{A.origin}) AS at_origin,
               COUNT(*) FILTER (WHERE {cited_tag}) AS cited_n,
               MIN(LOWER(t.{T.cited_source})) FILTER (WHERE {cited_tag}) AS cited_lo,
               MAX(LOWER(t.{T.cited_source})) FILTER (WHERE {cited_tag}) AS cited_hi,
               MIN(t.{T.cited_source}) FILTER (WHERE {cited_tag}) AS cited_first,
               MAX(t.{T.cited_source}) FILTER (WHERE {cited_tag}) AS cited_last,
               MAX(a.{A.origin}) AS origin, s.{S.article} AS article, s.{S.start} AS s_st,
               s.{S.end} AS s_en, MAX(p.{P.story}) AS story, MAX(p.{P.passage}) AS passage
        FROM {sentences}
        JOIN {A.table} a ON a.{A.id} = s.{S.article}
        LEFT JOIN {P.table} p ON p.{P.sentence} = s.{S.id}
        JOIN {T.table} t ON t.{T.sentence} = s.{S.id}
        {group_join}
        WHERE {in_focus}{in_scope}{visible(f"s.{S.article}", f"t.{T.reviewer}")}
        GROUP BY s.{S.id}, t.{T.start}, t.{T.end}{by_grp}
    ),"""
    if grouped:
        # The figures say how the group's members labelled the claims: no adjudication.
        sql += f"""
    claims AS (
        SELECT v.grp, v.sid, v.st, v.en, v.total, 0 AS adjudicated,
               CASE {majority} END AS label, {voted_outlet} AS outlet,
               {voted_cited} AS cited, {votes_cols}
        FROM votes v
    ),"""
    else:
        sql += f"""
    claims AS (
        SELECT v.grp, v.sid, v.st, v.en, v.total,
               CASE WHEN j.{J.id} IS NULL THEN 0 ELSE 1 END AS adjudicated,
               COALESCE(j.{J.label}, CASE {majority} END) AS label,
               COALESCE(j.{J.outlet}, {voted_outlet}) AS outlet,
               COALESCE(NULLIF(j.{J.cited_source}, ''), {voted_cited}) AS cited, {votes_cols}
        FROM votes v
        LEFT JOIN {J.table} j ON j.{J.sentence} = v.sid AND j.{J.start} = v.st
             AND j.{J.end} = v.en{decided("v.article")}
        UNION ALL
        -- Claims decided without a tag (few, so found first and then looked up one by
        -- one; the ORDER BY keeps the planner from merging the two steps), on sentences
        -- in focus.
        SELECT 0, j.{J.sentence}, j.{J.start}, j.{J.end}, 0, 1, j.{J.label}, j.{J.outlet},
               j.{J.cited_source}, a.{A.origin}, a.{A.id}, s.{S.start}, s.{S.end},
               p.{P.story}, p.{P.passage}
        FROM (
            SELECT * FROM {J.table} b
            WHERE NOT EXISTS (SELECT 1 FROM {T.table} x WHERE x.{T.sentence} = b.{J.sentence}
                              AND x.{T.start} = b.{J.start} AND x.{T.end} = b.{J.end}
                              {visible(article_of(f"x.{T.sentence}"), f"x.{T.reviewer}")})
            ORDER BY b.{J.id}
        ) j
        JOIN {S.table} s ON s.{S.id} = j.{J.sentence}
        JOIN {A.table} a ON a.{A.id} = s.{S.article}
        LEFT JOIN {P.table} p ON p.{P.sentence} = s.{S.id}
        WHERE (j.{J.outlet} IN ({outlets}) OR {named_on(f"j.{J.sentence}")}
               OR {decided_on(f"j.{J.sentence}")}
               OR EXISTS (SELECT 1 FROM {P.table} p1
                          WHERE p1.{P.story} = p.{P.story} AND p1.{P.passage} = p.{P.passage}
                            AND ({named_on(f"p1.{P.sentence}")}
                                 OR {decided_on(f"p1.{P.sentence}")})))
          AND {in_scope}{decided(f"a.{A.id}")}
    ),"""
    sql += f"""
    -- A claim outside any story counts as it is; of the copies of one story claim (same
    -- story, passage, origin and place in the sentence, -1 for all of it), one counts.
    counted AS (
        SELECT {claim_cols} FROM claims WHERE story IS NULL
        UNION ALL
        SELECT {claim_cols} FROM (
            SELECT c.*, ROW_NUMBER() OVER (
                       PARTITION BY c.grp, c.story, c.passage, COALESCE(c.origin, 0),
                           CASE WHEN c.st = c.s_st AND c.en = c.s_en THEN -1
                                ELSE c.st - c.s_st END,
                           CASE WHEN c.st = c.s_st AND c.en = c.s_en THEN -1
                                ELSE c.en - c.s_st END
                       ORDER BY c.adjudicated DESC, c.total DESC,
                           CASE WHEN k.{K.is_original} THEN 0 ELSE 1 END, c.sid, c.st, c.en
                   ) AS rk
            FROM claims c
            LEFT JOIN {K.table} k ON k.{K.article} = c.article
            WHERE c.story IS NOT NULL
        ) ranked
        WHERE rk = 1
    ),
    -- Per outlet and label; for sourced claims, per cited source too: the
    -- adjudication's, else the one most of their sourced tags give (ties: alphabetical),
    -- in any case; "" when none is recorded. With one or two such tags (most claims),
    -- that is the first alphabetically. Grouped by it as spelled first, so that a
    -- look-up runs once per claim.
    spelled AS (
        SELECT grp, outlet, COALESCE(label, '{disputed}') AS label,
               CASE WHEN label = '{sourced}' THEN
                   CASE WHEN cited IS NULL THEN {top_cited} ELSE cited END
               END AS cited,
               COUNT(*) AS n
        FROM counted c
        WHERE outlet IN ({outlets})
        GROUP BY 1, 2, 3, 4
    )
    SELECT grp, outlet, label, LOWER(cited), MIN(cited), CAST(SUM(n) AS BIGINT)
    FROM spelled
    GROUP BY grp, outlet, label, LOWER(cited)
    """
    return sql, dict(params)


def figures_rows(claims: Claims, blind: BlindRule, *, sourced: str, disputed: str) -> list[tuple]:
    """Run `figures_sql` (see there for its rows)."""
    sql, params = figures_sql(claims, blind, sourced=sourced, disputed=disputed)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL's JIT compiler spends longer on this statement (up to seconds on
            # a million tags) than running it takes; for this transaction only.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()
