"""Sections of an article: which sentences are the headline, the byline, the body,
boilerplate (appeals, disclaimers, footers) or reader comments.

Detection works on paragraphs (the lines the segmenter reports), since boilerplate and
bylines come as whole lines; every sentence takes its paragraph's section.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models

if TYPE_CHECKING:
    from core.text.segment import Span


class Section(models.TextChoices):
    HEADLINE = "headline", "Headline"
    BYLINE = "byline", "Byline"
    BODY = "body", "Body"
    BOILERPLATE = "boilerplate", "Boilerplate"
    COMMENT = "comment", "Reader comment"
    # Lines about the article rather than in it: republishing credits, image credits,
    # page furniture (datelines, "Region:", "URL of this article:"), author bios and
    # sharing lines. Not claims: never tagged, never counted.
    CREDIT = "credit", "Credit or page furniture"


# Sentences that are not claims: a byline names the author, a credit or page furniture
# names where the article comes from; they assert nothing. Nobody tags them (the one
# write path refuses them: annotator.services.tagging.check_claim), and progress and
# the exports count claims without them.
UNTAGGABLE_SECTIONS = frozenset({Section.BYLINE, Section.CREDIT})


def not_a_claim(section: str) -> str | None:
    """Why a sentence of this section cannot be tagged ("not a claim (byline)"), or None
    when it is a claim: the words every refusal of such a tag uses."""
    if section not in UNTAGGABLE_SECTIONS:
        return None
    return f"not a claim ({Section(section).label.lower()})"


# Boilerplate is recognised by how a paragraph begins or by a phrase anywhere in it;
# the two are kept apart so that the first kind is a cheap anchored match.
_BOILERPLATE_START = re.compile(
    "|".join(
        [
            r"support our\b",
            r"support(?: us)?\b[^.]{0,60}(?:https?://|www\.)",
            r"disclaimer\b",
            r"for media inquiries\b",
            r"copyright\b",
            r"©",
            r"comments are closed\b",
            r"image result for\b",
            r"key ?words?\s*:",
            r"tags?\s*:",
            r"read more\b",
            r"related(?: posts| articles| stories)?\s*:",
            r"published here\s*:",
            r"follow us on\b",
            r"(?:watch|listen to) the [\w -]*version of this\b",
        ]
    ),
    re.IGNORECASE,
)


class Phrases:
    """Phrases to look for anywhere in a line, each a regular expression that begins with
    a literal word (given in lower case), matched without regard to case.

    A search of one expression joining them all tries every alternative at every position
    of a paragraph, which made boilerplate checks a quarter of an import; here `str.find`
    (a C loop) finds the words, and a phrase's expression runs only where its word is."""

    def __init__(self, phrases: Sequence[tuple[str, str]]) -> None:
        self._phrases = [(word, re.compile(pattern, re.IGNORECASE)) for word, pattern in phrases]

    def search(self, line: str) -> bool:
        """Whether `line` holds one of the phrases."""
        lowered = line.lower()
        if len(lowered) != len(line):  # lower() moved the offsets ("İ"): search each one
            return any(pattern.search(line) for _, pattern in self._phrases)
        for word, pattern in self._phrases:
            at = lowered.find(word)
            while at != -1:
                if pattern.match(line, at):
                    return True
                at = lowered.find(word, at + 1)
        return False


