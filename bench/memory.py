"""Server memory of the default gunicorn tree: `.venv/bin/python bench/memory.py [--compare DIR]`.

Starts the server as deployed (`gunicorn <wsgi> --bind ...`, which reads the checkout's
gunicorn.conf.py: a master and two workers) on a fresh SQLite database (PostgreSQL with
`--postgres`, on the server of DATABASE_URL) holding the seeds, and prints the
proportional set size (PSS, /proc/PID/smaps_rollup: a page shared by n processes counts
1/n in each) of the whole process tree, master and workers:

- after start: once the server has answered its first request;
- after a workload: 4 clients at once, each on its own connections (so that both
  workers serve), import 5 articles, read their sentences, tag 30 spans, load the article
  page and the article list, and export the corpus (JSON Lines and CSV), 3 times over.

With `--compare DIR` the code in DIR (for example /tmp/oldmain, e44e7bd) runs beside
this checkout's, with the same venv, and rounds interleave (old, new, old, new, ...): the
figures are the median of the rounds with their range. `--rounds N` (default 3).

Where the memory goes (python -X importtime, tracemalloc, /proc/PID/smaps of each
process). One process with the app and its URLconf loaded holds ~88 MB resident, 1,350
modules; of its Python heap, the modules' code objects take ~27 MB. Before, each worker
loaded all of it for itself, the URLconf on its first request; now the master loads it
before forking (gunicorn.conf.py: `preload_app`, the URLconf in when_ready, gc.freeze())
and the workers share those pages. Of what every process loaded:
- confusable_homoglyphs' tables, ~6 MB of Python objects, for the rare request that
  makes an account: now imported on the first username check (core/auth/usernames.py);
- django.contrib.postgres and psycopg (~10 MB resident, also on SQLite), `requests` with
  urllib3, charset_normalizer and idna (~5 MB), yaml, markdown and pygments: the optional
  imports of rest_framework.compat, which imports each one that is installed. psycopg
  and Markdown are dependencies; requests, yaml and pygments come with the dev extra
  only (schemathesis, pytest), so a deployment without it does not load them. (The
  "requests" a worker loads through a contrib app is django.contrib.sites.requests, a
  Django module, through django_stubs_ext, which django_tasks imports.)
- django.test with unittest and xml.dom (~6 MB): drf_spectacular.plumbing imports
  rest_framework.test, and drf_spectacular.openapi (the DEFAULT_SCHEMA_CLASS, which
  every @extend_schema needs when its view is defined) imports plumbing.
These last two are left: with the app preloaded they are held once, by the master,
and stopping them would take patching the packages' imports.

After the workload each worker holds ~20 MB more, in the allocator's arenas: ~4 MB that
an export held at its peak (a chunk of CHUNK_SIZE articles' rows, in
annotator/export/selection.py: 200 articles a chunk kept ~8 MB for the same CPU time; 50
would keep ~2 MB, for ~10% more CPU an export), and ~15-20 MB of the master's pages
that the worker wrote to, copying them: Python 3.11 writes to objects it only reads
(reference counts, the specialised bytecode of the code a request runs), so those pages
then count in full for the master and for the worker (gc.freeze() keeps the collector
from writing to them as well).

Figures (3 rounds interleaved, load 4.5-8 on the 2-core machine; PSS does not depend on
the load): `.venv/bin/python bench/memory.py --compare /tmp/oldmain`
    SQLite      after start   e44e7bd 115.9 MB [114.8-116.3], new 92.6 MB [92.5-93.1]
                after workload e44e7bd 157.2 MB [155.2-158.1], new 141.7 MB [141.5-142.5]
and with `--postgres` (DATABASE_URL on the PostgreSQL server):
    PostgreSQL  after start   e44e7bd 120.9 MB [120.8-121.6], new 92.9 MB [92.7-93.9]
                after workload e44e7bd 153.0 MB [152.5-153.6], new 140.1 MB [139.9-140.7]
("after start" of e44e7bd: one worker has loaded the URLconf, the one that answered.)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from api import PYTHON, PostgreSQL, free_port, manage, server_env, wsgi_module  # noqa: E402
from procs import tree_pss_mb  # noqa: E402

# Run with `manage.py shell -c`: the seeds, one editor with a token and a session.
SETUP = """
import json
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from annotator.models import Article
try:  # this layout; or a checkout from before it (config/, core/), to compare with
    from annotator.services.seeds import load_seeds
    from annotator.services.tokens import issue_token
    from core.auth.roles import EDITORS
except ImportError:
    from annotator.api.tokens import issue_token
    from annotator.roles import EDITORS
    from annotator.seeds import load_seeds
