"""PostgreSQL as Django's backend runs it, with a health check that costs no round trip.

Connections are kept open between requests (CONN_MAX_AGE) and checked before a request
uses one (CONN_HEALTH_CHECKS), so that a connection the server has closed (a restart,
an administrator's pg_terminate_backend) is replaced instead of failing the request.
Django checks by running SELECT 1, a round trip to the server on every request. When a
server closes a connection it says so on the socket (an error message, then end of
file), so a connection that has received nothing since its last statement, is idle and
is in good standing with libpq is usable as it stands: checking that is a poll of the
socket with no wait. Anything else (something arrived, a transaction is open, libpq
reports a problem) gets Django's SELECT 1.

What neither check can tell quickly is a server that vanished without a word (a network
cut): SELECT 1 would wait for TCP to give up, as the request's own statement now does."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import Error, pq

from core.fast_paths import fast_path


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if not fast_path("connection_check"):  # core/fast_paths.py
            return super().is_usable()
        if self.connection is None or self.connection.closed:
            return False
        pgconn = self.connection.pgconn
        try:
            quiet = (
                pgconn.status == pq.ConnStatus.OK
                and pgconn.transaction_status == pq.TransactionStatus.IDLE
                and not _readable(pgconn.socket)
            )
        except (Error, OSError):
            return False
        return quiet or super().is_usable()


def _readable(fd: int) -> bool:
    """Whether the server has sent anything (or closed the socket) not yet read."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
