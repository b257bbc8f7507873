"""What every article page reads besides its sentences and tags, in one statement written
out: the article with its publisher and origin, whether its provenance was ever
corrected (annotator.permissions.readable_article), and, for the page, the outlets it
offers. The ORM took ten times longer to build the article's query than the database to
run it (bench/workspace.py), and on PostgreSQL each statement more is one more round trip
of the page. Built once per database and shape; its ORM twins, `<name>_orm`, read the
same through the ORM."""

from __future__ import annotations

import json
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, Model, OuterRef

from core.db.instances import row_instance
from core.db.sql import Columns, execute, model


class OutletChoice(NamedTuple):
    """An outlet as the article page offers it (the panel's list, the editor's choices)."""

    pk: int
    name: str


@cache
def _names(of: type[Model]) -> tuple[str, ...]:
    """The model's concrete fields' attnames: the columns the article's statement reads."""
    return tuple(f.attname for f in of._meta.concrete_fields)


@cache
def _article_sql(vendor: str, choices: bool) -> str:  # per database: see _choices_sql
    article, outlet = Columns(model("annotator.Article")), Columns(model("sources.Outlet"))
    correction = Columns(model("annotator.OutletCorrection"))
    outlets = _names(model("sources.Outlet"))
    joins = "\n".join(
        f'LEFT JOIN {outlet.table} AS "{role}" '
        f'ON "{role}".{outlet["id"]} = "article".{article[role]}'
        for role in ("publisher", "origin")
    )
    listed = f',\n    ({_choices_sql(vendor)}) AS "choices"' if choices else ""
    return f"""
SELECT {article.list(*_names(model("annotator.Article")), alias="article")},
    {outlet.list(*outlets, alias="publisher")}, {outlet.list(*outlets, alias="origin")},
    EXISTS (
        SELECT 1 FROM {correction.table} AS "correction"
        WHERE "correction".{correction["article"]} = "article".{article["id"]}
    ) AS "corrected"{listed}
FROM {article.table} AS "article"
{joins}
WHERE "article".{article["id"]} = %(id)s
"""


def _choices_sql(vendor: str) -> str:
    """Every outlet's [id, name] as one JSON array of text: by name on PostgreSQL (its
    collation, as ORDER BY sorts); in no order on SQLite (3.40 cannot order inside an
    aggregate), sorted by `article_with_outlets` as SQLite's ORDER BY sorts."""
    outlet = Columns(model("sources.Outlet"))
    pair = f'"choice".{outlet["id"]}, "choice".{outlet["name"]}'
    if vendor == "postgresql":
        array = f'json_agg(json_build_array({pair}) ORDER BY "choice".{outlet["name"]})::text'
    else:
        array = f"json_group_array(json_array({pair}))"
    return f'SELECT {array} FROM {outlet.table} AS "choice"'


def article_with_outlets(pk: int, *, choices: bool = False) -> Model | None:
    """The article `pk` with its publisher and origin loaded (None where it has none),
    every field as the ORM reads it, and `corrected`: whether an editor ever corrected
    its publisher or origin (the page lists the corrections, and reads them only then:
    most articles have none, and their statement, built by the ORM, was ~18% of the
    page's profile); None when there is no such article. With `choices`, also
    `outlet_choices`: every outlet by name, what the page offers (OutletChoice)."""
    article_model, outlet_model = model("annotator.Article"), model("sources.Outlet")
    with connection.cursor() as cursor:
        execute(cursor, _article_sql(connection.vendor, choices), {"id": pk})
        row = cursor.fetchone()
    if row is None:
        return None
    names, outlets = _names(article_model), _names(outlet_model)
    article = row_instance(article_model, names, row[: len(names)])
    # The row: the article's columns, the publisher's, the origin's, `corrected`, choices.
    publisher = len(names)
    origin = publisher + len(outlets)
    corrected = origin + len(outlets)
    for role, values in (("publisher", row[publisher:origin]), ("origin", row[origin:corrected])):
        outlet = row_instance(outlet_model, outlets, values) if values[0] is not None else None
        article_model._meta.get_field(role).set_cached_value(article, outlet)
    article.corrected = bool(row[corrected])
    if choices:
        article.outlet_choices = _choices(row[corrected + 1])
    return article


def _choices(listed: str | None) -> list[OutletChoice]:
    """The outlets `_choices_sql` listed, by name (None: there is no outlet)."""
    found = [OutletChoice(*pair) for pair in json.loads(listed or "[]")]
    if connection.vendor == "sqlite":  # as its ORDER BY sorts: by code point (BINARY)
        found.sort(key=lambda choice: choice.name)
    return found


def article_with_outlets_orm(pk: int) -> Model | None:
    articles = model("annotator.Article").objects.select_related("publisher", "origin")
    corrections = model("annotator.OutletCorrection").objects.filter(article=OuterRef("pk"))
    return articles.annotate(corrected=Exists(corrections)).filter(pk=pk).first()


def outlet_choices_orm() -> list[OutletChoice]:
    outlets = model("sources.Outlet").objects.order_by("name").values_list("id", "name")
    return [OutletChoice._make(row) for row in outlets]
