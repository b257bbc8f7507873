"""The import page: paste or upload, a preview that saves nothing, corrections of
publisher, origin and date, then the import (in the request, or in the background for a
large batch, with a page that follows it)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from annotator.models import Article, ImportJob
from annotator.services import stories

IMPORT = "/import/"
ARTICLE = (
    "Army advances near Deir Ezzor\n\n"
    "By Jane Roe\n\n"
    "The army advanced 10 km on Monday. Officials said more would follow.\n\n"
    "This article was originally published on South Front.\n"
)


@pytest.fixture
def spool(settings, tmp_path):
    settings.ANNOTATOR_IMPORT_SPOOL_DIR = tmp_path
    return tmp_path


@pytest.fixture
def teacher_client(client, teacher, spool):
    client.force_login(teacher)
    return client


def _job_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.parametrize(
    ("who", "expected"),
    [("outsider", 403), ("student", 403), ("teacher", 200), ("admin_user", 200)],
)
def test_who_sees_the_import_page(client, seeds, request, who, expected):
    client.force_login(request.getfixturevalue(who))

    assert client.get(IMPORT).status_code == expected


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(IMPORT)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_preview_shows_what_the_import_will_make_and_saves_nothing(teacher_client, seeds):
    before = Article.objects.count()

    preview = teacher_client.get(_job_url(teacher_client.post(IMPORT, {"text": ARTICLE})))

    assert preview.status_code == 200
    text = _text(preview)
    assert "Headline Army advances near Deir Ezzor" in text
    assert "Byline By Jane Roe" in text
    assert re.search(r"Sentences \d+: 1 headline, 1 byline, 2 body, 1 credit", text), text
    assert "Origin South Front" in text
    assert "originally published on South Front" in text  # the evidence line
    assert "unknown: stays empty unless you give it" in text
    assert Article.objects.count() == before


def test_corrections_on_the_preview_are_what_gets_imported(teacher_client, seeds):
    job_url = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE}))

    done = teacher_client.post(
        job_url,
        {
            "action": "import",
            "publisher-1": "global-research",
            "origin-1": "",
            "published_on-1": "2019-03-01",
            "published_on_was-1": "",
        },
    )

    assert _job_url(done) == job_url
    article = Article.objects.get(text=ARTICLE)
    assert article.publisher.slug == "global-research"
    assert article.origin.slug == "south-front"  # left as detected, with its evidence
    assert "originally published" in article.origin_signal
    assert article.published_on == dt.date(2019, 3, 1)
    page = _text(teacher_client.get(job_url))
    assert "Done." in page
    assert "1 imported, 0 already here (duplicates), 0 rejected" in page


def test_an_unknown_publication_date_stays_empty(teacher_client, seeds):
    job_url = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE}))

    teacher_client.post(
        job_url, {"action": "import", "published_on-1": "", "published_on_was-1": ""}
    )

    assert Article.objects.get(text=ARTICLE).published_on is None


def test_several_files_with_a_duplicate_and_a_bad_one(teacher_client, seeds):
    files = [
        SimpleUploadedFile("new.md", b"# A new report\n\nOne claim here. Another one there.\n"),
        SimpleUploadedFile("seed.txt", seeds["002"].text.encode()),
        SimpleUploadedFile("scan.txt", b"%PDF-1.7 binary"),
        SimpleUploadedFile(
            "corpus.jsonl",
            b'{"text": "Line one says a thing. And more.", "published_on": "2018-05-04"}\n'
            b'{"text": "x", "colour": "red"}\n',
        ),
    ]
    job_url = _job_url(teacher_client.post(IMPORT, {"files": files}))

    preview = teacher_client.get(job_url)

    text = _text(preview)
    assert "Preview: 5 articles" in text
    assert "1. A new report new" in text
    assert f"The same text is already here: {seeds['002'].title}" in text
    assert "binary file: this is a PDF document" in text
    assert 'value="2018-05-04"' in preview.content.decode()
    assert "unknown field(s) colour" in text

    teacher_client.post(
        job_url,
        {"action": "import", "published_on-4": "2018-05-04", "published_on_was-4": "2018-05-04"},
    )

    job = ImportJob.objects.get()
    assert (job.created, job.duplicates, job.rejected) == (2, 1, 2)
    assert Article.objects.get(title="Line one says a thing.").published_on == dt.date(2018, 5, 4)


def test_a_bad_correction_is_refused_naming_the_article_and_saves_nothing(teacher_client, seeds):
    job_url = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE}))

    response = teacher_client.post(
        job_url, {"action": "import", "published_on-1": "1 March", "published_on_was-1": ""}
    )

    assert response.status_code == 400
    assert "Article 1: the date '1 March' is not a date" in _text(response)
    assert not Article.objects.filter(text=ARTICLE).exists()


def test_an_empty_form_says_what_to_do(teacher_client, seeds):
    response = teacher_client.post(IMPORT, {"text": "  "})

    assert response.status_code == 400
    assert "Paste an article or choose files to import." in _text(response)


def test_someone_elses_import_is_not_there(teacher_client, seeds, editor, client):
    job_url = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE}))
    client.force_login(editor)

    assert client.get(job_url).status_code == 404
    assert client.post(job_url, {"action": "import"}).status_code == 404
    assert not Article.objects.filter(text=ARTICLE).exists()


def test_the_preview_and_the_result_pages_make_a_fixed_number_of_queries(
    teacher_client, seeds, django_assert_num_queries
):
    job_url = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE}))

    # Session, user with permissions (2), the job (1), the import rolled back: the outlet
    # index (3), savepoints, article and sentences (9), its story (6), the sentences
    # read back (1); the outlets of the selects (1). The same on PostgreSQL, where the
    # sentences and the story's keys go in with COPY (core.db.bulk counts each as one).
    with django_assert_num_queries(23):
        teacher_client.get(job_url)
    teacher_client.post(job_url, {"action": "import"})
    # Session, user with permissions (2), the job (1), its results (1).
    with django_assert_num_queries(4):
        teacher_client.get(job_url)


def test_a_large_batch_is_imported_in_the_background_and_its_page_follows_it(
    transactional_db, client, teacher, seeds, settings, spool
):
    settings.ANNOTATOR_BULK_SYNC_MAX = 2
    client.force_login(teacher)
    lines = "".join(
        f'{{"text": "Report {n}. The army advanced {n} km. Officials said so."}}\n'
        for n in range(5)
    )
    job_url = _job_url(client.post(IMPORT, {"text": lines, "format": "jsonl"}))
    assert "imported in the background" in _text(client.get(job_url))

    client.post(job_url, {"action": "import"})

    waiting = client.get(job_url, headers={"HX-Request": "true"})
    assert "Waiting for the background worker" in _text(waiting)
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    call_command("db_worker", "--queue-name", "*", "--batch", "--no-startup-delay", "--no-reload")
    finished = client.get(job_url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"
    page = _text(client.get(job_url))
    assert "5 imported, 0 already here (duplicates), 0 rejected" in page
    assert "Report 4." in page
    assert Article.objects.filter(title__startswith="Report ").count() == 5


def test_the_preview_says_when_an_article_republishes_a_story_already_here(teacher_client, seeds):
    stories.add_pending_articles()
    original = seeds["002"]
    copy = "Republished with thanks\n\n" + original.text

    preview = _text(teacher_client.get(_job_url(teacher_client.post(IMPORT, {"text": copy}))))

    assert f"Republished the same story as {original.title}" in preview
    assert not Article.objects.filter(text=copy).exists()


def test_a_new_preview_replaces_the_previous_one_and_its_file(teacher_client, seeds, spool):
    first = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE}))
    second = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE + "More.\n"}))

    assert teacher_client.get(first).status_code == 404
    assert teacher_client.get(second).status_code == 200
    assert len(list(spool.iterdir())) == 1


def test_the_admin_shows_imports_read_only(client, admin_user, teacher_client, seeds):
    job_url = _job_url(teacher_client.post(IMPORT, {"text": ARTICLE}))
    teacher_client.post(job_url, {"action": "import"})
    client.force_login(admin_user)

    jobs = client.get("/admin/annotator/importjob/")
    records = client.get("/admin/annotator/importrecord/")

    assert jobs.status_code == records.status_code == 200
    assert "teacher" in jobs.content.decode()
    assert "pasted text" in records.content.decode()
    assert client.get("/admin/annotator/importjob/add/").status_code == 403
