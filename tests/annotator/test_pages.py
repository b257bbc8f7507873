"""Who may do what on the pages: one grid per view, for each member of the cast, with
the status code and whether anything changed. The views decide, whatever the client
sends: a forged request gets its 403 and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotator.models import ClaimTag, Label, Sentence, TagRevision
from annotator.services.tagging import tag_claim

HTMX = {"HTTP_HX_REQUEST": "true"}


def log_in(client, request, who: str):
    if who == "anonymous":
        return None
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


@pytest.fixture
def sentence(seeds) -> Sentence:
    return Sentence.objects.get(
        article=seeds["001"], text__startswith="According to the Syrian Defense Ministry"
    )


@pytest.fixture
def students_tag(sentence, student) -> ClaimTag:
    """The first student's tag, which nobody else may change."""
    return tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED, note="mine")


def history() -> int:
    return TagRevision.objects.count()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("student", 200),
        ("other_student", 200),
        ("teacher", 200),
        ("editor", 200),
        ("admin_user", 200),
    ],
)
def test_who_can_read_the_pages(client, request, seeds, who, status):
    log_in(client, request, who)
    urls = [
        reverse("article-list"),
        reverse("article-detail", args=[seeds["001"].pk]),
        reverse("guidelines"),
    ]

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [status] * len(urls)
    if status == 302:
        assert all(r["Location"].startswith(reverse("login")) for r in responses)


@pytest.mark.parametrize(
    ("who", "status", "sees_the_students_tag"),
    [
        ("anonymous", 302, False),
        ("outsider", 403, False),
        ("student", 403, False),
        ("other_student", 403, False),
        ("teacher", 200, True),
        ("editor", 200, True),
        ("admin_user", 200, True),
    ],
)
def test_who_can_switch_to_all_reviewers_tags(
    client, request, students_tag, sentence, who, status, sees_the_students_tag
):
    log_in(client, request, who)

    whole_page = client.get(reverse("article-detail", args=[sentence.article_id]), {"tags": "all"})
    # The script asks for one sentence's tags; without a session it gets a 401.
    one_sentence = client.get(
        reverse("sentence-detail", args=[sentence.pk]), {"tags": "all"}, **HTMX
    )

    assert whole_page.status_code == status
    assert one_sentence.status_code == (401 if who == "anonymous" else status)
    for response in (whole_page, one_sentence):
        assert (
            "by student1 (South Front; note: mine)" in response.content.decode()
        ) is sees_the_students_tag


@pytest.mark.parametrize(
    ("who", "status", "tags_it", "changes_the_students_tag"),
    [
        ("anonymous", 302, False, False),
        ("outsider", 403, False, False),
        ("student", 302, True, True),
        ("other_student", 302, True, False),
        ("teacher", 302, True, False),
        ("editor", 302, True, False),
        ("admin_user", 302, True, False),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_who_can_tag_a_claim(
    client, request, students_tag, sentence, who, status, tags_it, changes_the_students_tag, htmx
):
    user = log_in(client, request, who)
    before = history()
    if htmx:  # the page's script gets the fragment, or a 401 instead of the login page
        status = {302: 401 if who == "anonymous" else 200}.get(status, status)

    # Whatever reviewer the client names, a tag is always the requester's own.
    response = client.post(
        reverse("sentence-tag", args=[sentence.pk]),
        {"label": "opinion", "reviewer": students_tag.reviewer_id, "tag": students_tag.pk},
        **(HTMX if htmx else {}),
    )

    assert response.status_code == status
    students_tag.refresh_from_db()
    assert (students_tag.label == "opinion") is changes_the_students_tag
    assert (user is not None and ClaimTag.objects.filter(reviewer=user).exists()) is tags_it
    assert (history() > before) is tags_it


@pytest.mark.parametrize(
    ("who", "status", "deletes_it"),
    [
        ("anonymous", 302, False),
        ("outsider", 403, False),
        ("student", 302, True),
        ("other_student", 403, False),
        ("teacher", 403, False),
        ("editor", 403, False),
        ("admin_user", 403, False),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_who_can_clear_a_tag(client, request, students_tag, who, status, deletes_it, htmx):
    log_in(client, request, who)
    before = history()
    if htmx:
        status = {302: 401 if who == "anonymous" else 200}.get(status, status)

    response = client.post(reverse("tag-delete", args=[students_tag.pk]), **(HTMX if htmx else {}))

    assert response.status_code == status
    assert ClaimTag.objects.filter(pk=students_tag.pk).exists() is not deletes_it
    assert (history() > before) is deletes_it


@pytest.mark.parametrize(
    ("who", "status", "changed"),
    [
        ("anonymous", 302, False),
        ("outsider", 403, False),
        ("student", 403, False),
        ("other_student", 403, False),
        ("teacher", 302, True),
        ("editor", 302, True),
        ("admin_user", 302, True),
    ],
)
def test_who_can_correct_a_section(client, request, seeds, who, status, changed):
    log_in(client, request, who)
    closed = Sentence.objects.get(article=seeds["003"], text="Comments are closed.")

    response = client.post(reverse("sentence-section", args=[closed.pk]), {"section": "comment"})

    assert response.status_code == status
    closed.refresh_from_db()
    assert (closed.section == "comment") is changed


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_a_sentence_tag_or_article_that_does_not_exist_is_a_404(client, request, seeds, who):
    log_in(client, request, who)

    responses = [
        client.post(reverse("sentence-tag", args=[999_999]), {"label": "opinion"}),
        client.post(reverse("tag-delete", args=[999_999])),
        client.get(reverse("sentence-detail", args=[999_999])),
        client.get(reverse("article-detail", args=[999_999])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]


def test_a_get_cannot_tag_or_clear(client, students_tag, sentence, student):
    client.force_login(student)

    tagging = client.get(reverse("sentence-tag", args=[sentence.pk]), {"label": "opinion"})
    clearing = client.get(reverse("tag-delete", args=[students_tag.pk]))

    assert (tagging.status_code, clearing.status_code) == (405, 405)
    assert ClaimTag.objects.get(pk=students_tag.pk).label == "sourced"


def test_a_post_without_the_csrf_token_changes_nothing(sentence, student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(reverse("sentence-tag", args=[sentence.pk]), {"label": "opinion"})

    assert response.status_code == 403
    assert not ClaimTag.objects.filter(sentence=sentence).exists()
