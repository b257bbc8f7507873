"""How outlets source, hedge and editorialise: the figures behind the outlet profile, the
comparison page and their JSON, aggregated in the database.

What is counted
- A *claim* is a sentence or a span of it (sentence plus article offsets), as everywhere.
- Its label follows `annotator.stats.consensus`: the adjudicated label, else the label chosen by
  more than half of its reviewers, else *disputed* (counted and shown, never dropped).
- Its *attributed outlet* is the adjudication's outlet if it is adjudicated, else the
  outlet that most of its tags name; on a tie, the article's origin if it is among the
  tied outlets, else the tied outlet with the smallest id (the one created first).
- Its *cited source* (for sourced claims) is the adjudication's, if it gives one, else the
  one most of its sourced tags give (ties: alphabetical); compared without regard to case.
- Only body sentences count unless boilerplate or reader comments are asked for; a date
  range keeps articles published within it (undated articles drop out); a topic search
  keeps articles whose text contains the words, as typed, in any case.
- With a reviewer group, only the tags of that group's members vote, and adjudications
  are left out: the figures say how that group labelled the claims. "By group" computes
  the same figures for every group at once (a reviewer in two groups votes in both).
- Republished stories (see `annotator.services.stories`): a claim is counted once per story and per
  origin. Claims on the copies of one story are the same claim when their sentences are
  the same passage, the articles have the same origin, and they cover the whole sentence
  or the same offsets inside it. Of such a set, one is counted: the adjudicated one, else
  the one with the most votes, else the one on the story's original, else the first
  imported. So tagging the copies of a story ("apply my tag to the other copies") never
  counts one claim twice for its origin, while a republisher's own additions still count.

Every figure comes from one SQL statement (CTEs and window functions, which the ORM does
not express), so a page makes the same number of queries whatever the data. It is written
for a million tags (`bench/framing.py`): the sentences in focus come from the index on
(outlet, sentence); each claim's votes are counted in one ordered pass over the index on
(sentence, start, end, outlet, label, reviewer, cited source): per label, with the least
and greatest outlet and cited source, which settle nearly every claim. Only a claim whose
tags name several outlets without the article's origin holding half of them, or give
three or more different cited sources, is looked up again, alone, in the same index.
Derived sets are joined to tables, through the tables' indexes, rather than to each
other: the planner cannot estimate their sizes, and a wrong guess there costs seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q

from annotator.models import (
    Adjudication,
    Article,
    ClaimTag,
    Label,
    Sentence,
    StoryArticle,
    StorySentence,
)
from classroom.selectors.blindness import EVERYTHING, TagScope, fewer_than, suppressed
from core.spreadsheet import safe_cell
from core.text.hedges import is_vague
from core.text.placeholder import EMPTY
from core.text.sections import Section
from sources.models import Outlet

DISPUTED = "disputed"
LABELS = [*Label.values, DISPUTED]
LABEL_NAMES = {**dict(Label.choices), DISPUTED: "Disputed"}
OPTIONAL_SECTIONS = {Section.BOILERPLATE: "boilerplate", Section.COMMENT: "reader comments"}
Z95 = 1.96
TOP_SOURCES = 10
FEW_CLAIMS = 10  # below this, the comparison says an outlet's shares say little


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% with the default z); None when there
    is nothing to estimate from."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def overlap(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
    """True when two intervals overlap: the difference between the two shares is then
    not meaningful at this confidence (a deliberately cautious rule)."""
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True, slots=True)
class Filters:
    """Which claims count. The default: body sentences of every article, all reviewers."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    group: Group | None = None
    sections: tuple[str, ...] = (Section.BODY,)

    def as_params(self) -> dict[str, str | list[str]]:
        """The filters as query parameters (for links and the CSV download)."""
        params: dict[str, str | list[str]] = {}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if self.q:
            params["q"] = self.q
        if self.group:
            params["group"] = self.group.name
        extra = [s for s in self.sections if s != Section.BODY]
        if extra:
            params["include"] = extra
        return params


