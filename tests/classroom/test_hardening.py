"""Smaller hardening: outlet domains must be domains; invisible and control characters are
removed from names, titles and notes when written; CSV cells behind a full-width '＝' or a
zero-width space are neutralised in every CSV; an editor's adjudication elsewhere does not
decide another teacher's class."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from annotator.models import ClaimTag
from annotator.services.adjudication import adjudicate
from classroom.models import AnswerKeyEntry
from classroom.services.classes import create_class, promote_consensus
from core.spreadsheet import safe_cell, safe_text
from sources.models import Outlet
from sources.services.outlets import create_outlet

from .conftest import tag

HIDDEN = "\x00\u202e\u200b\u2066\ufeff"


@pytest.mark.parametrize(
    "domain", ["not a domain", "exa mple.org", "<script>", "localhost", "a..b", "-x-.org"]
)
def test_an_outlet_domain_must_be_a_domain(teacher, domain):
    with pytest.raises(ValidationError) as caught:
        create_outlet(
            by=teacher,
            name="New outlet",
            kind="news",
            slug="",
            description="",
            aliases=[],
            domains=[domain],
        )

    assert "domains" in caught.value.message_dict
    assert not Outlet.objects.filter(name="New outlet").exists()


def test_a_real_domain_and_a_url_are_accepted(teacher):
    outlet = create_outlet(
        by=teacher,
        name="New outlet",
        kind="news",
        slug="",
        description="",
        aliases=[],
        domains=["https://www.Example.ORG/page", "новости.рф"],
    )

    assert set(outlet.domains.values_list("domain", flat=True)) == {"example.org", "новости.рф"}


def test_invisible_characters_are_removed_from_names_titles_and_notes(
    teacher, student, sentences, assignment
):
    classroom = create_class(teacher=teacher, name=f"Class{HIDDEN} 9B")
    outlet = create_outlet(
        by=teacher,
        name=f"Fake{HIDDEN}News",
        kind="news",
        slug="",
        description="",
        aliases=[f"F{HIDDEN}N"],
        domains=[],
    )
    tag(
        student,
        sentences[0],
        "sourced",
        cited_source=f"The{HIDDEN} ministry",
        note=f"gpj.{HIDDEN}exe",
    )

    saved = ClaimTag.objects.get(reviewer=student, sentence=sentences[0])
    assert classroom.name == "Class 9B"
    assert outlet.name == "FakeNews"
    assert list(outlet.aliases.values_list("name", flat=True)) == ["FN"]
    assert (saved.cited_source, saved.note) == ("The ministry", "gpj.exe")


@pytest.mark.parametrize(
    "cell",
    ['＝HYPERLINK("http://x")', "\u200b=1+1", "\ufeff@SUM(A1)", "\u202e=cmd", " =1", "－1+1"],
)
def test_every_csv_neutralises_a_formula_behind_look_alikes_or_invisible_characters(cell):
    assert safe_text(cell) == "'" + cell
    assert safe_cell(cell) == "'" + cell
    assert safe_cell(-0.25) == -0.25
    assert safe_text("Plain = text") == "Plain = text"


def test_the_gradebook_neutralises_a_full_width_formula_in_a_name(
    client, teacher, student, assignment
):
    student.first_name = '＝HYPERLINK("http://x")'
    student.save()
    client.force_login(teacher)

    response = client.get(reverse("assignment-gradebook", args=[assignment.pk]))
    cells = [c for row in csv.reader(io.StringIO(response.content.decode())) for c in row]

    assert not any(c.startswith("＝") for c in cells)


def test_an_editors_adjudication_elsewhere_does_not_decide_another_teachers_key(
    client, teacher, editor, student, other_student, assignment, sentences
):
    s = sentences[1]
    tag(student, s, "opinion")
    tag(other_student, s, "opinion")
    # Another teacher adjudicates the article's sentence on their own pages.
    client.force_login(editor)
    client.post(reverse("sentence-adjudicate", args=[s.pk]), {"label": "speculation"})
    assert client.post(
        reverse("sentence-adjudicate", args=[s.pk]),
        {"label": "speculation", "assignment": assignment.pk, "use_as_key": "on"},
    ).status_code in {403, 404}

    promote_consensus(assignment=assignment, by=teacher)

    entry = AnswerKeyEntry.objects.get(assignment=assignment, sentence=s)
    assert (entry.label, entry.basis) == ("opinion", AnswerKeyEntry.Basis.MAJORITY)

    # The class's own teacher's adjudication does decide it.
    adjudicate(sentence=s, label="unsourced", by=teacher)
    promote_consensus(assignment=assignment, by=teacher)
    entry.refresh_from_db()
    assert (entry.label, entry.basis) == ("unsourced", AnswerKeyEntry.Basis.ADJUDICATED)