_URL_APPEAL = r"\S*(?:donate|donation|patreon|paypal)"
_BOILERPLATE_ANYWHERE = Phrases(
    [
        # donation and membership appeals
        ("please support", r"please support (?:the|our) (?:project|work|site|journalism)"),
        ("http", r"https?://" + _URL_APPEAL),
        ("www.", r"www\." + _URL_APPEAL),
        ("paypal", r"\bpaypal\s*:"),
        ("become a", r"\bbecome a (?:member|patron|subscriber)\b"),
        ("please", r"\bplease (?:consider )?(?:donating|making a donation|a donation|donate)\b"),
        ("donate ", r"\bdonate (?:now|today|here)\b"),
        ("subscribe ", r"\bsubscribe (?:now|today|here|to|for)\b"),
        ("support us ", r"\bsupport us (?:now|today|here)\b"),
        ("fund", r"\bfund-?raising (?:goal|target|drive|appeal|campaign)\b"),
        # rights notices
        ("contains copyrighted material", r"contains copyrighted material"),
        ("grants permission to cross-post", r"grants permission to cross-post"),
        ("fair use", r"(?<=[\"“])fair use[\"”]"),
        # subscriptions and promotion of other material
        ("sign up for ", r"\bsign up for (?:our|the) newsletter\b"),
        ("was originally ", r"\bwas originally (?:released|published) on\b.*:$"),
    ]
)
# Every phrase of _BOILERPLATE_ANYWHERE holds one of these (a URL appeal "donat", "patreon"
# or "paypal"; "cross-post" "post"; "was originally" "original"; a fund-raising goal
# "raising"), and none of them holds
# a quotation's blanked run of spaces (see unquoted).
_APPEAL_WORDS = (
    "support",
    "donat",
    "patreon",
    "paypal",
    "become a",
    "raising",
    "subscri",
    "copyright",
    "post",
    "fair use",
    "newsletter",
    "original",
)

_BYLINE = re.compile(
    "|".join(
        [
            r"^(?i:articles? by)\s*:?\s*\S",
            r"^(?i:by)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}\s*[,:]?.{0,40}$",
            r"^[A-Z][\w'’-]*(?:[ ,]+[A-Z][\w'’-]*){0,3},?\s+by\s+[A-Z][\w.'’ -]{2,60}:?$",
            # lead-ins: "South Front reports…", "21st Century Wire says…"
            r"^[A-Z0-9][\w.'’ -]{1,60}\s+(?i:reports?|says?|writes?|adds?|notes?|explains?)"
            r"\s*(?:…|\.\.\.|:)$",
            # a name and a social-media handle: "Jane Doe (@janedoe)", "By Jo Li | @joli"
            r"^(?:(?i:by)\s+)?[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}(?:,\s*[\w .'’-]{2,40})?"
            r"\s*[|(,/–—-]?\s*(?i:twitter:?\s*|x:?\s*|telegram:?\s*)?@\w{2,30}\)?"
            r"(?:\s*[|,]\s*[\w .'’@-]{2,40})?$",
        ]
    )
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
)
# "Global Research, June 05, 2019", "Strategic Culture Foundation 3 May 2019": the page's
# own dateline, or (on an aggregator's page) the original's name and date.
DATELINE = re.compile(
    rf"^(?P<name>[^\W\d_][\w .,&'’@-]{{1,80}}?)[\s,|–—-]+{DATE}"
    r"(?:\s*[,|–—-]?\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(
    rf"^(?:(?:published|posted|updated|first published|date)(?:\s+on)?\s*:?\s*)?{DATE}\s*$",
    re.IGNORECASE,
)

# Republishing credits, at the start of a line or a sentence: "The original source of this
# article is X", "This article was originally published on X", "Source: X"...
ORIGIN_CREDIT = re.compile(
    r"[(\[*_\s]*(?P<rule>"
    r"the\s+original\s+source\s+of\s+this\s+(?:article|story|post|piece|report|text)\s+is"
    r"|(?:this\s+(?:article|story|piece|post|report|essay|analysis|op-?ed|interview"
    r"|commentary|column|text|item)\s+)?(?:was\s+|is\s+|has\s+been\s+)?"
    r"(?:originally|first)\s+(?:published|appeared|posted|ran|printed|released)"
    r"(?:\s+(?:by|on|at|in|with|from))?"
    r"|(?:re-?published|re-?printed|re-?posted|cross-?posted|shared)\s+(?:here\s+)?"
    r"(?:with\s+(?:kind\s+)?permission\s+(?:from|of|by)|from|courtesy\s+of|by\s+permission\s+of)"
    r"|(?:original\s+)?source\s*:|via\s*:"
    r"|read\s+(?:the\s+)?(?:original|full)\s+(?:article|story|report|text|piece)?\s*(?:at|on)"
    r")(?![\w-])",
    re.IGNORECASE,
)


