"""Provenance accuracy on the corpus of tests/data/provenance (see its README):
`.venv/bin/python bench/provenance.py [FOLDER]`.

Imports every article into a fresh SQLite database holding the seeds' outlets and the
starter directory (`load_outlets`), then prints, per article, what was detected against
what was expected, and the totals: publisher and origin both right (per article), and
sentences in the right section."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "provenance"
CODES = {
    "H": "headline",
    "Y": "byline",
    "B": "body",
    "P": "boilerplate",
    "C": "credit",
    "M": "comment",
}


@dataclass
class Case:
    name: str
    text: str
    publisher: str  # "" for none
    origin: str
    unknown: str
    comments_start: str
    codes: list[str]  # one per line of the text ("" for a blank line)


def read_corpus(folder: Path = CORPUS) -> list[Case]:
    """The articles of the corpus, with what is expected of each."""
    cases = []
    for path in sorted(folder.glob("*.txt")):
        header: dict[str, str] = {}
        lines, codes = [], []
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.startswith("# "):
                key, _, value = raw[2:].partition(":")
                header[key.strip()] = value.strip()
                continue
            code, _, line = raw.partition("| ")
            if raw == "|":
                code, line = "", ""
            lines.append(line)
            codes.append(code)
        cases.append(
            Case(
                name=path.stem,
                text="\n".join(lines) + "\n",
                publisher="" if header["publisher"] == "-" else header["publisher"],
                origin="" if header["origin"] == "-" else header["origin"],
                unknown=header.get("unknown", ""),
                comments_start=header.get("comments", ""),
                codes=codes,
            )
        )
    return cases


def expected_sections(case: Case, spans: list) -> list[str] | None:
    """The expected section of each span, or None when the line's codes do not match the
    number of its sentences (a segmentation error)."""
    line_of = []
    offset = 0
    for number, line in enumerate(case.text.split("\n")):
        line_of.extend([number] * (len(line) + 1))
        offset += len(line) + 1
    by_line: dict[int, list[int]] = {}
    for i, span in enumerate(spans):
        by_line.setdefault(line_of[span.start], []).append(i)
    expected: list[str] = [""] * len(spans)
    for number, indexes in by_line.items():
        code = case.codes[number]
        if len(code) == 1:
            code = code * len(indexes)
        if len(code) != len(indexes):
            return None
        for i, letter in zip(indexes, code, strict=True):
            expected[i] = CODES[letter]
    return expected


def score(cases: list[Case]) -> dict:
    """Import every case and compare (needs a database with the outlets loaded)."""
    from annotator.services.imports import import_article
    from core.text.segment import split_sentences

    right_articles = right_sentences = total_sentences = 0
    failures = []
    for case in cases:
        article = import_article(
            text=case.text, source_name=case.name, comments_start=case.comments_start
        ).article
        got = (
            article.publisher.name if article.publisher else "",
            article.origin.name if article.origin else "",
            article.origin_unknown,
        )
        want = (case.publisher, case.origin, case.unknown)
        if got == want:
            right_articles += 1
        else:
            failures.append(f"{case.name}: got {got}, want {want}")
        spans = split_sentences(case.text)
        sentences = list(article.sentences.order_by("position"))
        expected = expected_sections(case, spans)
        total_sentences += len(sentences)
        if expected is None:
            failures.append(f"{case.name}: the sentences do not match the expected lines")
            continue
        for sentence, want_section in zip(sentences, expected, strict=True):
            if sentence.section == want_section:
                right_sentences += 1
            else:
                failures.append(
                    f"{case.name}: {sentence.section} for {want_section}: {sentence.text[:70]!r}"
                )
    return {
        "articles": len(cases),
        "right_articles": right_articles,
        "sentences": total_sentences,
        "right_sentences": right_sentences,
        "failures": failures,
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-provenance-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", os.urandom(32).hex())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from annotator.services.seeds import read_manifest
    from core.cache.routers import migrate_every_database
    from sources.services.outlets import load_directory, save_outlet

    migrate_every_database(verbosity=0)
    for outlet in read_manifest()["outlets"]:
        save_outlet(**outlet)
    load_directory()
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    result = score(read_corpus(folder))
    for line in result["failures"]:
        print("  " + line)
    a, ra = result["articles"], result["right_articles"]
    s, rs = result["sentences"], result["right_sentences"]
    print(f"publisher and origin right: {ra}/{a} articles ({100 * ra / max(a, 1):.1f}%)")
    print(f"sections right: {rs}/{s} sentences ({100 * rs / max(s, 1):.1f}%)")
    from django.db import connection

    connection.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
