"""What each fast path saves a request: `.venv/bin/python bench/fast_paths.py`.

The fast paths (core/fast_paths.py) replace pieces of Django's and DRF's code on the API's
hot path; settings.FAST_PATHS switches them. This script measures, in this process, the
server side of two token-authenticated API requests as gunicorn would serve them (the
WSGI handler with the whole middleware stack, DEBUG off, the connection kept and checked
between requests, the rates counted in the database cache), on SQLite and, when
DATABASE_URL points at a PostgreSQL server, on a new database there (dropped at the end):

- a tag write: POST /api/tags/, each request changing the label of one of 200 claims
  (every request writes the tag and its revision);
- a bulk tag write: POST /api/tags/bulk/, 33 of those claims, each with a new label;
- a tag list: GET /api/tags/?page_size=100;
- a logged-in user's request (a session, as the pages' requests): GET /api/me/;
- an article page (a seed article, 30-odd sentences, as that reviewer): GET /articles/<id>/,
  with the static files collected as in production.

It times them with every fast path on, with every one off, and with each one off in
turn, in --rounds rounds that visit the settings in a new order each time (so that all
meet the same load from the rest of a shared machine), --requests requests each. It
prints the median time a request with every path on, and for each path the median over
rounds of (time with that path off - time with all on), with its range: what the path
saves, in wall time and in this process's CPU time (steadier on a loaded machine; a
round trip to PostgreSQL saved shows in wall time only). Options: --rounds N (default
15), --requests N (writes per setting a round, default 100; lists a fifth of that),
--sqlite-only.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"  # as deployed: no query log
    os.environ.setdefault("SECRET_KEY", os.urandom(32).hex())
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ[name] = "0"
    os.environ["SECURE_HSTS_SECONDS"] = "0"
    os.environ["REDIS_URL"] = ""  # the rates in the database cache, as bench/api.py
    os.environ["API_THROTTLE_USER"] = "100000000/hour"
    os.environ["API_THROTTLE_WRITE"] = "100000000/hour"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["PYTHONWARNINGS"] = "ignore"
    warnings.simplefilter("ignore")
    static = tempfile.mkdtemp(prefix="bench-fast-paths-static-")  # collected in measure()
    atexit.register(shutil.rmtree, static, ignore_errors=True)
    os.environ["STATIC_ROOT"] = static


def site() -> types.SimpleNamespace:
    """The site the requests go to, set up in this process (a fresh database: seeds, a
    reviewer with a token and a session, the static files), and the four requests, each
    a function that sends one through the WSGI handler and returns its status:
    `write`, `read` (a list), `me` (a session's request) and `page`; `claims`, the
    sentences that `write` tags in turn."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from knox.models import AuthToken

    from annotator.models import Sentence
    from core.auth.roles import REVIEWERS
    from core.cache.routers import migrate_every_database

    migrate_every_database(verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_seeds", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)  # the page's URLs
    user = get_user_model().objects.create_user("bench-reviewer", password=None)
    user.groups.add(Group.objects.get(name=REVIEWERS))
    _, key = AuthToken.objects.create(user)
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    session.create()
    claims = list(
        Sentence.objects.filter(section="body").order_by("pk").values_list("pk", flat=True)[:200]
    )
    handler = WSGIHandler()
    labels = ["sourced", "unsourced", "opinion", "speculation"]
    sent = 0

    def call(
        method: str, path: str, body: bytes = b"", query: str = "", by_session: bool = False
    ) -> int:
        credentials = (
            {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
            if by_session
            else {"HTTP_AUTHORIZATION": f"Token {key}"}
        )
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            **credentials,
            "HTTP_ACCEPT": "*/*",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        status = []
        response = handler(environ, lambda s, headers, exc_info=None: status.append(s))
        try:
            b"".join(response)
        finally:
            response.close()  # request_finished: as gunicorn does
        return int(status[0].split()[0])

    def write() -> int:
        nonlocal sent
        sent += 1
        body = {"sentence": claims[sent % len(claims)], "label": labels[sent // len(claims) % 4]}
        return call("POST", "/api/tags/", json.dumps(body).encode())

    bulk_sent = 0

    def bulk() -> int:
        """POST /api/tags/bulk/: the first 33 claims (an article's worth), each with a
        new label every request."""
        nonlocal bulk_sent
        bulk_sent += 1
        items = [
            {"sentence": pk, "label": labels[(bulk_sent + i) % 4]}
            for i, pk in enumerate(claims[:33])
        ]
        return call("POST", "/api/tags/bulk/", json.dumps({"tags": items}).encode())

    def refused() -> int:
        """A tag write that its checks refuse (a label that does not exist): a 400."""
        body = {"sentence": claims[0], "label": "rumour"}
        return call("POST", "/api/tags/", json.dumps(body).encode())

    def read() -> int:
        return call("GET", "/api/tags/", query="page_size=100")

    def me() -> int:
        return call("GET", "/api/me/", by_session=True)

    article = Sentence.objects.get(pk=claims[0]).article_id

    def page() -> int:
        return call("GET", f"/articles/{article}/", by_session=True)

    return types.SimpleNamespace(
        write=write, bulk=bulk, refused=refused, read=read, me=me, page=page, claims=claims
    )


def measure(label: str, options: argparse.Namespace) -> None:
    from django.conf import settings

    requests = site()
    write, read, me, page = requests.write, requests.read, requests.me, requests.page
    bulk = requests.bulk
    claims = requests.claims
    every = frozenset(settings.FAST_PATH_NAMES)
    configs = {"all on": every, "all off": frozenset()}
    configs.update({f"{name} off": every - {name} for name in sorted(every)})
    for _ in range(len(claims)):  # every claim tagged once; warm-up, not counted
        assert write() in (200, 201)
    assert read() == 200
    counts = {
        "write": options.requests,
        "bulk": max(1, options.requests // 10),
        "list": max(1, options.requests // 5),
        "session": options.requests,
        "page": max(1, options.requests // 5),
    }
    # per kind and setting, one (wall, CPU) seconds a request per round
    times: dict[str, dict[str, list[tuple[float, float]]]] = {
        kind: {config: [] for config in configs} for kind in counts
    }
    order = list(configs)
    for _ in range(options.rounds):
        random.shuffle(order)
        for config in order:
            settings.FAST_PATHS = configs[config]
            for kind, request in (
                ("write", write),
                ("bulk", bulk),
                ("list", read),
                ("session", me),
                ("page", page),
            ):
                request()  # the first after a switch is not counted
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(counts[kind]):
                    status = request()
                    assert status == 200, (config, kind, status)
                times[kind][config].append(
                    (
                        (time.perf_counter() - wall) / counts[kind],
                        (time.process_time() - cpu) / counts[kind],
                    )
                )
    settings.FAST_PATHS = every

    print(
        f"\n{label}: {options.rounds} rounds, {counts['write']} writes, {counts['bulk']} bulk "
        f"writes and {counts['list']} lists per setting a round (as many /api/me/ as writes, "
        "as many pages as lists). "
        "A request's time "
        "with every path on (median over rounds, wall and this process's CPU), and what "
        "each path saves: the median over "
        "rounds of (time with it off - time with all on), with the range"
    )
    for kind, title in (
        ("write", "POST /api/tags/ (a write)"),
        ("bulk", "POST /api/tags/bulk/ (33 tags)"),
        ("list", "GET /api/tags/ (100)"),
        ("session", "GET /api/me/ (logged in)"),
        ("page", "GET /articles/<id>/ (logged in)"),
    ):
        base = times[kind]["all on"]
        wall, cpu = (statistics.median(t[i] for t in base) * 1000 for i in (0, 1))
        print(f"  {title}: all on {wall:.3f} ms wall, {cpu:.3f} ms CPU")
        for config in configs:
            if config == "all on":
                continue
            figures = []
            for i, unit in ((0, "wall"), (1, "CPU")):
                saved = [
                    (off[i] - on[i]) * 1000
                    for off, on in zip(times[kind][config], base, strict=True)
                ]
                figures.append(
                    f"{statistics.median(saved):+.3f} ms {unit} "
                    f"({min(saved):+.3f} to {max(saved):+.3f})"
                )
            name = config.removesuffix(" off")
            print(f"    {name:20} saves {figures[0]}, {figures[1]}")
    sys.stdout.flush()


def options_parser(description: str) -> argparse.ArgumentParser:
    """The options every in-process bench of this site takes: --sqlite-only, and the
    database a child process measures (internal)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    return parser


def run(
    script: str,
    name: str,
    measure: Callable[[str, argparse.Namespace], None],
    options: argparse.Namespace,
) -> None:
    """Run `measure` on SQLite and, when DATABASE_URL points at a PostgreSQL server, on
    a new database there (dropped at the end), each in a child process running `script`
    again (Django is set up once a process); `name` goes into the temporary names."""
    if options.database is None:
        import subprocess

        url = os.environ.get("DATABASE_URL", "")
        databases = ["sqlite"]
        if not options.sqlite_only and url.startswith(("postgres://", "postgresql://")):
            databases.append("postgresql")
        for database in databases:
            subprocess.run(
                [sys.executable, script, *sys.argv[1:], "--database", database], check=True
            )
        if "postgresql" not in databases:
            print("\nPostgreSQL: skipped (set DATABASE_URL=postgres://... to include it)")
        return
    if options.database == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as work:
            configure(f"sqlite:///{work}/bench.sqlite3")
            measure("SQLite", options)
        return
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    database = f"{url.path.lstrip('/') or 'postgres'}_{name.replace('-', '_')}_{os.getpid()}"
    admin = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    admin.execute(f'CREATE DATABASE "{database}"')
    try:
        configure(urlunsplit(url._replace(path=f"/{database}")))
        measure("PostgreSQL", options)
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


def main() -> None:
    parser = options_parser(__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=100)
    run(__file__, "fast-paths", measure, parser.parse_args())


if __name__ == "__main__":
    main()