# Every credit holds one of these words; most lines hold none (a cheap first test).
_CREDIT_HINTS = ("original", "first", "source", "publish", "print", "post", "shared", "via", "full")


def _credit_hint(lowered: str) -> bool:
    """Whether a lower-cased line holds words that every credit holds."""
    return any(hint in lowered for hint in _CREDIT_HINTS)


def lines_with_credit_hints(lines: Sequence[str]) -> frozenset[int]:
    """The indexes of the lines that may hold a republishing credit (see credit_at): one
    scan of the whole text per hint word, since most lines hold none."""
    joined = "\n".join(lines)
    lowered = joined.lower()
    if len(lowered) != len(joined):  # lower() changed offsets ("İ"): line by line
        return frozenset(i for i, line in enumerate(lines) if _credit_hint(line.lower()))
    starts = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return frozenset(_lines_holding(lowered, starts, _CREDIT_HINTS))


def _lines_holding(lowered: str, starts: Sequence[int], words: Iterable[str]) -> set[int]:
    """The indexes of the lines that hold one of `words` (lower case), in a lower-cased
    text whose lines begin at the offsets `starts` (sorted): one `str.find` per word and
    line that holds it. Never misses a line; may name one whose gap to the next holds a
    word."""
    found: set[int] = set()
    last = len(starts) - 1
    for word in words:
        at = lowered.find(word)
        while at != -1:
            line = max(bisect.bisect_right(starts, at) - 1, 0)
            found.add(line)
            if line == last:
                break
            at = lowered.find(word, starts[line + 1])
    return found


_IMAGE_WORDS = ("image", "photo", "pic", "illustration", "graphic", "screenshot")


def _image_hint(lowered: str) -> bool:
    return any(word in lowered for word in _IMAGE_WORDS)


# Where a credit may begin inside a line: after a sentence's end, or after "; " or " | "
# that follow a byline ("Written by A; Originally appeared at X").
_CREDIT_STARTS = re.compile(r"[.!?…][\"”’)\]]*\s+|[;|]\s*|\s[–—]\s*")
# The same for a line without dashes: every alternative then begins with a mark, which
# the engine skips to (a space may begin the one with a dash, and a line has many).
_CREDIT_STARTS_NO_DASH = re.compile(r"[.!?…][\"”’)\]]*\s+|[;|]\s*")

IMAGE_CREDIT = re.compile(
    r"[(\[*_\s]*(?:"
    r"(?:featured|feature|cover|header|lead|main|banner|top)\s+"
    r"(?:image|photo|picture|illustration|graphic|pic)s?\b"
    r"|(?:image|photo|photograph|picture|illustration|graphic|screenshot|pic)s?\s*"
    r"(?:(?:credits?|source)\s*:?|:|courtesy\b)"
    r")",
    re.IGNORECASE,
)

