"""Tag-create throughput of the REST API, as deployed: `.venv/bin/python bench/api.py`.

For SQLite, and for PostgreSQL when DATABASE_URL points at a PostgreSQL server, it:

1. makes a temporary database (a file; or a new database on that server, dropped at
   the end), migrates it and loads the seeds, with four reviewers and their tokens;
2. starts the app under gunicorn as gunicorn.conf.py configures it (2 worker processes of
   2 threads, connections kept alive), DEBUG off, on a free port on 127.0.0.1;
3. sends 5,000 tag-create requests (POST /api/tags/, token auth, keep-alive) from 4
   concurrent clients, one reviewer each, every request a different claim (a sentence,
   or a span at its start), after a short warm-up that is not counted;
4. prints requests/s, p50 and p99 latency and the errors, then checks the database: it
   must hold exactly the 5,000 tags sent (and a revision for each), no more, no less.

Options: --requests N, --clients N, --workers N, --threads N (per worker),
--sqlite-only, --postgresql-only. Throttling is raised out of the way for the run
(API_THROTTLE_*): the rates are still counted, as on every request. --compare DIR
measures another checkout of the app (DIR, an older commit say, run with this venv)
beside this one: both serve at once, each from a database it migrated and seeded, and
the clients send the requests in --rounds batches (default 10) to each in turn; it
prints each one's requests/s, server CPU, the range over batches and the ratio of each
pair of batches; --old-env NAME=VALUE sets an environment variable for the other code's
server only (`--compare . --old-env FAST_PATHS=0` measures this code against itself with
its fast paths off). On a shared machine whose load changes from one second to the next,
only such close turns compare.

Target (issue 4): on PostgreSQL at least 300 requests/s, no errors, no lost tag.
Issue 13: within 10% of the code before it (e44e7bd).

Where a tag create's time goes (profiled in-process: cProfile, and Python calls counted
per request over 200 requests; and under gunicorn, the workers' CPU time):

- Waiting for the database. The 4 clients wait for their answers, and each statement
  on PostgreSQL is a round trip that, with the machine loaded, takes longer than the
  Python around it (1-4 ms, against 2 ms of the server's CPU a request). e44e7bd made
  3: the token with its user, the sentence, the tag with its revision (one WITH).
  Issue 13's shared rate counters made it 5 (the user's and the write counter, each
  read and written in the database cache; Django's Redis incr is 2 round trips each,
  hence 482 requests/s with REDIS_URL). Now a request's counters are one statement
  (core.cache.count: one upsert, or one Redis script), and on PostgreSQL that
  upsert runs inside the token's statement (core/api/authentication.py): 3 round
  trips again. SQLite has no data-modifying WITH: its count stays a write of its own,
  7 statements where e44e7bd made 6, and one more write that takes SQLite's lock.
- Python. e44e7bd ran 2,521 Python calls a request on SQLite (2,593 on PostgreSQL);
  issue 13 and 14 brought it to 3,253: django-csp building its policy on every answer
  (333 calls), the counters (288, against 118 counting in local memory, which is not
  shared), the token's SHA-512 and expiry (+37), the security-header, axes and outage
  middleware (~70), the unknown-field check (+26), the tag's sequence number (+30), a
  second authentication backend asked for permissions (+20). Now the CSP header is
  built once for the settings (core/http/security_headers.py) and the counting is
  leaner: 2,886 calls on SQLite, 2,856 on PostgreSQL (+11-14%), which is what the
  server CPU figures show.
- SQLite, profiled again for its 0.72 (c9afec4; in-process: the WSGI handler called
  with 1,500 tag creates, CPU time per layer by process_time wrappers, interleaved
  with e44e7bd; the machine loaded, so ranges): a request took 1.25-1.32 ms of CPU
  against 1.04-1.10. The throttles 124-133 us against 46 (e44e7bd counted in local
  memory): 93-98 us of it the count, a write of its own in the app's file, queued
  behind the tag writes for SQLite's one write lock, the rest DRF making and parsing
  each throttle anew (3 on the view, 2 more for the shared count) and Django checking
  each counter's key character by character. Token authentication 162-173 us against
  121 (knox: the key's SHA-512, the expiry, the prefix lookup; kept). The tag write
  250 -> 277-299 us and the body checks (the tag's sequence, unknown fields, nesting:
  not the rates' code). The middleware that issue 13 and 14 added (CSP, security
  headers, axes, outage): ~35 us, 120 calls. Axes' backend beside ours made Django
  load and ask two backends on each permission check (+20 calls). Python calls a
  request: 2,531 (e44e7bd), 2,991, now 2,860.
  Now: the cache's tables live in a SQLite file of their own (core/cache/
  routers.py: a second DATABASES alias and a router, SQLite only), not synced, so
  a count waits only for other counts; the count goes through SQLite's own cursor
  (Django's rewrote its placeholders with a regular expression on every call) with
  one expiry per lifetime; each throttle parses its rate once; axes' check sits in
  RoleBackend. Throttles 102 us, the count 70 us of it (SQLite's write transaction
  alone is ~30 us: the floor for an exact count shared by processes on SQLite).

Measured so (`--compare` with e44e7bd unpacked, `--rounds 20`, 5,000 requests, on two
cores shared with six other sessions; 2 December 2026): PostgreSQL 344 against 356
requests/s (0.97; batch by batch 0.71-1.18, median 1.00), server CPU 2.24 against 2.05
ms a request; SQLite 443 against 534 (0.83; 0.58-1.07, median 0.86), 2.15 against 1.89
ms: there the exact shared count is a write of its own, which also waits for SQLite's
one write lock, where e44e7bd counted in each process's memory (not shared, so two
workers allowed twice the rate). With REDIS_URL (SQLite, counts in Redis): 290 against
366 (0.79; median 0.76), 2.17 against 1.80 ms.

- SQLite again (3 December 2026; profiled in process with py-spy and cProfile, the
  request's CPU 1.20 ms against e44e7bd's 1.00): the gap was the throttles' shared
  count (+0.05 ms), Django trying every page's route before the API's (+0.035: the
  API's routes are now matched first, config/urls.py), LoginRequiredMiddleware reading
  the session of a token request before asking whether the view is open (+0.02: the
  view first, core/http/middleware.py), the message storage made for every request
  (+0.03: made on first use), Label.values rebuilt for every check (+0.02), and a
  connection lookup per loaded row. Now 1.08-1.15 against 1.00-1.10 in process.

Measured so on a quiet machine (load 1.2-3.5, after the round's other work stopped;
`--rounds 20 --requests 16000`, 3 December 2026): SQLite 858 and 874 against 907 and 903
requests/s (0.95 and 0.97 overall; batch by batch 0.82-1.07, medians 0.93 and 0.95),
server CPU 1.81-1.82 against 1.73 ms a request; PostgreSQL (DATABASE_URL set,
`--postgresql-only`) 662 against 693 (0.96; 0.88-0.99, median 0.95), 1.90 against 1.85
ms. Within issue 13's 10% on both databases.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REVIEWERS = [f"bench{n}" for n in range(1, 9)]

# Run with `manage.py shell -c`: seeds, reviewers with tokens, and the sentences.
SETUP = """
import json
from django.contrib.auth.models import Group, User
from annotator.models import Sentence
try:  # this layout; or a checkout from before it (config/, core/), to compare with
    from annotator.services.seeds import load_seeds
    from annotator.services.tokens import issue_token
    from core.auth.roles import REVIEWERS
