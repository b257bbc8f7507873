"""Outlet detection: which outlet published a text and which wrote it, from the text's
own signals, with the signal that decided each.

The signals, strongest first:
- a credit line ("Articles by: South Front") or a byline naming a known outlet
  ("Baghdad by Elijah J. Magnier:", "South Front reports…") gives the origin;
- an outlet named in boilerplate (a disclaimer, a footer, a donation appeal, by name,
  alias or domain) gives the publisher; where several are named, the last one that is
  not the origin wins, since a republisher's footer comes after the original's;

Where only one of the two is found, the caller decides what the other is.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from core.text.sections import (
    DATELINE,
    IMAGE_CREDIT,
    Section,
    credit_at,
    lines_with_credit_hints,
    unquoted,
)
from sources.models import Outlet

CREDIT_LINE = re.compile(r"^\s*articles?\s+by\s*:?\s*(?P<name>.+?)\s*$", re.IGNORECASE)
# The GR page's own link: "URL of this article: https://www.globalresearch.ca/…".
URL_LINE = re.compile(r"^\s*url of this article\s*:\s*(?P<url>\S+)", re.IGNORECASE)
# Lines of a page's furniture that name the page's own outlet.
PUBLISHER_FURNITURE = re.compile(
    r"^\s*(?:comment on\b.{0,80}\b(?:facebook|twitter|telegram|page)\b"
    r"|become a (?:member|patron|subscriber) of\b"
    r"|(?:visit and )?follow us on\b)",
    re.IGNORECASE,
)
# "South Front reports…", "21st Century Wire says…"
LEAD_IN = re.compile(
    r"^\s*(?P<name>[^\W_][\w.'’ -]{1,60}?)\s+(?:reports?|says?|writes?|adds?|notes?|explains?)"
    r"\s*(?:…|\.\.\.|:)\s*$",
    re.IGNORECASE,
)
COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\))", re.IGNORECASE)
# The name an unknown outlet goes by, right after a credit: a domain, or capitalised words.
_UNKNOWN_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})\b", re.I)
_UNKNOWN_NAME = re.compile(
    r"[“\"'‘]?((?:The\s+)?[A-Z0-9][\w'’&.-]*(?:\s+(?:[A-Z0-9&][\w'’&.-]*|of|the|for|and|on|de|al)"
    r"){0,6})"
)
_TRAILING_WORDS = (
    "of the for and on de al in at by jan feb mar apr may jun jul aug sep sept oct nov dec"
    " january february march april june july august september october november december"
)
_TRAILING = frozenset(_TRAILING_WORDS.split())


@dataclass(frozen=True, slots=True)
class Detection:
    """What the text says about its outlets; a signal is "" when nothing was found.

    `origin_unknown` is an outlet that a credit names as the origin but that is not in
    the directory (with its evidence in `origin_signal`); `origin` is then None."""

    publisher: Outlet | None = None
    publisher_signal: str = ""
    origin: Outlet | None = None
    origin_signal: str = ""
    origin_unknown: str = ""


def _quote(line: str, limit: int = 80) -> str:
    line = line.strip()
    return f'"{line[: limit - 1]}…"' if len(line) > limit else f'"{line}"'


_NOT_AFTER_NAME = r"(?<![\w./@-])"
_NOT_AFTER_DOMAIN = r"(?<![\w.-])"
_BEFORE_NAME = re.compile(r"[\w./@-]")
_BEFORE_DOMAIN = re.compile(r"[\w.-]")


class OutletIndex:
    """All known outlet names, aliases and domains, compiled once for scanning many texts."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.by_key: dict[str, Outlet] = {}
        names: list[str] = []
        domains: list[str] = []
        for outlet in outlets:
            for name in [outlet.name, *(a.name for a in outlet.aliases.all())]:
                self.by_key[name.lower()] = outlet
                names.append(name)
            for d in outlet.domains.all():
                self.by_key[d.domain] = outlet
                domains.append(d.domain)
        # A name inside a domain or a URL ("patreon.com/southfront") is left to the domains:
        # what may not come right before a name or a domain, and what may not follow it.
        names_template = r"(?:{})(?![\w/-]|\.\w)"
        domains_template = r"(?:www\.)?({})(?![\w-])"
        # Searched for in the lower-cased line, case-sensitively, with what comes before
        # a match checked apart: with IGNORECASE and the lookbehind in the expression, the
        # engine tried every name at every position of a line, three times slower.
        self._names = self._compile([n.lower() for n in names], names_template)
        self._domains = self._compile([d.lower() for d in domains], domains_template)
        # For the rare line that lower() makes longer or shorter ("İ"): the same, any case.
        self._names_any_case = self._compile(names, _NOT_AFTER_NAME + names_template, re.I)
        self._domains_any_case = self._compile(domains, _NOT_AFTER_DOMAIN + domains_template, re.I)

    @staticmethod
    def _compile(keys: list[str], template: str, flags: int = 0) -> re.Pattern[str] | None:
        if not keys:
            return None
        alternatives = "|".join(re.escape(k) for k in sorted(set(keys), key=len, reverse=True))
        return re.compile(template.format(alternatives), flags)

    @classmethod
    def load(cls) -> OutletIndex:
        """Build the index from the database (three queries)."""
        return cls(Outlet.objects.prefetch_related("aliases", "domains"))

    def named_in(self, line: str) -> list[tuple[Outlet, str]]:
        """The outlets a line names by name, alias or domain, each with the words that
        named it, in order of appearance."""
        found: list[tuple[int, Outlet, str]] = []
        lowered = line.lower()
        if len(lowered) != len(line):
            for pattern, group in ((self._names_any_case, 0), (self._domains_any_case, 1)):
                if pattern is not None:
                    found += [
                        (m.start(), self.by_key[m.group(group).lower()], m.group(group))
                        for m in pattern.finditer(line)
                    ]
        else:
            for pattern, before, group in (
                (self._names, _BEFORE_NAME, 0),
                (self._domains, _BEFORE_DOMAIN, 1),
            ):
                at = 0
                while pattern is not None and (m := pattern.search(lowered, at)) is not None:
                    start = m.start()
                    if start and before.match(lowered, start - 1):
                        at = start + 1
                        continue
                    words = line[m.start(group) : m.end(group)]
                    found.append((start, self.by_key[words.lower()], words))
                    at = m.end()
        return [(outlet, words) for _, outlet, words in sorted(found, key=lambda f: f[0])]

    def exact(self, name: str) -> Outlet | None:
        """The outlet called exactly `name` (any case), if any."""
        return self.by_key.get(name.strip().lower())


