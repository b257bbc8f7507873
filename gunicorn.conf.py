"""How gunicorn runs the app. `gunicorn config.wsgi --bind ADDRESS` reads this file
from the directory it starts in: the README's deploy line, bench/api.py and the tests
that start a server all run with it.

- Two worker processes (WEB_CONCURRENCY sets another number).
- Two threads each (GUNICORN_THREADS sets another number), gthread workers: a worker
  serves a second request while the first waits on the database, and a client's
  connection is kept alive between its requests (a script sends tag after tag on one
  connection). The worker is gthread with one change (config/workers.py): a thread
  that has answered on a connection serves the client's next request itself when it
  comes within 2 ms and no other connection waits for a thread, instead of handing the
  connection back to the worker's poller in between.
- A worker holds at most as many connections as it has threads, plus one kept alive
  between requests; beyond that it closes a connection after answering on it, and the
  client's next connection goes to whichever worker accepts it first. Without a limit
  (gunicorn's default is 1,000) a kept-alive connection stays with the worker that
  accepted it for good, so a few busy clients can end up in one worker, one process with
  one core for Python, while the other worker idles. bench/api.py (4 clients, 2 workers)
  lost up to a third of its throughput when its clients split 3 to 1.
- Timeouts for threaded workers. `timeout` is how long the master waits for a worker's
  heartbeat before killing it; a gthread worker's main loop beats whatever its request
  threads do, so it only catches a worker that is stuck as a whole. What bounds a
  request is the database's own timeouts (DATABASE_CONNECT_TIMEOUT,
  DATABASE_STATEMENT_TIMEOUT, DATABASE_LOCK_TIMEOUT in settings): a request waiting on
  a database that is down, paused or locked fails with a 503 instead of holding a
  thread for ever. `graceful_timeout` (on restart, the time in-flight requests get to
  finish) is a little longer than the statement timeout, `keepalive` how long an idle
  client's connection is kept for its next request.
- When the master dies (killed, out of memory), its workers notice within a second and
  stop, but gunicorn has them keep the listening socket until their last requests end
  (up to graceful_timeout), and a new master started meanwhile fails with "Connection in
  use" until then. Here (post_worker_init, below) an orphaned worker closes its listening
  socket as soon as it notices, then finishes its requests: the port is free for the new
  master within a second or two.
- The master loads the app (`preload_app`) and its URLconf, with every view, before it
  starts the workers (when_ready, below), and freezes what it loaded out of the garbage
  collector's reach: the workers share those pages with it instead of each loading its
  own copy, and a collection in a worker does not write to them (which would copy them
  into the worker). The tree's PSS after start went from ~144 MB (each worker loading
  its own copy) to ~93 MB (bench/memory.py, with the confusables table now loaded on
  first use). A code change therefore takes a restart of the master (HUP reloads
  the configuration and starts new workers from the code the master holds).
"""

import gc
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "config.workers.ThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_connections = threads + 1
timeout = 60
graceful_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30")) + 5
keepalive = 5
preload_app = True


def when_ready(server) -> None:
    """Load in the master what a worker would load on its first request, and keep the
    garbage collector off it (see the docstring above)."""
    from django.db import connections
    from django.urls import get_resolver

    # What a worker's first request does: import the URLconf, and so every view, and
    # build the resolver's look-up tables.
    get_resolver()._populate()
    # A connection opened while loading must not be shared by the workers.
    connections.close_all()
    gc.freeze()


def post_worker_init(worker) -> None:
    """Make the worker close its listening sockets as soon as it finds its master gone."""
    parent_alive = worker.is_parent_alive

    def is_parent_alive() -> bool:
        if parent_alive():
            return True
        worker.set_accept_enabled(False)
        for listener in worker.sockets:
            listener.close()
        return False

    worker.is_parent_alive = is_parent_alive
