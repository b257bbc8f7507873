"""The cue layer: what in a sentence's wording points to each label, with its words.

A sentence is read as tokens. Every phrase of the lexicons (annotator/suggest/lexicons/)
found in it is a *cue* of a family: attribution (sourced), hedge, prediction and
conditional (speculation), evaluative, motive, stance and rhetorical question (opinion).
Three things decide whether a cue speaks for the sentence's author:

- **Quotation marks.** Words inside a quotation that the sentence attributes to someone
  ("“We will win,” the commander said") are the source's, not the author's: they do not
  count. A short quotation that nobody is said to have spoken (“moderate rebels”) is a
  scare quote, itself an opinion cue; the words inside it still do not count.
- **Negation.** "not", "no", "never", "n't", "without", "declined to"… up to three words
  before a cue, in its clause, negate it. A negated attribution cites nobody ("the
  ministry did not comment"); a negated hedge or prediction is still one ("will not").
- **Which clause a cue governs.** An attribution governs what it reports: what follows
  "X said (that)" or "according to X,", and what precedes a closing ", X said". A hedge or
  judgement inside a reported clause is the source's; the sentence is then sourced.

For a sourced sentence the cited source is extracted ("according to the Syrian Defense
Ministry" -> "Syrian Defense Ministry"; "pro-government sources say" -> "pro-government
sources") and called vague or named by the outlet profile's rule (`is_vague`).

`analyse` gives all of it; `decide` the label the cues alone would give, with a
confidence. The learned layer (annotator.suggest.model) reads the same analysis as
features."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.models import Label
from annotator.suggest.lexicons import load, tokenize
from core.text.hedges import is_vague

FAMILY_LABEL = {
    "attribution": Label.SOURCED,
    "hedge": Label.SPECULATION,
    "prediction": Label.SPECULATION,
    "conditional": Label.SPECULATION,
    "evaluative": Label.OPINION,
    "motive": Label.OPINION,
    "stance": Label.OPINION,
    "question": Label.OPINION,
    "scare_quote": Label.OPINION,
}
FAMILIES = list(FAMILY_LABEL)
LABEL_VALUES = list(Label.values)  # Label.values rebuilds its list on every call
# The lexicon files of each family (attribution is read by rules of its own below).
FAMILY_FILES = {
    "hedge": "hedges",
    "prediction": "predictions",
    "conditional": "conditionals",
    "evaluative": "evaluative",
    "motive": "motives",
    "stance": "stance",
}
EXPLAIN = {
    "attribution": "says where the claim comes from",
    "hedge": "hedges: it may or may not be so",
    "prediction": "predicts what will happen",
    "conditional": "holds only on a condition",
    "evaluative": "judges with evaluative or loaded wording",
    "motive": "ascribes a motive",
    "stance": "states the author's own stance or conclusion",
    "question": "asks a rhetorical question",
    "scare_quote": "puts words in scare quotes",
}

QUOTES = {"“": "”", "«": "»", '"': '"', "„": "“"}
_OPENING = re.compile("[" + "".join(QUOTES) + "]")
# Reporting verbs that are also nouns ("the claims", "Gulf states") count only when a
# "that", a comma or a quotation follows them.
AMBIGUOUS_VERBS = {"claims", "claim", "reports", "states", "notes", "estimates", "say", "tell"}
AUXILIARIES = {
    "has", "have", "had", "was", "were", "is", "are", "been", "be", "also", "later",
    "earlier", "previously", "recently", "repeatedly", "already", "then", "further",
    "officially", "publicly", "openly", "reportedly", "allegedly", "once", "again", "did",
    "does", "do", "will", "would", "may", "might", "could", "can", "just",
    "first", "last", "even", "now", "still", "separately", "in", "turn",
}  # fmt: skip
SOURCE_STOP = {
    ",", ".", ";", ":", "!", "?", "(", ")", "that", "which", "who", "whom", "when", "while",
    "as", "but", "because", "after", "before", "since", "if", "although", "though", "and",
    "—", "–", "“", "”", '"', "«", "»", "‘", "'", "where", "whereas", "so", "then", "on",
    "in", "at", "during", "to", "for", "with", "by", "this", "last", "late", "early",
}  # fmt: skip
# Words a subject phrase may hold besides its nouns ("the head of the Iraqi army"): a
# backward walk stops at any other lower-case function word.
SUBJECT_STOP = {
    ",", ";", ":", "(", ")", "that", "which", "who", "when", "while", "as", "but",
    "because", "after", "before", "since", "if", "although", "though", "where", "whereas",
    "—", "–", "“", "”", '"', "«", "»", "‘", "so", "and", "then", "meanwhile", "however",
    "moreover", "furthermore", "also", "yet", "said", "says", "told", "thus",
}  # fmt: skip
LEADING_NOISE = {
    "the", "a", "an", "meanwhile", "however", "moreover", "furthermore", "earlier", "later",
    "yesterday", "today", "also", "but", "and", "instead",
}  # fmt: skip
CLAUSE_BREAKS = {";", "but", "although", "though", "whereas", "while", "—", "–", "however"}
SOURCE_NOUNS = {
    "source",
    "sources",
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "expert",
    "experts",
    "diplomats",
    "diplomat",
}
MONTHS = {"May", "March"}
PASSIVE = {"be", "been", "being", "is", "are", "was", "were", "if"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}


@dataclass(slots=True)
class Cue:
    """A cue phrase found in a sentence: its family, its words and where (offsets into
    the text given to `analyse`, plus its `offset`), and whether it speaks for the
    author."""

    family: str
    phrase: str
    start: int
    end: int
    weak: bool = False
    negated: bool = False
    quoted: bool = False  # inside a quotation attributed to someone
    governed: bool = False  # inside what an attribution reports

    @property
    def label(self) -> str:
        return FAMILY_LABEL[self.family]

    @property
    def counts(self) -> bool:
        """Whether the cue speaks for the sentence's author and is not negated away."""
        if self.family == "attribution":
            return not self.negated and not self.quoted
        return not self.quoted and not self.governed

    def as_dict(self) -> dict[str, object]:
        return {
            "family": self.family,
            "label": self.label,
            "text": self.phrase,
            "start": self.start,
            "end": self.end,
            "negated": self.negated,
            "quoted": self.quoted,
            "governed": self.governed,
            "counts": self.counts,
        }


