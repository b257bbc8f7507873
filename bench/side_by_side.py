"""Two codes side by side, request by request: `bench/side_by_side.py --compare DIR`.

Issue 19's one-span figure (server CPU a tag request, target 1.5 ms) and, with
`--request page`, its article page (target 5 ms), measured so that a machine whose
speed changes from minute to minute weighs on both codes alike: the
servers of this checkout and of DIR (another checkout, e.g. `git worktree add /tmp/old
<commit>`) run at once, each under gunicorn as its `gunicorn.conf.py` configures it
(bench/peers.py's Project: a fresh database, the seed outlets, one editor), each with the
same corpus (bench/peers.py's articles, every claim tagged in bulk first); then batches of
one-span requests (new spans: the first word of a claim sentence, as bench/peers.py's
single spans; or, with --request page, article pages, a page each article in turn, as the
editor who tagged them) go to one server then the other, in turns, the order swapped
every batch.
Each batch's server CPU (the gunicorn tree's user + system time, from /proc) is read
outside its timing. Prints each code's CPU a request over all batches, the median and
quartiles of the batches, its wall time a request, and the ratio batch by batch.
Without --compare, this checkout alone. With DATABASE_URL pointing at a PostgreSQL
server, on new databases there (dropped at the end) instead of SQLite.

`--compare-python PYTHON` (instead of --compare) measures this checkout served by this
interpreter against the same checkout served by another (a virtual environment's python
with the project installed, e.g. `python3.11 -m venv /tmp/v && /tmp/v/bin/pip install
-e .`): what the interpreter's build is worth, the code being the same.

Measured 4 December 2026 (16 batches of 100; by this script's draft, the same method),
the keep-alive worker (config/workers.py) against the code before it (98f8b76): SQLite
2.57 -> 2.13 ms then, an hour later on a quicker machine, 1.69 -> 1.41 ms; PostgreSQL
3.06 -> 2.77 then 1.61 -> 1.51 ms (batch ratios, medians: 0.84 / 0.82 and 0.90 / 0.93).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import peers  # noqa: E402
from procs import tree_cpu_seconds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    compared = parser.add_mutually_exclusive_group()
    compared.add_argument("--compare", type=Path, help="another checkout, measured in turns")
    compared.add_argument(
        "--compare-python", help="this checkout served by another interpreter, in turns"
    )
    parser.add_argument("--batch", type=int, default=100, help="requests a batch")
    parser.add_argument("--batches", type=int, default=16, help="batches each code")
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--warm", type=int, default=200, help="requests before the batches")
    parser.add_argument(
        "--request", choices=("single", "page"), default="single", help="what each request is"
    )
    options = parser.parse_args()
    # Each side: what the output calls it, its checkout, the interpreter serving it.
    sides = [(str(ROOT), ROOT, peers.PYTHON)]
    if options.compare:
        sides.append((str(options.compare.resolve()), options.compare.resolve(), peers.PYTHON))
    elif options.compare_python:
        sides[0] = (f"{ROOT} served by {peers.PYTHON}", ROOT, peers.PYTHON)
        sides.append((f"{ROOT} served by {options.compare_python}", ROOT, options.compare_python))
    url = os.environ.get("DATABASE_URL", "")
    database = url if url.startswith(("postgres://", "postgresql://")) else ""
    needed = options.warm + options.batch * options.batches
    page = options.request == "page"
    texts, spans, singles = peers.plan(options.articles, 0 if page else needed)
    if not page and len(singles) < needed:
        raise SystemExit(f"{options.articles} articles give {len(singles)} spans: use more")

    def send(server: peers.Project, n: int) -> None:
        """The request number n: a new span, or the page of an article, each in turn."""
        if page:
            server.page(n % len(texts))
        else:
            server.tag_single(singles[n])

    servers = []
    try:
        for n, (_, root, python) in enumerate(sides):
            server = peers.Project(database, root, code=f"side{n}", python=python)
            servers.append(server)
            server.start()
            server.import_articles(texts)
            server.prepare()
            server.tag_bulk(spans)
            for request in range(options.warm):
                send(server, request)
        cpu: list[list[float]] = [[] for _ in sides]
        wall: list[list[float]] = [[] for _ in sides]
        for b in range(options.batches):
            first = options.warm + b * options.batch
            batch = range(first, first + options.batch)
            order = range(len(sides)) if b % 2 == 0 else reversed(range(len(sides)))
            for n in order:
                server = servers[n]
                used = tree_cpu_seconds(server.process.pid)
                began = time.perf_counter()
                for request in batch:
                    send(server, request)
                wall[n].append(time.perf_counter() - began)
                cpu[n].append(tree_cpu_seconds(server.process.pid) - used)
    finally:
        for server in servers:
            server.stop()
    where = "PostgreSQL" if database else "SQLite"
    what = "An article page" if page else "One span"
    print(f"{what} a request, {where}, {options.batches} batches of {options.batch} each:")
    for n, (name, _, _) in enumerate(sides):
        each = sorted(c / options.batch * 1000 for c in cpu[n])
        total = options.batch * options.batches
        print(
            f"  {name}: server CPU {sum(cpu[n]) / total * 1000:.3f} ms a request (batches: "
            f"median {statistics.median(each):.3f}, quartiles {each[len(each) // 4]:.3f}-"
            f"{each[3 * len(each) // 4]:.3f}), wall {sum(wall[n]) / total * 1000:.3f} ms"
        )
    if len(sides) == 2:
        # The CPU time comes in clock ticks (10 ms): a batch too short to have one is left out.
        ratios = sorted(new / old for new, old in zip(cpu[0], cpu[1], strict=True) if old)
        if not ratios:
            print("  first / second, batch by batch: median n/a (batches too short to time)")
            return
        print(
            f"  first / second, batch by batch: median {statistics.median(ratios):.3f}, quartiles "
            f"{ratios[len(ratios) // 4]:.3f}-{ratios[3 * len(ratios) // 4]:.3f}; over all "
            f"{sum(cpu[0]) / sum(cpu[1]):.3f}"
        )


if __name__ == "__main__":
    main()
