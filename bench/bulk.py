"""Bulk import through the REST API, as deployed: `.venv/bin/python bench/bulk.py`.

For SQLite, and for PostgreSQL when DATABASE_URL points at a PostgreSQL server (in a
temporary database it creates and drops), it:

1. migrates a fresh database, adds the seed outlets and a teacher with a token;
2. starts the app under gunicorn as gunicorn.conf.py configures it (2 workers of 2
   threads, DEBUG off) and a background worker (`manage.py db_worker`, django-tasks'
   database backend);
3. imports 200 articles (the five seeds in turn, each made unique by one sentence, about
   4 KB each) in one `POST /api/articles/bulk/` (a JSON array), three rounds of new
   articles, and for comparison the same 200 as 200 `POST /api/articles/` requests;
   prints seconds end to end and the gunicorn workers' CPU per article;
4. imports 2,000 and then 20,000 articles as one JSON Lines body each (a background job:
   answered 202 at once), following the job to its end, and prints seconds end to end,
   articles/s and the peak memory (VmHWM) of the web worker that took the upload and of
   the db_worker process that imported it: memory is flat when the two sizes peak alike;
5. checks that the database holds exactly the articles sent, each once.

Targets (issue 19): 200 articles through the bulk API <= 0.4 s end to end on PostgreSQL
(>= 500 articles/s); 20,000 articles <= 40 s with flat memory.

Filing the new articles into their republished stories is a task of its own, on the
`stories` queue (every article here is a copy of a seed, the worst case for it): the
worker here serves imports only (`--queue-name default`), as a deployment's import
worker does, so the figures are the import's.

Where the time goes (cProfile of the worker importing 2,000 articles): the import
itself (`import_article`: segmentation, sections, outlet detection, the article and its
sentences' inserts) is most of it; reading and checking each record
(`document_from_record`) and writing each record's outcome (one multi-row insert per
200) are a few percent each. Options: --sqlite-only, --skip-large.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]

from api import (  # noqa: E402  (bench/api.py: the same server set-up)
    PYTHON,
    PostgreSQL,
    free_port,
    manage,
    server_env,
    worker_cpu_seconds,
)

SETUP = """
import json
from django.contrib.auth.models import Group, User
from annotator.api.tokens import issue_token
from annotator.roles import EDITORS
from annotator.seeds import read_manifest
from sources.services import save_outlet
for outlet in read_manifest()["outlets"]:
    save_outlet(**outlet)
