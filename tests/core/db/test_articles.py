"""An article with its publisher and origin read in one statement (core.db.articles)
against the ORM's select_related: every field of the three the same, and whether it was
ever corrected, on SQLite and on PostgreSQL (the suite runs on both), whatever the
article holds and whichever outlets it names; and the article page reads it so."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.models import Article, OutletCorrection
from core.db.articles import (
    article_with_outlets,
    article_with_outlets_orm,
    outlet_choices_orm,
)
from sources.models import Outlet

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)
articles = st.lists(
    st.tuples(
        texts,  # title
        texts,  # byline
        st.one_of(st.none(), st.integers(0, 2)),  # publisher
        st.one_of(st.none(), st.integers(0, 2)),  # origin
        st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
        st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1)),
        st.integers(0, 2),  # corrections of its publisher or origin
    ),
    min_size=1,
    max_size=4,
)


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=articles)
def test_the_article_statement_reads_what_the_orm_reads(db, drawn):
    with transaction.atomic():
        outlets = [
            Outlet.objects.create(name=f"Outlet {i} «ü»", slug=f"outlet-{i}", description="d")
            for i in range(3)
        ]
        made = [
            Article.objects.create(
                title=title or "untitled",
                text=f"Text {n} ✓.",
                content_hash=f"{n:064x}",
                byline=byline,
                publisher=outlets[publisher] if publisher is not None else None,
                origin=outlets[origin] if origin is not None else None,
                published_on=published,
                imported_at=imported.replace(tzinfo=UTC),
            )
            for n, (title, byline, publisher, origin, published, imported, _) in enumerate(drawn)
        ]
        for article, (*_, corrections) in zip(made, drawn, strict=True):
            for field in ["origin", "publisher"][:corrections]:
                OutletCorrection.objects.create(article=article, field=field, new=outlets[0])
        for article, (*_, corrections) in zip(made, drawn, strict=True):
            found, expected = article_with_outlets(article.pk), article_with_outlets_orm(article.pk)
            assert _fields(found) == _fields(expected)
            assert found.corrected is expected.corrected is (corrections > 0)
            for role in ("publisher", "origin"):
                with CaptureQueriesContext(connection) as queries:
                    outlet, wanted = getattr(found, role), getattr(expected, role)
                assert not queries.captured_queries  # loaded with the article
                assert (outlet and _fields(outlet)) == (wanted and _fields(wanted))
        assert article_with_outlets(max(a.pk for a in made) + 1) is None
        transaction.set_rollback(True)


def test_a_missing_article_is_a_404(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("reader", password="pw")
    user.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(user)
    assert client.get(reverse("article-detail", args=[999_999])).status_code == 404


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.sets(texts.filter(str.strip), max_size=6))
def test_the_outlets_offered_are_the_orms_in_the_same_order(db, names):
    with transaction.atomic():
        for n, name in enumerate(names):
            Outlet.objects.create(name=name, slug=f"outlet-{n}")
        article = Article.objects.create(title="t", text="Text.", content_hash="0" * 64)

        with CaptureQueriesContext(connection) as queries:
            found = article_with_outlets(article.pk, choices=True)

        assert len(queries.captured_queries) == 1  # with the article, in its statement
        assert found.outlet_choices == outlet_choices_orm()
        assert len(found.outlet_choices) == Outlet.objects.count() >= len(names)
        assert _fields(found) == _fields(article_with_outlets(article.pk))
        assert not hasattr(article_with_outlets(article.pk), "outlet_choices")
        transaction.set_rollback(True)


def test_no_outlet_at_all_is_an_empty_list_of_choices(db):
    with transaction.atomic():
        article = Article.objects.create(title="t", text="Text.", content_hash="0" * 64)
        Outlet.objects.all().delete()

        assert article_with_outlets(article.pk, choices=True).outlet_choices == []
        transaction.set_rollback(True)
