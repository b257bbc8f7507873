"""Export speed and memory, end to end, on SQLite: `.venv/bin/python bench/export.py`.

Builds a corpus in a fresh temporary SQLite database: articles made by cycling the five
seeds (each made unique by one added sentence, imported with `import_article`), and 100
tags per article by 5 reviewers (the same 20 claims each, whole sentences and spans,
labels drawn at random, a cited source on sourced claims), inserted in bulk. It measures
at 500 articles / 50,000 tags, then grows the same database to 2,000 articles / 200,000
tags and measures again.

Each measurement runs `manage.py export_corpus --format jsonl|csv --output FILE` in a
child process of its own, so that the memory figure belongs to that one export: the
child's peak resident set (VmHWM, which includes Python and Django) is printed next to
its resident set just before the export started, and their difference is what the
export itself took. tags/s is tags exported divided by the export's wall-clock seconds;
tags per CPU second (the child's user + system time) is printed beside it, since wall
time on a shared machine depends on what else runs.

Targets (issue 7): at least 50,000 tags/s, peak memory under 200 MB, and memory not
growing between 50,000 and 200,000 tags. Chunks of 100 articles instead of 200 (issue
19, for the server's memory): at 50cecaf then after, one run each at a load of 11-12,
tags per CPU second jsonl 126,600 / 118,800 then 126,800 / 154,800 (50,000 / 200,000
tags), csv 156,600 / 185,300 then 154,300 / 189,600; the export's memory +19 / +18 MB
then +12 / +11 MB.

`--api [--compare DIR] [--rounds N] [--postgresql URL]`: the export through
`/api/export/?format=jsonl`, as a script downloads it, on bench/peers.py's workload (issue
19: at least 100,000 spans/s). The server runs as deployed (gunicorn as gunicorn.conf.py
configures it, bench/memory.py starts it) on a fresh SQLite database (with
`--postgresql`, a new database on that server, such as
postgres://postgres@127.0.0.1:5432/postgres, dropped at the end); 200 articles (the seeds
cycled, each made unique by one added sentence) are imported through the API and every
claim sentence of each is tagged as a span by one reviewer (about 6,600 spans), one bulk
request an article. Then
the export is downloaded 5 times a round; spans/s is spans over the download's wall time
(median of every download, with the range), and the server's CPU time (its processes'
user + system) per export is printed beside it. With `--compare DIR` the code in DIR
(e.g. /tmp/oldmain, e44e7bd) runs too, on its own database built the same way, and the
rounds interleave.

Where an API export's time goes (cProfile, and each phase's process_time, best of 10, in
one process on that corpus: 200 articles, 6,640 spans, 5.0 MB of JSON Lines): reading
the rows 28 ms (the tags' query 14 ms, the sentences' 6 ms, making tuples and grouping
them by article 8 ms), writing the lines 27 ms (the tags 12 ms, the sentences 7 ms, the
article's own fields 6.5 ms, half of it quoting the article's text), encoding to UTF-8
3 ms, the request itself (middleware, authentication) a few ms. The sentences used to be
dicts that json encoded (~3.4 us each, with each sentence's text quoted again for a tag
on the whole sentence); a template, as for the tags, takes ~1 us. The whole export:
70-73 ms of CPU before, 58-60 ms after (interleaved, load 5 on 2 cores). Building the
tags' JSON in SQL (json_quote, concatenation) was tried: SQLite took 23 ms for what
Python does in ~30, not worth a second rendering to keep exact.

`.venv/bin/python bench/export.py --api --compare /tmp/oldmain --rounds 3`, two runs at a
load of 5-7 on the 2-core machine (so wall time is up to twice the CPU time): new
46,900 and 39,500 spans/s median (range 29,900-77,900), 70 and 80 ms of server CPU an
export (60-90); e44e7bd 36,600 and 35,200 spans/s (10,900-72,300), 90 ms (70-130).
Before the sentences' template (at 50cecaf): 39,200 spans/s (30,400-53,400), 80 ms
(70-100), beside e44e7bd's 50,600 (25,500-70,500), 80 ms (70-120) in the same run.
The target of 100,000 spans/s (66 ms of wall time for this corpus) is not reached: the
server's CPU alone is about that.

Then (3 December 2026, a machine ~2x slower than in the runs above: a tagging request
took 4-5 ms of CPU against 1.7 in the morning; compare only figures of one run):
- Named tuples only where they are read. Each sentence and tag row was made a named
  tuple as it was read; JSON Lines now writes from the database's rows, unpacked, and the
  other formats make the named tuples on first use (annotator/export/selection.py,
  ArticleData). In one process (requests through the WSGI app, 30 exports a
  run, runs alternating with the code before): SQLite 113 / 143 / 145 -> 84 / 112 / 120 ms of CPU
  an export, PostgreSQL 120 / 140 / 127 -> 103 / 102 / 106 ms.
- Reading ahead on PostgreSQL. py-spy of a gunicorn worker, and each statement timed
  alone: the server's work for a chunk's sentences and tags (~15 ms an export at this
  speed, and as much again writing out their rows) was waited for, chunk after chunk.
  The next chunk's four queries are now sent before the current chunk is written
  (core/db/read_ahead.py, libpq's pipeline mode). In process, against the change
  before: wall 146 / 135 / 132 -> 98 / 92 / 113 ms an export. A chunk of 50 articles
  instead of 100 did no better (111 / 83 / 111 against 99 / 102 / 101 ms).
- The selection's querysets built once an export: building and compiling a chunk's four
  queries took 4.7 ms (2.1 of them the 100 ids of the IN list), then 3.1 ms, and 0.9 ms
  with the ids as one parameter (core/db/lookups.py, `in_ids`; SQLite's plans are the
  same; PostgreSQL, without statistics yet, now reads the sentences by the (article,
  position) index where it scanned and sorted them, and joins the tags as before).
- Through gunicorn, `--api --compare <9522a76> --rounds 5`, with all of the above (load
  2-5): SQLite 43,743 -> 54,025 spans/s median, 150 -> 120 ms of server CPU an export;
  with `--postgresql`, 51,016 -> 68,207 spans/s, 90 -> 80 ms.
Where the time goes now (py-spy of the worker, SQLite, share of the request's samples):
SQLite stepping and making the rows 28% (making the row tuples 15%, the statements
13%), writing the lines 35%, building and compiling the querysets 13% before the last two
changes, JSON encoding of the article's own fields 7%, encoding to UTF-8 3%, the garbage
collector 3%.
- Then the outlets (Corpus._load_outlets), read through prefetch_related for every
  export: 1.9-2.6 ms of CPU for the seeds' 4 outlets, 8 aliases and 5 domains (model
  instances and related managers for a handful of rows), 0.8-1.0 ms as three reads of
  plain rows (PostgreSQL, 200 calls each, min-median).
- Then the sentences and tags written by f-strings instead of %-templates (the same
  bytes: 4,942,894 characters compared): in process on PostgreSQL, 15 interleaved
  rounds of 3 exports, CPU an export 56.0 -> 52.8 ms median, and again 62.7 -> 58.9 ms.
- With the two changes above, through gunicorn, `--api --compare <8c9c859> --rounds 5`
  (the machine ~1.7x slower than on quiet mornings): SQLite 54,924 -> 61,297 spans/s
  median, 120 -> 100 ms of server CPU an export; with `--postgresql`, 60,280 -> 64,415
  spans/s, 90 -> 80 ms.
- Tried and left: a smaller first chunk, so that reading ahead starts sooner (a first
  chunk of 10 or 25 articles, then 100), and chunks of 50, on PostgreSQL in process, 12
  interleaved rounds of 3 exports: wall 91.8 ms median with chunks of 100 against 101.4,
  95.5 and 97.4 ms. What the export still waits for (~13 ms of wall over its CPU) is not
  the first chunk alone.
- Then every JSON format writes through orjson (annotator/export/jsonl.py, compact_json,
  now json_bytes: the same bytes as json.dumps; the standard library's quoting of the
  text was ~25x slower). In process on this corpus, 20 exports a run, runs alternating with the code
  before (4 December 2026): SQLite CPU an export 63.0 -> 53.8 ms median; PostgreSQL
  54.3 / 74.0 / 63.0 -> 46.4 / 66.8 / 44.6 ms (minimums 47.4 / 48.7 / 47.8 -> 44.2 / 42.9
  / 41.5), its wall time less: PostgreSQL's side bounds it now (the first chunk's four
  statements, ~12 ms, are waited for; of the tags' statement, writing the timestamps
  with to_char is ~3.5 ms a chunk, and a `::text` cast padded to six digits was no
  quicker). Through gunicorn, one server at a time, 20 downloads after 3 to warm it:
  SQLite 70.8 -> 58.6 ms median (93,800 -> 113,300 spans/s), PostgreSQL 67.2 -> 67.3 ms
  (98,800 spans/s). `--api --compare <98f8b76> --rounds 5` in the same hour, at ranges of
  2x: SQLite 78,566 -> 81,934 spans/s, PostgreSQL 87,706 -> 84,175, both timing a scan
  of /proc (~3 ms) with each download, which the script no longer does.
- Then a JSON Lines line is one record of dicts and lists that one orjson.dumps writes
  to bytes (annotator/export/jsonl.py), instead of f-strings around text quoted piece by
  piece by orjson and decoded, with the whole line encoded to UTF-8 after: the same
  bytes (5,017,254 of them on this corpus), with no str of the line made and encoded
  again. In process, 12 rounds of 3 exports alternating with the code before (SQLite, 4
  December 2026): CPU an export 62.1 -> 52.4 ms median (quartiles 57.7-68.0 ->
  49.4-56.1). `--api --compare <2fef338> --rounds 30`, the same hour (load 0.7-1.4):
  SQLite 81,670 -> 98,245 spans/s median (server CPU 80 -> 70 ms an export, at 10 ms
  ticks), `--postgresql` 82,785 -> 95,009 spans/s (70 -> 50 ms).
  Where the time goes now (SQLite, in process, each statement's execution and fetches
  timed around sqlite3's calls, 10 exports a run, runs of 55 and 90 ms an export a minute
  apart): the statements are ~49% of an export (the tags' ~29%, the sentences' ~15%,
  the articles' ~3%, the adjudications' ~1%); the rest is building the records (the
  tags' dicts about a fifth of the export, the sentences' a sixth), orjson ~10%, and the
  request. Tried and left on that hour's copy of the database: the tags' statement
  without its ORDER BY (the sort then done per article in Python) or without REPLACE on
  the timestamps, each ~1 ms a chunk of 100 articles quicker, less than what Python then
  pays for the same work; an index covering the sentences' columns, 3.0 -> 2.7 ms a chunk,
  not worth a further index written on every import; a larger page cache (64 MB) or
  mmap for the SQLite connection, no difference beyond the runs' noise.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measure as deployed: DEBUG off (Django then keeps no log of every query).
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)

REVIEWERS = 5
CLAIMS_PER_ARTICLE = 20  # each reviewer tags each claim: 100 tags per article
STEPS = (500, 2000)  # articles: 50,000 and 200,000 tags
FORMATS = ("jsonl", "csv")


def _status_mb(key: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise LookupError(key)


def child(fmt: str, output: str) -> None:
    """Run one export in this (fresh) process and print its figures as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from annotator.models import ClaimTag

    tags = ClaimTag.objects.count()
    before = _status_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    call_command("export_corpus", "--format", fmt, "--output", output, verbosity=0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    # VmHWM, the peak resident set of this process's own memory: ru_maxrss would not
    # do, since Linux carries the parent's resident set at fork over into the child's.
    peak = _status_mb("VmHWM")
    print(
        json.dumps(
            {
                "tags": tags,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
                "bytes": Path(output).stat().st_size,
            }
        )
    )


def build(first: int, count: int, reviewers: list[int], outlets: dict[str, object]) -> None:
    """Import `count` articles numbered from `first`, and tag each with 100 tags."""
    from django.db import connection, transaction

    from annotator.models import ClaimTag, Sentence
    from annotator.services.imports import import_article
    from sources.selectors.detect import OutletIndex

    seeds = sorted((ROOT / "seeds").glob("[0-9]*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in seeds]
    index = OutletIndex.load()
    ids = []
    with transaction.atomic():
        for n in range(first, first + count):
            text = texts[n % len(texts)].rstrip("\n") + f"\nThis is copy {n} of the report.\n"
            result = import_article(
                text=text,
                publisher=outlets["Global Research"],
                origin=outlets["South Front"],
                source_name=f"bench/{n:05d}.txt",
                outlet_index=index,
            )
            ids.append(result.article.pk)

    rng = random.Random(first)
    labels = ["sourced", "unsourced", "opinion", "speculation"]
    outlet_id = outlets["South Front"].pk
    stamp = connection.ops.adapt_datetimefield_value(
        __import__("django.utils.timezone").utils.timezone.now()
    )
    by_article: dict[int, list[tuple[int, int, int]]] = {}
    for article_id, sentence_id, start, end in (
        Sentence.objects.filter(article_id__in=ids)
        .order_by("article_id", "position")
        .values_list("article_id", "id", "start", "end")
    ):
        claims = by_article.setdefault(article_id, [])
        if len(claims) < CLAIMS_PER_ARTICLE:
            claims.append((sentence_id, start, end))
            middle = start + (end - start) // 2
            if end - start > 20 and len(claims) < CLAIMS_PER_ARTICLE:
                claims.append((sentence_id, start, middle))
    rows = []
    for claims in by_article.values():
        assert len(claims) == CLAIMS_PER_ARTICLE
        for sentence_id, start, end in claims:
            for reviewer in reviewers:
                label = rng.choice(labels)
                cited = "the ministry" if label == "sourced" else ""
                note = "hedged" if label == "speculation" and rng.random() < 0.2 else ""
                # seq 1: the tag as first made (its revision history is not built here).
                rows.append(
                    (
                        sentence_id,
                        reviewer,
                        start,
                        end,
                        label,
                        outlet_id,
                        cited,
                        note,
                        stamp,
                        stamp,
                        1,
                    )
                )
    quote = connection.ops.quote_name
    columns = [
        "sentence_id",
        "reviewer_id",
        "start",
        "end",
        "label",
        "outlet_id",
        "cited_source",
        "note",
        "created_at",
        "updated_at",
        "seq",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(ClaimTag._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            rows,
        )


def measure(work: Path, step: int) -> list[dict]:
    results = []
    for fmt in FORMATS:
        output = work / f"export-{step}.{fmt}"
        done = subprocess.run(
            [sys.executable, __file__, "--child", fmt, str(output)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["format"] = fmt
        results.append(figures)
        print(
            f"  {fmt:5} {figures['tags']:>7,} tags: {figures['seconds']:6.2f} s, "
            f"{figures['tags'] / figures['seconds']:9,.0f} tags/s "
            f"({figures['tags'] / figures['cpu_seconds']:,.0f} per CPU second), "
            f"peak RSS {figures['peak_rss_mb']:5.0f} MB "
            f"(at start {figures['rss_before_mb']:4.0f} MB, "
            f"export +{figures['peak_rss_mb'] - figures['rss_before_mb']:3.0f} MB), "
            f"file {figures['bytes'] / 1e6:6.1f} MB",
            flush=True,
        )
        output.unlink()
    return results


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from annotator.services.seeds import read_manifest
    from core.cache.routers import migrate_every_database
    from sources.services.outlets import save_outlet

    migrate_every_database(verbosity=0)
    outlets = {o["name"]: save_outlet(**o) for o in read_manifest()["outlets"]}
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"reviewer{n}") for n in range(1, REVIEWERS + 1)]
    )
    reviewers = [u.pk for u in users]
    print(f"Export benchmark in a fresh SQLite database ({work})")
    built = 0
    results = {}
    for step in STEPS:
        started = time.perf_counter()
        build(built, step - built, reviewers, outlets)
        built = step
        # Close this process's connection, so that SQLite folds its write-ahead log into
        # the database: a child reading while the log of the bulk load is still there
        # maps it into memory (about 20 MB more), which is not the export's doing.
        connection.close()
        print(
            f"{step:,} articles, {step * CLAIMS_PER_ARTICLE * REVIEWERS:,} tags "
            f"(built in {time.perf_counter() - started:.1f} s); "
            "each export in a child process of its own:",
            flush=True,
        )
        results[step] = measure(work, step)
    small, large = STEPS
    for n, fmt in enumerate(FORMATS):
        a, b = results[small][n], results[large][n]
        print(
            f"{fmt}: export memory +{a['peak_rss_mb'] - a['rss_before_mb']:.0f} MB at "
            f"{a['tags']:,} tags, +{b['peak_rss_mb'] - b['rss_before_mb']:.0f} MB at "
            f"{b['tags']:,} tags; speed {a['tags'] / a['seconds']:,.0f} and "
            f"{b['tags'] / b['seconds']:,.0f} tags/s"
        )


def api(options: list[str]) -> None:
    """The export through the API (see the module's docstring)."""
    import argparse
    import statistics

    sys.path.insert(0, str(ROOT / "bench"))
    from api import PostgreSQL
    from memory import Server
    from procs import tree_cpu_seconds

    # Each checkout's manage.py and server names its own settings module.
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)

    parser = argparse.ArgumentParser(prog="bench/export.py --api")
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        help="run on new databases of this PostgreSQL server (dropped at the end), not SQLite",
    )
    args = parser.parse_args(options)
    manifest = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    seeds = [(ROOT / "seeds" / a["file"]).read_text(encoding="utf-8") for a in manifest["articles"]]
    trees = [("new", ROOT)] + ([("old", args.compare.resolve())] if args.compare else [])
    work = Path(tempfile.mkdtemp(prefix="bench-export-api-"))
    servers, spans = {}, {}
    postgresql = PostgreSQL(args.postgresql) if args.postgresql else None
    try:
        for label, root in trees:
            url = postgresql.new(label) if postgresql else f"sqlite:///{work / label}.sqlite3"
            server = servers[label] = Server(root, url)
            client = server.api()
            spans[label] = 0
            for n in range(args.articles):
                seed = manifest["articles"][n % len(seeds)]
                record = {
                    "text": seeds[n % len(seeds)].rstrip("\n")
                    + f"\nThis is copy {n} of the report.\n",
                    "publisher": seed["publisher"],
                    "origin": seed["origin"],
                    "format": "text",
                }
                article = json.loads(client.call("POST", "/api/articles/", record))["id"]
                page = json.loads(
                    client.call("GET", f"/api/sentences/?article={article}&page_size=500")
                )
                tags = [
                    {"sentence": s["id"], "start": s["start"], "end": s["end"], "label": "sourced"}
                    for s in page["results"]
                    if s["section"] not in ("byline", "credit")
                ]
                client.call("POST", "/api/tags/bulk/", {"tags": tags})
                spans[label] += len(tags)
            client.close()
        rates: dict[str, list[float]] = {label: [] for label, _ in trees}
        cpu: dict[str, list[float]] = {label: [] for label, _ in trees}
        for round_ in range(args.rounds):
            for label, _ in trees:
                server, client = servers[label], servers[label].api()
                client.call("GET", "/api/export/?format=jsonl")  # warm this connection
                for _ in range(5):
                    # The server's CPU read outside the timed download (a scan of /proc,
                    # ~3 ms, was inside it until 4 December 2026).
                    used = tree_cpu_seconds(server.process.pid)
                    began = time.perf_counter()
                    data = client.call("GET", "/api/export/?format=jsonl")
                    seconds = time.perf_counter() - began
                    cpu[label].append(tree_cpu_seconds(server.process.pid) - used)
                    exported = sum(len(json.loads(line)["tags"]) for line in data.splitlines())
                    assert exported == spans[label], (exported, spans[label])
                    rates[label].append(spans[label] / seconds)
                client.close()
                print(
                    f"round {round_ + 1} {label}: {statistics.median(rates[label][-5:]):,.0f} "
                    f"spans/s ({len(data) / 1e6:.1f} MB)",
                    flush=True,
                )
        database = "PostgreSQL" if postgresql else "SQLite"
        print(f"\nExport through /api/export/?format=jsonl, {args.articles} articles, {database}:")
        for label, root in trees:
            r, c = rates[label], cpu[label]
            print(
                f"  {label} ({root}): {spans[label]:,} spans, {statistics.median(r):,.0f} "
                f"spans/s [{min(r):,.0f}-{max(r):,.0f}], server CPU "
                f"{statistics.median(c) * 1000:.0f} ms an export [{min(c) * 1000:.0f}-"
                f"{max(c) * 1000:.0f}]"
            )
    finally:
        for server in servers.values():
            server.stop()
        if postgresql:
            postgresql.drop_all()
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--api":
        api(sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
