"""Sentence segmentation speed and accuracy: ``core.text.segment`` against pySBD.

Run as ``.venv/bin/python bench/segment.py``. It cycles the seed articles up to about 2 MB,
segments that text with ours and a slice of it with pySBD (which is far slower), and prints
sentences per second for both and the ratio. When pySBD's English golden rules are at hand
(``/work/shared/testdata`` or ``../shared/testdata``), it also prints how many of them each
segmenter passes. Another bench script can reuse :func:`measure_segmentation` by putting
``bench/`` on ``sys.path``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.text.segment import split_sentences  # noqa: E402

SEEDS = ROOT / "seeds"
GOLDEN_RULES = (
    Path("/work/shared/testdata/golden_rules_en.json"),
    ROOT.parent / "shared" / "testdata" / "golden_rules_en.json",
)
TARGET_CHARS = 2_000_000
# pySBD runs at a few thousand sentences per second: a slice keeps the run short.
PYSBD_CHARS = 150_000


def build_text(target_chars: int = TARGET_CHARS) -> str:
    """Return the seed articles, cycled in name order, until the text reaches ``target_chars``."""
    articles = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("[0-9]*.txt"))]
    if not articles:
        raise SystemExit(f"no seed articles in {SEEDS}")
    parts: list[str] = []
    size = 0
    while size < target_chars:
        for article in articles:
            parts.append(article)
            parts.append("\n\n")
            size += len(article) + 2
    return "".join(parts)


def _best_time(function: Callable[[str], list], argument: str, repeat: int) -> tuple[float, list]:
    best = float("inf")
    result: list = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(argument)
        best = min(best, time.perf_counter() - started)
    return best, result


def _slice_at_line(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > 0 else limit]


def measure_segmentation(text: str) -> dict:
    """Segment ``text`` with ours (best of three runs) and a slice of it with pySBD.

    Returns a flat dict of figures: ``chars``, ``sentences``, ``seconds`` and
    ``sentences_per_second`` for ours; the same with a ``pysbd_`` prefix (``None`` when pySBD
    is not installed) measured on the first ``pysbd_chars`` characters (cut at a line end);
    ``ours_in_pysbd_slice``, how many sentences ours finds in that slice; and ``ratio``, our
    sentences per second over pySBD's.
    """
    seconds, spans = _best_time(split_sentences, text, repeat=3)
    figures: dict[str, float | None] = {
        "chars": len(text),
        "sentences": len(spans),
        "seconds": seconds,
        "sentences_per_second": len(spans) / seconds if seconds else float("inf"),
        "pysbd_chars": None,
        "pysbd_sentences": None,
        "pysbd_seconds": None,
        "pysbd_sentences_per_second": None,
        "ours_in_pysbd_slice": None,
        "ratio": None,
    }
    segmenter = _pysbd_segmenter()
    if segmenter is None:
        return figures
    piece = _slice_at_line(text, PYSBD_CHARS)
    segmenter.segment(piece[:2000])  # warm up its regex caches
    pysbd_seconds, sentences = _best_time(segmenter.segment, piece, repeat=1)
    figures.update(
        pysbd_chars=len(piece),
        pysbd_sentences=len(sentences),
        pysbd_seconds=pysbd_seconds,
        pysbd_sentences_per_second=len(sentences) / pysbd_seconds,
        ours_in_pysbd_slice=len(split_sentences(piece)),
    )
    figures["ratio"] = figures["sentences_per_second"] / figures["pysbd_sentences_per_second"]
    return figures


def golden_rule_scores(path: Path) -> dict:
    """Count the golden-rule cases at ``path`` that ours and pySBD get exactly right.

    pySBD's sentences are compared stripped, as pySBD's own test suite does. Returns ``total``,
    ``ours``, ``pysbd`` (``None`` without pySBD) and ``ours_failed``, the names ours fails.
    """
    cases = json.loads(path.read_text(encoding="utf-8"))
    segmenter = _pysbd_segmenter()
    ours = 0
    theirs = 0
    failed = []
    for case in cases:
        text, expected = case["text"], case["sentences"]
        if [text[s.start : s.end] for s in split_sentences(text)] == expected:
            ours += 1
        else:
            failed.append(case["name"])
        if segmenter is not None and [s.strip() for s in segmenter.segment(text)] == expected:
            theirs += 1
    return {
        "total": len(cases),
        "ours": ours,
        "pysbd": theirs if segmenter is not None else None,
        "ours_failed": failed,
    }


def _pysbd_segmenter():
    try:
        import pysbd
    except ImportError:
        return None
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def main() -> None:
    text = build_text()
    figures = measure_segmentation(text)
    print(f"text: {figures['chars']:,} characters from {SEEDS.relative_to(ROOT)}/ (cycled)")
    print(f"sentences (ours):     {figures['sentences']:,}")
    print(
        f"ours:   {figures['sentences_per_second']:>12,.0f} sentences/s"
        f"  ({figures['seconds']:.3f} s, best of 3)"
    )
    if figures["pysbd_sentences"] is None:
        print("pysbd:  not installed")
    else:
        print(
            f"pysbd:  {figures['pysbd_sentences_per_second']:>12,.0f} sentences/s"
            f"  ({figures['pysbd_seconds']:.3f} s for {figures['pysbd_sentences']:,} sentences"
            f" in the first {figures['pysbd_chars']:,} characters;"
            f" ours finds {figures['ours_in_pysbd_slice']:,} there)"
        )
        print(f"ratio:  {figures['ratio']:>12,.1f}x")
    golden = next((path for path in GOLDEN_RULES if path.is_file()), None)
    if golden is None:
        print("golden rules: file not found, skipped")
        return
    scores = golden_rule_scores(golden)
    print(f"golden rules (ours):  {scores['ours']}/{scores['total']}")
    if scores["pysbd"] is not None:
        print(f"golden rules (pysbd): {scores['pysbd']}/{scores['total']}")
    for name in scores["ours_failed"]:
        print(f"  ours fails: {name}")


if __name__ == "__main__":
    main()