except ImportError:
    from annotator.api.tokens import issue_token
    from annotator.roles import REVIEWERS
    from annotator.seeds import load_seeds
load_seeds()
tokens = {}
for name in %r:
    user = User.objects.create_user(name)
    user.groups.add(Group.objects.get(name=REVIEWERS))
    tokens[name] = issue_token(user=user).key
# Claims: bylines and credit lines are no claims, and a tag on one is refused.
sentences = list(
    Sentence.objects.filter(article__origin__isnull=False)
    .exclude(section__in=("byline", "credit"))
    .values_list("pk", "start", "end")
)
print("BENCH", json.dumps({"tokens": tokens, "sentences": sentences}))
"""


def wsgi_module(root: Path) -> str:
    """The WSGI module of the code in `root`: `config.wsgi`, or `annotator.wsgi` in a
    checkout from before the project package moved to config/ (to compare with)."""
    return "config.wsgi" if (root / "config" / "wsgi.py").exists() else "annotator.wsgi"


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "API_THROTTLE_USER": "100000000/hour",
        "API_THROTTLE_WRITE": "100000000/hour",
        "LOG_LEVEL": "ERROR",
        "PYTHONWARNINGS": "ignore",
    }


def manage(root: Path, env: dict[str, str], *args: str, python: str = PYTHON) -> str:
    done = subprocess.run(
        [python, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stderr}")
    return done.stdout


def claims(sentences: list[list[int]], count: int) -> list[tuple[int, int, int]]:
    """`count` distinct claims: whole sentences, then spans of 1, 2, ... characters."""
    found = [(pk, start, end) for pk, start, end in sentences]
    width = 1
    while len(found) < count:
        found += [(pk, start, start + width) for pk, start, end in sentences if end - start > width]
        width += 1
    return found[:count]


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection: *close", re.IGNORECASE)


class Connection:
    """A keep-alive HTTP/1.1 connection to the server that sends requests prepared in
    advance and reads back each answer's status and body (Content-Length long: Django
    sets it on every answer of the app's). The clients share the machine's two cores with
    the server and the database, and http.client, which parses every header of every
    answer, took 0.2-0.4 ms of CPU a request from them. When the server closes the
    connection after an answer (Connection: close), the next request opens a new one."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        """Send the request line and headers `head` (each line ending in CRLF) with
        `body`; return the answer's status and body."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        self.sock.sendall(b"%sContent-Length: %d\r\n\r\n%s" % (head, len(body), body))
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._receive()
        headers = self.buffer[:end]
        length = _CONTENT_LENGTH.search(headers)
        if not headers.startswith(b"HTTP/1.1 ") or length is None:
            raise ConnectionError(f"not an answer this client reads: {headers[:80]!r}")
        size = end + 4 + int(length.group(1))
        while len(self.buffer) < size:
            self._receive()
        body, self.buffer = self.buffer[end + 4 : size], self.buffer[size:]
        if _CLOSE.search(headers):
            self.close()
        return int(headers[9:12]), body

    def send(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        """request(), sent once more on a new connection if the kept-alive one fails: the
        server may close it as the request goes out (its keep-alive timeout, a busy
        worker shedding connections), and every request here is idempotent (creating a
        tag that exists updates it to the same values), so a client sends it again."""
        try:
            return self.request(head, body)
        except OSError:
            self.close()
            return self.request(head, body)

    def _receive(self) -> None:
        data = self.sock.recv(65536) if self.sock is not None else b""
        if not data:
            raise ConnectionError("the server closed the connection before answering")
        self.buffer += data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def head(method: str, path: str, key: str) -> bytes:
    """A request's line and headers, as a client sends them with its token."""
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {key}\r\n"
        "Content-Type: application/json\r\n"
    ).encode()


