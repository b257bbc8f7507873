"""Two clients tagging the same claim at the same moment, as the same reviewer (a double
click, a script retrying): one tag, one revision, and no error for either.

The app runs as it is deployed, under gunicorn with two worker processes of two
threads, on the test database; the two requests leave two threads at once and are
served by two server threads at once, so on PostgreSQL the two transactions overlap for
real. For SQLite the in-memory test
database is first copied to a file (worker processes cannot share memory), where, as in
production, a write transaction takes the lock when it begins and the other waits."""

from __future__ import annotations

import http.client
import json
import sqlite3
import threading

import pytest
from django.db import connection
from django.db.models import Count

from annotator.models import ClaimTag, Sentence, TagRevision
from tests.conftest import api_key
from tests.live import gunicorn, live_database_url

ROUNDS = 12


def _post(port: int, key: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/tags/",
        json.dumps(body),
        {"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    return response.status


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_two_clients_tagging_the_same_claim_at_once_leave_one_tag(tmp_path, seeds, student):
    sentences = list(Sentence.objects.filter(article=seeds["002"]).order_by("position"))[:ROUNDS]
    key = api_key(student)
    database_url = live_database_url(tmp_path)
    statuses: list[list[int]] = []
    failures: list[BaseException] = []

    def tag(port: int, sentence: Sentence, barrier: threading.Barrier, out: list) -> None:
        try:
            barrier.wait(timeout=10)
            out.append(_post(port, key, {"sentence": sentence.pk, "label": "opinion"}))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    with gunicorn(database_url, workers=2) as port:
        for sentence in sentences:
            barrier, out = threading.Barrier(2), []
            threads = [
                threading.Thread(target=tag, args=(port, sentence, barrier, out)) for _ in "ab"
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            statuses.append(sorted(out))

    assert failures == []
    assert statuses == [[200, 201]] * ROUNDS
    ids = [s.pk for s in sentences]
    if connection.vendor == "sqlite":
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as live:
            marks = ",".join("?" * len(ids))
            tags = live.execute(
                f"SELECT sentence_id, count(*) FROM annotator_claimtag "
                f"WHERE sentence_id IN ({marks}) GROUP BY sentence_id",
                ids,
            ).fetchall()
            revisions = live.execute(
                f"SELECT count(*) FROM annotator_tagrevision WHERE sentence_id IN ({marks})", ids
            ).fetchone()[0]
    else:
        tags = list(
            ClaimTag.objects.filter(sentence__in=ids)
            .values_list("sentence")
            .annotate(n=Count("pk"))
        )
        revisions = TagRevision.objects.filter(sentence__in=ids).count()
    assert sorted(tags) == [(pk, 1) for pk in sorted(ids)]
    assert revisions == ROUNDS
