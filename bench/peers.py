"""This project next to Label Studio and doccano on one workload: `.venv/bin/python bench/peers.py`.

The workload (issue 19): 200 articles (the five seeds cycled, each made unique by one added
sentence, as bench/ingest.py builds them, with the manifest's publisher and origin), every
claim sentence of each tagged as a span (headline, body, boilerplate and comments: 31 an
article on average, about 6,200 in all; bylines and credit lines are not claims), one
reviewer. Every tool is driven through its own REST API over loopback, as a
script of a researcher would, each on a fresh database, and measured on the following,
each in wall time and in the server's CPU time (its whole process tree, user + system,
from /proc: the figure a busy machine blurs least):

- import: the 200 articles, in as few requests as the tool allows (this project:
  `POST /api/articles/bulk/` when the server has it, else one `POST /api/articles/` an
  article; Label Studio: one `POST /api/projects/<id>/import`; doccano: one request an
  example, its API has no synchronous bulk import);
- bulk tagging: the 6,600 spans, one request an article (this project `POST
  /api/tags/bulk/`, Label Studio one annotation of 33 results a task, doccano has no bulk
  span endpoint and sends one request a span);
- single tagging: 300 more spans, one request each: milliseconds a request;
- export of every span (this project `/api/export/?format=jsonl`, Label Studio
  `/api/projects/<id>/export?exportType=JSON`, doccano its examples and spans pages):
  the download is timed, and the client's reading of it (to count the spans) is not,
  so a tool is not charged for the client's JSON parser (5 MB of JSON Lines took this
  script 28-32 ms to read, a quarter of the figure, until 3 December 2026); the median
  of 3 downloads a round (one, until the same day's evening);
- an article page: this project's article page (HTML, with the reviewer's tags), the
  peers' API read of a task with its annotations (their pages are single-page apps that
  make that read); 20 articles, each read once to warm the server's processes, then
  read in turn 100 times (--reads): milliseconds a read;
- server memory: the proportional set size (PSS) of the server's whole process tree
  after the workload.

Rounds interleave the tools (round 1: each tool once, round 2: again, in the reverse
order...) so a machine that gets busier or quieter part way through weighs on every tool
alike; each figure is printed as the median over the rounds with its range, and as a
ratio to the best peer (higher is better for this project).

`--compare DIR` measures the code of another checkout of this project (today's: `git
archive e44e7bd | tar -x -C /tmp/oldmain`, run with this venv) beside this one, on each
database: "today" and "new" start and run one right after the other in every round (a
few seconds apart, so they meet the same load), each its own gunicorn on its own
database. They run one at a time rather than both up at once, so that neither's memory
figure shares the other's pages (PSS splits a page mapped by both, the interpreter and
the venv's libraries, between them). Code from before the bulk import sends one
request an article. The run ends with a Markdown table for the README's Benchmarks
section: figure | today | new | best peer | new ahead of the best peer (SQLite / PostgreSQL in
each cell; the ratio is the best peer's figure over new's, so above 1 this project is
ahead), and the load average over the run.

The peers run only where they are installed, each in a virtual environment given by
LABEL_STUDIO_VENV and DOCCANO_VENV; without them the project's own figures are printed
alone. They install from PyPI (doccano 1.8.4 needs two pins its own metadata lacks), on
the interpreter this project's environment runs on (the Makefile's: Debian's python3.11
where there is one), so that every tool gets the same interpreter's speed:

    /usr/bin/python3.11 -m venv /work/peers/ls && \
        /work/peers/ls/bin/pip install label-studio==1.23.2
    /usr/bin/python3.11 -m venv /work/peers/doccano && \
        /work/peers/doccano/bin/pip install doccano==1.8.4 'marshmallow<4' 'numpy<2'

Label Studio runs as `label-studio start` serves it (Django's runserver, one process,
threaded) on SQLite; doccano as `doccano webserver` does (gunicorn, 2 x cores + 1 sync
workers) on SQLite.

Every server binds 127.0.0.1 only. To keep the peers from reaching out (telemetry,
update checks), run the whole script in a network namespace of its own, where only
loopback exists (PostgreSQL then through its Unix socket):

    unshare -rn sh -c 'ip link set lo up && .venv/bin/python bench/peers.py'

The whole run, as the README's table is made (about 4 minutes a round on two cores):

    unshare -rn sh -c 'ip link set lo up && \
        DATABASE_URL=postgres://postgres@%2Ftmp:55432/postgres \
        LABEL_STUDIO_VENV=/work/peers/ls DOCCANO_VENV=/work/peers/doccano \
        .venv/bin/python bench/peers.py --compare /tmp/oldmain --compare-label e44e7bd'

Measured so (that command on wtparam, 3 rounds, on two cores shared with four other
sessions, load 3.4-10.1; 3 December 2026, lane-param at 69a3a62, before the other lanes
of issue 19 merged), medians (SQLite / PostgreSQL), today (e44e7bd) against new, server
CPU in brackets: import 3.46 / 4.52 s [1.56 / 1.49 s] against 0.406 / 0.416 s [0.13 /
0.10 s] (Label Studio 0.21 s [0.05 s]); bulk tagging 3.41 / 9.10 s [1.99 / 2.30 s]
against 4.29 / 6.98 s [2.16 / 2.44 s] (Label Studio 42.5 s [5.96 s]); one span 3.02 /
9.63 ms [1.57 / 1.90 ms] against 4.60 / 5.39 ms [1.77 / 2.03 ms] (doccano 38.1 ms [7.83
ms]); export 0.43 / 0.44 s against 0.33 / 0.25 s (Label Studio 0.51 s); article page
11.7 / 24.4 ms [5.3 / 5.5 ms] against 10.7 / 19.0 ms [7.0 / 7.1 ms] (doccano 36.4 ms
[11.7 ms]); memory 165 / 154 MB against 192 / 186 MB (Label Studio 349 MB). Wall times
moved by up to 2x from round to round at that load (doccano's bulk tagging 97-209 s);
the CPU figures by a few percent. Measured again on a quieter machine (load 0.8-1.7, 3
December 2026, at 71ab6b6, the export's download alone timed): the README's table.

Where the time goes (issue 19; cProfile of the requests driven through the WSGI app in
process, py-spy of the gunicorn workers, the CPU of each worker thread and of the
PostgreSQL backend from /proc; 3 December 2026):

- one span: ~1.15 ms of the 1.57 ms (SQLite) is the app in process: the token and its
  user (one statement, ~12% of the request), the rate count (~8%: on SQLite a statement
  and a commit on the cache's own database), reading the sentence (~7%), the upsert and
  its revision (~16%), DRF's validation and answer (~10%), Django's handler and the
  middleware the rest. The remaining ~0.4 ms is gunicorn's gthread worker: parsing,
  handing the connection between threads, and two `sendall`s (headers, then body; ~11%
  of the samples). On PostgreSQL the backend adds ~1.2 ms of its own CPU a request (the
  upsert with its revision 0.66 ms, the token statement 0.32 ms). Since 4 December
  2026 the thread that answered a kept-alive connection serves its next request itself
  when it comes within 2 ms (config/workers.py): for a trivial WSGI app, gunicorn's CPU
  a request went from 0.26-0.35 to 0.17-0.21 ms; for this benchmark's single spans, the
  servers of both codes up at once and batches of 100 interleaved, 2.57 -> 2.13 ms of
  CPU a request on SQLite and 3.06 -> 2.77 on PostgreSQL, on a machine ~1.6x slower
  than the morning of the table (the ratios are the figure to keep). Since that evening
  the sentence is read on PostgreSQL by the tag's statement (core.db.tags.write_claim):
  two round trips, not three (bench/side_by_side.py: 3-4% less CPU a request).
- bulk of 33 spans: the checks of every item, then one statement on PostgreSQL, two on
  SQLite (core/db/tags.py, write_tags); the many-tag statement is planned at each run,
  as a plan kept from a nearly empty table read every revision of the reviewer.
- article page: 4 statements (session, user and permissions, the article with the
  outlets the page offers, the sentences with the reviewer's tags) and the template,
  about half of the page's CPU. On PostgreSQL each statement folded into another saved
  ~0.2-0.3 ms of the page's wall time (the outlets 0.69 -> 0.47 ms, the sentences and
  tags 0.73 -> 0.46 ms, the two reads against the one, interleaved in process). On
  PostgreSQL the reviewer's tags were 2.3 of the backend's 3.4 ms a page while the
  tables had no statistics yet (this benchmark measures within a minute of loading):
  they are now looked up sentence by sentence whatever the statistics
  (core/db/workspace.py), and the backend's CPU a page went to 1.7 ms, the page's wall
  time down by a quarter. An editor's page also read the article's provenance
  corrections, a statement built by the ORM (with three related tables) on every page
  although most articles have none: ~18% of the page's profile. The article's statement
  now says whether it has any, and the corrections are read only then: the page went
  from 4.94 to 3.51 ms on SQLite and from 5.93 to 5.13 ms on PostgreSQL (server CPU
  4.83 to 3.43 and 5.10 to 4.40 ms; --compare, 3 rounds, load 0.9-1.6).
- export: in process ~73 ms for 6,640 spans on SQLite: reading the rows ~36 ms (SQLite
  executing the statements ~27, the tags' ~14.5 with the sort into the export's
  order), writing the JSON ~31 ms (the tags ~17), the garbage collector ~4 ms. On
  PostgreSQL the backend spends ~42 ms an export (the tags' statement ~26 ms, about half
  of it turning the rows into text for the client), and the app waited on it: it now
  sends the next chunk's queries before it writes the current chunk (core/db/read_ahead.py),
  and JSON Lines writes from the rows without making a named tuple of each (bench/export.py
  gives the figures).

Options: --rounds N (default 3), --articles N (200), --singles N (300), --reads N (100),
--sqlite-only (without it, PostgreSQL is measured too when DATABASE_URL points at a
server), --compare DIR and --compare-label TEXT (the code's name in the table: by
default its commit, or its folder's name where it is no git checkout).
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from api import (  # noqa: E402  (bench/api.py: the same server settings the API bench uses)
    PYTHON,
    PostgreSQL,
    free_port,
    manage,
    server_env,
    wsgi_module,
)
from procs import tree_cpu_seconds, tree_pss_mb  # noqa: E402

LABELS = ("sourced", "unsourced", "opinion", "speculation")
CLAIMS = ("headline", "body", "comment", "boilerplate")
EXPORTS = 3  # downloads of the export a round, the median kept

# Run with `manage.py shell -c`: the seed outlets, one editor (who imports and tags), a
# token and a logged-in session for the article page.
SETUP = """
import json
from django.contrib.auth.models import Group, User
from django.conf import settings
from django.test import Client
try:  # this layout; or a checkout from before it (no config/, core/), to compare with
    from annotator.services.seeds import read_manifest
    from annotator.services.tokens import issue_token
    from core.auth.roles import EDITORS
    from sources.services.outlets import save_outlet