def unknown_name(rest: str) -> str:
    """The outlet a credit names in `rest` (what follows the credit's words), when no
    known outlet is named there: a domain, or a run of capitalised words ("" if none)."""
    rest = rest.strip().lstrip(":–—-").strip()
    rest = re.sub(
        r"^(?:the\s+)?(?:(?:web\s*)?site|website|outlet|blog|portal|pages)\s+(?:of\s+)?",
        "",
        rest,
        flags=re.IGNORECASE,
    )
    rest = re.sub(r"^the\s+(?=[A-Z])", "The ", rest)
    domain = _UNKNOWN_DOMAIN.match(rest)
    if domain:
        return domain.group(1)
    m = _UNKNOWN_NAME.match(rest)
    if not m:
        return ""
    words = m.group(1).split()
    while words and (words[-1].lower().rstrip(".,") in _TRAILING or words[-1].isdigit()):
        words.pop()
    name = " ".join(words).rstrip(".,;:")
    return name if len(name) >= 2 else ""


def _dateline_name(words: str) -> str:
    """The outlet's name in a dateline's words ("Asia Times", "By A, Asia Times")."""
    name = words.rsplit(",", 1)[-1].strip(" ,|–—-")
    if not name[:1].isupper() or name.lower().startswith("by ") or len(name.split()) > 6:
        return ""
    return name


@dataclass(slots=True)
class _Evidence:
    outlet: Outlet | None
    rule: str
    line: str
    number: int | None
    words: str = ""

    def signal(self) -> str:
        where = f" on line {self.number}" if self.number else ""
        return f"{self.rule}{where}: {_quote(self.line)}"


