"""Working inside an assignment: the article page opened from it shows the assignment,
counts only its units (as the class pages count them), offers Hand in once every unit is
answered, and the tagging answers keep the count up to date."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotator.models import Label, Sentence
from classroom.models import Submission
from classroom.selectors import assignments as selectors
from classroom.selectors import results
from classroom.services.classes import create_assignment, create_class
from core.text.sections import Section
from tests.classroom.conftest import CLAIMS, tag

HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, article, assignment, **query) -> str:
    url = reverse("article-detail", args=[article.pk])
    response = client.get(url, {"assignment": assignment.pk, **query})
    assert response.status_code == 200
    return response.content.decode()


def count(html: str) -> str:
    return re.search(r'<span id="assignment-count"><strong>(.*?)</strong>', html).group(1)


def test_the_page_shows_the_assignment_and_counts_only_its_units(
    client, assignment, sentences, student, article
):
    appeals = Sentence.objects.filter(article=article, section=Section.BOILERPLATE)
    assert appeals.exists() and len(sentences) == len(CLAIMS)
    client.force_login(student)

    html = page(client, article, assignment)

    assert "Assignment: <a" in html and "Who says so?" in html
    assert assignment.due_at.strftime("%Y-%m-%d %H:%M") in html
    assert "Tag every sentence." in html
    assert count(html) == "0 of 10"
    for sentence in sentences:
        assert f'id="s{sentence.pk}"' in html
        assert re.search(rf'id="s{sentence.pk}"[^>]*data-unit="open"', html)
    for appeal in appeals:
        assert re.search(rf'class="sentence not-unit" id="s{appeal.pk}"', html)
    assert "Hand in</button>" not in html


def test_the_due_date_is_shown_in_the_class_time_zone(client, assignment, student, article):
    import zoneinfo

    from classroom.services.classes import set_time_zone

    set_time_zone(
        classroom=assignment.classroom, time_zone="Asia/Tokyo", by=assignment.classroom.teacher
    )
    client.force_login(student)

    html = page(client, article, assignment)

    local = assignment.due_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f'Due {local:%Y-%m-%d %H:%M} <span class="tz">(Asia/Tokyo)</span>' in html
    assert "UTC" not in re.search(r'<p class="due">.*?</p>', html).group(0)


def test_tagging_in_the_assignment_answers_with_the_new_count(
    client, assignment, sentences, student
):
    client.force_login(student)
    sentence = sentences[3]

    response = client.post(
        reverse("sentence-tag", args=[sentence.pk]),
        {"label": "opinion", "assignment": assignment.pk},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'id="s{sentence.pk}"[^>]*data-unit="answered"', html)
    assert '<section id="assignment" class="assignment-box" hx-swap-oob="true"' in html
    assert count(html) == "1 of 10"


def test_hand_in_is_offered_when_every_unit_is_answered_with_the_pages_question(
    client, assignment, sentences, student
):
    for sentence in sentences[:-1]:
        tag(student, sentence, Label.UNSOURCED)
    client.force_login(student)
    assert "Hand in</button>" not in page(client, sentences[0].article, assignment)

    last = client.post(
        reverse("sentence-tag", args=[sentences[-1].pk]),
        {"label": "opinion", "assignment": assignment.pk},
        **HTMX,
    ).content.decode()

    assert count(last) == "10 of 10"
    form = re.search(r'<form method="post" action="([^"]+)" data-confirm="([^"]+)">', last)
    assert form.group(1) == reverse("assignment-submit", args=[assignment.pk])
    assignment_page = client.get(reverse("assignment-detail", args=[assignment.pk]))
    assert f'data-confirm="{form.group(2)}"' in assignment_page.content.decode()
    client.post(form.group(1))
    assert Submission.objects.filter(assignment=assignment, student=student).exists()
    handed_in = page(client, sentences[0].article, assignment)
    assert "Handed in" in handed_in and "Hand in</button>" not in handed_in


def test_the_count_agrees_with_the_assignment_page_for_tied_spans(
    client, assignment, sentences, student
):
    """A sentence tagged only in spans whose labels tie is not answered, on both pages."""
    tied = sentences[2]
    words = tied.text.split()
    first = len(words[0])
    tag(student, tied, Label.OPINION, start=tied.start, end=tied.start + first)
    tag(student, tied, Label.SOURCED, start=tied.end - len(words[-1]), end=tied.end)
    tag(student, sentences[4], Label.OPINION)
    client.force_login(student)

    html = page(client, tied.article, assignment)
    data = selectors.assignment_data(assignment)

    assert count(html) == "1 of 10"
    assert results.progress(data, student.pk).done == 1
    assert re.search(rf'id="s{tied.pk}"[^>]*data-unit="open"', html)
    assert "You have tagged <strong>2</strong>" in html  # the article's own bar counts both


def test_chosen_sentences_are_the_units(client, assignment, sentences, student, teacher):
    from classroom.services.classes import choose_sentences

    choose_sentences(assignment=assignment, by=teacher, sentences=sentences[:3])
    client.force_login(student)

    html = page(client, sentences[0].article, assignment)

    assert count(html) == "0 of 3"
    assert re.search(rf'class="sentence not-unit" id="s{sentences[5].pk}"', html)


def test_the_assignment_page_links_into_the_workspace_with_the_assignment(
    client, assignment, student, article
):
    client.force_login(student)
    html = client.get(reverse("assignment-detail", args=[assignment.pk])).content.decode()
    url = reverse("article-detail", args=[article.pk])
    assert f'href="{url}?assignment={assignment.pk}"' in html


@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("abc", 400, "assignment: must be an assignment"),
        ("99999999999999999999999", 400, "assignment: must be an assignment"),
        ("other-article", 400, "assignment: this article is not part of that assignment"),
        ("other-class", 404, ""),
    ],
)
def test_a_bad_assignment_is_refused_naming_the_field(
    client,
    assignment,
    student,
    other_student,
    seeds,
    article,
    django_user_model,
    value,
    status,
    message,
):
    from tests.factories import make_user

    other_teacher = make_user("teacher2", "Editors")
    elsewhere = create_class(teacher=other_teacher, name="Elsewhere")
    due = timezone.now() + timedelta(days=3)
    foreign = create_assignment(
        classroom=elsewhere,
        by=other_teacher,
        title="Not yours",
        due_at=due,
        articles=[article],
    )
    values = {"other-class": foreign.pk, "other-article": assignment.pk}
    article = seeds["001"] if value == "other-article" else article
    client.force_login(student)

    response = client.get(
        reverse("article-detail", args=[article.pk]), {"assignment": values.get(value, value)}
    )

    assert response.status_code == status
    assert message in response.content.decode()
    sentence = Sentence.objects.filter(article=article, section=Section.BODY).first()
    tagged = client.post(
        reverse("sentence-tag", args=[sentence.pk]),
        {"label": "opinion", "assignment": values.get(value, value)},
        **HTMX,
    )
    assert tagged.status_code == status
    assert not sentence.tags.exists()


# The article page inside an assignment: the four queries of the page (see
# tests/annotator/test_workspace.py), then the assignment, its class with the teacher
# (classroom.permissions), the user's membership, that it holds the article, its chosen
# sentences (none) and units, the user's hand-in and their tags on the units.
ASSIGNMENT_PAGE_QUERIES = 4 + 8


def test_the_page_inside_an_assignment_makes_a_fixed_few_queries(
    client, assignment, sentences, student, django_assert_num_queries
):
    for sentence in sentences[:5]:
        tag(student, sentence, Label.OPINION)
    client.force_login(student)

    with django_assert_num_queries(ASSIGNMENT_PAGE_QUERIES):
        html = page(client, sentences[0].article, assignment)

    assert count(html) == "5 of 10"


def listed(client, **query) -> str:
    return client.get(reverse("article-list"), query).content.decode()


def test_the_not_finished_list_counts_an_open_assignments_units(
    client, assignment, sentences, student, seeds, article
):
    article = article
    for sentence in sentences:  # every unit; the donation appeals stay untagged
        tag(student, sentence, Label.UNSOURCED)
    client.force_login(student)

    everything = listed(client)
    not_finished = listed(client, unfinished="1")

    row = re.search(
        rf'href="/articles/{article.pk}/\?assignment={assignment.pk}">.*?</tr>', everything, re.S
    )
    assert row and '10 / 10</span> <span class="hint">for your assignment' in row.group(0)
    assert f"/articles/{article.pk}/" not in not_finished
    assert f"/articles/{seeds['001'].pk}/" in not_finished


def test_a_unit_left_open_keeps_the_article_not_finished(
    client, assignment, sentences, student, article
):
    for sentence in sentences[:-1]:
        tag(student, sentence, Label.UNSOURCED)
    last = sentences[-1]
    words = last.text.split()
    tag(student, last, Label.OPINION, start=last.start, end=last.start + len(words[0]))
    tag(student, last, Label.SOURCED, start=last.end - len(words[-1]), end=last.end)
    client.force_login(student)

    assert f"/articles/{article.pk}/" in listed(client, unfinished="1")
    assert count(page(client, article, assignment)) == "9 of 10"


def test_once_handed_in_the_list_counts_as_everywhere_else(
    client, assignment, sentences, student, article
):
    for sentence in sentences:
        tag(student, sentence, Label.UNSOURCED)
    Submission.objects.create(assignment=assignment, student=student)
    client.force_login(student)

    html = listed(client)

    assert "for your assignment" not in html
    assert f'href="/articles/{article.pk}/"' in html
    assert f"/articles/{article.pk}/" in listed(client, unfinished="1")  # the appeals


def test_without_javascript_a_tag_in_the_assignment_comes_back_to_it(
    client, assignment, sentences, student
):
    client.force_login(student)
    sentence = sentences[2]

    saved = client.post(
        reverse("sentence-tag", args=[sentence.pk]),
        {"label": "opinion", "assignment": assignment.pk},
    )
    refused = client.post(
        reverse("sentence-tag", args=[sentence.pk]), {"label": "", "assignment": assignment.pk}
    )

    url = reverse("article-detail", args=[sentence.article_id])
    back = f"{url}?assignment={assignment.pk}&s={sentence.pk}#s{sentence.pk}"
    assert saved.status_code == refused.status_code == 302
    assert saved["Location"] == refused["Location"] == back
    html = client.get(back).content.decode()
    assert count(html) == "1 of 10"
    assert f'name="assignment" value="{assignment.pk}"' in html
    assert f'href="?assignment={assignment.pk}&amp;s={sentences[5].pk}#panel"' in html


def test_the_article_list_asks_one_more_query_of_someone_in_no_class(
    editor, django_assert_num_queries
):
    from classroom.selectors.workspace import open_assignment_progress

    with django_assert_num_queries(1):
        assert open_assignment_progress(editor) == {}