@dataclass(slots=True)
class Source:
    """The cited source of a sourced sentence, with its offsets, and how vague it is."""

    text: str
    start: int
    end: int
    vague: bool


@dataclass(slots=True)
class Analysis:
    """Everything the cue layer found in one sentence."""

    text: str
    offset: int
    cues: list[Cue] = field(default_factory=list)
    source: Source | None = None
    quotes: list[tuple[int, int]] = field(default_factory=list)  # offsets, in the text

    def counting(self, label: str | None = None) -> list[Cue]:
        """The cues that speak for the author (of `label`, if given)."""
        return [c for c in self.cues if c.counts and (label is None or c.label == label)]

    @property
    def attributed(self) -> bool:
        return bool(self.counting(Label.SOURCED))


# --- reading a sentence ------------------------------------------------------------


def _quotes(text: str) -> list[tuple[int, int]]:
    """The quotations of a sentence (offsets of their contents): curly, guillemets and
    straight double quotes paired in order; an unclosed one runs to the end."""
    found = []
    i = 0
    while (opening := _OPENING.search(text, i)) is not None:
        start = opening.start()
        end = text.find(QUOTES[text[start]], start + 1)
        if end < 0:
            end = len(text)
        found.append((start + 1, end))
        i = end + 1
    return found


def _clauses(tokens: list[tuple[str, int, int]]) -> list[int]:
    """A clause number for every token: a new clause after ";", a dash, "but",
    "although", "whereas", "while" (after a comma) and the like."""
    numbers = []
    clause = 0
    for i, (token, _, _) in enumerate(tokens):
        previous = tokens[i - 1][0] if i else ""
        if token in CLAUSE_BREAKS and (token in {";", "—", "–", "but"} or previous == ","):
            clause += 1
        numbers.append(clause)
    return numbers


