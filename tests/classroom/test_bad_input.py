"""Request input that is not an id, or that the database cannot hold, is a 400 naming
the field, never a 500: digits such as '²' that pass str.isdigit() but not int(), numbers
over 64 bits (SQLite stores no more), and a roster cell over the csv module's limit."""

from __future__ import annotations

import csv

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from classroom.services.roster import RosterError, parse_roster

# Each breaks a naive parse in its own way: int() refuses it, or SQLite cannot hold it.
NOT_IDS = [
    "²",
    "١٢",  # Arabic-Indic digits: isdigit() and int() accept them, an id is ASCII
    "9223372036854775808",  # 2**63: one over SQLite's largest integer
    "1" * 40,
    "1" * 5000,  # over Python's int() digit limit
    "-3",
    "0",
    "1e3",
    "x",
]


def _answers(client, teacher, assignment, sentences, value):
    """(answer, field named in it) for each endpoint that reads an id from the request."""
    client.force_login(teacher)
    yield (
        client.post(
            reverse("assignment-sentences", args=[assignment.pk]),
            {"sentence": [str(sentences[0].pk), value]},
        ),
        "sentence",
    )
    yield (
        client.post(
            reverse("sentence-adjudicate", args=[sentences[0].pk]),
            {"label": "opinion", "assignment": value},
        ),
        "assignment",
    )
    yield (
        client.get(reverse("api-assignment-feedback", args=[assignment.pk]), {"student": value}),
        "student",
    )
    yield (
        client.post(
            reverse("assignment-edit", args=[assignment.pk]),
            {"title": "T", "due_at": "2099-01-01T10:00", "articles": [value]},
        ),
        "articles",
    )
    yield client.get(reverse("api-export"), {"format": "csv", "articles": value}), "articles"
    yield client.get(reverse("export"), {"format": "csv", "articles": value}), "article ids"


@pytest.mark.parametrize("value", NOT_IDS)
def test_every_id_read_from_a_request_refuses_a_non_id_with_a_400_naming_it(
    client, teacher, assignment, sentences, value
):
    for response, field in _answers(client, teacher, assignment, sentences, value):
        assert response.status_code == 400, (field, value, response.status_code)
        assert field in response.content.decode(), (field, value)


def test_a_roster_cell_over_the_csv_limit_is_an_error_on_its_line(client, classroom, teacher):
    huge = "x" * (csv.field_size_limit() + 1)
    data = f"name,email\nAda,ada@example.org\n{huge},b@example.org\n".encode()

    with pytest.raises(RosterError) as caught:
        parse_roster(data)
    client.force_login(teacher)

    response = client.post(
        reverse("class-roster", args=[classroom.pk]),
        {"roster": SimpleUploadedFile("roster.csv", data, content_type="text/csv")},
    )

    assert caught.value.errors[0][0] == 3
    assert "longer than 131,072 characters" in caught.value.errors[0][1]
    assert response.status_code == 400
    assert "longer than 131,072 characters" in response.content.decode()


@pytest.mark.parametrize("value", ["1" * 5000, "²", "9223372036854775808"])
def test_an_api_page_number_that_is_no_number_is_a_400_naming_it(client, teacher, value):
    client.force_login(teacher)

    response = client.get(reverse("api-article-list"), {"page": value})

    assert response.status_code == 400
    assert "page" in response.json()
