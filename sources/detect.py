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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.sections import Section
from sources.models import Outlet

CREDIT_LINE = re.compile(r"^\s*articles?\s+by\s*:?\s*(?P<name>.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Detection:
    """What the text says about its outlets; a signal is "" when nothing was found."""

    publisher: Outlet | None = None
    publisher_signal: str = ""
    origin: Outlet | None = None
    origin_signal: str = ""


def _quote(line: str, limit: int = 80) -> str:
    line = line.strip()
    return f'"{line[: limit - 1]}…"' if len(line) > limit else f'"{line}"'


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
        # A name inside a domain or a URL ("patreon.com/southfront") is left to the domains.
        self._names = self._compile(names, r"(?<![\w./@-])(?:{})(?![\w/-]|\.\w)")
        self._domains = self._compile(domains, r"(?<![\w.-])(?:www\.)?({})(?![\w-])")

    @staticmethod
    def _compile(keys: list[str], template: str) -> re.Pattern[str] | None:
        if not keys:
            return None
        alternatives = "|".join(re.escape(k) for k in sorted(set(keys), key=len, reverse=True))
        return re.compile(template.format(alternatives), re.IGNORECASE)

    @classmethod
    def load(cls) -> OutletIndex:
        """Build the index from the database (three queries)."""
        return cls(Outlet.objects.prefetch_related("aliases", "domains"))

    def named_in(self, line: str) -> list[tuple[Outlet, str]]:
        """The outlets a line names by name, alias or domain, each with the words that
        named it, in order of appearance."""
        found: list[tuple[int, Outlet, str]] = []
        for pattern, group in ((self._names, 0), (self._domains, 1)):
            if pattern is not None:
                found += [
                    (m.start(), self.by_key[m.group(group).lower()], m.group(group))
                    for m in pattern.finditer(line)
                ]
        return [(outlet, words) for _, outlet, words in sorted(found, key=lambda f: f[0])]

    def exact(self, name: str) -> Outlet | None:
        """The outlet called exactly `name` (any case), if any."""
        return self.by_key.get(name.strip().lower())


def detect_outlets(paragraphs: Sequence[tuple[str, str]], index: OutletIndex) -> Detection:
    """Suggest publisher and origin for a text given as (paragraph text, section) pairs."""
    origin = publisher = None
    origin_signal = publisher_signal = ""

    for line, section in paragraphs:
        credit = CREDIT_LINE.match(line)
        if credit and (outlet := index.exact(credit.group("name"))):
            origin, origin_signal = outlet, f"credit line {_quote(line)}"
            break
        if section == Section.BYLINE and (named := index.named_in(line)):
            origin, origin_signal = named[0][0], f"byline {_quote(line)}"
            break

    for line, section in reversed(paragraphs):
        if section != Section.BOILERPLATE:
            continue
        for outlet, words in reversed(index.named_in(line)):
            if outlet != origin or publisher is None:
                publisher = outlet
                publisher_signal = f'"{words}" named in boilerplate {_quote(line)}'
            if outlet != origin:
                break
        if publisher is not None and publisher != origin:
            break

    return Detection(publisher, publisher_signal, origin, origin_signal)