except ImportError:
    from annotator.api.tokens import issue_token
    from annotator.roles import EDITORS
    from annotator.seeds import read_manifest
    from sources.services import save_outlet
for outlet in read_manifest()["outlets"]:
    save_outlet(**outlet)
user = User.objects.create_user("peer-bench")
user.groups.add(Group.objects.get(name=EDITORS))
browser = Client()
browser.force_login(user)
session = browser.cookies[settings.SESSION_COOKIE_NAME].value
print("BENCH", json.dumps({"token": issue_token(user=user).key, "session": session}))
"""


@dataclass
class Record:
    text: str
    publisher: str
    origin: str


def corpus(count: int) -> list[Record]:
    """The five seeds cycled, each copy made unique by one added sentence, with the
    publisher and origin the manifest gives (the seeds do not all name them)."""
    manifest = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    seeds = [(ROOT / "seeds" / a["file"]).read_text(encoding="utf-8") for a in manifest["articles"]]
    return [
        Record(
            seeds[n % len(seeds)].rstrip("\n") + f"\nThis is copy {n} of the report.\n",
            manifest["articles"][n % len(seeds)]["publisher"],
            manifest["articles"][n % len(seeds)]["origin"],
        )
        for n in range(count)
    ]


@dataclass
class Span:
    article: int  # index into the corpus
    start: int
    end: int
    label: str


@dataclass
class Figures:
    import_s: float = 0.0
    import_cpu_s: float = 0.0
    bulk_s: float = 0.0
    bulk_cpu_s: float = 0.0
    single_ms: float = 0.0
    single_cpu_ms: float = 0.0
    export_s: float = 0.0
    export_cpu_s: float = 0.0
    page_ms: float = 0.0
    page_cpu_ms: float = 0.0
    memory_mb: float = 0.0
    notes: list[str] = field(default_factory=list)


def wait_for(check: Callable[[], bool], what: str, process: subprocess.Popen, limit: float) -> None:
    deadline = time.monotonic() + limit
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if process.poll() is not None:
            sys.exit(f"{what} stopped while starting (exit {process.returncode})")
        if time.monotonic() > deadline:
            sys.exit(f"{what} did not start within {limit:.0f} s")
        time.sleep(0.3)


class Http:
    """A kept-alive connection with fixed headers (authentication). http.client, not
    bench/api.py's lean client: the peers answer in chunks and with every kind of header;
    its cost on the client's side is the same for every tool."""

    def __init__(self, port: int, headers: dict[str, str], cookies: bool = False) -> None:
        """`cookies`: keep the cookies the server sets and send them back, as a browser
        does (the CSRF cookie of this project's pages: without it each page makes a new
        CSRF secret and sets the cookie again)."""
        self.port = port
        self.cookies = http.cookies.SimpleCookie(headers.get("Cookie", "")) if cookies else None
        self.headers = {
            **headers,
            "Host": "127.0.0.1",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def call(
        self, method: str, path: str, payload: object = None, ok=(200, 201), raw: bool = False
    ) -> object:
        """The answer's body, decoded from JSON unless `raw` (or JSON Lines)."""
        body = None if payload is None else json.dumps(payload).encode()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=self.headers)
                answer = self.conn.getresponse()
                data = answer.read()
                break
            except (OSError, http.client.HTTPException):
                # a kept-alive connection the server closed: send once more on a new one
                self.conn.close()
                if attempt == 2:
                    raise
        if self.cookies is not None and (set_cookies := answer.msg.get_all("Set-Cookie")):
            for header in set_cookies:
                self.cookies.load(header)
            self.headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if answer.status not in ok:
            where = answer.getheader("Location", "")
            raise RuntimeError(f"{method} {path}: {answer.status} {where} {data[:300]!r}")
        kind = answer.getheader("Content-Type", "")
        return json.loads(data) if "json" in kind and "jsonl" not in kind and not raw else data

    def close(self) -> None:
        self.conn.close()


