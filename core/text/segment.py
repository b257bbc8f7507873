"""Rule-based English sentence segmentation for news text.

Reviewers tag claims sentence by sentence, so a wrong split or a missed one shows up for every
reviewer of an article. The rules are tuned for what news pages are full of: titles and ranks,
U.S.-style acronyms, dates, money, URLs and e-mail footers, quotations, and reader comments with
loose punctuation ("a chance ?.", "liberated..no thanks").

Why it is fast: candidates are found with ``str.find`` (a C loop that skips to the next mark), so
only the few characters that can end a sentence (``. ! ? … ‽``) ever reach Python. At each one a
single anchored regex reads the run of marks, any closing quotes and the gap after them; a set
look-up on the word before and a glance at the character after decide. The text is then walked
line by line (a sentence never crosses a newline) to cut the spans.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

__all__ = ["Span", "split_sentences"]


class Span(NamedTuple):
    """One sentence: ``text[start:end]``, on the ``paragraph``-th non-blank line (from 0)."""

    start: int  # character offset into the text (a Python str index)
    end: int  # exclusive
    paragraph: int  # index of the sentence's line among the non-blank lines


_MARKS = ".!?…‽؟۔"
# Invisible format characters (zero-width space and joiners, direction marks, word joiner,
# byte order mark): a sentence neither begins nor ends with them, and after a mark they
# separate as a space does.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\u2066\u2067\u2068\u2069\u061c\ufeff"
# Whitespace but line breaks (every character for which str.isspace() holds, as \s, but
# "\n", U+2028 and U+2029), spelt out so that the gap after a mark is one character class.
_SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
# Line breaks: a sentence never crosses one.
_LINE_BREAKS = re.compile("[\n\u2028\u2029]")
# Closing quotes and parentheses stay with the sentence they close. "]" is left out on purpose:
# "[...]" is an editorial omission inside a quotation, not the end of anything.
_CLOSERS = "\"'”’»›)"
_OPENERS = "\"'“‘«‹([¿¡"
_CURRENCY = "$£€¥"
_BULLETS = "•⁃▪◦‣"
# What may sit glued before a word without changing it: "(U.S.", "“Mr.", "•e.g.", "—etc."
_LEADERS = _OPENERS + _BULLETS + "-–—*"

# At a mark: the run of marks (". . . ." spaced ellipses included), closing quotes, then the
# whitespace up to the next character on the same line. The run is atomic and its spaced part
# bounded, so odd input cannot make the regex backtrack for long.
_RUN = re.compile(
    rf"(?P<term>(?>[{_MARKS}]+(?:\ [{_MARKS}]+){{0,6}}))(?P<close>[{_CLOSERS}]*)"
    rf"[{re.escape(_SPACES + _INVISIBLE)}]*"
)
# Emoji (and their modifiers) between a sentence's final mark and the next sentence:
# "Great news! 🎉 The army…" ends after the emoji.
_EMOJI_RUN = re.compile(
    "(?>[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3]+"
    "(?:[^\\S\n\u2028\u2029])*)+"
)
# After a mark with no space ("ended.The next"), only a capitalised word can open a sentence.
_GLUED_NEXT = re.compile(rf"[{_OPENERS}]?[A-Z][a-z]")
# The word at the start of the next sentence candidate, after any opening quotes.
_NEXT_WORD = re.compile(rf"[{_OPENERS}]*([^\W\d_]+)(\.?)")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
# A list marker at the start of a line: "1.", "1)", "1.)", "a.", "a)".
_ENUMERATOR = re.compile(r"(\d{1,3}|[a-z])(\.\)|\)|\.)(?=\s)")
_BULLET_MARKER = re.compile(rf"(?<!\S)[{_BULLETS}](?:\s*(?:\d{{1,3}}|[a-z])(?:\.\)|\)|\.))?")

_NEVER = 0  # never ends a sentence: "e.g.", "vs.", "approx."
_TITLE = 1  # capitalised, a title or rank before a name: never ends a sentence ("Gen.", "Dr.")
_AMBIGUOUS = 2  # ends one only before a typical sentence opener: "U.S.", "Inc.", "Jr."
_DATE = 3  # like _AMBIGUOUS when capitalised ("Jan. 5", "Sept."); else an ordinary word ("sat.")
_NUMERIC = 4  # does not end one before a number ("No. 5", "p. 55"); else an ordinary word


def _words(spaced: str) -> list[str]:
    return spaced.split()


_ABBREVIATIONS: dict[str, int] = {
    **dict.fromkeys(
        _words("e.g i.e a.k.a vs v viz cf ca approx est al incl esp ver vers"),
        _NEVER,
    ),
    **dict.fromkeys(
        _words(
            "mr mrs ms mx messrs mme mlle dr prof gen lt col maj sgt capt cpl pvt adm brig cmdr"
            " cdr gov sen rep pres rev hon supt det insp msgr fr"
        ),
        _TITLE,
    ),
    **dict.fromkeys(
        _words(
            "jr sr inc ltd co corp bros plc llc esq st mt ft ave blvd rd hwy dept univ assn"
            " a.m p.m ph.d"
        ),
        _AMBIGUOUS,
    ),
    **dict.fromkeys(
        _words(
            "jan feb mar apr jun jul aug sep sept oct nov dec"
            " mon tue tues wed thu thur thurs fri sat sun"
        ),
        _DATE,
    ),
    **dict.fromkeys(
        _words(
            "no nos nr n° № p pp pg vol vols fig figs art sec ch chap para tel ext ref rm apt ste"
            " eq ed"
        ),
        _NUMERIC,
    ),
}

# Words that typically open an English sentence. After an abbreviation that could also end one
# ("in the U.S. The next day" vs "the U.S. Government"), only these mean a new sentence.
_STARTERS = frozenset(
    _words(
        "A An The This That These Those There Here It Its He His Him She Her They Their Them"
        " We Our Us You Your I My Me One Some Many Most All Both Each Every Few Several Such"
        " Another Other Others None Nothing Neither Either No Not"
        " But And Or Nor So Yet Then Now Thus Hence Therefore However Meanwhile Moreover"
        " Furthermore Also Still Instead Indeed Perhaps Maybe Nevertheless Nonetheless Otherwise"
        " Besides Finally First Second Third Later Earlier Today Yesterday Tomorrow Tonight Last"
        " Next Since As If When While Where Whereas Why What Who Whom Whose Which How Although"
        " Though Because Unless Until After Before During In On At For From To Of With Without"
        " By Under Over Despite According Following Unlike Like Among Between Asked Even Only"
        " Just Is Are Was Were Be Been Do Does Did Can Could Would Should Must Has Have Had"
        " Let Please Yes Well Oh"
    )
)


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences.

    A sentence ends at the end of its line, or after ``. ! ? …`` (alone or in runs, with any
    closing quotes or parenthesis) when what follows opens a sentence: a capital, a digit, an
    opening quote. Abbreviations, initials, numbers, URLs and e-mail addresses do not end one;
    "U.S."-like abbreviations do only before a typical sentence opener ("The", "It", "How").

    Promises, for any string: spans are sorted, non-overlapping and non-empty; each one has no
    leading or trailing whitespace (``str.isspace``); every non-whitespace character lies in
    exactly one span; no span crosses a ``\\n``, so every non-blank line holds at least one
    sentence; ``paragraph`` is the index of that line among the non-blank lines. Never raises.
    """
    boundaries = _boundaries(text)
    count = len(boundaries)
    spans: list[Span] = []
    index = 0
    paragraph = 0
    base = 0
    lines = _LINE_BREAKS.split(text) if "\u2028" in text or "\u2029" in text else text.split("\n")
    for line in lines:
        size = len(line)
        stripped = line.rstrip()
        if stripped and stripped[-1] in _INVISIBLE:
            stripped = _rstrip(stripped)
        last = len(stripped)
        if last:
            first = size - len(line.lstrip())
            if line[first] in _INVISIBLE:
                first = size - len(_lstrip(line))
            stop = index
            while stop < count and boundaries[stop][0] < base + last:
                stop += 1
            here = boundaries[index:stop]
            index = stop
            if _may_start_list(line, first):
                here = _with_list_items(line, first, base, here)
            start = base + first
            for end, following in here:
                # A split found twice (a full stop right before a list marker) starts before
                # the current sentence: skip it.
                if end > start:
                    spans.append(Span(start, end, paragraph))
                    start = following
            spans.append(Span(start, base + last, paragraph))
            paragraph += 1
        base += size + 1
    return spans


