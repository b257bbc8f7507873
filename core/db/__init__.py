"""The hand-written SQL, every connection.cursor() of core and the apps but the framing
figures': written out where a benchmark showed the ORM's statement building to cost more
than the database's work (bench/workspace.py, bench/api.py, bench/ingest.py).

One module per concern (`tags`, `workspace`, `bulk`, `permissions`, `tokens`, `counters`);
every statement takes its table and column names from the models (`sql.Columns`), uses
named placeholders (but the bulk insert's executemany), and has an ORM twin beside it (the
function of the same name ending in `_orm`) that tests/core/db compares it with on both
databases. Core imports no app: the models come from the app registry (`sql.model`).

Two helpers work with the ORM's own querysets instead: `read_ahead` (on PostgreSQL, a
series of queries sent one batch ahead of the caller, in pipeline mode) and `lookups`
(`in_ids`, a list of ids as one parameter)."""
