"""Rates hold for the whole site: two gunicorn workers, counting in the shared cache
(the database by default, Redis with REDIS_URL), together allow exactly the documented
rate, not once per worker. Behind a trusted proxy clients are told apart by the address
the proxy forwards, the same way for the API's throttles and join-code attempts."""

from __future__ import annotations

import http.client
import json
import os
import threading

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import api_key
from tests.live import gunicorn, live_database_url

# CI starts a Redis server (.ci/run); locally one runs at the same address.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _send_all(port: int, requests: list[tuple[str, str, dict, bytes]]) -> list[int]:
    """Send the requests from 8 threads at once, each on a connection of its own (so that
    both workers take some), and return the statuses."""
    statuses: list[int] = []
    lock = threading.Lock()

    def send(batch):
        for method, path, headers, body in batch:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(method, path, body=body or None, headers=headers)
            status = conn.getresponse().status
            conn.close()
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=send, args=(requests[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cache", ["database", "redis"])
@pytest.mark.slow
def test_two_workers_together_allow_exactly_the_write_rate(tmp_path, student, sentence, cache):
    key = api_key(student)
    env = {"API_THROTTLE_WRITE": "20/day", "API_THROTTLE_ANON": "10/day"}
    if cache == "redis":
        try:
            redis.Redis.from_url(REDIS_URL).flushdb()
        except redis.ConnectionError:
            pytest.fail(f"no Redis server at {REDIS_URL} (CI starts one: .ci/run)")
        env["REDIS_URL"] = REDIS_URL
    headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    # The same claim every time: creating a tag is idempotent, and each request counts.
    body = json.dumps({"sentence": sentence.pk, "label": "opinion"}).encode()
    writes = [("POST", "/api/tags/", headers, body)] * 40
    anonymous = [("GET", "/api/docs/", {}, b"")] * 20

    with gunicorn(live_database_url(tmp_path), workers=2, env=env) as port:
        write_statuses = _send_all(port, writes)
        anonymous_statuses = _send_all(port, anonymous)

    assert sorted(set(write_statuses)) == [200, 201, 429]
    assert sum(status in (200, 201) for status in write_statuses) == 20
    assert anonymous_statuses.count(200) == 10
    assert anonymous_statuses.count(429) == 10
    if cache == "redis":
        assert redis.Redis.from_url(REDIS_URL).keys("*throttle_write*")


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "2/day",
        },
    }
    settings.CLASSROOM_JOIN_MAX_FAILURES_PER_IP = 2


def _via_proxy(forwarded_for: str) -> dict:
    # What the proxy passes on: the client's own header (perhaps forged), then the
    # address the proxy saw; the connection comes from the proxy.
    return {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for}


def test_behind_a_proxy_the_api_counts_each_forwarded_client_apart(db, behind_one_proxy):
    alice, bob = APIClient(), APIClient()

    first = [alice.get("/api/docs/", **_via_proxy("192.0.2.7")).status_code for _ in range(3)]
    forged = alice.get("/api/docs/", **_via_proxy("198.51.100.1, 192.0.2.7")).status_code
    other = bob.get("/api/docs/", **_via_proxy("192.0.2.8")).status_code

    assert first == [200, 200, 429]
    assert forged == 429  # a forged address on the left does not make a new client
    assert other == 200


def test_behind_a_proxy_join_attempts_count_each_forwarded_client_apart(db, behind_one_proxy):
    def attempt(address: str) -> int:
        return (
            Client().post("/classes/join/", {"code": "WRONGCOD"}, **_via_proxy(address)).status_code
        )

    first = [attempt("192.0.2.7") for _ in range(3)]
    other = attempt("192.0.2.8")

    assert first == [400, 400, 429]
    assert other == 400


def test_counts_are_kept_however_many_clients_are_counted(db):
    # Django's database cache deletes a third of its entries past MAX_ENTRIES (300 by
    # default), live counts among them; the counts of many clients must all stay.
    cache = caches["default"]
    cache.add("a-client", 1, 3600)
    for n in range(400):
        cache.add(f"client-{n}", 1, 3600)

    assert cache.incr("a-client") == 2


def test_a_wrong_key_counts_nothing_against_the_tokens_user(db, student, sentence):
    from core.cache.models import Counter

    key = api_key(student)
    # The stored token is found by the key's first characters; the rest is wrong.
    forged = key[:15] + ("0" if key[15] != "0" else "1") + key[16:]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {forged}")

    refused = client.post("/api/tags/", {"sentence": sentence.pk, "label": "opinion"})
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    accepted = client.post("/api/tags/", {"sentence": sentence.pk, "label": "opinion"})

    assert refused.status_code == 401
    assert accepted.status_code == 201
    # The one request that got in counted once, as a request and as a write.
    counts = Counter.objects.filter(key__contains=f"_{student.pk}:")
    assert sorted(counts.values_list("count", flat=True)) == [1, 1]