def _rstrip(line: str) -> str:
    """`line` without trailing whitespace or invisible characters."""
    stripped = line.rstrip()
    if not stripped or stripped[-1] not in _INVISIBLE:
        return stripped
    while True:
        stripped = line.rstrip().rstrip(_INVISIBLE)
        if stripped == line:
            return line
        line = stripped


def _lstrip(line: str) -> str:
    """`line` without leading whitespace or invisible characters."""
    stripped = line.lstrip()
    if not stripped or stripped[0] not in _INVISIBLE:
        return stripped
    while True:
        stripped = line.lstrip().lstrip(_INVISIBLE)
        if stripped == line:
            return line
        line = stripped


def _boundaries(text: str) -> list[tuple[int, int]]:
    """Every sentence end in ``text``, sorted, as (end of a sentence, start of the next one).

    Both positions lie on the same line; the end of a line is not listed (it ends a sentence
    anyway).
    """
    marks: list[int] = []
    for mark in _MARKS:
        at = text.find(mark)
        while at != -1:
            marks.append(at)
            at = text.find(mark, at + 1)
    marks.sort()
    found: list[tuple[int, int]] = []
    size = len(text)
    skip_to = 0  # marks before this belong to a run already read
    last_next = 0  # where the current sentence starts, as far as this loop knows
    for at in marks:
        if at < skip_to:
            continue
        m = _RUN.match(text, at)
        nxt = m.end()
        skip_to = m.end("term")
        if nxt == size or text[nxt] in "\n\u2028\u2029":
            continue
        term, close = m.group("term", "close")
        end = m.end("close")
        if text[nxt] >= "\u2600" and (emoji := _EMOJI_RUN.match(text, nxt)):
            after = emoji.end()
            if after < size and text[after] not in "\n\u2028\u2029" and _opens(text, after):
                found.append((nxt + len(emoji.group().rstrip()), after))
                last_next = after
            continue
        # A bounded window keeps this linear however long the token; a word longer than that
        # is no abbreviation anyway.
        before = text[at - 200 if at > 200 else 0 : at]
        word = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
        if nxt == end:
            split = _glued(text, word, term, close, nxt)
        elif not word and _nothing_before(text, at, last_next):
            # A sentence cannot be a lone mark ("… And then", "what ?. Yes").
            split = False
        elif term == ".":
            split = _opens(text, nxt) if close else _after_full_stop(text, word, nxt)
        elif " " in term and "?" not in term and "!" not in term:
            dots = len(term) - term.count(" ")
            if not word:
                # Three spaced dots alone are an omission inside a sentence; four end one.
                split = dots >= 4 and _opens(text, nxt)
            elif term[:2] == ". " and dots >= 4 and not close and _opens(text, nxt):
                # "compounds. . . . The": the first dot ends this sentence, the ellipsis
                # opens the next one.
                found.append((at + 1, at + 2))
                last_next = at + 2
                continue
            else:
                split = _opens(text, nxt)
        else:
            split = _opens(text, nxt)
        if split:
            found.append((end, nxt))
            last_next = nxt
    return found