def _date(params: Mapping, name: str) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"{raw!r} is not a date; use YYYY-MM-DD"}) from None


def parse_filters(params, *, scope: TagScope) -> Filters:
    """Read filters from query parameters: `from`, `to` (YYYY-MM-DD), `q`, `group` (the
    name of a reviewer group the viewer may see: `scope.groups()`) and `include`
    (boilerplate, comment; repeatable or comma-separated). Raises ValidationError keyed
    by the parameter at fault; a group the viewer may not see is refused exactly as an
    unknown one."""
    getlist = getattr(params, "getlist", lambda key: [params[key]] if key in params else [])
    for name in ("from", "to", "q", "group", "include"):
        if any("\x00" in value for value in getlist(name)):
            raise ValidationError({name: "contains a NUL character"})
    date_from, date_to = _date(params, "from"), _date(params, "to")
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"to": "the end of the date range is before its start"})
    group = None
    name = (params.get("group") or "").strip()
    if name:
        group = scope.groups().filter(name=name).first()
        if group is None:
            known = ", ".join(scope.groups().values_list("name", flat=True)) or "none"
            raise ValidationError({"group": f"unknown group {name!r} (your groups: {known})"})
    include = {part.strip() for value in getlist("include") for part in value.split(",")}
    include.discard("")
    unknown = include - set(OPTIONAL_SECTIONS)
    if unknown:
        raise ValidationError(
            {"include": f"unknown section {sorted(unknown)[0]!r}; use boilerplate or comment"}
        )
    q = (params.get("q") or "").strip()
    if len(q) > 200:
        raise ValidationError({"q": "at most 200 characters"})
    return Filters(
        date_from=date_from,
        date_to=date_to,
        q=q,
        group=group,
        sections=(Section.BODY, *sorted(include)),
    )


@dataclass(frozen=True, slots=True)
class Share:
    """One count of a row and its share. A count that the blind rule suppresses for the
    viewer has no value (count, share and interval None) and reads "fewer than k"."""

    label: str
    count: int | None
    total: int | None
    interval: tuple[float, float] | None
    withheld: str = ""

    @property
    def name(self) -> str:
        return LABEL_NAMES.get(self.label, self.label)

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.count is not None and self.total else None

    @property
    def percent(self) -> str:
        return percent(self.share)

    @property
    def count_text(self) -> str:
        return self.withheld or str(self.count)

    @property
    def interval_text(self) -> str:
        """The 95% interval in percent, "23–88%", or the placeholder without claims."""
        if self.interval is None:
            return EMPTY
        return f"{self.interval[0] * 100:.0f}–{self.interval[1] * 100:.0f}%"


def _share(label: str, count: int, total: int, withheld: str = "") -> Share:
    if withheld:
        return Share(label, None, None, None, withheld)
    return Share(label, count, total, wilson(count, total))


@dataclass(frozen=True, slots=True)
class CitedSource:
    name: str
    count: int
    vague: bool