user = User.objects.create_user("bench-teacher")
user.groups.add(Group.objects.get(name=EDITORS))
print("BENCH", json.dumps({"token": issue_token(user=user).key}))
"""
COUNT = """
from annotator.models import Article
from django.db.models import Count
twice = Article.objects.values("content_hash").annotate(n=Count("id")).filter(n__gt=1)
print("BENCH", Article.objects.count(), twice.count())
"""
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("[0-9]*.txt"))]


def article(tag: str, n: int) -> str:
    return SEEDS[n % len(SEEDS)].rstrip("\n") + f"\nThis is copy {n} of {tag}.\n"


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                *(PYTHON, "-m", "gunicorn", "annotator.wsgi"),
                *("--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"),
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/api/me/", "")[0] == 401:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)

    def request(
        self, method: str, path: str, token: str, body: object = None, content_type: str = ""
    ) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Authorization": f"Token {token}"} if token else {}
        if body is not None:
            headers["Content-Type"] = content_type
        if hasattr(body, "read"):
            headers["Content-Length"] = str(os.fstat(body.fileno()).st_size)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else {}
        finally:
            conn.close()

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def small_batches(server: Server, token: str) -> None:
    print("  200 articles, one POST /api/articles/bulk/ (JSON array):")
    times = []
    for round_ in range(3):
        body = json.dumps([{"text": article(f"round {round_}", n)} for n in range(200)])
        cpu = worker_cpu_seconds(server.process.pid)
        began = time.perf_counter()
        status, answer = server.request(
            "POST", "/api/articles/bulk/", token, body.encode(), "application/json"
        )
        seconds = time.perf_counter() - began
        cpu = worker_cpu_seconds(server.process.pid) - cpu
        times.append(seconds)
        print(
            f"    round {round_ + 1}: {seconds:.3f} s ({200 / seconds:.0f} articles/s), "
            f"server CPU {cpu / 200 * 1000:.2f} ms an article, status {status}, "
            f"created {answer.get('created')}"
        )
    print(f"    median {statistics.median(times):.3f} s (target <= 0.4 s on PostgreSQL)")
    cpu = worker_cpu_seconds(server.process.pid)
    began = time.perf_counter()
    statuses = set()
    for n in range(200):
        body = json.dumps({"text": article("one by one", n)}).encode()
        statuses.add(server.request("POST", "/api/articles/", token, body, "application/json")[0])
    seconds = time.perf_counter() - began
    cpu = worker_cpu_seconds(server.process.pid) - cpu
    print(
        f"  the same as 200 POST /api/articles/: {seconds:.3f} s, server CPU "
        f"{cpu / 200 * 1000:.2f} ms an article, statuses {sorted(statuses)}"
    )


def large_batch(server: Server, token: str, env: dict[str, str], count: int, work: Path) -> None:
    path = work / f"corpus-{count}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({"text": article(f"batch {count}", n)}) + "\n")
    worker = subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "db_worker",
            "--queue-name",
            "default",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(2)  # the worker is up and polling, as it is when deployed
        web_peaks = {pid: peak_mb(pid) for pid in server.workers()}
        began = time.perf_counter()
        with path.open("rb") as body:
            status, job = server.request(
                "POST", "/api/articles/bulk/", token, body, "application/x-ndjson"
            )
        accepted = time.perf_counter() - began
        if status != 202:
            sys.exit(f"expected 202, got {status}: {job}")
        path_of_job = "/" + job["url"].split("/", 3)[3]
        while True:
            _, job = server.request("GET", path_of_job + "?page_size=1", token)
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - began
        web = max(peak_mb(pid) - web_peaks.get(pid, 0) for pid in server.workers())
        print(
            f"  {count:,} articles, one JSON Lines body ({path.stat().st_size / 1e6:.0f} MB): "
            f"{seconds:.1f} s end to end ({count / seconds:.0f} articles/s; upload answered "
            f"202 in {accepted:.1f} s), {job['status']}: created {job['created']}, "
            f"rejected {job['rejected']}; peak memory: db_worker {peak_mb(worker.pid):.0f} MB, "
            f"web worker grew {web:.0f} MB"
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        path.unlink()


def run(label: str, database_url: str, options: argparse.Namespace, work: Path) -> None:
    env = server_env(database_url)
    env.update(
        {
            "API_THROTTLE_IMPORT": "100000000/hour",
            "ANNOTATOR_IMPORT_SPOOL_DIR": str(work / "spool"),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "2",
        }
    )
    manage(ROOT, env, "migrate", "--noinput")
    token = json.loads(manage(ROOT, env, "shell", "-c", SETUP).split("BENCH ", 1)[1])["token"]
    print(f"\n{label}")
    server = Server(env)
    try:
        small_batches(server, token)
        if not options.skip_large:
            for count in (2000, 20000):
                large_batch(server, token, env, count, work)
    finally:
        server.stop()
    expected = 3 * 200 + 200 + (0 if options.skip_large else 22000)
    articles, repeated = map(
        int, manage(ROOT, env, "shell", "-c", COUNT).split("BENCH ", 1)[1].split()
    )
    ok = articles == expected and repeated == 0
    verdict = "ok" if ok else "FAILED"
    print(
        f"  articles stored {articles:,} (sent {expected:,}), "
        f"texts stored twice {repeated}: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--skip-large", action="store_true", help="only the 200-article figures")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as work:
        run("SQLite", f"sqlite:///{Path(work) / 'bench.sqlite3'}", options, Path(work))
    url = os.environ.get("DATABASE_URL", "")
    if options.sqlite_only or not url.startswith(("postgres://", "postgresql://")):
        print("\nPostgreSQL: skipped (set DATABASE_URL=postgres://... to include it)")
        return
    databases = PostgreSQL(url)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-bulk-") as work:
            run("PostgreSQL", databases.new("bulk"), options, Path(work))
    finally:
        databases.drop_all()


if __name__ == "__main__":
    main()