def _nothing_before(text: str, at: int, sentence_start: int) -> bool:
    """Whether only whitespace separates ``at`` from the start of its sentence or line."""
    low = max(sentence_start, at - 64)
    head = text[low:at]
    newline = head.rfind("\n")
    if newline != -1:
        return not head[newline + 1 :].strip()
    # A window of 64 spaces that reaches neither tells nothing; assume there is text before.
    return low == sentence_start and not head.strip()


def _after_full_stop(text: str, word: str, nxt: int) -> bool:
    """Whether a single full stop after ``word`` ends the sentence, given what starts at ``nxt``."""
    bare = word.lstrip(_LEADERS)
    if not bare.isalpha() and ("–" in bare or "—" in bare or "-" in bare):
        # A range of abbreviations ("Jan.–Mar. 2018"): the last one decides.
        bare = re.split("[–—-]", bare)[-1] or bare
    key = bare.lower()
    kind = _ABBREVIATIONS.get(key)
    if kind is None:
        if len(key) == 1:
            # An initial ("Elijah J. Magnier") or "I" ("you and I. Did you…"); other lowercase
            # single letters are ordinary words.
            if bare.isupper():
                kind = _AMBIGUOUS
        elif "." in key and _DOTTED.fullmatch(key):
            kind = _AMBIGUOUS
    elif kind in (_TITLE, _DATE):
        # Lowercase, these are ordinary words: "a sales rep.", "they sat."
        if not bare[0].isupper():
            kind = None
        elif kind == _TITLE:
            return False
        else:
            kind = _AMBIGUOUS
    if kind is None:
        return _opens(text, nxt)
    if kind == _AMBIGUOUS:
        return _starter(text, nxt)
    if kind == _NUMERIC:
        return not text[nxt].isdigit() and _opens(text, nxt)
    return False