def detect_outlets(
    paragraphs: Sequence[tuple[str, str]],
    index: OutletIndex,
    *,
    line_numbers: Sequence[int] | None = None,
    credit_lines: Collection[int] | None = None,
) -> Detection:
    """Suggest publisher and origin for a text given as (paragraph text, section) pairs
    (`line_numbers`, if given, are the paragraphs' line numbers in the text, for the
    evidence; `credit_lines`, if given, the indexes of the paragraphs that may hold a
    republishing credit, as core.text.sections.classify finds them).

    Origin, strongest first: a republishing credit ("The original source of this article
    is X", "Originally published at X", "Source: X"...; an unknown X is reported as
    `origin_unknown`), then a credit line ("Articles by: X"), a byline or lead-in
    naming an outlet ("X reports…"), an outlet's dateline on an aggregator's page,
    a copyright line. Publisher: the page's own URL line, its furniture ("Comment on
    X Articles on our Facebook page", "X, <date>"), then the outlets named in its
    boilerplate (the last one that is not the origin). Names inside long quotations,
    image credits, author bios and reader comments are never signals."""
    credits: list[_Evidence] = []
    medium: list[_Evidence] = []
    datelines: list[_Evidence] = []
    copyrights: list[_Evidence] = []
    strong_publisher: list[_Evidence] = []
    boilerplate: list[tuple[str, int | None]] = []
    lead_ins: list[_Evidence] = []
    unknown_datelines: list[_Evidence] = []
    hinted = (
        lines_with_credit_hints([line for line, _ in paragraphs])
        if credit_lines is None
        else credit_lines
    )

    for n, (line, section) in enumerate(paragraphs):
        if section == Section.COMMENT:
            continue
        number = line_numbers[n] if line_numbers else None
        stripped = line.strip()
        for credit in credit_at(stripped) if n in hinted else ():
            rest = stripped[credit.end() :]
            # The credit runs to the end of its sentence.
            named = index.named_in(unquoted(rest)[:200])
            rule = f'credit "{" ".join(credit.group("rule").lower().split()).rstrip(":")}"'
            if named:
                credits.append(_Evidence(named[0][0], rule, stripped, number, named[0][1]))
            elif name := unknown_name(rest):
                credits.append(_Evidence(None, rule, stripped, number, name))
        if section in (Section.BODY, Section.HEADLINE) or (
            section == Section.CREDIT and IMAGE_CREDIT.match(stripped)
        ):
            continue
        if credit := CREDIT_LINE.match(stripped):
            if outlet := index.exact(credit.group("name")):
                medium.append(_Evidence(outlet, "credit line", stripped, number))
            continue
        if url := URL_LINE.match(stripped):
            if named := index.named_in(url.group("url")):
                strong_publisher.append(
                    _Evidence(named[0][0], "the page's own URL", stripped, number)
                )
            continue
        if PUBLISHER_FURNITURE.match(stripped):
            if named := index.named_in(stripped):
                strong_publisher.append(
                    _Evidence(named[0][0], "the page's furniture", stripped, number)
                )
            continue
        if section in (Section.BYLINE, Section.CREDIT) and (dated := DATELINE.match(stripped)):
            if named := index.named_in(dated.group("name")):
                datelines.append(_Evidence(named[-1][0], "dateline", stripped, number))
            elif datelines and (name := _dateline_name(dated.group("name"))):
                # An aggregator's page names the original's outlet and date under its
                # own dateline: an outlet not in the directory is still named.
                unknown_datelines.append(_Evidence(None, "dateline", stripped, number, name))
            continue
        if section == Section.BYLINE:
            if lead := LEAD_IN.match(stripped):
                if named := index.named_in(lead.group("name")):
                    lead_ins.append(_Evidence(named[0][0], "lead-in", stripped, number))
                continue
            if named := index.named_in(stripped):
                medium.append(_Evidence(named[0][0], "byline", stripped, number))
            continue
        if section == Section.BOILERPLATE:
            if COPYRIGHT.match(stripped) and (named := index.named_in(unquoted(stripped))):
                copyrights.append(_Evidence(named[0][0], "copyright line", stripped, number))
            boilerplate.append((stripped, number))

    # The republisher's own lead-in comes first ("21st Century Wire says…"), the original's
    # after it ("South Front reports…").
    if len({e.outlet for e in lead_ins}) > 1:
        strong_publisher.append(lead_ins[0])
        medium.extend(lead_ins[1:])
    else:
        medium.extend(lead_ins)

    origin_candidates = {e.outlet for e in credits + medium if e.outlet is not None}
    publisher_evidence: _Evidence | None = None
    publisher_words = ""
    if strong_publisher:
        publisher_evidence = strong_publisher[0]
    elif datelines:
        publisher_evidence = datelines[0]
    else:
        for line, number in reversed(boilerplate):
            named = index.named_in(unquoted(line))
            for outlet, words in reversed(named):
                if publisher_evidence is None or outlet not in origin_candidates:
                    publisher_evidence = _Evidence(outlet, "", line, number)
                    publisher_words = words
                if outlet not in origin_candidates:
                    break
            if (
                publisher_evidence is not None
                and publisher_evidence.outlet not in origin_candidates
            ):
                break
    publisher = publisher_evidence.outlet if publisher_evidence else None

    origin_evidence: _Evidence | None = None
    if credits:
        origin_evidence = credits[0]
    else:
        later = [e for e in datelines if e.outlet != publisher]
        ordered = medium + later + [e for e in copyrights if e.outlet != publisher]
        origin_evidence = (
            next((e for e in ordered if e.outlet != publisher), None)
            or next(iter(unknown_datelines), None)
            or next(iter(medium), None)
        )

    if publisher_evidence is None:
        publisher_signal = ""
    elif publisher_words:
        where = f" on line {publisher_evidence.number}" if publisher_evidence.number else ""
        publisher_signal = (
            f'"{publisher_words}" named in boilerplate{where} {_quote(publisher_evidence.line)}'
        )
    else:
        publisher_signal = publisher_evidence.signal()

    if origin_evidence is None:
        return Detection(publisher, publisher_signal)
    if origin_evidence.outlet is None:
        return Detection(
            publisher, publisher_signal, None, origin_evidence.signal(), origin_evidence.words
        )
    return Detection(publisher, publisher_signal, origin_evidence.outlet, origin_evidence.signal())