class Tool:
    """One tool's server, started on a fresh database for a round. A start that fails
    part way (sys.exit) still goes through stop(), which stops what it got to: no
    server outlives the run."""

    name = ""
    process: subprocess.Popen | None = None
    api: Http | None = None

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def import_articles(self, texts: list[Record]) -> None: ...
    def prepare(self) -> None:
        """Untimed work between import and tagging (reading back ids)."""

    def tag_bulk(self, spans: list[list[Span]]) -> None: ...
    def tag_single(self, span: Span) -> None: ...
    def export(self) -> object:
        """Download every span (timed): what `exported` counts."""

    def exported(self, download: object) -> int:
        """How many spans `export` downloaded: the client's reading of it is not timed."""
        return download  # type: ignore[return-value]

    def page(self, article: int) -> None: ...

    def timed(self, work: Callable[[], object]) -> tuple[float, float, object]:
        """Runs `work`; returns its wall seconds, the server's CPU seconds (its whole
        process tree, user + system) and what it returned."""
        cpu = tree_cpu_seconds(self.process.pid)
        began = time.perf_counter()
        value = work()
        wall = time.perf_counter() - began
        return wall, tree_cpu_seconds(self.process.pid) - cpu, value

    def measure(
        self, texts: list[Record], spans: list[list[Span]], singles: list[Span], reads: int
    ) -> Figures:
        figures = Figures()
        try:
            self.start()
            figures.import_s, figures.import_cpu_s, _ = self.timed(
                lambda: self.import_articles(texts)
            )
            self.prepare()
            figures.bulk_s, figures.bulk_cpu_s, _ = self.timed(lambda: self.tag_bulk(spans))

            wall, cpu, _ = self.timed(lambda: [self.tag_single(span) for span in singles])
            figures.single_ms = wall / len(singles) * 1000
            figures.single_cpu_ms = cpu / len(singles) * 1000

            # A few downloads, the median: one was too few to compare on a busy machine.
            downloads = [self.timed(self.export) for _ in range(EXPORTS)]
            figures.export_s = statistics.median(wall for wall, _, _ in downloads)
            figures.export_cpu_s = statistics.median(cpu for _, cpu, _ in downloads)
            exported = self.exported(downloads[-1][2])
            expected = sum(map(len, spans)) + len(singles)
            if exported != expected:
                figures.notes.append(f"export held {exported} spans, {expected} sent")

            pages = [n % len(texts) for n in range(20)]
            for n in pages:  # warm: each server process's first sight of each article
                self.page(n)
            # Then `reads` reads of those 20 in turn: enough that a busy moment of the
            # machine, and the server's CPU time in clock ticks (10 ms), weigh little.
            wall, cpu, _ = self.timed(lambda: [self.page(pages[n % 20]) for n in range(reads)])
            figures.page_ms = wall / reads * 1000
            figures.page_cpu_ms = cpu / reads * 1000
            figures.memory_mb, _ = tree_pss_mb(self.process.pid)
        finally:
            self.stop()
        return figures


