"""Import speed, end to end, on SQLite: `.venv/bin/python bench/ingest.py`.

Builds articles by cycling the five seeds, each made unique by one added sentence, writes
them as .txt files to a folder, and imports the folder with `manage.py import_articles`
(reading, decoding, segmentation, sections, outlet detection, one transaction per
article) into a fresh SQLite database. It does so for 500 and for 2,000 articles, so the
growth can be read off, and prints articles/s, sentences/s, the exact sentence count and
the process's peak memory. Then it prints segmentation speed next to pysbd's on the same
text (bench/segment.py).

Targets (issue: foundation): at least 500 articles/s, peak memory under 300 MB,
time linear in the number of articles, and segmentation at least 10x pysbd.

Where the time goes (issue 15, CPU time per article of this corpus, profiled with cProfile
and timed stage by stage): the SQLite writes take half (the article's save ~0.22 ms, the
sentences' insert ~0.25 ms, the commit ~0.11 ms); sections ~0.2 ms, segmentation ~0.09 ms,
outlet detection ~0.05 ms; reading, hashing, validation and the summary the rest. Provenance
work (issue 15) had made sections and detection 0.3 ms slower: one case-insensitive
alternation of appeal phrases searched through every paragraph, credit checks at every
sentence of long paragraphs, and outlet names matched case-insensitively behind a
lookbehind. Now the phrases' words are found with str.find and each check runs only on the
lines that hold its words (core/text/sections.py, _hints), and names are matched in the
lower-cased line (sources/selectors/detect.py).
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
WORK = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measure as deployed: DEBUG off (Django then keeps no log of every query).
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", os.urandom(32).hex())

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from annotator.models import Article, Sentence  # noqa: E402
from annotator.services.seeds import read_manifest  # noqa: E402
from sources.services.outlets import save_outlet  # noqa: E402

SIZES = (500, 2000)


def write_corpus(folder: Path, count: int) -> None:
    seeds = sorted((ROOT / "seeds").glob("[0-9]*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in seeds]
    folder.mkdir(parents=True)
    for n in range(count):
        text = texts[n % len(texts)].rstrip("\n") + f"\nThis is copy {n} of the report.\n"
        (folder / f"{n:05d}.txt").write_text(text, encoding="utf-8")


def reset_database() -> None:
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{WORK / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    from core.cache.routers import migrate_every_database

    migrate_every_database(verbosity=0)
    for outlet in read_manifest()["outlets"]:
        save_outlet(**outlet)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    print(f"Import into a fresh SQLite database ({WORK}), end to end through import_articles")
    results = {}
    for count in SIZES:
        folder = WORK / f"corpus-{count}"
        write_corpus(folder, count)
        reset_database()
        started = time.perf_counter()
        call_command("import_articles", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
        seconds = time.perf_counter() - started
        articles, sentences = Article.objects.count(), Sentence.objects.count()
        assert articles == count, f"imported {articles} of {count}"
        results[count] = seconds
        print(
            f"  {articles:>5} articles, {sentences:>6} sentences: {seconds:6.2f} s, "
            f"{articles / seconds:7.0f} articles/s, {sentences / seconds:8.0f} sentences/s, "
            f"peak memory so far {peak_mb():.0f} MB"
        )
    small, large = SIZES
    per_small, per_large = results[small] / small, results[large] / large
    print(
        f"  time per article: {per_small * 1000:.2f} ms at {small}, {per_large * 1000:.2f} ms "
        f"at {large} (ratio {per_large / per_small:.2f}; 1.00 is perfectly linear)"
    )
    print(f"  peak memory (max RSS of this process): {peak_mb():.0f} MB")

    from segment import build_text, measure_segmentation

    print("Segmentation alone, on the seeds cycled to ~2 MB:")
    for key, value in measure_segmentation(build_text()).items():
        print(f"  {key}: {value:,.3f}" if isinstance(value, float) else f"  {key}: {value:,}")


if __name__ == "__main__":
    main()
