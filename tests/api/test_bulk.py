"""POST /api/articles/bulk/: many articles in one request, a result for each, and large
batches as background jobs that a worker runs and the API reports on."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from annotator.models import Article, ImportJob, Sentence, StoryChange
from annotator.services import stories
from tests.api.conftest import snapshot

BULK = "/api/articles/bulk/"


def _article(n: int) -> str:
    return (
        f"Report number {n} from the front\n\n"
        f"South Front reports…\n\n"
        f"The army advanced {n} km near the river. Officials said {n + 1} villages were "
        "taken. More may follow in the coming days.\n"
    )


def _ndjson(records: list) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


@pytest.fixture
def spool(settings, tmp_path):
    settings.ANNOTATOR_IMPORT_SPOOL_DIR = tmp_path
    return tmp_path


def test_a_json_array_gets_a_result_for_each_article(api, seeds):
    records = [
        {"text": _article(1), "published_on": "2019-03-01", "title": "One"},
        {"text": seeds["001"].text},
        {"text": _article(2), "cited": "x"},
        {"markdown": "# Two\n\nA claim here. Another claim there.\n", "origin": "south-front"},
    ]

    response = api("teacher").post(BULK, records, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        "created",
        "duplicate",
        "rejected",
        "created",
    ]
    assert (body["created"], body["duplicates"], body["rejected"]) == (2, 1, 1)
    assert body["results"][1]["article"] == seeds["001"].pk
    assert "unknown field(s) cited" in body["results"][2]["reason"]
    assert body["results"][2]["source"] == "record 3"
    one = Article.objects.get(pk=body["results"][0]["article"])
    assert (one.title, str(one.published_on), one.origin.slug) == (
        "One",
        "2019-03-01",
        "south-front",
    )
    assert one.imported_by.username == "teacher"
    assert Sentence.objects.filter(article=one).count() > 2
    two = Article.objects.get(pk=body["results"][3]["article"])
    assert two.title == "Two"
    assert not Article.objects.filter(text=_article(2)).exists()


def test_sending_the_same_batch_again_creates_nothing(api, seeds):
    client = api("teacher")
    records = [{"text": _article(n)} for n in range(5)]
    assert client.post(BULK, records, format="json").status_code == 201
    before = snapshot()

    again = client.post(BULK, records, format="json")

    assert again.status_code == 200
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    assert snapshot() == before


def test_the_same_text_twice_in_one_batch_is_imported_once(api, seeds):
    response = api("teacher").post(BULK, [{"text": _article(7)}] * 2, format="json")

    assert [r["status"] for r in response.json()["results"]] == ["created", "duplicate"]
    assert Article.objects.filter(text=_article(7)).count() == 1


def test_json_lines_are_read_a_line_at_a_time_and_a_bad_line_named(api, seeds):
    body = _ndjson([{"text": _article(1)}]) + b"{not json\n\n" + _ndjson([{"text": _article(2)}])

    response = api("teacher").generic("POST", BULK, body, content_type="application/x-ndjson")

    assert response.status_code == 201, response.json()
    results = response.json()["results"]
    assert [(r["source"], r["status"]) for r in results] == [
        ("line line 1", "created"),
        ("line line 2", "rejected"),
        ("line line 4", "created"),
    ]
    assert results[1]["reason"].startswith("not valid JSON")


def test_several_files_at_once_each_by_its_extension(api, seeds):
    files = [
        SimpleUploadedFile("a.txt", _article(1).encode()),
        SimpleUploadedFile("b.md", b"# Markdown title\n\nOne claim. Two claims.\n"),
        SimpleUploadedFile("c.html", b"<h1>Html title</h1><p>A claim.</p><script>x()</script>"),
        SimpleUploadedFile("d.jsonl", _ndjson([{"text": _article(2)}, {"title": "no text"}])),
        SimpleUploadedFile("e.txt", b"%PDF-1.7 binary"),
    ]

    response = api("teacher").post(BULK, {"files": files}, format="multipart")

    assert response.status_code == 201, response.json()
    results = {r["source"]: r for r in response.json()["results"]}
    assert [r["status"] for r in results.values()] == [
        "created",
        "created",
        "created",
        "created",
        "rejected",
        "rejected",
    ]
    assert results["b.md"]["title"] == "Markdown title"
    assert "<script>" not in Article.objects.get(pk=results["c.html"]["article"]).html
    assert "exactly one of" in results["d.jsonl line 2"]["reason"]
    assert "binary file" in results["e.txt"]["reason"]


def test_each_article_keeps_the_limit_of_one_article(api, seeds, settings):
    settings.ANNOTATOR_MAX_ARTICLE_BYTES = 300
    records = [{"text": _article(1)}, {"text": _article(2) + "x" * 400}]

    response = api("teacher").post(BULK, records, format="json")

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected"]
    assert "too large" in results[1]["reason"]


@pytest.mark.parametrize(
    ("body", "params", "field"),
    [
        ({"text": "not an array"}, {}, "records"),
        ([], {}, "records"),
        ([{"text": "x"}], {"publisher": "Nobody Media"}, "publisher"),
        ([{"text": "x"}], {"dry_run": "1"}, "dry_run"),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field_and_saves_nothing(api, seeds, body, params, field):
    client = api("teacher")
    before = snapshot()
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""

    response = client.post(BULK + query, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_a_json_body_over_its_limit_is_a_413(api, seeds, settings):
    settings.API_MAX_BULK_JSON_BYTES = 1000

    response = api("teacher").post(BULK, [{"text": _article(n)} for n in range(20)], format="json")

    assert response.status_code == 413
    assert "API_MAX_BULK_JSON_BYTES" in response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("outsider", 403), ("student", 403), ("teacher", 201)],
)
def test_who_may_import_in_bulk(api, seeds, who, expected):
    response = api(who).post(BULK, [{"text": _article(3)}], format="json")

    assert response.status_code == expected


def test_a_large_batch_runs_in_the_background_and_its_result_can_be_fetched(
    transactional_db, api, seeds, settings, spool
):
    # Committed data: the worker (django-tasks' own db_worker) works outside any test
    # transaction, closing and reopening its connection as it does when deployed.
    settings.ANNOTATOR_BULK_SYNC_MAX = 3
    records = [{"text": _article(n)} for n in range(6)] + [{"text": "   \n"}]
    client = api("teacher")

    response = client.post(BULK + "?origin=south-front", records, format="json")

    assert response.status_code == 202, response.json()
    queued = response.json()
    assert (queued["status"], queued["total"], queued["processed"]) == ("queued", 7, 0)
    assert response["Location"] == queued["url"]
    assert not Article.objects.filter(text=_article(0)).exists()

    call_command("db_worker", "--queue-name", "*", "--batch", "--no-startup-delay", "--no-reload")

    done = client.get(queued["url"], {"page_size": 5}).json()
    assert (done["status"], done["processed"], done["created"], done["rejected"]) == (
        "done",
        7,
        6,
        1,
    )
    assert [r["record"] for r in done["results"]] == [1, 2, 3, 4, 5]
    rest = client.get(done["next"]).json()
    assert rest["results"][-1]["status"] == "rejected"
    assert rest["results"][-1]["reason"] == "empty: there is no text to import"
    assert Article.objects.get(text=_article(0)).origin.slug == "south-front"
    assert not list(spool.iterdir())  # the spooled records are gone once imported
    # Someone else's job is not there for them.
    assert api("admin_user").get(queued["url"]).status_code == 200
    assert api("student").get(queued["url"]).status_code == 404
    job = ImportJob.objects.get()
    assert job.records.count() == 7


def _copy_of(article: Article) -> str:
    return "Republished with thanks\n\n" + article.text


@pytest.mark.parametrize("endpoint", ["/api/articles/", BULK])
def test_an_imported_copy_joins_its_story_when_the_worker_has_run_and_the_pages_say_so(
    transactional_db, api, seeds, endpoint
):
    stories.add_pending_articles()  # the seeds are filed
    original = seeds["002"]
    body = {"text": _copy_of(original)}

    response = api("teacher").post(endpoint, body if endpoint != BULK else [body], format="json")
    call_command("db_worker", "--queue-name", "*", "--batch", "--no-startup-delay", "--no-reload")

    assert response.status_code == 201, response.json()
    copy = Article.objects.get(text=_copy_of(original))
    assert copy.story_copy.story_id == original.story_copy.story_id
    assert stories.pending_count() == 0
    change = StoryChange.objects.get()
    assert (change.how, change.articles_read, change.articles_moved) == ("import", 1, 2)
