"""What a one-span tag write costs beyond any request: `.venv/bin/python bench/floor.py`.

Issue 19 asks for a one-span tag write at 1.5 ms of server CPU or less. This prints, in
one run with batches of each kind of request in turns (the order rotated every round, so
that a machine whose speed changes weighs on all alike), the server CPU a request (the
gunicorn tree's user + system time, from /proc) of four requests, each heavier than the
one before by one layer:

1. gunicorn alone: a WSGI app of a few lines that reads the body and answers 201 with a
   small JSON body, under gunicorn with the project's worker (config/workers.py) and its
   settings (2 workers of 2 threads, keep-alive). Its HTTP parsing, threads and sends.
2. the stack, refused: GET /api/tokens/ with no credentials, a 401. Django's handler,
   the whole middleware stack, URL resolving, DRF's request and its error answer; no SQL.
3. a tag write refused: POST /api/tags/ with the token and a label that does not exist
   (a 400): the token and its user read (one statement), the rates counted (one more on
   SQLite), the body read and checked, the error answer.
4. one span: POST /api/tags/, a new span each time, as bench/peers.py's single spans:
   on top of 3, the sentence read, the tag and its revision written, the tag's answer.

The project's server is bench/peers.py's (a fresh database, the seed outlets, one editor
with a token, --articles articles imported and their claims tagged in bulk first). With
DATABASE_URL pointing at a PostgreSQL server, on a new database there (dropped at the
end) instead of SQLite. Each row prints the median over batches and the quartiles; the
differences between rows say what each layer adds.

Then, in this process (bench/fast_paths.py's site: the same requests through the WSGI
handler and the whole middleware stack, SQLite, no HTTP), the CPU time of the tag write
refused by its checks (the 400 above) and of the one-span write sent back to back, and
of the one-span write with a pause of ~0.2 ms and of ~1 ms between writes (what a
client's turn between an answer and its next request leaves the server), --rounds
rounds of --requests requests each, in turns: the requests' own cost when hot, and how
much the rhythm of a single client alone adds to it. `--skip-in-process` leaves it out.

Measured 4 December 2026, load 0.7-1.4, in two hours of the machine (its speed changes
from hour to hour: doccano's single span took 10.8 ms of CPU in bench/peers.py's run of
the slow hour), server CPU a request, ms, medians, one row a run:

| hour | gunicorn alone | the stack, 401 | tag write refused, 400 | one span, 201 |
|---|---|---|---|---|
| SQLite, slow | 0.25 | 0.93 | 2.05 | 2.80 |
| SQLite, slow | 0.25 | 1.00 | 2.10 | 2.83 |
| SQLite, slow | 0.25 | 1.00 | 2.03 | 2.83 |
| SQLite, quick | 0.20 | 0.73 | 1.30 | 1.78 |
| SQLite, quick | 0.20 | 0.60 | 1.15 | 1.50 |
| PostgreSQL, slow | 0.20 | 0.70 | 2.13 | 2.98 |
| PostgreSQL, quick | 0.20 | 0.75 | 2.10 | 2.93 |

In this process (SQLite, the quick hour, two runs): the 400 0.80-0.82, the one span
1.13-1.30 back to back, 1.22-1.32 with a pause of 0.2 ms between writes, 1.56-1.60
with a pause of 1 ms. In the slow hour (the write only, three runs):
1.37-2.03 back to back, 1.87-2.23 and 2.26-2.65 with the pauses.

What it says about issue 19's 1.5 ms:
- gunicorn's own code is 0.20-0.25 ms of the one-span request.
- On SQLite, the request's own code (hot, in process) is 1.1-1.3 ms, and serving it to
  a single client that waits for each answer adds ~0.4-0.5 ms on a quick hour (gunicorn,
  and the process starting cold after the gap between two requests: the pauses above):
  1.50-1.78 ms, at the target. On a slow hour the same code takes 2.8 ms.
- A tag write refused by its checks, before its sentence is read (Django, the
  middleware, DRF, the token, the rates, the body read and checked, the error answer),
  costs 1.15-2.1 ms; the tag's own work (its sentence, the tag with its revision and the
  commit, the answer) is the last 0.35-0.8 ms.
- On PostgreSQL the request waited for the database three times (the token with the
  rates, the sentence, the write), and, as after a client's gap, the process likely runs
  cold after each wait: the 400 (one wait) costs 0.8-0.95 ms more than on SQLite in the quick
  hour, the one span (three) 1.15-1.45 ms more, 2.9-3.0 ms in either hour. That evening
  the sentence's read went into the write's statement (core.db.tags.write_claim): two
  waits. The next run, PostgreSQL at 18:22 then SQLite: gunicorn alone 0.20 / 0.25 ms,
  the 401 0.75 / 0.73, the 400 1.53 / 1.45, the one span 2.20 / 1.93.

Tried and left (the same day): the client and the server's threads bound to one CPU,
or to one each (os.sched_setaffinity), in turns with neither bound: the one-span
request took 1.67 against 2.03-2.13 ms with both on one CPU in one run, and 2.77
against 2.43-2.60 in the next: no steady effect. The worker spinning for 0.4 ms before
its linger's poll (config/workers.py), so that its CPU would not sleep between a
client's requests: 2.91 against 2.81 ms of CPU (bench/side_by_side.py, wall 2.99
against 3.19 ms): the spin costs more CPU than the warm start saves.
"""

