"""Articles through the API: list and filters, import from text or a file, metadata,
deletion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from annotator.models import Article, ClaimTag, Sentence, TagRevision
from annotator.services.tagging import tag_claim
from tests.api.conftest import snapshot

ARTICLES = "/api/articles/"


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [article["title"] for article in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"publisher": "global-research"}, ["001"]),
        ({"origin": "elijah-j-magnier"}, ["003"]),
        ({"outlet": "21st-century-wire"}, ["004"]),
        ({"outlet": "south-front"}, ["004", "002", "001", "000"]),
        ({"search": "COLLAPSE OF ISIS"}, ["001"]),
        ({"ordering": "id"}, ["000", "001", "002", "003", "004"]),
        ({"ordering": "-id", "page_size": 2}, ["004", "003"]),
        ({"imported_after": "2000-01-01", "search": "hajin"}, ["002"]),
        ({"imported_before": "2000-01-01"}, []),
    ],
)
def test_articles_filter_search_and_sort(api, seeds, query, expected):
    response = api("student").get(ARTICLES, query)

    assert _titles(response) == [seeds[number].title for number in expected]


def test_the_list_leaves_the_text_out_and_counts_sentences(api, seeds):
    article = api("student").get(ARTICLES, {"publisher": "global-research"}).json()["results"][0]

    assert "text" not in article
    assert article["sentence_count"] == Sentence.objects.filter(article=seeds["001"]).count()
    assert (article["publisher"], article["origin"]) == ("global-research", "south-front")


@pytest.mark.parametrize(
    "query",
    [
        {"publisher": "nobody"},
        {"imported_after": "yesterday"},
        {"ordering": "text"},
        {"origin__name__startswith": "S"},
    ],
)
def test_bad_article_filters_are_a_400_naming_them(api, seeds, query):
    response = api("student").get(ARTICLES, query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_an_article_comes_with_its_sentences_in_reading_order(api, seeds):
    article = seeds["002"]

    body = api("student").get(f"{ARTICLES}{article.pk}/").json()

    assert body["text"] == article.text
    positions = [s["position"] for s in body["sentences"]]
    assert positions == sorted(positions)
    assert len(positions) == body["sentence_count"]
    for sentence in body["sentences"]:
        assert body["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    assert {s["section"] for s in body["sentences"]} >= {"body", "boilerplate", "comment"}


def test_a_teacher_imports_an_article_from_text_as_the_command_line_would(api, seeds, teacher):
    text = (
        "Army advances near Deir Ezzor\n"
        "South Front reports…\n"
        "The army advanced 10 km. Officials said more would follow.\n"
    )

    response = api("teacher").post(ARTICLES, {"text": text, "byline": "Staff"})

    assert response.status_code == 201
    body = response.json()
    assert body["origin"] == "south-front"
    assert body["origin_signal"] != ""
    assert body["imported_by"] == "teacher"
    assert body["byline"] == "Staff"
    article = Article.objects.get(pk=body["id"])
    assert article.text == text
    assert [(s["text"], s["section"]) for s in body["sentences"]] == [
        ("Army advances near Deir Ezzor", "headline"),
        ("South Front reports…", "byline"),
        ("The army advanced 10 km.", "body"),
        ("Officials said more would follow.", "body"),
    ]


def test_importing_a_text_again_returns_the_existing_article_with_200(api, seeds):
    client = api("teacher")
    before = snapshot()

    response = client.post(ARTICLES, {"text": seeds["001"].text})

    assert response.status_code == 200
    assert response.json()["id"] == seeds["001"].pk
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "title", "first"),
    [
        ("report.md", b"# The report\n\nFirst claim. Second claim.\n", "The report", "The report"),
        (
            "page.html",
            b"<h1>A page</h1><p>One claim. <b>Two</b> claims.</p><script>x()</script>",
            "A page",
            "A page",
        ),
        ("notes.txt", b"Plain words. More words.\r\n", "Plain words.", "Plain words."),
    ],
)
def test_a_teacher_uploads_a_file_in_a_format_told_by_its_extension(
    api, seeds, name, content, title, first
):
    upload = SimpleUploadedFile(name, content)

    response = api("teacher").post(ARTICLES, {"file": upload}, format="multipart")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == title
    assert body["sentences"][0]["text"] == first
    assert "<script>" not in body["html"]
    assert body["source_name"] == f"api upload: {name}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 binary", "binary file"),
        (b"caf\xe9 au lait", "invalid UTF-8"),
        (b"   \n  ", "empty"),
        (b"x" * 2048, "too large"),
    ],
)
def test_an_upload_that_is_not_an_article_is_refused_naming_the_file(
    api, seeds, settings, content, message
):
    settings.ANNOTATOR_MAX_ARTICLE_BYTES = 1024
    client = api("teacher")
    before = snapshot()

    response = client.post(
        ARTICLES, {"file": SimpleUploadedFile("a.txt", content)}, format="multipart"
    )

    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"text": "Words. More.", "publisher": "Nobody News"}, "publisher", "unknown outlet"),
        ({"text": "Words. More.", "url": "not a url"}, "url", "valid URL"),
        ({"text": "Words. More.", "format": "jsonl"}, "format", "not a valid choice"),
        ({"text": "   "}, "text", "empty"),
        ({"text": "Words.\x00"}, "text", "Null characters"),
        ({"title": "No text"}, "text", "required"),
    ],
)
def test_a_refused_import_names_the_field_and_saves_nothing(api, seeds, body, field, message):
    client = api("teacher")
    before = snapshot()

    response = client.post(ARTICLES, body)

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert snapshot() == before


def test_a_teacher_corrects_metadata_but_never_the_text(api, seeds):
    article = seeds["000"]
    changes = {"publisher": "Global Research", "published_on": "2017-06-12"}

    refused = api("teacher").patch(f"{ARTICLES}{article.pk}/", {**changes, "text": "Rewritten."})
    response = api("teacher").patch(f"{ARTICLES}{article.pk}/", changes)

    assert refused.status_code == 400
    assert list(refused.json()) == ["text"]
    assert response.status_code == 200
    body = response.json()
    assert (body["publisher"], body["origin"]) == ("global-research", "south-front")
    assert body["publisher_signal"] == "set by teacher"
    assert body["published_on"] == "2017-06-12"
    article.refresh_from_db()
    assert article.text.startswith("Video: Tensions Grow")
    assert article.published_on == dt.date(2017, 6, 12)


def test_put_replaces_all_the_metadata(api, seeds):
    article = seeds["000"]

    response = api("teacher").put(f"{ARTICLES}{article.pk}/", {"title": "Renamed"})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["publisher"], response.json()["byline"]) == (
        "Renamed",
        None,
        "",
    )


@pytest.fixture
def tagged(seeds, student):
    sentence = Sentence.objects.filter(article=seeds["001"]).first()
    tag_claim(sentence=sentence, reviewer=student, label="opinion")
    return seeds["001"]


def test_deleting_a_tagged_article_needs_confirmation(api, tagged):
    client = api("teacher")
    before = snapshot()

    refused = client.delete(f"{ARTICLES}{tagged.pk}/")

    assert refused.status_code == 409
    assert refused.json()["tags"] == 1
    assert "confirm" in refused.json()["detail"]
    assert snapshot() == before

    confirmed = client.delete(f"{ARTICLES}{tagged.pk}/?confirm_delete_tags=1")

    assert confirmed.status_code == 204
    assert not Article.objects.filter(pk=tagged.pk).exists()
    assert not Sentence.objects.filter(article_id=tagged.pk).exists()
    assert not ClaimTag.objects.exists()
    assert not TagRevision.objects.exists()


def test_an_untagged_article_is_deleted_without_confirmation(api, seeds):
    response = api("editor").delete(f"{ARTICLES}{seeds['003'].pk}/")

    assert response.status_code == 204
    assert Article.objects.count() == 4


def test_a_confirmation_must_be_1(api, tagged):
    client = api("teacher")

    response = client.delete(f"{ARTICLES}{tagged.pk}/?confirm_delete_tags=yes")

    assert response.status_code == 400
    assert list(response.json()) == ["confirm_delete_tags"]
    assert Article.objects.filter(pk=tagged.pk).exists()


def test_imported_dates_filter_by_day(api, seeds):
    Article.objects.filter(pk=seeds["000"].pk).update(
        imported_at=timezone.make_aware(dt.datetime(2020, 5, 1, 23, 30))
    )

    response = api("student").get(
        ARTICLES, {"imported_after": "2020-05-01", "imported_before": "2020-05-01"}
    )

    assert _titles(response) == [seeds["000"].title]


def test_the_import_answer_is_what_reading_the_article_back_gives(api, seeds):
    text = "Aid reached the town\n\nThe UN said 40 trucks arrived. More may follow.\n"

    created = api("teacher").post(
        ARTICLES,
        {
            "text": text,
            "publisher": "Global Research",
            "origin": "south-front",
            "published_on": "2019-03-01",
            "title": "Aid",
        },
    )

    assert created.status_code == 201, created.json()
    read_back = api("teacher").get(f"{ARTICLES}{created.json()['id']}/")
    assert created.json() == read_back.json()
    assert created.json()["is_republished"] is True


def test_an_import_naming_one_outlet_twice_looks_it_up_once(
    api, seeds, django_assert_max_num_queries
):
    client = api("teacher")
    text = "Short report\n\nThe army advanced 10 km. Officials said more would follow.\n"

    with django_assert_max_num_queries(100) as queries:
        response = client.post(
            ARTICLES, {"text": text, "publisher": "south-front", "origin": "south-front"}
        )

    assert response.status_code == 201, response.json()
    # Authentication (with the user's permissions) and rate counting are the API's own;
    # the import is: the outlet,
    # the article, its sentences, and the sentences of the answer (and once committed,
    # the task that files it into its story, which a test transaction never runs).
    own = [
        q["sql"]
        for q in queries.captured_queries
        if not any(
            word in q["sql"]
            for word in ("annotator_cache", "knox_authtoken", "auth_permission", "SAVEPOINT")
        )
    ]
    assert len(own) == 4, own
    assert sum('FROM "sources_outlet"' in sql for sql in own) == 1