class Project(Tool):
    """This project under gunicorn as gunicorn.conf.py configures it, on SQLite or on a
    temporary PostgreSQL database: the code of this checkout, or with `code` ("today")
    the one in `root` (--compare), which may be from before the config/ and core/ layout
    and from before the bulk import. `python`: the interpreter that serves it (this
    one's by default; another one's environment must have the project installed)."""

    def __init__(
        self, database: str, root: Path = ROOT, code: str = "", python: str = PYTHON
    ) -> None:
        self.database = database
        self.root = root
        self.code = code
        self.python = python
        where = "PostgreSQL" if database else "SQLite"
        self.name = f"{code} ({where})" if code else f"this project ({where})"

    def start(self) -> None:
        self.work = tempfile.mkdtemp(prefix="bench-peers-")
        self.process = self.api = self.browser = None
        self.drop = lambda: None
        if self.database:
            # named after the code: old and new never share a database name
            server = PostgreSQL(self.database)
            self.url, self.drop = server.new(f"peers_{self.code or 'new'}"), server.drop_all
        else:
            self.url = f"sqlite:///{self.work}/bench.sqlite3"
        env = {
            **server_env(self.url),
            "API_THROTTLE_IMPORT": "100000000/hour",
            # each code its own: their static files and manifests differ
            "STATIC_ROOT": f"{self.work}/static",
        }
        python = self.python
        manage(self.root, env, "migrate", "--noinput", python=python)
        # as deployed: whitenoise's manifest
        manage(self.root, env, "collectstatic", "--noinput", python=python)
        printed = manage(self.root, env, "shell", "-c", SETUP, python=python)
        setup = json.loads(printed.split("BENCH ", 1)[1])
        self.port = free_port()
        self.process = subprocess.Popen(
            [python, "-m", "gunicorn", wsgi_module(self.root), "--bind", f"127.0.0.1:{self.port}"],
            cwd=self.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # its access log; failures show as statuses here
        )
        self.api = Http(self.port, {"Authorization": f"Token {setup['token']}"})
        self.browser = Http(self.port, {"Cookie": f"sessionid={setup['session']}"}, cookies=True)
        wait_for(lambda: bool(self.api.call("GET", "/api/me/")), self.name, self.process, 60)
        self.articles: list[int] = []
        self.sentences: dict[int, list[tuple[int, int, int]]] = {}

    def stop(self) -> None:
        for connection in (self.api, self.browser):
            if connection:
                connection.close()
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.drop()
        shutil.rmtree(self.work, ignore_errors=True)

    def import_articles(self, texts: list[Record]) -> None:
        records = [{"text": r.text, "publisher": r.publisher, "origin": r.origin} for r in texts]
        try:
            answer = self.api.call("POST", "/api/articles/bulk/", records, ok=(200, 201))
        except RuntimeError as error:
            if ": 404 " not in str(error):
                raise
            # A server from before the bulk import: one request an article.
            self.articles = [
                self.api.call("POST", "/api/articles/", {**record, "format": "text"})["id"]
                for record in records
            ]
            return
        refused = [r for r in answer["results"] if r["status"] == "rejected"]
        if refused:
            raise RuntimeError(f"the bulk import refused {len(refused)}: {refused[0]}")
        self.articles = [r["article"] for r in answer["results"]]

    def prepare(self) -> None:
        """Each article's sentences as (id, start, end), read through the API."""
        for index, article in enumerate(self.articles):
            page = self.api.call("GET", f"/api/sentences/?article={article}&page_size=500")
            self.sentences[index] = [(s["id"], s["start"], s["end"]) for s in page["results"]]

    def survey(self) -> list[tuple[str, list[tuple[int, int, str]]]]:
        """Each imported article's stored text and its sentences (start, end, section)."""
        found = []
        for article in self.articles:
            detail = self.api.call("GET", f"/api/articles/{article}/")
            found.append(
                (
                    detail["text"],
                    [(s["start"], s["end"], s["section"]) for s in detail["sentences"]],
                )
            )
        return found

    def sentence_of(self, span: Span) -> int:
        for pk, start, end in self.sentences[span.article]:
            if start <= span.start and span.end <= end:
                return pk
        raise ValueError(f"no sentence holds {span}")

    def body(self, span: Span) -> dict:
        return {
            "sentence": self.sentence_of(span),
            "start": span.start,
            "end": span.end,
            "label": span.label,
        }

    def tag_bulk(self, spans: list[list[Span]]) -> None:
        for article in spans:
            self.api.call("POST", "/api/tags/bulk/", {"tags": [self.body(s) for s in article]})

    def tag_single(self, span: Span) -> None:
        self.api.call("POST", "/api/tags/", self.body(span))

    def export(self) -> object:
        return self.api.call("GET", "/api/export/?format=jsonl")

    def exported(self, download: object) -> int:
        lines = download.decode().splitlines()  # type: ignore[attr-defined]
        return sum(len(json.loads(line)["tags"]) for line in lines if line)

    def page(self, article: int) -> None:
        self.browser.call("GET", f"/articles/{self.articles[article]}/")