from __future__ import annotations


def application(environ, start_response):
    """Layer 1: read the body, answer 201 with a small JSON body."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    body = b'{"id": 1, "sentence": 12, "start": 0, "end": 40, "label": "sourced"}'
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def spread(values: list[float]) -> str:
    """'median (first quartile-third quartile)' of `values`, as each row prints them."""
    import statistics

    ordered = sorted(values)
    first, third = ordered[len(ordered) // 4], ordered[3 * len(ordered) // 4]
    return f"{statistics.median(ordered):.3f} ({first:.3f}-{third:.3f})"


def gunicorn_settings(root) -> list[str]:
    """gunicorn.conf.py's worker and its numbers, as command-line options: the file itself
    also loads Django in the master, which layer 1's app has none of."""
    import runpy

    conf = runpy.run_path(str(root / "gunicorn.conf.py"))
    return [
        *("--worker-class", conf["worker_class"]),
        *("--workers", str(conf["workers"])),
        *("--threads", str(conf["threads"])),
        *("--worker-connections", str(conf["worker_connections"])),
        *("--keep-alive", str(conf["keepalive"])),
    ]


# The module is also layer 1's WSGI app, which gunicorn imports: main() and in_process()
# import what they need themselves, so that importing it stays as light as the app.
def main() -> None:
    import argparse
    import os
    import statistics
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "bench"))
    import peers
    from procs import tree_cpu_seconds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200, help="requests a batch")
    parser.add_argument("--batches", type=int, default=12, help="batches of each kind")
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--warm", type=int, default=200, help="requests of each kind first")
    parser.add_argument("--rounds", type=int, default=8, help="in process: rounds")
    parser.add_argument("--requests", type=int, default=150, help="in process: writes a round")
    parser.add_argument("--skip-in-process", action="store_true")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    database = url if url.startswith(("postgres://", "postgresql://")) else ""
    needed = options.warm + options.batch * options.batches
    texts, spans, singles = peers.plan(options.articles, needed)
    if len(singles) < needed:
        raise SystemExit(f"{options.articles} articles give {len(singles)} spans: use more")

    # Layer 1's server: this module's `application`, under the project's worker and its
    # gunicorn.conf.py settings.
    port = peers.free_port()
    bare = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "floor:application"),
            *("--bind", f"127.0.0.1:{port}", "--pythonpath", f"{root},{root / 'bench'}"),
            *gunicorn_settings(root),
        ],
        cwd=tempfile.mkdtemp(prefix="bench-floor-"),  # no gunicorn.conf.py there
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = peers.Project(database, root, code="floor")
    try:
        server.start()
        server.import_articles(texts)
        server.prepare()
        server.tag_bulk(spans)
        plain = peers.Http(port, {})
        peers.wait_for(lambda: bool(plain.call("POST", "/", {})), "gunicorn alone", bare, 60)
        anonymous = peers.Http(server.port, {})
        body = {"sentence": 1, "start": 0, "end": 40, "label": "sourced"}
        refused = {**body, "label": "rumour"}
        kinds = {
            "gunicorn alone (a WSGI app of a few lines)": (
                bare.pid,
                lambda n: plain.call("POST", "/", body),
            ),
            "the stack, refused (GET /api/tokens/, no token: 401)": (
                server.process.pid,
                lambda n: anonymous.call("GET", "/api/tokens/", ok=(401,)),
            ),
            "a tag write refused (POST /api/tags/, bad label: 400)": (
                server.process.pid,
                lambda n: server.api.call("POST", "/api/tags/", refused, ok=(400,)),
            ),
            "one span (POST /api/tags/)": (
                server.process.pid,
                lambda n: server.tag_single(singles[n]),
            ),
        }
        for _, send in kinds.values():
            for n in range(options.warm):
                send(n)
        cpu: dict[str, list[float]] = {name: [] for name in kinds}
        names = list(kinds)
        for b in range(options.batches):
            first = options.warm + b * options.batch
            for name in names[b % len(names) :] + names[: b % len(names)]:
                pid, send = kinds[name]
                used = tree_cpu_seconds(pid)
                for n in range(first, first + options.batch):
                    send(n)
                cpu[name].append((tree_cpu_seconds(pid) - used) / options.batch * 1000)
    finally:
        server.stop()
        bare.terminate()
        bare.wait(timeout=30)
    where = "PostgreSQL" if database else "SQLite"
    print(
        f"Server CPU a request, ms, {where}, {options.batches} batches of {options.batch} "
        f"each kind (median over batches, quartiles; then the increase over the row above):"
    )
    before = None
    for name, each in cpu.items():
        median = statistics.median(each)
        added = f"  {median - before:+.3f}" if before is not None else ""
        print(f"  {name:56s} {spread(each)}{added}")
        before = median
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    if not options.skip_in_process:
        in_process(options.rounds, options.requests)