@dataclass(slots=True)
class Figures:
    """One row of figures: the claims attributed to one outlet (optionally: as labelled
    by one reviewer group). With `min_cell` (the blind rule's minimum cell size for this
    viewer) every figure that is shown goes through `classroom.selectors.blindness.suppressed`:
    a row of fewer than k claims shows nothing but "fewer than k", and a count below k
    reads "fewer than k". `counts` and `sources` hold the exact figures, for computing
    only; pages, JSON and CSV read the properties."""

    outlet: Outlet
    group: Group | None = None
    counts: dict[str, int] = field(default_factory=dict)
    sources: list[CitedSource] = field(default_factory=list)
    min_cell: int = 0

    @property
    def key(self) -> str:
        return self.group.name if self.group else self.outlet.name

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def withheld(self) -> bool:
        """True when the row has too few claims to show anything of it."""
        return self.min_cell > 1 and 0 < self.total < self.min_cell

    @property
    def claims(self) -> int | None:
        return None if self.withheld else self.total

    @property
    def claims_text(self) -> str:
        return fewer_than(self.min_cell) if self.withheld else str(self.total)

    def _hidden(self, counts: dict[str, int]) -> dict[str, str]:
        if self.withheld:
            return dict.fromkeys(counts, fewer_than(self.min_cell))
        return suppressed(counts, self.min_cell)

    @property
    def shares(self) -> list[Share]:
        total = self.total
        counts = {label: self.counts.get(label, 0) for label in LABELS}
        hidden = self._hidden(counts)
        return [_share(label, counts[label], total, hidden.get(label, "")) for label in LABELS]

    def _split_counts(self) -> dict[str, int]:
        return {
            "vague": sum(s.count for s in self.sources if s.name and s.vague),
            "named": sum(s.count for s in self.sources if s.name and not s.vague),
            "unrecorded": sum(s.count for s in self.sources if not s.name),
        }

    def _split(self) -> dict[str, int | None]:
        """Sourced claims by the kind of cited source (None where suppressed)."""
        counts = self._split_counts()
        if self.shares[LABELS.index(Label.SOURCED)].count is None:
            return dict.fromkeys(counts)
        hidden = suppressed(counts, self.min_cell)
        return {k: None if k in hidden else n for k, n in counts.items()}

    def _split_text(self, kind: str) -> str:
        value = self._split()[kind]
        if value is not None:
            return str(value)
        hidden = suppressed(self._split_counts(), self.min_cell)
        return hidden.get(kind) or fewer_than(self.min_cell)

    @property
    def sourced(self) -> int | None:
        return self.shares[LABELS.index(Label.SOURCED)].count

    @property
    def sourced_text(self) -> str:
        return self.shares[LABELS.index(Label.SOURCED)].count_text

    @property
    def vague(self) -> Share:
        """Sourced claims whose cited source is vague, among those that record one."""
        split = self._split()
        if split["vague"] is None or split["named"] is None:
            return _share("vague", 0, 0, fewer_than(self.min_cell))
        return _share("vague", split["vague"], split["vague"] + split["named"])

    @property
    def named(self) -> int | None:
        return self._split()["named"]

    @property
    def unrecorded(self) -> int | None:
        return self._split()["unrecorded"]

    @property
    def named_text(self) -> str:
        return self._split_text("named")

    @property
    def unrecorded_text(self) -> str:
        return self._split_text("unrecorded")

    @property
    def top_sources(self) -> list[CitedSource]:
        """The most cited sources; for a viewer with a minimum cell size, only those
        cited by at least that many claims, and none when the number of sourced claims
        is withheld (their counts would add up to it)."""
        if self.withheld or self.sourced is None:
            return []
        floor = self.min_cell if self.min_cell > 1 else 1
        return [s for s in self.sources if s.name and s.count >= floor][:TOP_SOURCES]


