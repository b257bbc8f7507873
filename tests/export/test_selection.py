"""The export filters and pseudonyms, shared by the command line, the page and the API."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json

from annotator.export.pseudonyms import pseudonym
from annotator.export.selection import Corpus, Selection
from annotator.export.streaming import export_stream
from sources.models import Outlet


def records(**selection: object) -> list[dict]:
    data = b"".join(export_stream(Selection(**selection), "jsonl"))
    return [json.loads(line) for line in data.decode().splitlines()]


def tags(**selection: object) -> list[dict]:
    return [t for r in records(**selection) for t in r.get("tags", r.get("claims", []))]


def outlet(name: str) -> int:
    return Outlet.objects.get(name=name).pk


def test_the_outlet_filter_reads_publisher_origin_or_attribution(corpus):
    s = corpus.seeds
    south_front, wire = outlet("South Front"), outlet("21st Century Wire")

    def ids(**selection: object) -> set[int]:
        return {r["id"] for r in records(**selection)}

    assert ids(outlet_id=south_front, outlet_role="origin") == {
        s["000"].pk,
        s["001"].pk,
        s["002"].pk,
        s["004"].pk,
    }
    assert ids(outlet_id=south_front, outlet_role="publisher") == {s["000"].pk, s["002"].pk}
    assert ids(outlet_id=outlet("Global Research")) == {s["001"].pk}  # publisher or origin
    assert ids(outlet_id=wire, outlet_role="attributed") == {s["004"].pk}
    assert [t["outlet"] for t in tags(outlet_id=wire, outlet_role="attributed")] == [
        "21st Century Wire"
    ]


def test_article_ids_and_the_publication_date_range_choose_articles(corpus):
    s = corpus.seeds

    chosen = records(article_ids=(s["003"].pk, s["004"].pk))
    in_june = records(date_from=dt.date(2017, 6, 1), date_to=dt.date(2017, 6, 15))
    from_mid_june = records(date_from=dt.date(2017, 6, 13))

    assert [r["id"] for r in chosen] == sorted([s["003"].pk, s["004"].pk])
    assert [r["id"] for r in in_june] == [s["001"].pk]
    assert [r["id"] for r in from_mid_june] == [s["000"].pk]  # undated articles are left out


def test_the_reviewer_group_filter_keeps_that_groups_tags(corpus):
    everyone = {t["reviewer"] for t in tags()}
    reviewers = {t["reviewer"] for t in tags(reviewer_group="Reviewers")}
    editors = records(reviewer_group="Editors")

    assert everyone == {"student1", "student2", "student3", "teacher"}
    assert reviewers == {"student1", "student2", "student3"}
    assert [r["id"] for r in editors] == [corpus.seeds["003"].pk]  # only articles with its tags


def test_the_label_filter_applies_to_tags_or_to_consensus_labels(corpus):
    sourced = tags(label="sourced")
    consensus = tags(label="speculation", aggregate=True)

    assert {t["label"] for t in sourced} == {"sourced"} and len(sourced) == 2
    # Aggregated, the filter keeps the claims whose consensus is the label: the adjudicated
    # claim, not the disputed one that one reviewer called speculation.
    assert [(c["start"], c["status"]) for c in consensus] == [
        (corpus.adjudicated.start, "adjudicated")
    ]


def test_sections_are_opt_in_outside_json_lines(corpus):
    def starts(**selection: object) -> set[int]:
        data = b"".join(export_stream(Selection(**selection), "csv")).decode()
        return {int(row["start"]) for row in csv.DictReader(io.StringIO(data))}

    assert corpus.comment.start not in starts()
    assert starts(sections=("comment",)) == {corpus.comment.start}
    assert corpus.comment.start in starts(sections=("body", "comment"))
    assert corpus.comment.start in {t["start"] for t in tags()}


def test_pseudonyms_are_stable_keyed_and_not_user_names(corpus, settings):
    plain = {t["reviewer"] for t in tags()}
    first = {t["reviewer"] for t in tags(pseudonymize=True)}
    again = {t["reviewer"] for t in tags(pseudonymize=True)}
    student = corpus.reviewers[0]

    assert first == again
    assert len(first) == len(plain) == 4
    assert not first & plain
    assert all(name.startswith("reviewer-") and len(name) == 19 for name in first)
    expected = hmac.new(
        settings.SECRET_KEY.encode(),
        f"claim-annotator reviewer {student.pk}".encode(),
        hashlib.sha256,
    ).hexdigest()[:10]
    assert pseudonym(student.pk) == "reviewer-" + expected
    # Without the key, the user id does not give the pseudonym.
    assert (
        pseudonym(student.pk)
        != "reviewer-" + hashlib.sha256(str(student.pk).encode()).hexdigest()[:10]
    )
    settings.SECRET_KEY = "another key"
    assert pseudonym(student.pk) != "reviewer-" + expected


def test_pseudonymized_exports_name_no_user_anywhere(corpus):
    for fmt in ("jsonl", "csv", "w3c", "labelstudio", "doccano"):
        data = b"".join(export_stream(Selection(pseudonymize=True, aggregate=False), fmt)).decode()
        for user in [*corpus.reviewers, corpus.teacher]:
            assert f'"{user.username}"' not in data and f",{user.username}," not in data, fmt


def test_reading_costs_the_same_queries_for_one_chunk_or_many(corpus, django_assert_num_queries):
    def read(chunk_size: int) -> int:
        return sum(len(d.tags) for d in Corpus(Selection(), chunk_size=chunk_size).articles())

    # Set-up: outlets with aliases and domains (3), users (1); then the article ids (1)
    # and four queries per chunk of articles.
    with django_assert_num_queries(4 + 1 + 4):
        assert read(200) == corpus.tag_count
    with django_assert_num_queries(4 + 1 + 4 * 3):
        assert read(2) == corpus.tag_count


def test_an_article_without_tags_is_exported_unless_the_filters_choose_tags(corpus):
    s = corpus.seeds

    assert len(records()) == 5
    assert {r["id"] for r in records(label="speculation")} == {s["000"].pk, s["001"].pk}