# Page furniture: lines about the page, not the story.
_FURNITURE_START = re.compile(
    "|".join(
        [
            r"url of this article\s*:",
            r"(?:region|regions|theme|themes|topic|topics|in-depth report|categor(?:y|ies)"
            r"|filed under|posted in)\s*:",
            r"comment on\b.{0,80}\b(?:facebook|twitter|telegram|page)\b",
            r"become a (?:member|patron|subscriber)\b",
            r"about the author\b",
            r"loading\s*(?:\.\.\.|…)?\s*$",
            r"(?:posted|published|filed)\s+(?:by\s+.{1,60}?\s+)?(?:on|at)\s+" + DATE,
            r"share this\b",
            r"like this\s*:",
            r"click to (?:share|email|print|tweet)\b",
            r"please share\b",
            r"feel free to (?:share|repost|republish|re-?post)\b",
            r"this (?:article|post|piece|story) (?:may|can) be (?:freely )?"
            r"(?:re-?posted|re-?published|shared|re-?printed)\b",
            r"(?:you can )?(?:follow|find)\s+(?!us\b).{1,60}\s+on\s+"
            r"(?:twitter|telegram|facebook|x|instagram|substack|gab|youtube|rumble)\b",
            r"(?:share|tweet|e-?mail|print|like|pin|whatsapp|telegram|reddit|facebook|twitter"
            r"|linkedin)(?:[\s,|·•]+(?:share|tweet|e-?mail|print|like|pin|whatsapp|telegram"
            r"|reddit|facebook|twitter|linkedin))*\s*:?\s*$",
        ]
    ),
    re.IGNORECASE,
)
_FURNITURE_ANYWHERE = re.compile(
    r"translate (?:this )?website|daily newsletter|click the share button"
    r"|forward this article|crosspost on your blog|visit and follow us on|\|\s*permalink\b",
    re.IGNORECASE,
)
# Every phrase of _FURNITURE_ANYWHERE holds one of these ("crosspost" "post").
_FURNITURE_WORDS = (
    "permalink",
    "translate",
    "newsletter",
    "share button",
    "forward this",
    "post",
    "follow us",
)

# Which of the checks that need certain words a line may pass (the words are looked for
# in the whole text at once, see _hints): a bit each, _ALL when not known.
_CREDIT = 1  # _CREDIT_HINTS: a republishing credit
_APPEAL = 2  # _BOILERPLATE_ANYWHERE's words: an appeal, a rights notice
_IMAGE = 4  # _IMAGE_WORDS: an image credit
_FURNITURE = 8  # _FURNITURE_WORDS
_ALL = _CREDIT | _APPEAL | _IMAGE | _FURNITURE
# Each word with the checks it may open: the families share some words, and each is
# looked for once.
_HINT_WORDS: dict[str, int] = {}
for _bit, _words in (
    (_CREDIT, _CREDIT_HINTS),
    (_APPEAL, _APPEAL_WORDS),
    (_IMAGE, _IMAGE_WORDS),
    (_FURNITURE, _FURNITURE_WORDS),
):
    for _word in _words:
        _HINT_WORDS[_word] = _HINT_WORDS.get(_word, 0) | _bit
_HINT_BYTES = [(word.encode("ascii"), bits) for word, bits in _HINT_WORDS.items()]

# An author's bio, at the foot of an article: "Jane Doe is an independent journalist…".
_BIO = re.compile(
    r"^[*_\s]*(?:(?:dr|prof|professor)\.?\s+)?[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
    r"(?:,[^,]{2,80}){0,3},?\s+(?:is|was|has been|writes|works)\s",
)
_BIO_WORDS = re.compile(
    r"\b(?:journalist|writer|author|analyst|researcher|editor|professor|commentator"
    r"|contributor|columnist|correspondent|historian|economist|activist|film-?maker|blogger"
    r"|scholar|founder|director|fellow|reporter|lawyer|expert|political scientist"
    r"|photographer|veteran|consultant|lecturer|academic|podcast|book|books)\b",
    re.IGNORECASE,
)

# Quoted passages ("…", “…”, «…») long enough to hold an appeal or a credit: what is
# quoted in a body paragraph is reported, not said by the page.
_QUOTED = re.compile(r"“[^”\n]{20,}”|\"[^\"\n]{20,}\"|«[^»\n]{20,}»")


def unquoted(line: str) -> str:
    """`line` with its longer quoted passages blanked out (same length, same offsets)."""
    if "“" not in line and '"' not in line and "«" not in line:
        return line
    return _QUOTED.sub(lambda m: " " * len(m.group()), line)


