"""How gunicorn runs the app. `gunicorn config.wsgi --bind ADDRESS` reads this file
from the directory it starts in: the README's deploy line, bench/api.py and the tests
that start a server all run with it.

- Two worker processes (WEB_CONCURRENCY sets another number).
- Two threads each (GUNICORN_THREADS sets another number), gthread workers: a worker
  serves a second request while the first waits on the database, and a client's
  connection is kept alive between its requests (a script sends tag after tag on one
  connection).
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
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_connections = threads + 1
timeout = 60
graceful_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30")) + 5
keepalive = 5


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
