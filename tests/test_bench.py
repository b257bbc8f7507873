"""The bench scripts run on a clean checkout: a short run of bench/api.py on SQLite sends
every request, gets no error and finds exactly the tags it sent (the full run is 5,000
requests); bench/bulk.py and bench/peers.py likewise."""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parent.parent


def run_bench(*args: str, timeout: int) -> subprocess.CompletedProcess:
    """A bench script run as a newcomer would, on SQLite and without the peers: `args`
    are the script and its options."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "LABEL_STUDIO_VENV", "DOCCANO_VENV")
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
def test_the_api_benchmark_sends_its_requests_and_checks_the_tags():
    result = run_bench("bench/api.py", "--requests", "200", "--sqlite-only", timeout=300)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"SQLite: 200 tag creates, 4 clients, 2 workers of 2 threads", out)
    assert re.search(r"\d+ requests/s", out)
    assert "statuses {201: 200}   errors 0" in out
    assert "tags expected 200, found 200, exactly the ones sent: True; revisions 200" in out
    assert "FAILED" not in out


@pytest.mark.slow
def test_the_memory_benchmark_runs_its_whole_workload_and_prints_the_tree_pss():
    result = run_bench("bench/memory.py", "--rounds", "1", timeout=300)

    # A request of the workload that fails fails the run (it once tagged a byline).
    assert result.returncode == 0, result.stderr
    figures = re.search(
        r"PSS (\d+\.\d) MB after start, (\d+\.\d) MB after the workload", result.stdout
    )
    assert figures, result.stdout
    started, loaded = map(float, figures.groups())
    assert 30 < started < loaded


@pytest.mark.slow
def test_the_request_phases_benchmark_times_every_phase_of_a_tag_write():
    """bench/request_phases.py wraps the functions that do each phase: every phase it
    names shows time, so a function renamed or a phase skipped is seen, not printed as 0."""
    result = run_bench("bench/request_phases.py", "--requests", "50", timeout=300)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "SQLite: 50 tag writes (POST /api/tags/, one span each), in this process." in out
    assert "PostgreSQL: skipped" in out
    rows = re.findall(r"^ +(\S.*?) +(\d+\.\d) +(\d+\.\d) +(\d+\.\d)%$", out, re.M)
    names = [name for name, *_ in rows]
    assert names[:2] == ["before the view: WSGI, middleware, URL", "DRF initial"]
    assert "saving: the tag and its revision" in names
    assert "rates: the counters' statement" in names
    assert len(rows) == 17
    for name, median, p10, _ in rows:
        assert float(p10) > 0, name
        assert float(p10) <= float(median), name
    # The four top-level phases make the whole request, each a share of its median.
    shares = {name: float(share) for name, _, _, share in rows}
    top = [
        "before the view: WSGI, middleware, URL",
        "DRF initial",
        "the view",
        "after the view: rendering, middleware, WSGI",
    ]
    assert 80 < sum(shares[name] for name in top) < 120


def test_the_bulk_benchmark_imports_its_articles_and_checks_them():
    """bench/bulk.py imports its articles through the bulk API and finds each stored once
    (the full run adds 22,000 as jobs)."""
    result = run_bench(
        "bench/bulk.py", "--sqlite-only", "--skip-large", "--rounds", "1", timeout=600
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "round 1: " in out and "created 200" in out
    assert "the same as 200 POST /api/articles/" in out and "statuses [201]" in out
    assert "articles stored 404 (sent 404), texts stored twice 0: ok" in out


def _bench_api():
    spec = importlib.util.spec_from_file_location("bench_api", ROOT / "bench" / "api.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_client_sends_again_when_a_kept_alive_connection_closes():
    """A server that closes a kept-alive connection as the next request arrives (as a
    busy gunicorn worker does) costs the benchmark no error: creating a tag is
    idempotent, so the client sends it again on a new connection."""
    bench = _bench_api()
    answer = b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def serve() -> None:
            first, _ = server.accept()
            first.recv(65536)
            first.sendall(answer)  # the first request is answered...
            first.recv(65536)
            first.close()  # ...the second arrives as the server closes the connection
            second, _ = server.accept()
            second.recv(65536)
            second.sendall(answer)
            second.close()

        thread = threading.Thread(target=serve)
        thread.start()
        conn = bench.Connection(server.getsockname()[1])
        post = bench.head("POST", "/api/tags/", "key")

        assert conn.send(post, b"{}") == (201, b"{}")
        assert conn.send(post, b"{}") == (201, b"{}")
        conn.close()
        thread.join(timeout=30)


@pytest.mark.slow
def test_the_peer_benchmark_measures_this_project_without_the_peers_installed():
    """bench/peers.py prints the project's own figures when no peer is installed, and
    its export holds every span it tagged (in bulk and one by one)."""
    result = run_bench(
        "bench/peers.py", "--articles", "5", "--rounds", "1", "--singles", "7", timeout=600
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Label Studio: not measured (LABEL_STUDIO_VENV is not set)" in out
    assert "doccano: not measured (DOCCANO_VENV is not set)" in out
    assert re.search(r"round 1, this project \(SQLite\): import [\d.]+ s, bulk [\d.]+ s", out)
    spans = int(re.search(r"5 articles, (\d+) spans tagged in bulk", out).group(1))
    assert spans > 5 * 20  # every claim sentence of five seed copies
    for figure in (
        "import 5 articles through the API (s)",
        "tag one span per request, server CPU (ms)",
        "article page load (ms)",
        "server memory (PSS, whole tree) (MB)",
    ):
        assert f"\n{figure}\n  this project (SQLite) " in out
    assert "export held" not in out  # the export holds exactly the spans sent
    assert "| figure | new | best peer | new ahead of the best peer |" in out
    assert "| server memory (PSS, whole tree) | " in out


@pytest.mark.slow
def test_the_peer_benchmark_measures_another_checkout_beside_this_one():
    """With --compare, each round runs the other checkout's code ("today") and this one
    ("new") one after the other, each exporting every span it tagged, and the table
    holds a column for each (here this checkout against itself)."""
    result = run_bench(
        *("bench/peers.py", "--compare", ".", "--compare-label", "HEAD"),
        *("--articles", "3", "--rounds", "1", "--singles", "4", "--reads", "5"),
        timeout=600,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"round 1, today \(SQLite\): import [\d.]+ s", out)
    assert re.search(r"round 1, new \(SQLite\): import [\d.]+ s", out)
    assert "export held" not in out
    assert "| figure | today (HEAD) | new | best peer | new ahead of the best peer |" in out
    assert re.search(r"\| tag one span per request \| [\d.]+ ms \| [\d.]+ ms \| — \| — \|", out)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("request_kind", "title"),
    [("single", "One span a request"), ("page", "An article page a request")],
)
def test_the_side_by_side_benchmark_measures_two_checkouts_in_turns(request_kind, title):
    """Both servers up at once, batches of one-span requests (or of article pages) to
    each in turns: each code's CPU a request and the ratio batch by batch (here this
    checkout against itself)."""
    result = run_bench(
        *("bench/side_by_side.py", "--compare", ".", "--request", request_kind),
        *("--articles", "4", "--warm", "2", "--batches", "2", "--batch", "20"),
        timeout=600,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"{title}, SQLite, 2 batches of 20 each:" in out
    assert len(re.findall(r"server CPU [\d.]+ ms a request \(batches: median", out)) == 2
    assert re.search(r"first / second, batch by batch: median ([\d.]+|n/a)", out)


@pytest.mark.slow
def test_the_side_by_side_benchmark_compares_two_interpreters():
    """--compare-python: this checkout served by this interpreter and by another (here the
    same one), in turns."""
    result = run_bench(
        *("bench/side_by_side.py", "--compare-python", sys.executable),
        *("--articles", "4", "--warm", "2", "--batches", "2", "--batch", "20"),
        timeout=600,
    )

    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "server CPU" in line]
    assert len(lines) == 2
    assert all(f"served by {sys.executable}: server CPU" in line for line in lines)
    assert re.search(r"first / second, batch by batch: median ([\d.]+|n/a)", result.stdout)


@pytest.mark.slow
def test_the_floor_benchmark_measures_each_layer_of_a_tag_write():
    """Four kinds of request in turns, each answered as the script expects it (it stops at
    any other status: the 401 without a token, the 400 for a label that does not exist,
    201 for a new span), then the same requests in process, the write with and without
    pauses."""
    result = run_bench(
        *("bench/floor.py", "--articles", "4", "--warm", "2", "--batches", "2"),
        *("--batch", "20", "--rounds", "3", "--requests", "10"),
        timeout=600,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Server CPU a request, ms, SQLite, 2 batches of 20 each kind" in out
    rows = re.findall(r"^  (\S.*?) +(\d+\.\d{3}) \((\d+\.\d{3})-(\d+\.\d{3})\)", out, re.M)
    assert [name for name, *_ in rows] == [
        "gunicorn alone (a WSGI app of a few lines)",
        "the stack, refused (GET /api/tokens/, no token: 401)",
        "a tag write refused (POST /api/tags/, bad label: 400)",
        "one span (POST /api/tags/)",
        "a tag write refused (400), back to back",
        "one span, back to back",
        "one span, a pause of 0.2 ms between writes",
        "one span, a pause of 1.0 ms between writes",
    ]
    # Each layer after the first with its difference from the one above.
    assert len(re.findall(r"\) {2}[+-]\d+\.\d{3}$", out, re.M)) == 3
    # In process the clock is exact: every write took some CPU.
    assert all(float(median) > 0 for _, median, *_ in rows[4:])


def _bench_peers():
    _bench_api()  # bench/peers.py imports it as `api`
    spec = importlib.util.spec_from_file_location("bench_peers", ROOT / "bench" / "peers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_peer_benchmark_tables_today_new_and_the_best_peer_with_the_ratio():
    """The README's table: each figure's median for today's code and the new on SQLite /
    PostgreSQL, the best (lowest) peer, and how many times better than it new is."""
    bench = _bench_peers()
    figures = bench.Figures
    results = {
        "today (SQLite)": [figures(import_s=2.9), figures(import_s=3.1), figures(import_s=2.8)],
        "new (SQLite)": [figures(import_s=0.26), figures(import_s=0.3), figures(import_s=0.2)],
        "today (PostgreSQL)": [figures(import_s=3.6)] * 3,
        "new (PostgreSQL)": [figures(import_s=0.52)] * 3,
        "Label Studio": [figures(import_s=0.13)] * 3,
        "doccano": [figures(import_s=20.0)] * 3,
    }

    lines = bench.table(results, spans=6600, articles=200, old="e44e7bd")

    assert lines[0] == "| figure | today (e44e7bd) | new | best peer | new ahead of the best peer |"
    assert lines[2] == (
        "| import 200 articles through the API | 2.90 / 3.60 s | 0.260 / 0.520 s "
        "| Label Studio 0.130 s | 0.50× / 0.25× |"
    )
    assert lines[3].startswith("| &nbsp;&nbsp;server CPU | ")
    assert lines[4].startswith("| tag 6,600 spans, one bulk request an article | ")
