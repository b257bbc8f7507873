"""The hand-written SQL, all of it but the cache's and the token check's (core/cache,
core/api/authentication.py, core/auth/backend.py): written out where a benchmark showed the
ORM's statement building to cost more than the database's work (bench/workspace.py,
bench/api.py, bench/ingest.py).

One module per concern (`tags`, `workspace`, `bulk`); every statement takes its table and
column names from the models (`sql.Columns`), uses named placeholders, and has an ORM twin
beside it (the function of the same name ending in `_orm`) that tests/db compares it with on
both databases. Core imports no app: the models come from the app registry (`sql.model`)."""