def _glued(text: str, word: str, term: str, close: str, nxt: int) -> bool:
    """Whether a mark with no space after it ends a sentence ("ended.The next").

    Only between a word that ends with two letters or digits and a capitalised word, and never
    inside something that looks like an address: "U.S.A", "3.5", "Jane.Doe@example.com" stay
    whole.
    """
    core = word.strip(_OPENERS + _CLOSERS)
    # Two letters or digits at least right before the mark: "W.Va" (West Virginia) and "U.S.A"
    # are single letters between dots.
    if len(core) < 2 or not core[-2:].isalnum() or not _GLUED_NEXT.match(text, nxt):
        return False
    if any(c in core for c in "@/.:"):
        return False
    after = text[nxt : nxt + 200].split(None, 1)[0]
    if "@" in after or "/" in after:
        return False
    if term == "." and not close:
        return _after_full_stop(text, word, nxt)
    return True


def _opens(text: str, i: int) -> bool:
    """Whether the token at ``i`` looks like the start of a sentence (capital, digit, quote)."""
    c = text[i]
    if c in _OPENERS or c in _CURRENCY:
        if i + 1 >= len(text):
            return False
        if c in _CURRENCY:
            return text[i + 1].isdigit()
        c = text[i + 1]
    return c.isdigit() or (c.isalpha() and not c.islower())


def _starter(text: str, i: int) -> bool:
    """Whether the word at ``i`` is a typical sentence opener (and not itself an initial)."""
    m = _NEXT_WORD.match(text, i)
    return m is not None and not m.group(2) and m.group(1) in _STARTERS


def _may_start_list(line: str, first: int) -> bool:
    """Cheap test before looking for an inline list: does the line open with a list marker?"""
    c = line[first]
    if c in _BULLETS:
        return True
    return (c.isdigit() or "a" <= c <= "z") and _ENUMERATOR.match(line, first) is not None


def _with_list_items(
    line: str, first: int, base: int, boundaries: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Split an inline list ("1) … 2) …", "a. … b. …", "• … • …") before each item's marker.

    A marker itself never ends a sentence ("1. The first item" is one), so splits right after
    one are dropped. ``boundaries`` are the line's other splits, in text positions (the line
    starts at ``base``).
    """
    markers: list[tuple[int, int]] = []  # (start, end) in the line
    if line[first] in _BULLETS:
        markers = [m.span() for m in _BULLET_MARKER.finditer(line, first)]
    else:
        m = _ENUMERATOR.match(line, first)
        if m is None:
            return boundaries
        label, suffix = m.groups()
        markers.append(m.span())
        pos = m.end()
        while True:
            label = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
            expected = label + suffix
            at = line.find(expected, pos)
            while at != -1 and not (
                line[at - 1].isspace()
                and (at + len(expected) == len(line) or line[at + len(expected)].isspace())
            ):
                at = line.find(expected, at + 1)
            if at == -1:
                break
            markers.append((at, at + len(expected)))
            pos = at + len(expected)
    inside = {base + i for start, stop in markers for i in range(start + 1, stop + 1)}
    kept = [(end, nxt) for end, nxt in boundaries if end not in inside]
    for (_, previous_stop), (start, _) in pairwise(markers):
        # Markers end with a non-space character, so the item before ends at least there.
        kept.append((base + previous_stop + len(line[previous_stop:start].rstrip()), base + start))
    kept.sort()
    return kept
