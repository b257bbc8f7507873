"""The gunicorn worker that gunicorn.conf.py runs: gunicorn's own gthread worker, with one
change to where a kept-alive connection's next request is served.

In gthread, a request's thread answers it and hands the connection back to the worker's
main thread, which puts it on its poller; when the client's next request arrives, the
main thread takes it off the poller and hands it to a thread again. That round trip (two
thread wake-ups, a pipe write and read, the poller registered and unregistered, the socket
switched between blocking and not) is about a third of gunicorn's CPU for a small
request: a script that sends tag after tag on one connection paid it on every one.

Here the thread that answered keeps the connection for `LINGER_MS` milliseconds more, and
when the client's next request arrives within them, serves it at once. It does so only while
no other connection is waiting for a thread of the worker: a client that sends request
after request does not keep a thread from the others. A connection whose client stays
quiet longer goes back to the poller as in gthread, where keep-alive's own timeout
applies.
"""

from __future__ import annotations

import os
import select
import threading

from gunicorn.workers import gthread

# How long a thread waits for the next request on the connection it has just answered
# (GUNICORN_LINGER_MS sets another, 0 turns the wait off): a client script's turn between
# a response and its next request takes ~0.1-0.3 ms on a quiet machine, more on a busy one.
LINGER_MS = int(os.environ.get("GUNICORN_LINGER_MS", "2"))


class ThreadWorker(gthread.ThreadWorker):
    """gthread, serving a kept-alive connection's next request in the thread that answered
    its last when it comes within `LINGER_MS` milliseconds and no other connection waits."""

    def init_process(self) -> None:
        self.waiting = 0  # connections handed to the thread pool, not yet taken up
        self.waiting_lock = threading.Lock()
        super().init_process()

    def enqueue_req(self, conn) -> None:
        with self.waiting_lock:
            self.waiting += 1
        super().enqueue_req(conn)

    def handle(self, conn):
        with self.waiting_lock:
            self.waiting -= 1
        readable = None
        while True:
            keep = super().handle(conn)
            if keep is not True or not self.alive or self.waiting or not LINGER_MS:
                return keep
            # Bytes of the next request that the parser has read already do not make the
            # socket readable again: they are served at once.
            if not conn.parser.unreader.buf.getvalue():
                if readable is None:
                    readable = select.poll()
                    readable.register(conn.sock, select.POLLIN)
                if not readable.poll(LINGER_MS):
                    return keep