def client(
    port: int,
    key: str,
    work: list[tuple[int, int, int]],
    start: threading.Barrier,
    out: Result,
) -> None:
    conn = Connection(port)
    for _ in range(10):  # warm-up: connections, caches; not counted
        conn.send(head("GET", "/api/me/", key))
    send_tags(conn, key, work, start, out)
    conn.close()


def send_tags(
    conn: Connection,
    key: str,
    work: list[tuple[int, int, int]],
    start: threading.Barrier,
    out: Result,
) -> None:
    """Once every client is at `start`, a tag create for each claim of `work`, one after
    the other on `conn`; each answer's status and latency (or failure) goes to `out`."""
    post = head("POST", "/api/tags/", key)
    bodies = [
        json.dumps({"sentence": pk, "start": begin, "end": end, "label": "opinion"}).encode()
        for pk, begin, end in work
    ]
    start.wait()
    for body in bodies:
        sent = time.perf_counter()
        try:
            status, _ = conn.send(post, body)
        except OSError as exc:  # ConnectionError and socket timeouts among them
            out.failures.append(f"{type(exc).__name__}: {exc}")
            conn.close()
            continue
        out.latencies.append(time.perf_counter() - sent)
        out.statuses[status] = out.statuses.get(status, 0) + 1


def worker_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by the gunicorn workers of `master`."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def floor(port: int, keys: list[str], count: int) -> float:
    """Requests/s of the lightest authenticated request (GET /api/tokens/: the token
    and one query), from the same clients: what the machine allows any API call."""

    def hammer(key: str) -> None:
        conn, tokens = Connection(port), head("GET", "/api/tokens/", key)
        for _ in range(count):
            conn.send(tokens)
        conn.close()

    threads = [threading.Thread(target=hammer, args=(key,)) for key in keys]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count * len(keys) / (time.perf_counter() - began)