@functools.lru_cache(maxsize=512)
def credit_at(line: str) -> list[re.Match[str]]:
    """The republishing credits in a line, each at the start of the line or a sentence
    and outside quotation marks, in order (a list to read, not to change: the answer is
    cached, since sections and outlet detection read the same lines of an article)."""
    plain = unquoted(line)
    lowered = plain.lower()
    if len(lowered) == len(plain):
        # Every credit holds a hint word before the next place where a credit may start
        # (its words hold no mark, semicolon, bar or dash): only the places followed by
        # one are tried.
        hints = _positions(lowered, _CREDIT_HINTS)
        if not hints:
            return []
        stop = hints[-1] + 1
    elif _credit_hint(lowered):
        hints, stop = None, len(plain)
    else:
        return []
    starts = _CREDIT_STARTS if "–" in plain or "—" in plain else _CREDIT_STARTS_NO_DASH
    places = [0, *(m.end() for m in starts.finditer(plain, 0, stop)), len(plain)]
    found: list[re.Match[str]] = []
    for place, following in itertools.pairwise(places):
        if hints is not None:
            nearest = bisect.bisect_left(hints, place)
            if nearest == len(hints) or hints[nearest] >= following:
                continue
        m = ORIGIN_CREDIT.match(plain, place)
        if m and (not found or m.start("rule") > found[-1].start("rule")):
            found.append(m)
    return found


def _positions(lowered: str, words: Iterable[str]) -> list[int]:
    """Where `words` occur in `lowered`, sorted."""
    positions = []
    for word in words:
        at = lowered.find(word)
        while at != -1:
            positions.append(at)
            at = lowered.find(word, at + 1)
    positions.sort()
    return positions


def is_furniture(line: str) -> bool:
    """Whether a line is page furniture or a credit (see Section.CREDIT)."""
    return _is_furniture(line.strip(), _ALL)


def _is_furniture(stripped: str, may: int) -> bool:
    """Whether a stripped line is furniture or a credit, trying only the checks that
    `may` allows (see _ALL)."""
    size = len(stripped)
    # Furniture is short: a long paragraph is body text (or a bio, see is_bio).
    if size > FURNITURE_MAX_CHARS:
        return False
    if _FURNITURE_START.match(stripped) or (
        may & _IMAGE and _image_hint(stripped[:40].lower()) and IMAGE_CREDIT.match(stripped)
    ):
        return True
    if (
        size <= 120
        and _DIGIT.search(stripped, size - 10) is not None
        and (DATELINE.match(stripped) or _DATE_ONLY.match(stripped))
    ):
        return True
    if may & _FURNITURE and _FURNITURE_ANYWHERE.search(stripped):
        return True
    # A credit line is short; a credit inside a paragraph is one of its sentences.
    credits = credit_at(stripped) if may & _CREDIT and size <= 300 else []
    return bool(credits) and _starts_the_line(stripped, credits[0])


FURNITURE_MAX_CHARS = 400
_DIGIT = re.compile(r"\d")


def _starts_the_line(line: str, credit: re.Match[str]) -> bool:
    """A credit that begins the line, or follows only a byline ("Written by A; …")."""
    head = line[: credit.start("rule")].strip(" (*[_;|–—")
    return not head or (len(head) <= 80 and _BYLINE_HEAD.match(head) is not None)


_BYLINE_HEAD = re.compile(r"^(?:(?:written|posted|compiled)\s+)?by\s+\S", re.IGNORECASE)


def is_bio(line: str) -> bool:
    """Whether a line reads as an author's bio (only the foot of an article has them)."""
    stripped = line.strip()
    return (
        len(stripped) <= 800
        and _BIO.match(stripped) is not None
        and _BIO_WORDS.search(stripped) is not None
    )


_FINAL_PUNCTUATION = tuple(".!?…\"”’'")

# A headline is a short first line that is not a sentence.
HEADLINE_MAX_CHARS = 200