def _in(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _figures_sql(
    outlet_ids: Sequence[int], filters: Filters, by_group: bool, scope: TagScope = EVERYTHING
) -> tuple[str, list[object]]:
    """The statement behind `outlet_figures` and its parameters. Each helper below adds
    its placeholders' values to `params` as the text is written, so the two stay in
    step."""
    qn = connection.ops.quote_name
    tag, sentence, article = (
        ClaimTag._meta.db_table,
        Sentence._meta.db_table,
        Article._meta.db_table,
    )
    adjudication = Adjudication._meta.db_table
    passage, copy = StorySentence._meta.db_table, StoryArticle._meta.db_table
    membership = Group.user_set.through._meta.db_table
    end = qn("end")
    grouped = by_group or filters.group is not None
    ids = list(outlet_ids)
    params: list[object] = []

    def outlets() -> str:
        params.extend(ids)
        return _in(ids)

    def in_scope() -> str:
        scope = [f"s.section IN ({_in(filters.sections)})"]
        params.extend(filters.sections)
        if filters.date_from:
            scope.append("a.published_on >= %s")
            params.append(filters.date_from)
        if filters.date_to:
            scope.append("a.published_on <= %s")
            params.append(filters.date_to)
        if filters.q:
            escaped = filters.q.lower().replace("\\", "\\\\").replace("%", "\\%")
            scope.append("LOWER(a.text) LIKE %s ESCAPE '\\'")
            params.append("%" + escaped.replace("_", "\\_") + "%")
        return " AND ".join(scope)

    def named_on(sentence_id: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {tag} y WHERE y.sentence_id = {sentence_id} "
            f"AND y.outlet_id IN ({outlets()}))"
        )

    def decided_on(sentence_id: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {adjudication} y WHERE y.sentence_id = {sentence_id} "
            f"AND y.outlet_id IN ({outlets()}))"
        )

    # With a reviewer group, only its members' tags vote: `grp` is the group's id (0
    # without one), and the look-ups of single claims below count the same tags.
    def voters(alias: str, claim: str) -> str:
        if not grouped:
            return ""
        return (
            f"JOIN {membership} {alias}g ON {alias}g.user_id = {alias}.reviewer_id "
            f"AND {alias}g.group_id = {claim}.grp"
        )

    def group_join() -> str:
        if not grouped:
            return ""
        if filters.group is None:
            return f"JOIN {membership} ug ON ug.user_id = t.reviewer_id"
        params.append(filters.group.pk)
        return f"JOIN {membership} ug ON ug.user_id = t.reviewer_id AND ug.group_id = %s"

    # The blind rule (`classroom.selectors.blindness`): the tags and adjudications this viewer's
    # figures may not read are left out wherever tags are read; for everyone who sees
    # everything these add nothing to the statement.
    def visible(article: str, reviewer: str) -> str:
        condition = scope.tag_sql(article=article, reviewer=reviewer, params=params)
        return f" AND {condition}" if condition else ""

    def article_of(sentence_id: str) -> str:
        return f"(SELECT z.article_id FROM {sentence} z WHERE z.id = {sentence_id})"

    def decided(article: str) -> str:
        condition = scope.adjudication_sql(article=article, params=params)
        return f" AND {condition}" if condition else ""

    label_counts = ", ".join(
        f"SUM(CASE WHEN t.label = '{label}' THEN 1 ELSE 0 END) AS n_{label}"
        for label in Label.values
    )
    majority = " ".join(f"WHEN 2 * v.n_{label} > v.total THEN '{label}'" for label in Label.values)
    cited_tag = "t.label = 'sourced' AND t.cited_source <> ''"
    same_claim = "x.sentence_id = {c}.sid AND x.start = {c}.st AND x." + end + " = {c}.en"

    # The rules themselves for one claim, read from the index on (sentence, start, end,
    # ...) only where the shortcuts below cannot tell. (SQLite cannot read the outer
    # query's columns in the ORDER BY of a grouped subquery: hence the derived table.)
    # (Functions, so that their parameters join `params` where their text is placed.)
    def top_outlet() -> str:
        return f"""(
        SELECT outlet_id FROM (
            SELECT x.outlet_id, COUNT(*) AS n,
                   CASE WHEN x.outlet_id = v.origin THEN 0 ELSE 1 END AS elsewhere
            FROM {tag} x {voters("x", "v")}
            WHERE {same_claim.format(c="v")}{visible("v.article", "x.reviewer_id")}
            GROUP BY x.outlet_id
        ) named
        ORDER BY n DESC, elsewhere, outlet_id
        LIMIT 1)"""

    def top_cited() -> str:
        return f"""(
        SELECT MIN(x.cited_source) FROM {tag} x {voters("x", "c")}
        WHERE {same_claim.format(c="c")} AND x.label = 'sourced' AND x.cited_source <> ''
              {visible("c.article", "x.reviewer_id")}
        GROUP BY LOWER(x.cited_source)
        ORDER BY COUNT(*) DESC, LOWER(x.cited_source)
        LIMIT 1)"""

    # Most claims need no look-up: all their tags name one outlet, or the article's
    # origin has at least half of the votes (no other outlet can have more, and a tie
    # goes to the origin).
    def voted_outlet() -> str:
        return f"""CASE WHEN v.outlet_lo = v.outlet_hi THEN v.outlet_lo
                     WHEN 2 * v.at_origin >= v.total THEN v.origin
                     ELSE {top_outlet()} END"""

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

    sql = f"""
    WITH named AS (
        -- The sentences with a tag naming one of the outlets, from the index on
        -- (outlet, sentence).
        SELECT sentence_id FROM {tag} WHERE outlet_id IN ({outlets()}) GROUP BY sentence_id
    ),
    votes AS (
        -- Each claim in one pass over its tags, read in order from the index on
        -- (sentence, start, end, ...): votes per label, and enough about outlets and
        -- cited sources to settle most claims without reading their tags again.
        SELECT {"ug.group_id" if grouped else "0"} AS grp, t.sentence_id AS sid,
               t.start AS st, t.{end} AS en, COUNT(*) AS total, {label_counts},
               MIN(t.outlet_id) AS outlet_lo, MAX(t.outlet_id) AS outlet_hi,
               SUM(CASE WHEN t.outlet_id = a.origin_id THEN 1 ELSE 0 END) AS at_origin,
               SUM(CASE WHEN {cited_tag} THEN 1 ELSE 0 END) AS cited_n,
               MIN(CASE WHEN {cited_tag} THEN LOWER(t.cited_source) END) AS cited_lo,
               MAX(CASE WHEN {cited_tag} THEN LOWER(t.cited_source) END) AS cited_hi,
               MIN(CASE WHEN {cited_tag} THEN t.cited_source END) AS cited_first,
               MAX(CASE WHEN {cited_tag} THEN t.cited_source END) AS cited_last,
               MAX(a.origin_id) AS origin, MAX(a.id) AS article, MAX(s.start) AS s_st,
               MAX(s.{end}) AS s_en, MAX(p.story_id) AS story, MAX(p.passage) AS passage
        FROM (
            -- The sentences whose claims may count for these outlets: those with a tag
            -- or an adjudication naming one of them, and the other copies of their
            -- story passages (the copy that counts may be one of those); each once,
            -- and in order, so that the joins below walk their indexes in order.
            SELECT sentence_id FROM named
            UNION ALL
            SELECT sentence_id FROM (
                SELECT sentence_id FROM {adjudication} WHERE outlet_id IN ({outlets()})
                UNION ALL
                SELECT sentence_id FROM {passage} WHERE (story_id, passage) IN (
                    SELECT p.story_id, p.passage FROM named n
                    JOIN {passage} p ON p.sentence_id = n.sentence_id
                    UNION ALL
                    SELECT p.story_id, p.passage FROM {adjudication} j
                    JOIN {passage} p ON p.sentence_id = j.sentence_id
                    WHERE j.outlet_id IN ({outlets()})
                )
            ) more
            WHERE NOT EXISTS (SELECT 1 FROM named n WHERE n.sentence_id = more.sentence_id)
            GROUP BY sentence_id
            ORDER BY sentence_id
        ) f
        JOIN {sentence} s ON s.id = f.sentence_id
        JOIN {article} a ON a.id = s.article_id
        LEFT JOIN {passage} p ON p.sentence_id = s.id
        JOIN {tag} t ON t.sentence_id = s.id
        {group_join()}
        WHERE {in_scope()}{visible("s.article_id", "t.reviewer_id")}
        GROUP BY t.sentence_id, t.start, t.{end}{", ug.group_id" if grouped else ""}
    ),"""
    if grouped:
        # The figures say how the group's members labelled the claims: no adjudication.
        sql += f"""
    claims AS (
        SELECT v.grp, v.sid, v.st, v.en, v.total, 0 AS adjudicated,
               CASE {majority} END AS label, {voted_outlet()} AS outlet,
               {voted_cited} AS cited, {votes_cols}
        FROM votes v
    ),"""
    else:
        sql += f"""
    claims AS (
        SELECT v.grp, v.sid, v.st, v.en, v.total,
               CASE WHEN j.id IS NULL THEN 0 ELSE 1 END AS adjudicated,
               COALESCE(j.label, CASE {majority} END) AS label,
               COALESCE(j.outlet_id, {voted_outlet()}) AS outlet,
               COALESCE(NULLIF(j.cited_source, ''), {voted_cited}) AS cited, {votes_cols}
        FROM votes v
        LEFT JOIN {adjudication} j ON j.sentence_id = v.sid AND j.start = v.st
             AND j.{end} = v.en{decided("v.article")}
        UNION ALL
        -- Claims decided without a tag (few, so found first and then looked up one by
        -- one; the ORDER BY keeps the planner from merging the two steps), on sentences
        -- in focus.
        SELECT 0, j.sentence_id, j.start, j.{end}, 0, 1, j.label, j.outlet_id,
               j.cited_source, a.origin_id, a.id, s.start, s.{end}, p.story_id, p.passage
        FROM (
            SELECT * FROM {adjudication} b
            WHERE NOT EXISTS (SELECT 1 FROM {tag} x WHERE x.sentence_id = b.sentence_id
                              AND x.start = b.start AND x.{end} = b.{end}
                              {visible(article_of("x.sentence_id"), "x.reviewer_id")})
            ORDER BY b.id
        ) j
        JOIN {sentence} s ON s.id = j.sentence_id
        JOIN {article} a ON a.id = s.article_id
        LEFT JOIN {passage} p ON p.sentence_id = s.id
        WHERE (j.outlet_id IN ({outlets()}) OR {named_on("j.sentence_id")}
               OR {decided_on("j.sentence_id")}
               OR EXISTS (SELECT 1 FROM {passage} p1
                          WHERE p1.story_id = p.story_id AND p1.passage = p.passage
                            AND ({named_on("p1.sentence_id")}
                                 OR {decided_on("p1.sentence_id")})))
          AND {in_scope()}{decided("a.id")}
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
                           CASE WHEN k.is_original THEN 0 ELSE 1 END, c.sid, c.st, c.en
                   ) AS rk
            FROM claims c
            LEFT JOIN {copy} k ON k.article_id = c.article
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
        SELECT grp, outlet, COALESCE(label, '{DISPUTED}') AS label,
               CASE WHEN label = 'sourced' THEN
                   CASE WHEN cited IS NULL THEN {top_cited()} ELSE cited END
               END AS cited,
               COUNT(*) AS n
        FROM counted c
        WHERE outlet IN ({outlets()})
        GROUP BY 1, 2, 3, 4
    )
    SELECT grp, outlet, label, LOWER(cited), MIN(cited), CAST(SUM(n) AS BIGINT)
    FROM spelled
    GROUP BY grp, outlet, label, LOWER(cited)
    """
    return sql, params


def outlet_figures(
    *,
    outlets: Sequence[Outlet],
    scope: TagScope,
    filters: Filters = Filters(),
    by_group: bool = False,
) -> list[Figures]:
    """The figures of each outlet, in the order given, as the viewer whose blind rule
    `scope` is may see them (`classroom.selectors.blindness`; `EVERYTHING` for teachers/editors and
    admins); with `by_group`, one row per reviewer group the viewer may see (in name
    order) for each outlet. One query (two with `by_group`, to name the groups; on
    PostgreSQL one more, to switch its JIT off)."""
    if not outlets:
        return []
    if filters.group is not None and not scope.may_see_group(filters.group):
        raise ValidationError({"group": "not one of your groups"})
    groups = list(scope.groups()) if by_group else [filters.group]
    rows = {
        (g.pk if g else 0, o.pk): Figures(outlet=o, group=g, min_cell=scope.min_cell)
        for o in outlets
        for g in groups
    }
    sql, params = _figures_sql([o.pk for o in outlets], filters, by_group, scope)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL's JIT compiler spends longer on this statement (up to seconds on
            # a million tags) than running it takes; for this transaction only.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        result = cursor.fetchall()
    for grp, outlet_id, label, _, name, count in result:
        figures = rows.get((grp, outlet_id))
        if figures is None:
            continue
        figures.counts[label] = figures.counts.get(label, 0) + count
        if label == Label.SOURCED:
            figures.sources.append(CitedSource(name=name, count=count, vague=is_vague(name)))
    for figures in rows.values():
        figures.sources.sort(key=lambda s: (-s.count, s.name.lower()))
    return list(rows.values())


@dataclass(frozen=True, slots=True)
class Profile:
    outlet: Outlet
    filters: Filters
    figures: list[Figures]  # one row, or one per reviewer group
    published: int
    originated: int
    recent_published: list[Article]
    recent_originated: list[Article]
    republishers: list[dict]  # {"name", "slug", "articles"}


RECENT = 10


def outlet_profile(
    *, outlet: Outlet, scope: TagScope, filters: Filters = Filters(), by_group: bool = False
) -> Profile:
    """Everything the profile page shows about one outlet, in a fixed number of queries
    (five, six with `by_group`)."""
    totals = Article.objects.aggregate(
        published=Count("id", filter=Q(publisher=outlet)),
        originated=Count("id", filter=Q(origin=outlet)),
    )
    recent = list(
        Article.objects.filter(Q(publisher=outlet) | Q(origin=outlet))
        .select_related("publisher", "origin")
        .order_by("-published_on", "-imported_at", "-id")[: RECENT * 2]
    )
    # Republishers: outlets that published articles this outlet wrote (as credited), or
    # copies in stories whose original this outlet published.
    originals = StoryArticle.objects.filter(is_original=True, article__publisher=outlet)
    republishers = list(
        Article.objects.filter(
            Q(origin=outlet) | Q(story_copy__story__in=originals.values("story_id"))
        )
        .exclude(publisher=outlet)
        .exclude(publisher=None)
        .values("publisher__name", "publisher__slug")
        .annotate(articles=Count("id", distinct=True))
        .order_by("-articles", "publisher__name")
    )
    return Profile(
        outlet=outlet,
        filters=filters,
        figures=outlet_figures(outlets=[outlet], scope=scope, filters=filters, by_group=by_group),
        published=totals["published"],
        originated=totals["originated"],
        recent_published=[a for a in recent if a.publisher_id == outlet.pk][:RECENT],
        recent_originated=[a for a in recent if a.origin_id == outlet.pk][:RECENT],
        republishers=[
            {"name": r["publisher__name"], "slug": r["publisher__slug"], "articles": r["articles"]}
            for r in republishers
        ],
    )


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two outlets whose shares of one label cannot be told apart at 95%."""

    label: str
    a: Share
    b: Share
    a_outlet: Outlet
    b_outlet: Outlet


@dataclass(frozen=True, slots=True)
class Comparison:
    filters: Filters
    figures: list[Figures]
    overlaps: list[Overlap]

    def notes(self) -> list[str]:
        """In plain language: for each label, the pairs of outlets whose difference is not
        meaningful (their intervals overlap); and the outlets with too few claims."""
        notes = []
        for label in LABELS:
            pairs = [o for o in self.overlaps if o.label == label]
            if not pairs:
                continue
            index = LABELS.index(label)
            possible = sum(
                1
                for x, y in combinations([f for f in self.figures if f.total], 2)
                if not _both_none(x.shares[index], y.shares[index])
            )
            if len(pairs) == possible and possible > 1:
                notes.append(
                    f"{LABEL_NAMES[label]}: none of the differences between these outlets is "
                    "meaningful; every pair's 95% intervals overlap."
                )
                continue
            listed = "; ".join(
                f"{o.a_outlet.name} ({percent(o.a.share)}) and {o.b_outlet.name} "
                f"({percent(o.b.share)})"
                for o in pairs
            )
            notes.append(
                f"{LABEL_NAMES[label]}: the difference between {listed} is not meaningful; "
                f"their 95% intervals overlap."
            )
        for figures in self.figures:
            if figures.withheld:
                notes.append(
                    f"{figures.outlet.name} has {figures.claims_text} claims: too few for its "
                    "shares to say much, and too few to show them to you."
                )
            elif 0 < figures.total < FEW_CLAIMS:
                notes.append(
                    f"{figures.outlet.name} has only {figures.total} claim"
                    f"{'' if figures.total == 1 else 's'}: too few for its shares to say much."
                )
        return notes


def percent(value: float | None) -> str:
    return EMPTY if value is None else f"{value * 100:.0f}%"


def _both_none(a: Share, b: Share) -> bool:
    """True when neither row has a claim with the label (0% and 0%): there is no
    difference to judge, so no pair to call "not meaningful"."""
    return a.count == 0 and b.count == 0


def compare_outlets(
    *, outlets: Sequence[Outlet], scope: TagScope, filters: Filters = Filters()
) -> Comparison:
    """Label shares of two or more outlets side by side, with the pairs whose 95% intervals
    overlap (so that their difference is not meaningful; pairs where neither outlet has
    a claim with the label are left out), as the viewer whose blind rule
    `scope` is may see them. One query."""
    figures = outlet_figures(outlets=outlets, scope=scope, filters=filters)
    overlaps = []
    for label_index, label in enumerate(LABELS):
        for x, y in combinations(figures, 2):
            a, b = x.shares[label_index], y.shares[label_index]
            if overlap(a.interval, b.interval) and not _both_none(a, b):
                overlaps.append(Overlap(label, a, b, x.outlet, y.outlet))
    return Comparison(filters=filters, figures=figures, overlaps=overlaps)


def as_json(figures: Figures) -> dict:
    """One row of figures as plain data (shares and intervals as fractions). A figure
    that the blind rule suppresses for the viewer is null, with `withheld` saying why
    ("fewer than 5")."""
    vague = figures.vague
    return {
        "outlet": figures.outlet.slug,
        "outlet_name": figures.outlet.name,
        **({"group": figures.group.name} if figures.group else {}),
        "claims": figures.claims,
        **({"withheld": figures.claims_text} if figures.withheld else {}),
        "labels": {
            s.label: {
                "count": s.count,
                "share": s.share,
                "interval": list(s.interval) if s.interval else None,
                **({"withheld": s.withheld} if s.withheld else {}),
            }
            for s in figures.shares
        },
        "cited_sources": {
            "sourced_claims": figures.sourced,
            "vague": vague.count,
            "named": figures.named,
            "not_recorded": figures.unrecorded,
            "vague_share": vague.share,
            "vague_interval": list(vague.interval) if vague.interval else None,
            "top": [
                {"source": s.name, "claims": s.count, "vague": s.vague} for s in figures.top_sources
            ],
        },
    }


def figures_csv(rows: Iterable[Figures]) -> str:
    """The figures as CSV: one line per row and label, with count, share and interval."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["outlet", "group", "label", "claims", "count", "share", "interval_low", "interval_high"]
    )
    for figures in rows:
        for share in figures.shares:
            low, high = share.interval or (None, None)
            writer.writerow(
                [
                    safe_cell(figures.outlet.name),
                    safe_cell(figures.group.name if figures.group else "all reviewers"),
                    share.label,
                    figures.claims_text,
                    share.count_text,
                    "" if share.share is None else f"{share.share:.4f}",
                    "" if low is None else f"{low:.4f}",
                    "" if high is None else f"{high:.4f}",
                ]
            )
    return out.getvalue()
