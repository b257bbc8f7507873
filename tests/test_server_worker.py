"""The gunicorn worker that gunicorn.conf.py runs (config/workers.py): a client's next
request on a kept-alive connection is served by the thread that answered its last, but
never at the expense of another connection waiting for a thread; a client that stays
quiet for longer keeps its connection; requests sent together are all answered, in order.

The server runs the worker on a small WSGI app (tests/server_probe.py) that answers with
the thread that served the request and the body it was sent; tests/test_settings.py
checks that gunicorn.conf.py runs this worker."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.live import _free_port, serving

pytestmark = pytest.mark.slow


@contextmanager
def _server(tmp_path, *, threads: int, linger_ms: int) -> Iterator[int]:
    """gunicorn with one worker of `threads` threads, as gunicorn.conf.py sets up its
    workers, the linger `linger_ms`; yields its port."""
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(
        'worker_class = "config.workers.ThreadWorker"\n'
        f"workers = 1\nthreads = {threads}\nworker_connections = {threads + 1}\nkeepalive = 5\n"
    )
    port = _free_port()
    arguments = ["-c", str(config), "tests.server_probe:application"]
    arguments += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    env = {**os.environ, "GUNICORN_LINGER_MS": str(linger_ms)}
    with serving(arguments, env, port) as port:
        yield port


def _post(conn: http.client.HTTPConnection, body: str) -> tuple[dict, http.client.HTTPResponse]:
    conn.request("POST", "/", body, {"Content-Type": "text/plain"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    assert response.status == 200
    return answer, response


def test_back_to_back_requests_on_one_connection_are_answered_in_order_by_one_thread(tmp_path):
    with _server(tmp_path, threads=2, linger_ms=1000) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        answers = [_post(conn, f"request {n}")[0] for n in range(30)]
        conn.close()

    assert [a["sent"] for a in answers] == [f"request {n}" for n in range(30)]
    # The thread that answered kept the connection for the next request each time (in
    # gthread they take turns: the connection goes back to the poller in between).
    assert len({a["thread"] for a in answers}) == 1


def test_a_client_sending_request_after_request_does_not_keep_the_thread_from_another(tmp_path):
    # One thread: while the busy client's requests keep coming, the other client's one
    # request waits for that thread, which must give it up after its current request.
    with _server(tmp_path, threads=1, linger_ms=1000) as port:
        other_answered = threading.Event()
        busy_answers: list[str] = []
        failures: list[BaseException] = []
        gave_up: list[bool] = []

        def busy() -> None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                deadline = time.monotonic() + 20
                n = 0
                while not other_answered.is_set():
                    if time.monotonic() > deadline:
                        gave_up.append(True)
                        break
                    busy_answers.append(_post(conn, f"busy {n}")[0]["sent"])
                    n += 1
                conn.close()
            except BaseException as exc:  # reported by the test's thread
                failures.append(exc)

        sender = threading.Thread(target=busy)
        sender.start()
        while not busy_answers and sender.is_alive():
            time.sleep(0.01)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        answer, _ = _post(conn, "the other client")
        other_answered.set()
        conn.close()
        sender.join(timeout=60)

    assert failures == []
    assert answer["sent"] == "the other client"
    # The busy client was still sending when the other was answered: the other was not
    # kept waiting until the busy one stopped.
    assert not sender.is_alive()
    assert gave_up == []
    assert busy_answers and busy_answers == [f"busy {n}" for n in range(len(busy_answers))]


def test_a_client_quiet_for_longer_than_the_linger_keeps_its_connection(tmp_path):
    with _server(tmp_path, threads=1, linger_ms=20) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        first, response = _post(conn, "first")
        assert response.getheader("Connection", "").lower() != "close"
        kept = conn.sock
        time.sleep(0.3)  # the thread has given the connection back to the poller
        second, _ = _post(conn, "second")
        assert conn.sock is kept  # the same connection, not a new one
        conn.close()

    assert (first["sent"], second["sent"]) == ("first", "second")


def test_requests_sent_together_on_one_connection_are_all_answered_in_order(tmp_path):
    # The parser reads the second and third requests along with the first: they do not
    # make the socket readable again, and must be served all the same.
    requests = b"".join(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        for body in (b"one", b"two", b"three")
    )
    with (
        _server(tmp_path, threads=2, linger_ms=5000) as port,
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        started = time.monotonic()
        sock.sendall(requests)
        received = b""
        while received.count(b'"sent": ') < 3:
            chunk = sock.recv(65536)
            assert chunk, f"the server closed the connection after {received!r}"
            received += chunk
        took = time.monotonic() - started

    # at once: not after the thread's wait for the socket to become readable
    assert took < 2.5
    sent = [
        json.loads(part.split(b"\r\n\r\n", 1)[1].split(b"}")[0] + b"}")["sent"]
        for part in received.split(b"HTTP/1.1 200 OK")[1:]
    ]
    assert sent == ["one", "two", "three"]