def classify_paragraph(
    line: str, *, first: bool, next_line: str = "", credits_possible: bool = True
) -> str:
    """Return the section of one paragraph from its own wording (`next_line`, the
    paragraph after it if known, helps tell a question headline from a question;
    `credits_possible` False says that the line holds no credit, see
    lines_with_credit_hints)."""
    may = _ALL if credits_possible else _ALL & ~_CREDIT
    return _classify(line.strip(), first=first, next_line=next_line, may=may)


def _classify(stripped: str, *, first: bool, next_line: str, may: int) -> str:
    """classify_paragraph for a stripped line, trying only the checks that `may` allows."""
    if _BOILERPLATE_START.match(stripped):
        return Section.BOILERPLATE
    if _is_furniture(stripped, may):
        return Section.CREDIT
    if may & _APPEAL and _BOILERPLATE_ANYWHERE.search(unquoted(stripped)):
        return Section.BOILERPLATE
    # Every alternative is anchored: match, not search, which would try every position.
    if len(stripped) <= 120 and _BYLINE.match(stripped):
        return Section.BYLINE
    if first and len(stripped) <= HEADLINE_MAX_CHARS:
        if not stripped.endswith(_FINAL_PUNCTUATION):
            return Section.HEADLINE
        if stripped.endswith(("?", "?”", '?"')) and _question_headline(stripped, next_line):
            return Section.HEADLINE
    return Section.BODY


def _question_headline(line: str, next_line: str) -> bool:
    """A first line that asks one question is a headline when it is written in title
    case, or when a byline, credit or page furniture follows it."""
    if len(line) > 150 or any(mark in line[:-1] for mark in ".!?"):
        return False
    words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
    if words and sum(w[0].isupper() for w in words) * 2 > len(words):
        return True
    following = next_line.strip()
    return bool(following) and classify_paragraph(following, first=False) in (
        Section.BYLINE,
        Section.CREDIT,
    )


def _hints(text: str, starts: list[int]) -> list[int]:
    """For each line of `text` (beginning at the offsets `starts`), which of the checks
    that need certain words it may pass (see _ALL): one scan of the text per word, since
    most lines hold none."""
    if "\u0130" in text or "\u212a" in text:
        # The two characters that lower-case to ASCII letters ("İ", the Kelvin sign):
        # try every check.
        return [_ALL] * len(starts)
    # The words are ASCII: in one byte per character (the others become "?"), lower-cased
    # as ASCII, they are found at the same offsets as in text.lower(), and faster.
    lowered = text.encode("latin-1", "replace").lower()
    may = [0] * len(starts)
    last = len(starts) - 1
    find = lowered.find
    # As _lines_holding, inline: most words are in no line, and a call per word costs
    # as much as looking for it.
    for word, bits in _HINT_BYTES:
        at = find(word)
        while at != -1:
            line = max(bisect.bisect_right(starts, at) - 1, 0)
            may[line] |= bits
            if line == last:
                break
            at = find(word, starts[line + 1])
    return may


def _credit_starts_sentence(text: str, start: int, credit_starts: set[int]) -> bool:
    """Whether a credit begins the sentence at `start` (after "(", "*" or the like)."""
    return any(start + lead in credit_starts for lead in range(4))


def classify_sections(text: str, spans: Sequence[Span], *, comments_start: str = "") -> list[str]:
    """Return one section per span.

    `comments_start` is the text with which reader comments begin (it must occur in
    the text): every sentence from there on is a reader comment."""
    return classify(text, spans, comments_start=comments_start).sections


@dataclass(frozen=True, slots=True)
class Classified:
    """The sections of a text's sentences, and its paragraphs as outlet detection reads
    them (sources.selectors.detect.detect_outlets)."""

    sections: list[str]  # one per span
    # One per paragraph: its first sentence's start, its last one's end, and the section
    # of its first sentence.
    paragraphs: list[tuple[int, int, str]]
    # The indexes (into `paragraphs`) of the paragraphs that may hold a republishing
    # credit (see lines_with_credit_hints).
    credit_lines: frozenset[int]


