"""Exports that people can file and match with the pages (issue 18): file names carry
the format, sentences are numbered from 1 as on the pages, and a class filter keeps one
class's articles, tags and adjudications."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.models import Sentence
from annotator.services.adjudication import adjudicate
from classroom.models import Membership
from classroom.services.classes import create_assignment, create_class
from core.auth.roles import EDITORS
from tests.conftest import api_key
from tests.factories import make_user


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def disposition_name(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_each_format_names_itself_in_the_file_name(client, corpus, teacher):
    client.force_login(teacher)
    today = timezone.localdate().isoformat()

    names = {
        fmt: disposition_name(client.get(reverse("export"), {"format": fmt}))
        for fmt in ("jsonl", "doccano", "doccano-flat", "csv", "brat")
    }
    aggregated = client.get(reverse("export"), {"format": "doccano", "aggregate": "1"})

    assert names == {
        "jsonl": f"corpus-jsonl-{today}.jsonl",
        "doccano": f"corpus-doccano-{today}.jsonl",
        "doccano-flat": f"corpus-doccano-flat-{today}.jsonl",
        "csv": f"corpus-csv-{today}.csv",
        "brat": f"corpus-brat-{today}.zip",
    }
    assert disposition_name(aggregated) == f"corpus-doccano-{today}-aggregated.jsonl"


def test_sentences_are_numbered_from_1_in_exports_as_on_the_pages(client, corpus, teacher):
    client.force_login(teacher)
    sentence = corpus.majority

    rows = list(
        csv.DictReader(io.StringIO(body(client.get(reverse("export"), {"format": "csv"})).decode()))
    )
    record = next(
        json.loads(line)
        for line in body(client.get(reverse("export"), {"format": "jsonl"})).decode().splitlines()
        if json.loads(line)["id"] == sentence.article_id
    )
    panel = client.get(reverse("article-detail", args=[sentence.article_id]), {"s": sentence.pk})

    number = sentence.position + 1
    assert {r["sentence_number"] for r in rows if r["sentence_text"] == sentence.text} == {
        str(number)
    }
    tag = next(t for t in record["tags"] if t["start"] == sentence.start)
    assert tag["sentence_number"] == number
    assert f'<span data-panel="position">{number}</span>' in panel.content.decode()


@pytest.fixture
def two_classes(corpus, teacher, student, other_student, django_user_model):
    """The teacher's class (student1, an assignment on seed 001) and another teacher's
    (student2, seed 000)."""
    due = timezone.now() + timedelta(days=7)
    mine = create_class(teacher=teacher, name="9B")
    Membership.objects.create(classroom=mine, student=student, via=Membership.Via.CODE)
    create_assignment(
        classroom=mine, by=teacher, title="A", due_at=due, articles=[corpus.seeds["001"]]
    )
    colleague = make_user("colleague", EDITORS)
    theirs = create_class(teacher=colleague, name="9C")
    Membership.objects.create(classroom=theirs, student=other_student, via=Membership.Via.CODE)
    create_assignment(
        classroom=theirs, by=colleague, title="B", due_at=due, articles=[corpus.seeds["000"]]
    )
    return mine, theirs, colleague


def test_the_class_filter_keeps_the_class_articles_and_its_members_tags(
    client, corpus, teacher, two_classes
):
    mine, theirs, _ = two_classes
    client.force_login(teacher)

    page = client.get(reverse("export")).content.decode()
    response = client.get(
        reverse("export"), {"format": "jsonl", "classroom": mine.pk, "pseudonymize": "0"}
    )

    assert f'<option value="{mine.pk}">9B</option>' in page
    # Another teacher's class is not offered (its name as an option: the page's random
    # CSRF token may hold the two characters "9C" anywhere else).
    assert f'<option value="{theirs.pk}">' not in page and ">9C</option>" not in page
    records = [json.loads(line) for line in body(response).decode().splitlines()]
    assert [r["id"] for r in records] == [corpus.seeds["001"].pk]
    assert {t["reviewer"] for t in records[0]["tags"]} == {"student1"}


def test_a_teacher_cannot_export_another_teachers_class(client, corpus, teacher, two_classes):
    _, theirs, _ = two_classes
    client.force_login(teacher)

    page = client.get(reverse("export"), {"format": "jsonl", "classroom": theirs.pk})
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(teacher)}")
    response = api.get("/api/export/", {"format": "jsonl", "classroom": "x1"})

    assert page.status_code == 400
    assert f"classroom: no class {theirs.pk} among the classes you teach" in page.content.decode()
    assert response.status_code == 400
    assert response.json()["detail"] == "classroom: not a class id (a whole number): 'x1'"


def test_the_class_filter_counts_only_the_class_teachers_adjudications(
    corpus, two_classes, tmp_path
):
    mine, _, colleague = two_classes
    sentence = Sentence.objects.get(pk=corpus.tie.pk)  # in seed 001, the class's article
    adjudicate(sentence=sentence, label="speculation", by=colleague)
    path = tmp_path / "class.jsonl"

    call_command("export_corpus", "--format", "jsonl", "--classroom", str(mine.pk), "-o", str(path))

    [record] = [json.loads(line) for line in path.read_text().splitlines()]
    assert all(j["adjudicated_by"] != "colleague" for j in record["adjudications"])