load_seeds()
user = User.objects.create_user("memory-bench")
user.groups.add(Group.objects.get(name=EDITORS))
browser = Client()
browser.force_login(user)
print("BENCH", json.dumps({
    "token": issue_token(user=user).key,
    "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
    "articles": list(Article.objects.values_list("pk", flat=True)),
}))
"""

CLIENTS = 4


class Http:
    """One kept-alive connection with fixed headers."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = {**headers, "Host": "127.0.0.1", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, payload: object = None) -> bytes:
        body = None if payload is None else json.dumps(payload).encode()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=self.headers)
                answer = self.conn.getresponse()
                data = answer.read()
                break
            except (OSError, http.client.HTTPException):
                # a kept-alive connection the server closed: once more on a new one
                self.conn.close()
                if attempt == 2:
                    raise
        if answer.status not in (200, 201):
            raise RuntimeError(f"{method} {path}: {answer.status} {data[:300]!r}")
        return data

    def close(self) -> None:
        self.conn.close()


class Server:
    """The code in `root` under gunicorn, on a fresh database with the seeds."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root = root
        env = {**server_env(database_url), "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-mem-")}
        self.static = env["STATIC_ROOT"]
        manage(root, env, "migrate", "--noinput")
        manage(root, env, "collectstatic", "--noinput")  # as deployed: whitenoise's manifest
        self.setup = json.loads(manage(root, env, "shell", "-c", SETUP).split("BENCH ", 1)[1])
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", wsgi_module(root), "--bind", f"127.0.0.1:{self.port}"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.api().call("GET", "/api/me/")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"the server in {root} did not start")
                time.sleep(0.3)

    def api(self) -> Http:
        return Http(self.port, {"Authorization": f"Token {self.setup['token']}"})

    def browser(self) -> Http:
        return Http(self.port, {"Cookie": f"sessionid={self.setup['session']}"})

    def workload(self, client: int) -> None:
        """One client's share: imports, reads, tags, pages and exports."""
        seeds = sorted((ROOT / "seeds").glob("[0-9]*.txt"))
        api, browser = self.api(), self.browser()
        try:
            for n in range(5):
                text = seeds[n % len(seeds)].read_text(encoding="utf-8")
                text = text.rstrip("\n") + f"\nThis is copy {client}-{n} of the report.\n"
                api.call("POST", "/api/articles/", {"text": text, "format": "text"})
            for article in self.setup["articles"]:
                page = json.loads(api.call("GET", f"/api/sentences/?article={article}"))
                # Claims only: bylines and credit lines are refused (a 400).
                claims = [s for s in page["results"] if s["section"] not in ("byline", "credit")]
                for sentence in claims[:6]:
                    body = {
                        "sentence": sentence["id"],
                        "start": sentence["start"],
                        "end": sentence["end"],
                        "label": ("sourced", "opinion")[client % 2],
                    }
                    api.call("POST", "/api/tags/", body)
                browser.call("GET", f"/articles/{article}/")
            browser.call("GET", "/")
            api.call("GET", "/api/export/?format=jsonl")
            api.call("GET", "/api/export/?format=csv")
        finally:
            api.close()
            browser.close()

    def measure(self) -> tuple[float, float]:
        time.sleep(1)
        started, _ = tree_pss_mb(self.process.pid)
        failures: list[BaseException] = []

        def client(n: int) -> None:
            try:
                self.workload(n)
            except BaseException as exc:
                failures.append(exc)
                raise

        for _ in range(3):
            threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if failures:  # a workload cut short measures less than it says
                raise RuntimeError(f"the workload failed: {failures[0]}") from failures[0]
        time.sleep(1)
        loaded, _ = tree_pss_mb(self.process.pid)
        return started, loaded

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.static, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, help="another checkout to run beside this one")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="on DATABASE_URL's server")
    options = parser.parse_args()
    trees = [("new", ROOT)]
    if options.compare:
        trees.insert(0, (f"old ({options.compare})", options.compare.resolve()))
    figures: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in trees}
    postgres = PostgreSQL(os.environ["DATABASE_URL"]) if options.postgres else None
    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        for round_ in range(1, options.rounds + 1):
            for label, root in trees:
                name = f"r{round_}{'o' if label != 'new' else 'n'}"
                url = postgres.new(name) if postgres else f"sqlite:///{work / name}.sqlite3"
                server = Server(root, url)
                try:
                    started, loaded = server.measure()
                finally:
                    server.stop()
                figures[label].append((started, loaded))
                print(
                    f"round {round_} {label}: PSS {started:.1f} MB after start, "
                    f"{loaded:.1f} MB after the workload",
                    flush=True,
                )
    finally:
        if postgres:
            postgres.drop_all()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nServer tree PSS, MB ({'PostgreSQL' if postgres else 'SQLite'}), median [range]:")
    for label, rows in figures.items():
        cells = []
        for index, what in enumerate(("after start", "after the workload")):
            values = [row[index] for row in rows]
            cells.append(
                f"{what} {statistics.median(values):6.1f} [{min(values):.1f}-{max(values):.1f}]"
            )
        print(f"  {label:24} " + ", ".join(cells))


if __name__ == "__main__":
    main()