def plan(count: int, singles: int) -> tuple[list[Record], list[list[Span]], list[Span]]:
    """The corpus and its spans. A first import into this project (on SQLite, untimed)
    gives each article's stored text and sentence boundaries; each article's claim
    sentences are its spans, so every tool gets the same texts and offsets, and
    `singles` more spans are the first word of claim sentences."""
    records = corpus(count)
    survey = Project("")
    survey.start()
    try:
        survey.import_articles(records)
        stored = survey.survey()
    finally:
        survey.stop()
    texts, spans, extra = [], [], []
    for index, (text, sentences) in enumerate(stored):
        texts.append(Record(text, records[index].publisher, records[index].origin))
        body = [(a, b) for a, b, section in sentences if section in CLAIMS and text[a:b].strip()]
        spans.append([Span(index, a, b, LABELS[n % 4]) for n, (a, b) in enumerate(body)])
        for a, b in body:  # a different claim: the first word of a tagged sentence
            word = text[a:b].split(" ", 1)[0]
            if a + len(word) < b:  # not a one-word sentence, tagged whole already
                extra.append(Span(index, a, a + len(word), "opinion"))
    return texts, spans, extra[:singles]


class Peer(Tool):
    """A peer's server, started in a session of its own in a temporary folder: stopping
    it stops its whole process group (workers, task runners) and removes the folder."""

    work = ""

    def stop(self) -> None:
        if self.api:
            self.api.close()
        if self.process:
            if self.process.poll() is None:  # its group is its own while it lives
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        shutil.rmtree(self.work, ignore_errors=True)


