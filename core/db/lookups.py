"""`in_ids`: a key among a list of ids, the list sent as one parameter.

`Sentence.objects.filter(article_id__in_ids=ids)` selects what `article_id__in=ids`
selects. Django's `in` writes one placeholder per value and prepares each value through
the field, every time a query is built: for an export's chunk of 100 articles that was
2.1 of the 4.7 ms it took to build and compile the chunk's four queries (bench/export.py).
Here the ids are one parameter: an array on PostgreSQL (`= ANY(%s)`), a JSON array on
SQLite (`IN (SELECT value FROM json_each(%s))`). The values must be integers (ids): a
list of anything else is refused when the query is built."""

from __future__ import annotations

import json

from django.db.models import ForeignObject, IntegerField, Lookup


class InIds(Lookup):
    lookup_name = "in_ids"

    def get_prep_lookup(self) -> list[int]:
        if isinstance(self.rhs, str | bytes):
            raise TypeError(f"in_ids takes a list of integers, not {self.rhs!r:.80}")
        ids = list(self.rhs)
        if not all(type(i) is int for i in ids):
            raise TypeError(f"in_ids takes a list of integers, not {ids!r:.80}")
        return ids

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(self.rhs)]


def register() -> None:
    """On every integer field and every foreign key (core's AppConfig.ready)."""
    IntegerField.register_lookup(InIds)
    ForeignObject.register_lookup(InIds)