def stored_tags(database_url: str) -> tuple[set[tuple[str, int, int, int]], int]:
    """The tags in the database as (reviewer, sentence, start, end), and the revisions."""
    tags_sql = (
        'SELECT u.username, t.sentence_id, t.start, t."end" FROM annotator_claimtag t '
        "JOIN auth_user u ON u.id = t.reviewer_id"
    )
    revisions_sql = "SELECT count(*) FROM annotator_tagrevision"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return set(db.execute(tags_sql).fetchall()), db.execute(revisions_sql).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as db:
        return set(db.execute(tags_sql).fetchall()), db.execute(revisions_sql).fetchone()[0]


@dataclass
class Prepared:
    """A database migrated and seeded by the code in `root`, ready to be copied for a
    round: its URL, the reviewers' tokens and each client's claims."""

    root: Path
    database_url: str
    tokens: dict[str, str]
    work: list[tuple[int, int, int]]


def prepare(root: Path, database_url: str, options: argparse.Namespace) -> Prepared:
    env = server_env(database_url)
    manage(root, env, "migrate", "--noinput")
    output = manage(root, env, "shell", "-c", SETUP % (REVIEWERS[: options.clients],))
    setup = json.loads(output.split("BENCH ", 1)[1])
    work = claims(setup["sentences"], options.requests // options.clients)
    return Prepared(root, database_url, setup["tokens"], work)


def start_server(
    root: Path, database_url: str, options: argparse.Namespace, env: dict[str, str] | None = None
):
    """gunicorn serving the code in `root` on `database_url`, up and answering; returns
    the process and its port."""
    port = free_port()
    server = subprocess.Popen(
        [
            *(
                PYTHON,
                "-m",
                "gunicorn",
                wsgi_module(root),
                "--bind",
                f"127.0.0.1:{port}",
            ),
            *("--log-level", "warning"),
        ],
        cwd=root,
        # gunicorn.conf.py (read from the code's root) as deployed, with these numbers.
        env={
            **server_env(database_url),
            **(env or {}),
            "WEB_CONCURRENCY": str(options.workers),
            "GUNICORN_THREADS": str(options.threads),
        },
    )
    deadline = time.monotonic() + 60
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/api/me/")
            if conn.getresponse().status == 401:
                return server, port
        except OSError:
            pass
        finally:
            conn.close()  # not left open beside the clients' connections
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            sys.exit("gunicorn did not start")
        time.sleep(0.2)


def run(label: str, prepared: Prepared, database_url: str, options: argparse.Namespace) -> None:
    """One round: serve the code of `prepared.root` on `database_url` (a fresh copy of
    `prepared.database_url`), send the requests, print the figures and check the tags."""
    tokens, work = prepared.tokens, prepared.work
    per_client = len(work)
    expected = {(name, *claim) for name in tokens for claim in work}

    server, port = start_server(prepared.root, database_url, options)
    try:
        results = [Result() for _ in tokens]
        start = threading.Barrier(len(tokens) + 1)
        threads = [
            threading.Thread(target=client, args=(port, key, work, start, result))
            for key, result in zip(tokens.values(), results, strict=True)
        ]
        for thread in threads:
            thread.start()
        load_before = os.getloadavg()[0]
        start.wait()
        cpu_before = worker_cpu_seconds(server.pid)
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        cpu = worker_cpu_seconds(server.pid) - cpu_before
        load_after = os.getloadavg()[0]
        baseline = floor(port, list(tokens.values()), 250)
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = sorted(x for r in results for x in r.latencies)
    statuses: dict[int, int] = {}
    for r in results:
        for status, n in r.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    failures = [f for r in results for f in r.failures]
    errors = sum(n for status, n in statuses.items() if status != 201) + len(failures)
    found, revisions = stored_tags(database_url)
    sent = per_client * len(tokens)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000

    print(
        f"\n{label}: {sent} tag creates, {len(tokens)} clients, "
        f"{options.workers} workers of {options.threads} threads"
    )
    print(f"  {sent / elapsed:8.0f} requests/s   ({elapsed:.2f} s)")
    print(f"  p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    print(
        f"  server CPU {cpu / sent * 1000:.1f} ms a request (workers' user + system time); "
        f"load average {load_before:.1f} before, {load_after:.1f} after"
    )
    print(f"  for comparison, GET /api/tokens/ (auth and one query): {baseline:.0f} requests/s")
    print(f"  statuses {dict(sorted(statuses.items()))}   errors {errors}")
    for failure in failures[:5]:
        print(f"    {failure}")
    print(
        f"  tags expected {len(expected)}, found {len(found)}, "
        f"exactly the ones sent: {found == expected}; revisions {revisions}"
    )
    ok = not errors and found == expected and revisions == len(expected)
    if not ok:
        print("  FAILED: errors, or the database does not hold exactly the tags sent")


class SQLite:
    """Databases as files in a temporary directory; a copy is a file copy."""

    label = "SQLite"

    def __init__(self, work: Path) -> None:
        self.work = work

    def new(self, name: str) -> str:
        return f"sqlite:///{self.work / f'{name}.sqlite3'}"

    def copy(self, source: str, name: str) -> str:
        target = self.new(name)
        files = [(source.removeprefix("sqlite:///"), target.removeprefix("sqlite:///"))]
        # The shared cache's file beside it, where the code has one (core/cache/routers.py).
        cache = Path(files[0][0]).with_suffix(".cache.sqlite3")
        if cache.exists():
            files.append((str(cache), str(Path(files[0][1]).with_suffix(".cache.sqlite3"))))
        for src_path, dst_path in files:
            with sqlite3.connect(src_path) as src, sqlite3.connect(dst_path) as dst:
                src.backup(dst)
        return target

    def drop_all(self) -> None:
        pass  # the temporary directory goes


class PostgreSQL:
    """New databases on the server of `url`, named after its database (so that a run
    only makes and drops names of its own), dropped at the end; a copy is a database
    made from another as its template."""

    label = "PostgreSQL"

    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = f"{urlsplit(url).path.strip('/') or 'annotator'}_bench_{os.getpid()}"
        self.made: list[str] = []

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(sql)

    def new(self, name: str, template: str | None = None) -> str:
        full = f"{self.prefix}_{name}"
        self._admin(f'CREATE DATABASE "{full}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(full)
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{full}"))

    def copy(self, source: str, name: str) -> str:
        return self.new(name, template=urlsplit(source).path.strip("/"))

    def drop_all(self) -> None:
        for name in reversed(self.made):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(databases: SQLite | PostgreSQL, options: argparse.Namespace) -> None:
    """This checkout's code on one database; with --compare, beside the other's."""
    if options.compare:
        compare(databases, options)
        return
    prepared = prepare(ROOT, databases.new("seed"), options)
    run(databases.label, prepared, databases.copy(prepared.database_url, "run"), options)


def compare(databases: SQLite | PostgreSQL, options: argparse.Namespace) -> None:
    """The other checkout's code ("old") and this one ("new"), each migrating and seeding
    a database of its own and served by a gunicorn of its own, both up at once. The
    clients send the requests in --rounds batches to each in turn (ABBA: who goes
    first alternates), so that both meet the same load from the rest of the machine,
    which changes from one second to the next on a shared one. Prints each one's
    requests/s over all its batches, the range over its batches, and the ratios of
    the batches sent one after the other."""
    codes = {"old": Path(options.compare).resolve(), "new": ROOT}
    prepared = {
        name: prepare(root, databases.new(f"{name}_seed"), options) for name, root in codes.items()
    }
    urls = {name: databases.copy(prepared[name].database_url, name) for name in codes}
    size = len(prepared["new"].work) // options.rounds
    servers: dict[str, tuple[subprocess.Popen, int]] = {}
    try:
        for name, root in codes.items():
            extra = dict(item.split("=", 1) for item in options.old_env) if name == "old" else {}
            servers[name] = start_server(root, urls[name], options, extra)
        connections = {
            name: [Connection(servers[name][1]) for _ in prepared[name].tokens] for name in codes
        }
        for name in codes:  # warm-up: connections, caches; not counted
            for conn, key in zip(connections[name], prepared[name].tokens.values(), strict=True):
                for _ in range(10):
                    conn.send(head("GET", "/api/me/", key))
        results = {name: [Result() for _ in prepared[name].tokens] for name in codes}
        rates: dict[str, list[float]] = {name: [] for name in codes}
        cpu = dict.fromkeys(codes, 0.0)
        for batch in range(options.rounds):
            order = list(codes) if batch % 2 == 0 else list(reversed(codes))
            for name in order:
                server, _ = servers[name]
                work = prepared[name].work[batch * size : (batch + 1) * size]
                cpu_before = worker_cpu_seconds(server.pid)
                elapsed = send_batch(
                    connections[name],
                    list(prepared[name].tokens.values()),
                    work,
                    results[name],
                )
                cpu[name] += worker_cpu_seconds(server.pid) - cpu_before
                rates[name].append(size * len(prepared[name].tokens) / elapsed)
        for conns in connections.values():
            for conn in conns:
                conn.close()
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)

    print(
        f"\n{databases.label}: {options.rounds} batches of {size} tag creates a client, "
        f"{len(prepared['new'].tokens)} clients, {options.workers} workers of "
        f"{options.threads} threads, old and new in turns"
    )
    overall = {}
    for name in codes:
        sent = size * options.rounds * len(prepared[name].tokens)
        overall[name] = sent / sum(sent / options.rounds / rate for rate in rates[name])
        latencies = sorted(x for r in results[name] for x in r.latencies)
        statuses: dict[int, int] = {}
        for r in results[name]:
            for status, n in r.statuses.items():
                statuses[status] = statuses.get(status, 0) + n
        failures = [f for r in results[name] for f in r.failures]
        errors = sum(n for status, n in statuses.items() if status != 201) + len(failures)
        found, revisions = stored_tags(urls[name])
        claims_sent = prepared[name].work[: size * options.rounds]
        expected = {(who, *claim) for who in prepared[name].tokens for claim in claims_sent}
        ok = not errors and found == expected and revisions == len(expected)
        print(
            f"  {name}: {overall[name]:.0f} requests/s (batches {min(rates[name]):.0f}-"
            f"{max(rates[name]):.0f}, median {statistics.median(rates[name]):.0f}); "
            f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms; "
            f"server CPU {cpu[name] / sent * 1000:.2f} ms a request; errors {errors}; "
            f"exactly the tags sent: {found == expected}, revisions {revisions}"
        )
        if not ok:
            print("  FAILED: errors, or the database does not hold exactly the tags sent")
    pairs = [new / old for new, old in zip(rates["new"], rates["old"], strict=True)]
    print(
        f"  new / old: {overall['new'] / overall['old']:.2f} overall; batch by batch "
        f"{min(pairs):.2f}-{max(pairs):.2f}, median {statistics.median(pairs):.2f}"
    )
    sys.stdout.flush()


def send_batch(
    connections: list[Connection],
    keys: list[str],
    work: list[tuple[int, int, int]],
    results: list[Result],
) -> float:
    """Each client sends a tag create for each claim of `work` on its connection, all
    clients at once; returns the seconds until the last is answered."""
    start = threading.Barrier(len(keys) + 1)

    threads = [
        threading.Thread(target=send_tags, args=(conn, key, work, start, out))
        for conn, key, out in zip(connections, keys, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4, choices=range(1, len(REVIEWERS) + 1))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument(
        "--compare",
        metavar="DIR",
        help="another checkout of the app to measure in turns",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=10,
        help="with --compare: batches sent to each code",
    )
    parser.add_argument(
        "--old-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with --compare: an environment variable for the other code's server "
        "(--compare . --old-env FAST_PATHS=0: this code with its fast paths off)",
    )
    options = parser.parse_args()

    if not options.postgresql_only:
        with tempfile.TemporaryDirectory(prefix="bench-api-") as work:
            measure(SQLite(Path(work)), options)

    url = os.environ.get("DATABASE_URL", "")
    if options.sqlite_only or not url.startswith(("postgres://", "postgresql://")):
        print("\nPostgreSQL: skipped (set DATABASE_URL=postgres://... to include it)")
        return
    databases = PostgreSQL(url)
    try:
        measure(databases, options)
    finally:
        databases.drop_all()


if __name__ == "__main__":
    main()
