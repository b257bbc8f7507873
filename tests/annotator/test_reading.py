"""Reading and undoing in the workspace, as a client sees it: the text between sentences
kept, and Undo taking back a change through the one write path, with its history."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.urls import reverse

from annotator.models import ClaimTag, Label, Sentence, TagRevision
from annotator.selectors.history import check_tag_history
from annotator.services.tagging import delete_tag, tag_claim, undo_change
from sources.models import Outlet

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sentence(seeds) -> Sentence:
    return Sentence.objects.get(
        article=seeds["001"], text__startswith="According to the Syrian Defense Ministry"
    )


def visible_text(paragraph_html: str) -> str:
    """What a reader sees of a paragraph with no tags: its text, without the "tag" links
    (hidden when the script runs) and the empty error boxes."""
    html = re.sub(r'<a class="pick".*?</a>', "", paragraph_html, flags=re.S)
    html = re.sub(r'<span class="section-label">.*?</span>', "", html)
    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def test_the_reading_view_keeps_the_text_between_sentences_exactly(client, seeds, student):
    client.force_login(student)
    for article in seeds.values():
        html = client.get(reverse("article-detail", args=[article.pk])).content.decode()
        paragraphs = re.findall(r'<div class="para [^"]*"[^>]*>(.*?)\n    </div>', html, re.S)
        lines = [line for line in article.text.splitlines() if line.strip()]
        assert len(paragraphs) == len(lines)
        for paragraph, line in zip(paragraphs, lines, strict=True):
            assert visible_text(paragraph).strip() == line.strip()
    page = client.get(reverse("article-detail", args=[seeds["001"].pk])).content.decode()
    assert "Homs.They" not in visible_text(page)
    assert "Homs. They" in visible_text(page)


def undo(client, sentence, tag_or_claim, seq):
    start, end = tag_or_claim
    return client.post(
        reverse("sentence-undo", args=[sentence.pk]),
        {"start": start, "end": end, "seq": seq},
        **HTMX,
    )


def history(sentence, reviewer):
    return list(
        TagRevision.objects.filter(sentence=sentence, reviewer=reviewer)
        .order_by("seq", "start")
        .values_list("seq", "action", "label", "undoes__seq")
    )


def test_undoing_a_clear_brings_the_tag_back_with_its_history(client, sentence, student):
    ministry = "Syrian Defense Ministry"
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED, cited_source=ministry)
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED, note="check the figure")
    created_at = ClaimTag.objects.get(pk=tag.pk).created_at
    client.force_login(student)
    client.post(reverse("tag-delete", args=[tag.pk]), **HTMX)

    response = undo(client, sentence, (sentence.start, sentence.end), 3)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="marker t-sourced mine"' in html
    assert "You have tagged <strong>1</strong> of" in html
    back = ClaimTag.objects.get(sentence=sentence, reviewer=student)
    assert (back.label, back.note, back.created_at) == ("sourced", "check the figure", created_at)
    assert history(sentence, student) == [
        (1, "created", "sourced", None),
        (2, "updated", "sourced", None),
        (3, "deleted", "sourced", None),
        (4, "created", "sourced", 3),
    ]
    # The earlier revisions are the restored tag's again, and the history adds up.
    assert back.revisions.count() == 3
    assert check_tag_history() == []


def test_undoing_a_change_restores_the_values_before_it(client, sentence, student):
    tag_claim(sentence=sentence, reviewer=student, label=Label.UNSOURCED)
    tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION, note="loaded words")
    client.force_login(student)

    response = undo(client, sentence, (sentence.start, sentence.end), 2)

    assert response.status_code == 200
    tag = ClaimTag.objects.get(sentence=sentence, reviewer=student)
    assert (tag.label, tag.note, tag.seq) == ("unsourced", "", 3)
    assert history(sentence, student)[-1] == (3, "updated", "unsourced", 2)
    assert check_tag_history() == []


def test_undoing_a_new_tag_deletes_it_and_undoing_step_by_step_goes_back_in_order(
    client, sentence, student
):
    start = sentence.start + sentence.text.index("28 terrorists")
    span = (start, start + len("28 terrorists"))
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    tag_claim(
        sentence=sentence, reviewer=student, label=Label.UNSOURCED, start=span[0], end=span[1]
    )
    tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION)
    client.force_login(student)
    whole = (sentence.start, sentence.end)

    assert undo(client, sentence, whole, 2).status_code == 200  # opinion -> sourced
    assert undo(client, sentence, span, 1).status_code == 200  # the span's creation
    assert undo(client, sentence, whole, 1).status_code == 200  # the sentence's creation

    assert not ClaimTag.objects.filter(sentence=sentence, reviewer=student).exists()
    whole_history = [r for r in history(sentence, student)]
    assert whole_history == [
        (1, "created", "sourced", None),
        (1, "created", "unsourced", None),
        (2, "updated", "opinion", None),
        (2, "deleted", "unsourced", 1),
        (3, "updated", "sourced", 2),
        (4, "deleted", "sourced", 1),
    ]
    assert check_tag_history() == []


def test_a_change_made_since_cannot_be_undone_and_nothing_is_written(client, sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION)  # another tab
    client.force_login(student)

    response = undo(client, sentence, (sentence.start, sentence.end), 1)

    assert response.status_code == 400
    assert "changed since" in response.content.decode()
    assert ClaimTag.objects.get(pk=tag.pk).label == "opinion"
    assert TagRevision.objects.filter(sentence=sentence).count() == 2


def test_the_same_undo_twice_takes_back_once(client, sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    delete_tag(tag=tag, by=student)
    client.force_login(student)
    whole = (sentence.start, sentence.end)

    first, second = undo(client, sentence, whole, 2), undo(client, sentence, whole, 2)

    assert (first.status_code, second.status_code) == (200, 400)
    assert TagRevision.objects.filter(sentence=sentence).count() == 3


def test_nobody_undoes_someone_elses_change(client, sentence, student, other_student):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    client.force_login(other_student)

    response = undo(client, sentence, (sentence.start, sentence.end), 1)

    assert response.status_code == 400
    assert "no such change of yours" in response.content.decode()
    assert ClaimTag.objects.filter(sentence=sentence, reviewer=student).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": "x", "end": "5", "seq": "1"}, "start"),
        ({"start": "0", "end": "5"}, "seq"),
        ({"start": "0", "end": "5", "seq": "99999999999999999999"}, "seq"),
        ({"start": "-1", "end": "5", "seq": "1"}, "start"),
    ],
)
def test_a_bad_undo_is_a_400_naming_the_field(client, sentence, student, data, field):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    client.force_login(student)

    response = client.post(reverse("sentence-undo", args=[sentence.pk]), data, **HTMX)

    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}:")
    assert TagRevision.objects.filter(sentence=sentence).count() == 1


def test_undo_needs_a_login_and_a_csrf_token(client, sentence, student):
    tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    url = reverse("sentence-undo", args=[sentence.pk])
    data = {"start": sentence.start, "end": sentence.end, "seq": 1}

    anonymous = client.post(url, data, **HTMX)
    client.force_login(student)
    client.handler.enforce_csrf_checks = True
    without_token = client.post(url, data, **HTMX)

    assert anonymous.status_code in (302, 401, 403)
    assert without_token.status_code == 403
    assert ClaimTag.objects.filter(sentence=sentence, reviewer=student).exists()


def test_a_plain_form_undo_redirects_back_and_says_so(client, sentence, student):
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.SOURCED)
    delete_tag(tag=tag, by=student)
    client.force_login(student)

    response = client.post(
        reverse("sentence-undo", args=[sentence.pk]),
        {"start": sentence.start, "end": sentence.end, "seq": 2},
        follow=True,
    )

    assert "Undone." in response.content.decode()
    assert ClaimTag.objects.filter(sentence=sentence, reviewer=student).exists()


def test_undo_is_the_services_too_and_keeps_the_outlet(sentence, student):
    outlet = Outlet.objects.get(name="Global Research")
    tag = tag_claim(sentence=sentence, reviewer=student, label=Label.OPINION, outlet=outlet)
    delete_tag(tag=tag, by=student)

    revision = undo_change(sentence=sentence, by=student, start=tag.start, end=tag.end, seq=2)

    assert revision.undoes.seq == 2
    assert ClaimTag.objects.get(sentence=sentence, reviewer=student).outlet == outlet