def in_process(rounds: int, requests: int) -> None:
    """The tag write refused by its checks, and the one-span write back to back and with
    pauses between writes, in this process, in turns."""
    import logging
    import os
    import tempfile
    import time

    import fast_paths  # bench/fast_paths.py: the site and its requests (on the path)

    fast_paths.configure(f"sqlite:///{tempfile.mkdtemp(prefix='bench-floor-')}/bench.sqlite3")
    site = fast_paths.site()
    # Django logs each 400 ("Bad Request: ..."), as the server does to its stderr, which
    # bench/peers.py sends to /dev/null: here too.
    quiet = open(os.devnull, "w")  # noqa: SIM115 (open for the rest of the process)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(quiet)
    for _ in range(300):
        site.write()
        site.refused()
    # (what, the request, the statuses it may answer, the pause after each)
    kinds = [
        ("a tag write refused (400), back to back", site.refused, (400,), 0.0),
        ("one span, back to back", site.write, (200, 201), 0.0),
        ("one span, a pause of 0.2 ms between writes", site.write, (200, 201), 0.0002),
        ("one span, a pause of 1.0 ms between writes", site.write, (200, 201), 0.001),
    ]
    cpu: dict[str, list[float]] = {what: [] for what, *_ in kinds}
    for r in range(rounds):
        for what, send, statuses, pause in kinds[r % len(kinds) :] + kinds[: r % len(kinds)]:
            used = 0.0
            for _ in range(requests):
                began = time.process_time()
                status = send()
                used += time.process_time() - began
                if status not in statuses:
                    raise SystemExit(f"{what}: answered {status}")
                if pause:
                    time.sleep(pause)
            cpu[what].append(used / requests * 1000)
    print(
        f"The same requests in this process (SQLite, no HTTP), CPU a request, ms, "
        f"{rounds} rounds of {requests} (median over rounds, quartiles):"
    )
    for what, each in cpu.items():
        print(f"  {what:56s} {spread(each)}")


if __name__ == "__main__":
    main()