class LabelStudio(Peer):
    """Label Studio 1.23 as `label-studio start` serves it (its SQLite database, in a
    temporary data folder), one project with a span-labelling config."""

    name = "Label Studio"
    CONFIG = (
        '<View><Labels name="label" toName="text">'
        + "".join(f'<Label value="{label}"/>' for label in LABELS)
        + '</Labels><Text name="text" value="$text"/></View>'
    )

    def __init__(self, venv: Path) -> None:
        self.venv = venv

    def start(self) -> None:
        self.work = tempfile.mkdtemp(prefix="bench-peers-ls-")
        self.process = self.api = None
        self.port = free_port()
        token = os.urandom(20).hex()
        env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": self.work,
            "LABEL_STUDIO_USERNAME": "bench@example.com",
            "LABEL_STUDIO_PASSWORD": os.urandom(12).hex(),
            "LABEL_STUDIO_USER_TOKEN": token,
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            # the token above, sent as `Authorization: Token …` (1.23 defaults to JWTs)
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "COLLECT_ANALYTICS": "false",
        }
        self.process = subprocess.Popen(
            [
                str(self.venv / "bin" / "label-studio"),
                *("start", "--no-browser", "--internal-host", "127.0.0.1"),
                *("--port", str(self.port)),
            ],
            cwd=self.work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.api = Http(self.port, {"Authorization": f"Token {token}"})
        wait_for(lambda: bool(self.api.call("GET", "/api/projects/")), self.name, self.process, 300)
        project = self.api.call(
            "POST", "/api/projects/", {"title": "bench", "label_config": self.CONFIG}
        )
        self.project = project["id"]

    def import_articles(self, texts: list[Record]) -> None:
        self.texts = texts
        self.api.call(
            "POST", f"/api/projects/{self.project}/import", [{"text": r.text} for r in texts]
        )

    def prepare(self) -> None:
        tasks = self.api.call(
            "GET", f"/api/tasks/?project={self.project}&page_size={len(self.texts) + 10}"
        )
        tasks = tasks["tasks"] if isinstance(tasks, dict) else tasks
        by_text = {task["data"]["text"]: task["id"] for task in tasks}
        self.tasks = [by_text[r.text] for r in self.texts]

    def result(self, span: Span) -> dict:
        return {
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {
                "start": span.start,
                "end": span.end,
                "text": self.texts[span.article].text[span.start : span.end],
                "labels": [span.label],
            },
        }

    def tag_bulk(self, spans: list[list[Span]]) -> None:
        for article in spans:
            self.api.call(
                "POST",
                f"/api/tasks/{self.tasks[article[0].article]}/annotations/",
                {"result": [self.result(s) for s in article]},
            )

    def tag_single(self, span: Span) -> None:
        self.api.call(
            "POST",
            f"/api/tasks/{self.tasks[span.article]}/annotations/",
            {"result": [self.result(span)]},
        )

    def export(self) -> object:
        path = f"/api/projects/{self.project}/export?exportType=JSON"
        return self.api.call("GET", path, raw=True)

    def exported(self, download: object) -> int:
        tasks = json.loads(download)  # type: ignore[arg-type]
        return sum(
            len(annotation["result"]) for task in tasks for annotation in task["annotations"]
        )

    def page(self, article: int) -> None:
        self.api.call("GET", f"/api/tasks/{self.tasks[article]}/")


class Doccano(Peer):
    """doccano 1.8 as `doccano webserver` serves it (gunicorn, its SQLite database in a
    temporary folder), one sequence-labelling project. Its file import and export run
    through a Celery worker; this drives the REST endpoints that need none."""

    name = "doccano"

    def __init__(self, venv: Path) -> None:
        self.venv = venv

    def start(self) -> None:
        self.work = tempfile.mkdtemp(prefix="bench-peers-doccano-")
        self.process = self.api = None
        self.port = free_port()
        password = os.urandom(12).hex()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.work}/db.sqlite3",
            "DEBUG": "False",
            "SECRET_KEY": os.urandom(24).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DOCCANO_HOME": self.work,
        }
        doccano = str(self.venv / "bin" / "doccano")
        for args in (["init"], ["createuser", "--username", "bench", "--password", password]):
            # In its folder: run from this project's root, it would import this
            # project's config/ for its own config.settings (the working directory
            # comes first on its path).
            done = subprocess.run(
                [doccano, *args], cwd=self.work, env=env, capture_output=True, text=True
            )
            if done.returncode:
                sys.exit(f"doccano {args[0]} failed:\n{done.stderr[-2000:]}")
        self.process = subprocess.Popen(
            [doccano, "webserver", "--port", str(self.port)],
            cwd=self.work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        login = Http(self.port, {})
        wait_for(
            lambda: bool(
                login.call("POST", "/v1/auth/login/", {"username": "bench", "password": password})
            ),
            self.name,
            self.process,
            300,
        )
        key = login.call("POST", "/v1/auth/login/", {"username": "bench", "password": password})
        login.close()
        self.api = Http(self.port, {"Authorization": f"Token {key['key']}"})
        project = self.api.call(
            "POST",
            "/v1/projects",
            {
                "name": "bench",
                "description": "bench",
                "guideline": "",
                "project_type": "SequenceLabeling",
                "resourcetype": "SequenceLabelingProject",
                "allow_overlapping": True,
            },
        )
        self.project = project["id"]
        self.types = {
            label: self.api.call(
                "POST",
                f"/v1/projects/{self.project}/span-types",
                {"text": label, "background_color": "#209cee", "text_color": "#ffffff"},
            )["id"]
            for label in LABELS
        }

    def import_articles(self, texts: list[Record]) -> None:
        self.examples = [
            self.api.call("POST", f"/v1/projects/{self.project}/examples", {"text": r.text})["id"]
            for r in texts
        ]

    def tag_single(self, span: Span) -> None:
        self.api.call(
            "POST",
            f"/v1/projects/{self.project}/examples/{self.examples[span.article]}/spans",
            {"label": self.types[span.label], "start_offset": span.start, "end_offset": span.end},
        )

    def tag_bulk(self, spans: list[list[Span]]) -> None:
        for article in spans:
            for span in article:
                self.tag_single(span)

    def export(self) -> int:
        total = 0
        for example in self.examples:
            spans = self.api.call("GET", f"/v1/projects/{self.project}/examples/{example}/spans")
            total += len(spans)
        return total

    def page(self, article: int) -> None:
        example = self.examples[article]
        self.api.call("GET", f"/v1/projects/{self.project}/examples/{example}")
        self.api.call("GET", f"/v1/projects/{self.project}/examples/{example}/spans")


# (title, Figures attribute, unit); the text report and the Markdown table take these. A
# CPU row is the server's CPU time of the figure above it.
CPU = "server CPU"
ROWS = [
    ("import {articles} articles through the API", "import_s", "s"),
    (CPU, "import_cpu_s", "s"),
    ("tag {spans} spans, one bulk request an article", "bulk_s", "s"),
    (CPU, "bulk_cpu_s", "s"),
    ("tag one span per request", "single_ms", "ms"),
    (CPU, "single_cpu_ms", "ms"),
    ("export all spans", "export_s", "s"),
    (CPU, "export_cpu_s", "s"),
    ("article page load", "page_ms", "ms"),
    (CPU, "page_cpu_ms", "ms"),
    ("server memory (PSS, whole tree)", "memory_mb", "MB"),
]


def summary(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def number(value: float, digits: int = 3) -> str:
    """`digits` significant figures, never an exponent: 0.0412, 2.90, 12.4, 167, 1,580."""
    return f"{value:,.0f}" if value >= 10 ** (digits - 1) else f"{value:#.{digits}g}"


def is_peer(name: str) -> bool:
    return name in (LabelStudio.name, Doccano.name)


def report(results: dict[str, list[Figures]], spans: int, articles: int) -> None:
    print(f"\n{articles} articles, {spans} spans tagged in bulk; median over rounds (range)")
    names = list(results)
    peers = [name for name in names if is_peer(name)]
    figure = ""
    for title, attr, unit in ROWS:
        if title == CPU:
            print(f"\n{figure}, {CPU} ({unit})")
        else:
            figure = title.format(articles=articles, spans=spans)
            print(f"\n{figure} ({unit})")
        best = None
        if peers:
            best = min(summary([getattr(f, attr) for f in results[p]])[0] for p in peers)
        for name in names:
            median, low, high = summary([getattr(f, attr) for f in results[name]])
            ratio = ""
            if best and name not in peers and median:
                ratio = f"   {best / median:5.1f}x the best peer"
            print(f"  {name:32} {median:9.3f}  ({low:.3f}-{high:.3f}){ratio}")
    for name in names:
        for note in {note for f in results[name] for note in f.notes}:
            print(f"  note, {name}: {note}")


def table(results: dict[str, list[Figures]], spans: int, articles: int, old: str = "") -> list[str]:
    """The figures as a Markdown table for the README: figure | today (`old`) | new |
    best peer | new ahead of the best peer. A cell holds the median over the rounds, SQLite /
    PostgreSQL where both ran; the ratio is the best peer's figure over new's (every
    figure is a time or a size, so above 1 this project is ahead), on each database."""
    databases = [
        where for where in ("SQLite", "PostgreSQL") if any(f"({where})" in n for n in results)
    ]
    peers = [name for name in results if is_peer(name)]

    def median(name: str, attr: str) -> float | None:
        rounds = results.get(name)
        return statistics.median(getattr(f, attr) for f in rounds) if rounds else None

    def cell(code: str, attr: str, unit: str) -> str:
        values = [median(f"{code} ({where})", attr) for where in databases]
        return " / ".join("—" if v is None else number(v) for v in values) + f" {unit}"

    new = "new" if old else "this project"
    header = ["figure", *([f"today ({old})"] if old else []), "new", "best peer"]
    header.append("new ahead of the best peer")
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for title, attr, unit in ROWS:
        figure = title.format(articles=articles, spans=f"{spans:,}")
        if title == CPU:  # indented under its figure
            figure = f"&nbsp;&nbsp;{CPU}"
        row = [figure, *([cell("today", attr, unit)] if old else []), cell(new, attr, unit)]
        best = min(peers, key=lambda name: median(name, attr), default=None)
        if best is None:
            row += ["—", "—"]
        else:
            peer = median(best, attr)
            ratios = [median(f"{new} ({where})", attr) for where in databases]
            row.append(f"{best} {number(peer)} {unit}")
            row.append(" / ".join(f"{number(peer / r, 2)}×" if r else "—" for r in ratios))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def code_label(root: Path) -> str:
    """The commit of the checkout in `root` (short hash), or its folder's name where it
    is no git checkout (an unpacked `git archive`)."""
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else root.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--reads", type=int, default=100, help="article page reads timed")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--compare",
        metavar="DIR",
        help="another checkout of this project (today's code) to measure beside this one",
    )
    parser.add_argument(
        "--compare-label",
        metavar="TEXT",
        help="with --compare: how the table names that code (default: its commit, "
        "or its folder's name)",
    )
    options = parser.parse_args()
    # A stopped run stops its servers too (the peers run in sessions of their own, so
    # they would outlive it): SIGTERM unwinds through each tool's stop().
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))

    url = os.environ.get("DATABASE_URL", "")
    databases = [""]
    if not options.sqlite_only and urlsplit(url).scheme in ("postgres", "postgresql"):
        databases.append(url)
    tools: list[Tool] = []
    old = ""
    for database in databases:
        if options.compare:
            # today's code and the new side by side, one after the other in every round
            root = Path(options.compare).resolve()
            old = options.compare_label or code_label(root)
            tools += [Project(database, root, "today"), Project(database, ROOT, "new")]
        else:
            tools.append(Project(database))
    for variable, kind in (("LABEL_STUDIO_VENV", LabelStudio), ("DOCCANO_VENV", Doccano)):
        if os.environ.get(variable):
            tools.append(kind(Path(os.environ[variable])))
        else:
            print(f"{kind.name}: not measured ({variable} is not set)")

    texts, spans, singles = plan(options.articles, options.singles)
    results: dict[str, list[Figures]] = {tool.name: [] for tool in tools}
    loads = [os.getloadavg()[0]]
    for turn in range(1, options.rounds + 1):
        # every other round in the reverse order: no tool always goes first
        for tool in tools if turn % 2 else reversed(tools):
            figures = tool.measure(texts, spans, singles, options.reads)
            results[tool.name].append(figures)
            loads.append(os.getloadavg()[0])
            print(
                f"round {turn}, {tool.name}: import {figures.import_s:.2f} s, "
                f"bulk {figures.bulk_s:.2f} s, single {figures.single_ms:.1f} ms "
                f"(CPU {figures.single_cpu_ms:.1f}), export {figures.export_s:.2f} s, "
                f"page {figures.page_ms:.1f} ms (CPU {figures.page_cpu_ms:.1f}), "
                f"{figures.memory_mb:.0f} MB; load {loads[-1]:.1f}",
                flush=True,
            )
    report(results, sum(map(len, spans)), len(texts))
    print(
        f"\nFor the README ({' / '.join('PostgreSQL' if d else 'SQLite' for d in databases)}; "
        f"median over {options.rounds} rounds, ranges above; load {min(loads):.1f}-"
        f"{max(loads):.1f}):\n"
    )
    print("\n".join(table(results, sum(map(len, spans)), len(texts), old)))


if __name__ == "__main__":
    main()