def _match(
    tokens: list[tuple[str, int, int]], name: str, text: str = ""
) -> list[tuple[int, int, bool]]:
    """(first token, token after the last, weak) of every phrase of lexicon `name`,
    longest first, without overlaps."""
    index = load(name).by_first_word
    found = []
    after = 0  # the token after the last match: matches do not overlap
    for i in [i for i, t in enumerate(tokens) if t[0] in index]:
        if i < after:
            continue
        if i and text and text[tokens[i][1] : tokens[i][2]] in MONTHS:
            continue  # "on May 19": the month, not the modal
        for phrase in index[tokens[i][0]]:
            n = len(phrase.words)
            if n == 1 or tuple(t[0] for t in tokens[i : i + n]) == phrase.words:
                found.append((i, i + n, phrase.weak))
                after = i + n
                break
    return found


def _at(tokens: list[tuple[str, int, int]], i: int, words: tuple[str, ...]) -> bool:
    """Whether `words` are the tokens from i on."""
    return tuple(t[0] for t in tokens[i : i + len(words)]) == words


def _negated(tokens, clauses, i: int) -> bool:
    negations = load("negations").by_first_word
    for j in range(max(0, i - 3), i):
        if clauses[j] != clauses[i]:
            continue
        for phrase in negations.get(tokens[j][0], ()):
            n = len(phrase.words)
            if tuple(t[0] for t in tokens[j : j + n]) == phrase.words and j + n <= i:
                return True
    return False


def _clean_source(tokens, first: int, last: int) -> tuple[int, int] | None:
    """Trim a source phrase's tokens first..last (inclusive): leading articles and
    connectives, trailing auxiliaries; None if nothing is left."""
    while first <= last and tokens[first][0] in LEADING_NOISE:
        first += 1
    while first <= last and tokens[last][0] in AUXILIARIES | {",", "'s", "’s"}:
        last -= 1
    if first > last:
        return None
    return first, last


def _source_after(
    tokens, i: int, limit: int = 12, *, joined: bool = False
) -> tuple[int, int] | None:
    """The phrase that starts at token i ("according to [the Syrian Defense Ministry],"),
    up to a comma, a clause word or `limit` tokens."""
    last = i - 1
    for j in range(i, min(len(tokens), i + limit)):
        word = tokens[j][0]
        if word in SOURCE_STOP and not (joined and word == "and"):
            break
        if word[0].isdigit():
            break
        last = j
    if last < i:
        return None
    return _clean_source(tokens, i, last)


def _source_before(tokens, text: str, i: int, limit: int = 12) -> tuple[int, int] | None:
    """The subject phrase that ends just before token i (skipping auxiliaries and
    adverbs: "the ministry [has also] said")."""
    j = i - 1
    while j >= 0 and tokens[j][0] in AUXILIARIES:
        j -= 1
    last = j
    while j >= 0 and last - j < limit:
        word = tokens[j][0]
        if word in SUBJECT_STOP or word in QUOTES or word == "”":
            break
        original = text[tokens[j][1] : tokens[j][2]]
        # A lower-case function word other than "of"/"the" before a run of words ends the
        # subject ("troops entered the city, local sources said" -> "local sources").
        # "a source in the ministry", "officials in Baghdad" keep their "in".
        keeps_in = word == "in" and j and tokens[j - 1][0] in SOURCE_NOUNS
        if (
            word in {"in", "on", "at", "to", "from", "with", "by"}
            and original.islower()
            and not keeps_in
        ):
            break
        j -= 1
    first = j + 1
    if first > last:
        return None
    return _clean_source(tokens, first, last)


def _governs_after(tokens, k: int) -> bool:
    """Whether a reporting verb at token k reports what follows it: "said that…",
    "said the army…" (four words or more before the sentence ends)."""
    rest = [t for t in tokens[k + 1 :] if t[0] not in {".", "!", "?", '"', "”", "’"}]
    if rest and rest[0][0] in {"that", ":"}:
        return True
    # "said on Tuesday." / "told reporters." / "said in a statement." close the report.
    words = [t for t in rest if t[0].isalnum()]
    if len(words) < 4:
        return False
    return not (rest and rest[0][0] == ",")