def classify(text: str, spans: Sequence[Span], *, comments_start: str = "") -> Classified:
    """classify_sections, with the paragraphs that outlet detection reads."""
    comments_from = len(text) + 1
    if comments_start:
        found = text.find(comments_start.strip())
        if found < 0:
            raise ValidationError(
                f"comments start {comments_start.strip()[:60]!r} does not occur in the text",
                code="comments_start_not_found",
            )
        comments_from = found

    # Lines of the text by paragraph index, from the spans themselves.
    line_bounds: dict[int, tuple[int, int]] = {}
    for start, end, paragraph in spans:
        first_start, _ = line_bounds.get(paragraph, (start, end))
        line_bounds[paragraph] = (first_start, end)

    paragraphs = list(line_bounds)  # in order, as the spans are
    may = _hints(text, [start for start, _ in line_bounds.values()])
    by_paragraph: dict[int, str] = {}
    for n, paragraph in enumerate(paragraphs):
        start, end = line_bounds[paragraph]
        if start >= comments_from:
            by_paragraph[paragraph] = Section.COMMENT
        elif paragraph == 0:
            following = line_bounds.get(paragraphs[n + 1]) if n + 1 < len(paragraphs) else None
            by_paragraph[paragraph] = _classify(
                text[start:end].strip(),
                first=True,
                next_line=text[following[0] : following[1]] if following else "",
                may=may[n],
            )
        else:
            by_paragraph[paragraph] = _classify(
                text[start:end].strip(), first=False, next_line="", may=may[n]
            )

    # Author bios: body-like lines with nothing but non-claims after them.
    for paragraph in reversed(paragraphs):
        section = by_paragraph[paragraph]
        if section == Section.BODY:
            start, end = line_bounds[paragraph]
            if not is_bio(text[start:end]):
                break
            by_paragraph[paragraph] = Section.CREDIT

    # Where a sentence of a paragraph is a credit ("… This article was first published
    # by X."), as offsets into the text where such a sentence starts.
    credit_starts: set[int] = set()
    image_paragraphs: set[int] = set()
    for n, (paragraph, (start, end)) in enumerate(line_bounds.items()):
        if may[n] & (_CREDIT | _IMAGE) and by_paragraph[paragraph] in (
            Section.BODY,
            Section.HEADLINE,
        ):
            if may[n] & _CREDIT:
                line = text[start:end]
                credit_starts.update(start + m.start("rule") for m in credit_at(line))
            if may[n] & _IMAGE:
                image_paragraphs.add(paragraph)
    if not credit_starts and not image_paragraphs:
        # The common case: every sentence takes its paragraph's section.
        return Classified(
            [by_paragraph[p] if s < comments_from else Section.COMMENT for s, _, p in spans],
            [(start, end, by_paragraph[p]) for p, (start, end) in line_bounds.items()],
            frozenset(n for n, bits in enumerate(may) if bits & _CREDIT),
        )
    sections = []
    first_sections: dict[int, str] = {}
    for span in spans:
        if span.start >= comments_from:
            section = Section.COMMENT
        else:
            section = by_paragraph[span.paragraph]
            if section in (Section.BODY, Section.HEADLINE) and (
                (credit_starts and _credit_starts_sentence(text, span.start, credit_starts))
                or (
                    span.paragraph in image_paragraphs
                    and IMAGE_CREDIT.match(text, span.start, span.end)
                )
            ):
                section = Section.CREDIT
        sections.append(section)
        first_sections.setdefault(span.paragraph, section)
    return Classified(
        sections,
        [(start, end, first_sections[p]) for p, (start, end) in line_bounds.items()],
        frozenset(n for n, bits in enumerate(may) if bits & _CREDIT),
    )
