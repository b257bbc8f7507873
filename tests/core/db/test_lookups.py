"""core.db.lookups: `in_ids` selects what Django's `in` selects, with the list of ids as
one parameter, on a primary key and on a foreign key across a join."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.models import Sentence


def pks(queryset) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picks=st.lists(st.integers(min_value=-3, max_value=12), max_size=15))
def test_in_ids_selects_what_in_selects(world, picks):
    """Any list: empty, repeated ids, ids of nothing, negative ones."""
    sentence_ids = [s.pk for s in world.sentences]
    ids = [sentence_ids[i] if 0 <= i < len(sentence_ids) else 10**9 + i for i in picks]
    articles = [world.article.pk if i % 2 else 10**9 for i in picks]

    assert pks(Sentence.objects.filter(pk__in_ids=ids)) == pks(Sentence.objects.filter(pk__in=ids))
    # A foreign key, and a foreign key's column across the join from another model.
    assert pks(Sentence.objects.filter(article__in_ids=articles)) == pks(
        Sentence.objects.filter(article__in=articles)
    )
    assert pks(Sentence.objects.filter(article_id__in_ids=articles)) == pks(
        Sentence.objects.filter(article_id__in=articles)
    )


def test_the_ids_are_one_parameter(world):
    ids = [s.pk for s in world.sentences]
    sql, params = Sentence.objects.filter(pk__in_ids=ids).query.sql_with_params()

    assert len(params) == 1 and sql.count("%s") == 1
    with CaptureQueriesContext(connection) as queries:
        assert len(pks(Sentence.objects.filter(pk__in_ids=ids))) == len(ids)
    assert len(queries) == 1


@pytest.mark.parametrize("bad", ["12", b"12", [1, "2"], [1.0], [True], [None]])
def test_anything_but_a_list_of_integers_is_refused(db, bad):
    with pytest.raises(TypeError, match="in_ids takes a list of integers"):
        Sentence.objects.filter(pk__in_ids=bad)