def analyse(text: str, *, offset: int = 0) -> Analysis:
    """Read one sentence: its cues (offsets are `offset` + position in `text`, so that
    a sentence's cues point into its article), the cited source if it has one, and its
    quotations."""
    tokens = tokenize(text)
    clauses = _clauses(tokens)
    quotes = _quotes(text)
    analysis = Analysis(text=text, offset=offset, quotes=quotes)
    in_quote = (
        [any(a <= t[1] < b for a, b in quotes) for t in tokens] if quotes else [False] * len(tokens)
    )
    cues: list[Cue] = []
    governed_ranges: list[tuple[int, int]] = []  # token ranges an attribution governs
    sources: list[tuple[int, int, int]] = []  # (priority, first, last) token indexes

    first_tokens: list[int] = []

    def add(family: str, first: int, stop: int, weak: bool = False) -> Cue:
        first_tokens.append(first)
        cue = Cue(
            family=family,
            phrase=text[tokens[first][1] : tokens[stop - 1][2]],
            start=offset + tokens[first][1],
            end=offset + tokens[stop - 1][2],
            weak=weak,
            negated=_negated(tokens, clauses, first),
        )
        cues.append(cue)
        return cue

    # Attribution frames: "according to X", "citing X".
    for first, stop, _ in _match(tokens, "attribution_frames"):
        if in_quote[first]:
            continue
        cue = add("attribution", first, stop)
        # "according to Iraqi sources and some experts": one source, two parts.
        found = _source_after(tokens, stop, joined=True)
        if found and not cue.negated:
            sources.append((0, *found))
            if first <= 1 or tokens[first - 1][0] == ",":
                # "According to X, …" governs the sentence; ", according to X." too.
                governed_ranges.append((0, len(tokens)))
            else:
                governed_ranges.append(_clause_range(clauses, first))
    # Reporting verbs: "X said", "said X", "X told reporters".
    verbs = load("reporting_verbs").by_first_word
    for k, (word, _, _) in enumerate(tokens):
        if in_quote[k] or word not in verbs:
            continue
        phrase = next((p for p in verbs[word] if _at(tokens, k, p.words)), None)
        if phrase is None:
            continue
        stop = k + len(phrase.words)
        following = tokens[stop][0] if stop < len(tokens) else ""
        previous = tokens[k - 1][0] if k else ""
        noun_like = word in AMBIGUOUS_VERBS and following not in {"that", ",", "“", '"', ":"}
        if noun_like and previous not in load("vague_subjects").by_first_word:
            continue
        if previous in PASSIVE:
            continue  # "is said to" (a hedge), "could be announced", "if confirmed"
        if following in {"more", "less", "little", "much", "nothing", "everything", "a"} and (
            word in {"says", "said", "shows", "tells"}
        ):
            continue  # "says more about Washington": a judgement, not a report
        if previous in {"the", "a", "an", "his", "her", "its", "their", "these", "those"}:
            continue  # a noun: "the reports", "their claims"
        cue = add("attribution", k, stop)
        if cue.negated:
            continue
        found = _source_before(tokens, text, k)
        inverted = found is None or (
            previous in {",", "”", '"'} or (k >= 1 and tokens[k - 1][0] in QUOTES.values())
        )
        if inverted:
            after = _source_after(tokens, stop)
            if after is not None:
                found = after
        if found is not None:
            sources.append((1, *found))
        if _governs_after(tokens, stop - 1) and not inverted:
            governed_ranges.append((stop, len(tokens)))
        else:
            governed_ranges.append((0, k))
    # "reportedly", "allegedly": a vague source, governing its clause.
    for first, stop, _ in _match(tokens, "attribution_adverbs"):
        if in_quote[first]:
            continue
        cue = add("attribution", first, stop)
        if not cue.negated:
            governed_ranges.append(_clause_range(clauses, first))
    # The author's-voice families.
    for family, name in FAMILY_FILES.items():
        for first, stop, weak in _match(tokens, name, text):
            if family == "stance" and first == 0 and tokens[0][0] == "should":
                family_here = "conditional"  # "Should the talks collapse, …"
            else:
                family_here = family
            add(family_here, first, stop, weak)
    # A question the author asks (not one inside a quotation).
    if tokens and tokens[-1][0] == "?" and not in_quote[-1]:
        first = 0
        for j in range(len(tokens) - 1, -1, -1):
            if tokens[j][0] in {".", ";", ":"} and j < len(tokens) - 1:
                first = j + 1
                break
        add("question", first, len(tokens))
    attributed = any(c.family == "attribution" and not c.negated for c in cues)
    # Quotations: the source's words where the sentence attributes them; otherwise a
    # short one is a scare quote.
    for a, b in quotes:
        inside = [i for i, t in enumerate(tokens) if a <= t[1] < b and t[0].isalnum()]
        if not inside:
            continue
        if not attributed and len(inside) <= 4:
            cue = add("scare_quote", inside[0], inside[-1] + 1)
            cue.start -= 1 if a > 0 else 0
            cue.end += 1 if b < len(text) else 0
            cue.phrase = text[cue.start - offset : cue.end - offset]
    for cue, k in zip(cues, first_tokens, strict=True):
        if cue.family in {"attribution", "scare_quote", "question"}:
            continue
        # Inside a quotation: the source's words if it is attributed, the quoted words
        # if it is a scare quote; the author's either way not.
        cue.quoted = in_quote[k]
        cue.governed = any(a <= k < b for a, b in governed_ranges)
    cues.sort(key=lambda c: (c.start, c.end))
    analysis.cues = cues
    if sources:
        _, first, last = min(sources)
        phrase = text[tokens[first][1] : tokens[last][2]]
        analysis.source = Source(
            text=phrase,
            start=offset + tokens[first][1],
            end=offset + tokens[last][2],
            vague=is_vague(phrase),
        )
    elif attributed:
        # "reportedly", "reports appeared that…", "it was reported": unnamed reports.
        cue = next(
            (
                c
                for c in cues
                if c.family == "attribution" and c.counts and "report" in c.phrase.lower()
            ),
            None,
        )
        if cue is not None:
            analysis.source = Source(text="reports", start=cue.start, end=cue.end, vague=True)
    return analysis


