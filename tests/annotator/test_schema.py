"""The annotator's tables keep no index that another index already gives: every index is
one more write for each row, and these tables are the ones written most (an import's
sentences, a tag and its revision on every tag)."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from annotator.models import Sentence

ANNOTATOR = apps.get_app_config("annotator")


def _indexes(table: str) -> dict[str, dict]:
    """The table's indexes, unique constraints and primary key, by name."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: c for name, c in found.items() if c["index"] or c["unique"] or c["primary_key"]}


def _repeated(table: str, partial: set[str]) -> list[str]:
    """The table's plain indexes whose columns lead another index (or a unique one):
    every lookup they serve, the other serves too."""
    found = _indexes(table)
    repeated = []
    for name, index in found.items():
        # PostgreSQL's "_like" twin of a text column's index sorts by pattern (LIKE
        # 'prefix%'), which the other cannot: Django makes one for each such column.
        if index["unique"] or index["primary_key"] or name in partial or name.endswith("_like"):
            continue
        columns = index["columns"]
        for other, led in found.items():
            if other != name and other not in partial and led["columns"][: len(columns)] == columns:
                repeated.append(f"{table}: {name} {columns} leads {other} {led['columns']}")
    return repeated


def test_no_index_of_the_annotator_repeats_the_lead_of_another(db):
    # A partial index or unique constraint (WHERE ...) holds fewer rows than a plain one:
    # neither stands in for the other.
    partial = {
        index.name
        for model in ANNOTATOR.get_models()
        for index in [*model._meta.indexes, *model._meta.constraints]
        if getattr(index, "condition", None) is not None
    }
    repeated = [
        found
        for model in ANNOTATOR.get_models()
        for found in _repeated(model._meta.db_table, partial)
    ]

    assert repeated == []


def test_a_sentence_s_article_is_found_through_its_unique_position(db):
    # The foreign key's own index is gone (migration 0015): the unique constraint on
    # (article, position) serves a lookup by article, which every page and export makes.
    indexes = _indexes(Sentence._meta.db_table)

    assert not [name for name, c in indexes.items() if c["columns"] == ["article_id"]]
    assert any(c["unique"] and c["columns"] == ["article_id", "position"] for c in indexes.values())
    if connection.vendor == "sqlite":
        sql = 'SELECT "id" FROM "annotator_sentence" WHERE "article_id" = %s'
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, [1])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING COVERING INDEX sqlite_autoindex_annotator_sentence" in plan
