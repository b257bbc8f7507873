"""Provenance on republished articles (issue 15): the corpus of tests/data/provenance
through the import service and the command, unknown outlets, corrections on the article
page, and the starter directory."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotator.models import Article, OutletCorrection
from annotator.selectors.workspace import progress
from annotator.services.imports import import_article
from annotator.services.seeds import read_manifest
from bench.provenance import expected_sections, read_corpus
from core.text.segment import split_sentences
from sources.models import Outlet
from sources.services.outlets import load_directory, save_outlet

CASES = read_corpus()


@pytest.fixture
def directory(db):
    for outlet in read_manifest()["outlets"]:
        save_outlet(**outlet)
    load_directory()


def test_the_corpus_has_at_least_30_articles_of_every_kind():
    assert len(CASES) >= 30
    assert sum(1 for c in CASES if c.publisher != c.origin) >= 15
    assert sum(1 for c in CASES if c.unknown) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_import_finds_publisher_origin_and_sections(directory, case):
    article = import_article(text=case.text, comments_start=case.comments_start).article

    assert (article.publisher.name if article.publisher else "") == case.publisher
    assert (article.origin.name if article.origin else "") == case.origin
    assert article.origin_unknown == case.unknown
    if case.origin or case.unknown:
        # The evidence names the line that decided it.
        assert " on line " in article.origin_signal or "same as publisher" in article.origin_signal
    sections = [s.section for s in article.sentences.order_by("position")]
    assert sections == expected_sections(case, split_sentences(case.text))


def test_credit_lines_are_neither_tagged_nor_counted(directory, student):
    case = next(c for c in CASES if c.name.startswith("02_"))
    article = import_article(text=case.text).article
    credits = article.sentences.filter(section="credit").count()

    assert credits >= 6
    assert progress(article.pk, user=student).total == article.sentences.count() - credits - 1


def write_corpus(folder, cases):
    for case in cases:
        (folder / f"{case.name}.txt").write_text(case.text, encoding="utf-8")


def run(*args):
    out = io.StringIO()
    call_command("import_articles", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_lists_what_it_detected_per_article_and_the_unknown_outlets(
    directory, tmp_path
):
    cases = [c for c in CASES if not c.comments_start]
    write_corpus(tmp_path, cases)

    out = run(str(tmp_path))

    assert f"Imported {len(cases)} article(s)" in out
    assert "origin named but unknown: The Cradle: credit" in out
    assert "Origin named but unknown: Asia Times (2 article(s))" in out
    assert 'origin Strategic Culture Foundation: credit "the original source of this' in out
    for case in cases:
        article = Article.objects.get(source_name__endswith=f"{case.name}.txt")
        assert (article.origin.name if article.origin else "") == case.origin


def test_create_outlets_creates_the_named_origin_and_sets_it(directory, tmp_path):
    case = next(c for c in CASES if c.unknown == "The Cradle")
    write_corpus(tmp_path, [case])

    out = run(str(tmp_path), "--create-outlets")

    assert "Created outlet The Cradle" in out
    article = Article.objects.get()
    assert article.origin.name == "The Cradle" and article.origin_unknown == ""
    assert "originally published" in article.origin_signal
    correction = OutletCorrection.objects.get()
    assert (correction.field, correction.old, correction.new) == ("origin", None, article.origin)


def test_a_domain_named_as_origin_becomes_the_new_outlets_domain(directory, tmp_path):
    case = next(c for c in CASES if c.unknown == "covertactionmagazine.com")
    write_corpus(tmp_path, [case])

    run(str(tmp_path), "--create-outlets")

    outlet = Article.objects.get().origin
    assert [d.domain for d in outlet.domains.all()] == ["covertactionmagazine.com"]


def test_an_explicit_unknown_origin_still_fails_naming_the_known_outlets(directory, tmp_path):
    write_corpus(tmp_path, CASES[:1])

    with pytest.raises(CommandError, match=r"unknown outlet 'The Cradle'.*ZeroHedge"):
        run(str(tmp_path), "--origin", "The Cradle")
    assert not Article.objects.exists()


def test_the_article_page_shows_the_evidence_and_the_unknown_origin(directory, client, student):
    case = next(c for c in CASES if c.unknown == "The Cradle")
    article = import_article(text=case.text).article
    client.force_login(student)

    page = client.get(reverse("article-detail", args=[article.pk])).content.decode()

    assert "origin named but unknown: The Cradle" in page
    assert "Comment on Global Research Articles" in page  # the publisher's evidence line
    assert "Create outlet" not in page  # students cannot


def test_a_teacher_creates_the_unknown_origin_from_the_page(directory, client, teacher):
    case = next(c for c in CASES if c.name.startswith("30_"))
    article = import_article(text=case.text).article
    client.force_login(teacher)
    assert (
        "Create outlet" in client.get(reverse("article-detail", args=[article.pk])).content.decode()
    )

    response = client.post(reverse("article-create-origin", args=[article.pk]))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.origin.name == "Asia Times"


def test_a_teacher_corrects_publisher_and_origin_and_the_change_is_recorded(
    directory, client, teacher
):
    case = next(c for c in CASES if c.name.startswith("10_"))
    article = import_article(text=case.text).article
    client.force_login(teacher)

    client.post(
        reverse("article-outlets", args=[article.pk]),
        {"publisher": "Global Research", "origin": "RT"},
    )

    article.refresh_from_db()
    assert (article.publisher.name, article.origin.name) == ("Global Research", "RT")
    assert article.origin_signal == "set by teacher"
    correction = OutletCorrection.objects.get()
    assert (correction.field, correction.old.name, correction.new.name) == (
        "origin",
        "Global Research",
        "RT",
    )
    assert correction.changed_by == teacher and "on line" not in correction.old_signal
    page = client.get(reverse("article-detail", args=[article.pk])).content.decode()
    assert "Origin: Global Research → RT, by teacher" in page


def test_a_student_cannot_correct_outlets_or_create_them(directory, client, student):
    article = import_article(text=CASES[0].text).article
    client.force_login(student)

    assert client.post(reverse("article-outlets", args=[article.pk]), {}).status_code == 403
    assert client.post(reverse("article-create-origin", args=[article.pk])).status_code == 403
    assert not OutletCorrection.objects.exists()


def test_a_bad_outlet_name_is_refused_with_a_message_and_nothing_changes(
    directory, client, teacher
):
    article = import_article(text=CASES[0].text).article
    client.force_login(teacher)

    response = client.post(
        reverse("article-outlets", args=[article.pk]),
        {"publisher": "No Such Outlet", "origin": "RT"},
        follow=True,
    )

    assert "unknown outlet" in response.content.decode()
    article.refresh_from_db()
    assert article.origin.name == "South Front"
    assert not OutletCorrection.objects.exists()


def test_load_outlets_is_idempotent_and_keeps_what_editors_changed(db):
    out = io.StringIO()
    call_command("load_outlets", stdout=out)
    count = Outlet.objects.count()
    assert count >= 10 and "created ZeroHedge" in out.getvalue()
    rt = Outlet.objects.get(name="RT")
    rt.aliases.create(name="RT International")

    out = io.StringIO()
    call_command("load_outlets", stdout=out)

    assert Outlet.objects.count() == count
    assert "0 created" in out.getvalue()
    assert set(rt.aliases.values_list("name", flat=True)) >= {"RT International", "Russia Today"}
