"""What every article page reads besides its sentences and tags, in statements written
out: the article with its publisher and origin, and whether its provenance was ever
corrected (annotator.permissions.readable_article), and the outlets the page offers. The
ORM took ten times longer to build the article's query than the database to run it
(bench/workspace.py). Each is built once per database; its ORM twin, `<name>_orm`, reads
the same through the ORM."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, Model, OuterRef

from core.db.instances import row_instance
from core.db.sql import Columns, execute, model


@cache
def _names(of: type[Model]) -> tuple[str, ...]:
    """The model's concrete fields' attnames: the columns the article's statement reads."""
    return tuple(f.attname for f in of._meta.concrete_fields)


@cache
def _article_sql() -> str:
    article, outlet = Columns(model("annotator.Article")), Columns(model("sources.Outlet"))
    correction = Columns(model("annotator.OutletCorrection"))
    outlets = _names(model("sources.Outlet"))
    joins = "\n".join(
        f'LEFT JOIN {outlet.table} AS "{role}" '
        f'ON "{role}".{outlet["id"]} = "article".{article[role]}'
        for role in ("publisher", "origin")
    )
    return f"""
SELECT {article.list(*_names(model("annotator.Article")), alias="article")},
    {outlet.list(*outlets, alias="publisher")}, {outlet.list(*outlets, alias="origin")},
    EXISTS (
        SELECT 1 FROM {correction.table} AS "correction"
        WHERE "correction".{correction["article"]} = "article".{article["id"]}
    ) AS "corrected"
FROM {article.table} AS "article"
{joins}
WHERE "article".{article["id"]} = %(id)s
"""


def article_with_outlets(pk: int) -> Model | None:
    """The article `pk` with its publisher and origin loaded (None where it has none),
    every field as the ORM reads it, and `corrected`: whether an editor ever corrected
    its publisher or origin (the page lists the corrections, and reads them only then:
    most articles have none, and their statement, built by the ORM, was a fifth of the
    page's time); None when there is no such article."""
    article_model, outlet_model = model("annotator.Article"), model("sources.Outlet")
    with connection.cursor() as cursor:
        execute(cursor, _article_sql(), {"id": pk})
        row = cursor.fetchone()
    if row is None:
        return None
    names, outlets = _names(article_model), _names(outlet_model)
    article = row_instance(article_model, names, row[: len(names)])
    rest = row[len(names) : -1]
    article.corrected = bool(row[-1])
    for role, values in (("publisher", rest[: len(outlets)]), ("origin", rest[len(outlets) :])):
        outlet = row_instance(outlet_model, outlets, values) if values[0] is not None else None
        article_model._meta.get_field(role).set_cached_value(article, outlet)
    return article


def article_with_outlets_orm(pk: int) -> Model | None:
    articles = model("annotator.Article").objects.select_related("publisher", "origin")
    corrections = model("annotator.OutletCorrection").objects.filter(article=OuterRef("pk"))
    return articles.annotate(corrected=Exists(corrections)).filter(pk=pk).first()


class OutletChoice(NamedTuple):
    """An outlet as the article page offers it (the panel's list, the editor's choices)."""

    pk: int
    name: str


@cache
def _outlet_choices_sql() -> str:
    outlet = Columns(model("sources.Outlet"))
    return f"SELECT {outlet.list('id', 'name')} FROM {outlet.table} ORDER BY {outlet['name']}"


def outlet_choices() -> list[OutletChoice]:
    """Every outlet, by name."""
    with connection.cursor() as cursor:
        execute(cursor, _outlet_choices_sql(), {})
        return [OutletChoice._make(row) for row in cursor.fetchall()]


def outlet_choices_orm() -> list[OutletChoice]:
    outlets = model("sources.Outlet").objects.order_by("name").values_list("id", "name")
    return [OutletChoice._make(row) for row in outlets]