def _clause_range(clauses: list[int], i: int) -> tuple[int, int]:
    first = i
    while first > 0 and clauses[first - 1] == clauses[i]:
        first -= 1
    stop = i
    while stop < len(clauses) and clauses[stop] == clauses[i]:
        stop += 1
    return first, stop


# --- the cue layer's own decision --------------------------------------------------

STRONG, WEAK = 1.0, 0.35
# A modal verb decides more than a motive or a connective around it ("Thus, the
# coalition may decide … in order to …" is speculation); a question more than its modal.
WEIGHTS = {"question": 2.0, "motive": 0.8}
MODALS = {"may", "might", "could", "will", "would", "'ll"}


@dataclass(frozen=True, slots=True)
class Decision:
    label: str
    confidence: float
    cues: list[Cue]  # the cues that decided it


def scores(analysis: Analysis) -> dict[str, float]:
    """How strongly the author's-voice cues point to each label."""
    totals = dict.fromkeys(LABEL_VALUES, 0.0)
    for cue in analysis.counting():
        if cue.family == "attribution":
            totals[Label.SOURCED] += 1.5 if analysis.source else 1.0
        else:
            weight = WEAK if cue.weak else WEIGHTS.get(cue.family, STRONG)
            if cue.phrase.lower() in MODALS:
                weight = 1.2
            totals[cue.label] += weight
    return totals


def decide(analysis: Analysis) -> Decision:
    """The label the cues alone give: the label with the strongest cues, sourced for an
    attribution that governs the rest, unsourced when no cue speaks for the author.
    The confidence grows with the margin over the runner-up."""
    totals = scores(analysis)
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 0.5:
        return Decision(Label.UNSOURCED, 0.55 - top / 2, [])
    margin = (top - second) / top
    confidence = min(0.95, 0.5 + 0.25 * min(top, 2.0) * margin)
    deciding = [c for c in analysis.counting(best)]
    return Decision(best, round(confidence, 3), deciding)


def explain(label: str, cues: list[Cue], source: Source | None) -> str:
    """A sentence a student can read: which words make it this label, and why."""
    if label == Label.SOURCED and source is not None:
        kind = "a vague source" if source.vague else "a named source"
        return f"“{source.text}” is cited: {kind}, so it is sourced."
    if cues:
        parts = []
        for cue in cues[:3]:
            parts.append(f"“{cue.phrase}” {EXPLAIN[cue.family]}")
        return "; ".join(parts) + f": {Label(label).label.lower()}."
    if label == Label.UNSOURCED:
        return "States a fact with no source, hedge or judgement: unsourced."
    name = Label(label).label.lower()
    return f"The wording as a whole reads as {name} (learned from tagged claims)."
