"""Where a one-span tag request's time goes: `.venv/bin/python bench/request_phases.py`.

The same site and request as bench/fast_paths.py's tag write (POST /api/tags/ with a
token, through the WSGI handler and the whole middleware stack, DEBUG off, the rates
counted in the database cache), on SQLite and, when DATABASE_URL points at a PostgreSQL
server, on a new database there (dropped at the end). Each phase of the request is timed
by wrapping the function that does it (DRF's steps, the view's steps, the SQL that
matters), and the script prints, for --requests requests (default 3,000), each phase's
median and 10th percentile of wall time in microseconds and its share of the whole
request's median. The phases nest: the view's steps are part of "the view", the commit
and the tag's statements part of "saving". Wrapping costs ~0.3 us a phase, so the
figures are for where the time goes, not for the request's own speed (bench/peers.py
and bench/api.py measure that through gunicorn).

Issue 19 asks for a one-span request at 1.5 ms of server CPU or less. On 3 December
2026 (SQLite, at night, a machine about 1.5x slower than on quiet mornings) this printed
a request of ~1.0-1.1 ms in process, p10 (median): Django and the middleware before the
view 107 (111) us; DRF's `initial` 281 (297): authentication 128 (134, the token
statement, the user and permissions), rates 102 (107, of which the counters' upsert in the
cache's own SQLite file 75), content negotiation 36 (38), permissions 9; the view 496
(536): reading the body 44 (46, DRF's media type parsing and stream handling; json itself
~3), checking it 88 (91), finding the sentence, its article and outlets 85 (89), saving
192 (210: the tag and its revision 70, the commit 50, the rest the transaction and the
service's checks), writing the tag out 25, the Response 19; after the view (rendering,
the middleware's answers, the WSGI response) 96 (100). No phase is a tenth of the
request but the SQL, each statement of which is already one round trip written out by
hand (core/db). On PostgreSQL the figures are wall time with the round trips to the
server in them (the same night, medians): authentication 807 us (its statement also
counts the rates, so "rates" is 15), finding the sentence 449, the tag's one statement
(tag, revision and commit together) 913, of a request of 3.4 ms. Since 4 December 2026
the tag's statement reads the sentence too (core.db.tags.write_claim): that evening,
the machine slow (the same request on SQLite took 1.5-1.9 ms), the one statement took
872 us, of a request of 2.7 ms.

Tried that night and left:
- gunicorn_h1c, the C HTTP parser gunicorn uses when installed (gunicorn 27's `fast`
  extra): the package index here has 0.6.10 (source only), older than the 0.6.14 that
  gunicorn 27.0.1 asks for. Built and installed for a test, the one-span request took
  more CPU with it than with gunicorn's Python parser in each of 3 interleaved rounds
  (2.01 / 3.90 / 4.60 against 1.78 / 3.31 / 2.98 ms, bench/peers.py's workload): not
  adopted.
- The garbage collector. Each request leaves ~126 objects in reference cycles (the
  request, DRF's Request and view, the serializers and their bound fields, the model
  instances), which only the collector frees: 0.15 collections a request. With the
  collector off and on in alternating batches of 40 requests (collected between
  batches, untimed), 74 batches each: 1.573 ms against 1.574 ms median CPU a request.
  Raising the threshold (20,000 / 20 / 100) made each collection ~40 times longer and
  the request no faster. Nothing to gain there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import fast_paths  # noqa: E402  (bench/fast_paths.py: the site and its requests)

# (label, what it is part of) in the order printed
PHASES = [
    ("before the view: WSGI, middleware, URL", ""),
    ("DRF initial", ""),
    ("authentication", "DRF initial"),
    ("rates", "DRF initial"),
    ("rates: the counters' statement", "rates"),
    ("content negotiation", "DRF initial"),
    ("permissions", "DRF initial"),
    ("the view", ""),
    ("reading the body", "the view"),
    ("checking the body", "the view"),
    ("saving", "the view"),
    ("saving: finding the sentence", "saving"),
    ("saving: the tag and its revision", "saving"),
    ("saving: the sentence and the tag, at once", "saving"),
    ("saving: commit", "saving"),
    ("writing the tag out", "the view"),
    ("the Response", "the view"),
    ("after the view: rendering, middleware, WSGI", ""),
]


def instrument(marks: dict[str, int]) -> None:
    """Wrap each phase's function so that it adds its wall time (ns) to `marks`."""
    from django.db.backends.base.base import BaseDatabaseWrapper
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView

    import annotator.api.views.tags as views
    import annotator.services.tagging as tagging
    import core.db.tags as tag_sql
    from annotator.api.serializers import TagSerializer
    from core.cache import DatabaseCache

    clock = time.perf_counter_ns

    def timed(original: Callable, label: str) -> Callable:
        """`original`, adding its wall time to `marks[label]` at each call."""

        def wrapper(*args, **kwargs):
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                marks[label] = marks.get(label, 0) + clock() - started

        return wrapper

    def dispatch(self, request, *args, **kwargs):
        marks["dispatch started"] = clock()
        try:
            return original_dispatch(self, request, *args, **kwargs)
        finally:
            marks["dispatch ended"] = clock()

    original_dispatch = APIView.dispatch
    APIView.dispatch = dispatch
    for owner, name, label in [
        (APIView, "initial", "DRF initial"),
        (APIView, "perform_authentication", "authentication"),
        (APIView, "check_throttles", "rates"),
        (APIView, "perform_content_negotiation", "content negotiation"),
        (APIView, "check_permissions", "permissions"),
        (Request, "_parse", "reading the body"),
        (views, "validated", "checking the body"),
        (views, "save_tag_on", "saving"),
        # SQLite: the sentence, then the tag; PostgreSQL: both in one statement.
        (tagging, "sentences_for_tagging", "saving: finding the sentence"),
        (tag_sql, "write_tag", "saving: the tag and its revision"),
        (tag_sql, "write_claim", "saving: the sentence and the tag, at once"),
        (BaseDatabaseWrapper, "_commit", "saving: commit"),
        (DatabaseCache, "count", "rates: the counters' statement"),
        (Response, "__init__", "the Response"),
        # The view's own time is what dispatch took less `initial` and this (`phases`).
        (APIView, "finalize_response", "finalize"),
    ]:
        setattr(owner, name, timed(getattr(owner, name), label))
    TagSerializer.data = property(timed(TagSerializer.data.fget, "writing the tag out"))


