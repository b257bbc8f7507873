"""Sentences through the API: per article, in reading order; teachers correct sections."""

from __future__ import annotations

from annotator.models import Sentence
from tests.api.conftest import snapshot

SENTENCES = "/api/sentences/"


def test_sentences_list_per_article_in_reading_order(api, seeds):
    article = seeds["003"]

    response = api("student").get(SENTENCES, {"article": article.pk, "page_size": 500})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["position"] for r in rows] == list(range(len(rows)))
    assert len(rows) == Sentence.objects.filter(article=article).count()
    assert {r["article"] for r in rows} == {article.pk}


def test_sentences_filter_by_section(api, seeds):
    response = api("student").get(SENTENCES, {"article": seeds["002"].pk, "section": "comment"})

    texts = [r["text"] for r in response.json()["results"]]
    assert "Give the Syrian Army a chance!" in texts
    assert {r["section"] for r in response.json()["results"]} == {"comment"}


def test_a_teacher_marks_where_comments_begin(api, seeds):
    article = seeds["002"]
    first_comment = Sentence.objects.get(article=article, text="Give the Syrian Army a chance!")
    before = Sentence.objects.get(article=article, position=first_comment.position - 1)

    response = api("teacher").patch(
        f"{SENTENCES}{before.pk}/", {"section": "comment", "through_end": True}
    )

    assert response.status_code == 200
    assert response.json()["section"] == "comment"
    later = Sentence.objects.filter(article=article, position__gte=before.position)
    assert set(later.values_list("section", flat=True)) == {"comment"}
    earlier = Sentence.objects.get(article=article, position=before.position - 1)
    assert earlier.section != "comment"


def test_an_unknown_section_is_refused(api, seeds):
    sentence = Sentence.objects.filter(article=seeds["000"]).first()
    client = api("teacher")
    before = snapshot()

    response = client.patch(f"{SENTENCES}{sentence.pk}/", {"section": "advert"})

    assert response.status_code == 400
    assert list(response.json()) == ["section"]
    assert snapshot() == before