def phases(write: Callable[[], int], marks: dict[str, int]) -> dict[str, int]:
    """One tag write, timed: each phase's nanoseconds."""
    marks.clear()
    started = time.perf_counter_ns()
    status = write()
    ended = time.perf_counter_ns()
    assert status in (200, 201), status
    found = dict(marks)
    found["the whole request"] = ended - started
    found["before the view: WSGI, middleware, URL"] = found["dispatch started"] - started
    found["after the view: rendering, middleware, WSGI"] = ended - found["dispatch ended"]
    found["the view"] = (
        found["dispatch ended"]
        - found["dispatch started"]
        - found["DRF initial"]
        - found.get("finalize", 0)
    )
    return found


def measure(label: str, options: argparse.Namespace) -> None:
    requests = fast_paths.site()
    for _ in range(len(requests.claims)):  # every claim tagged once; warm-up
        requests.write()
    marks: dict[str, int] = {}
    instrument(marks)
    runs = [phases(requests.write, marks) for _ in range(options.requests)]
    whole = statistics.median(run["the whole request"] for run in runs) / 1000
    print(
        f"\n{label}: {options.requests} tag writes (POST /api/tags/, one span each), "
        f"in this process. The whole request: median {whole:.0f} us, 10th percentile "
        f"{_p10(runs, 'the whole request'):.0f} us. Each phase, us (median, p10, share "
        "of the request's median):"
    )
    parents = dict(PHASES)
    for name, parent in PHASES:
        if not any(name in run for run in runs):
            continue  # the other database's phase
        median = statistics.median(run.get(name, 0) for run in runs) / 1000
        depth = 0
        while parent:
            depth += 1
            parent = parents[parent]
        indent = "  " * (depth + 1)
        print(
            f"{indent}{name:{46 - 2 * depth}} {median:7.1f}  {_p10(runs, name):7.1f}  "
            f"{median / whole:6.1%}"
        )
    sys.stdout.flush()


def _p10(runs: list[dict[str, int]], name: str) -> float:
    values = sorted(run.get(name, 0) for run in runs)
    return values[len(values) // 10] / 1000


def main() -> None:
    parser = fast_paths.options_parser(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    fast_paths.run(__file__, "phases", measure, parser.parse_args())


if __name__ == "__main__":
    main()
