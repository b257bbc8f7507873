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


def test_json_lines_reads_the_rows_as_the_other_formats_read_the_named_tuples(corpus):
    """JSON Lines writes sentences and tags from the database's rows, by index; the other
    formats read the same rows as named tuples. Both must give each field its own value."""
    reader = Corpus(Selection(pseudonymize=False))
    expected = {}
    for data in reader.articles():
        text, number = data.article.text, {s.id: s.position + 1 for s in data.sentences}
        expected[data.article.id] = (
            [
                {
                    "position": s.position,
                    "paragraph": s.paragraph,
                    "start": s.start,
                    "end": s.end,
                    "section": s.section,
                    "text": text[s.start : s.end],
                }
                for s in data.sentences
            ],
            [
                {
                    "sentence_number": number[t.sentence_id],
                    "start": t.start,
                    "end": t.end,
                    "text": text[t.start : t.end],
                    "label": t.label,
                    "outlet": reader.outlet_name(t.outlet_id),
                    "cited_source": t.cited_source,
                    "note": t.note,
                    "reviewer": reader.reviewer(t.reviewer_id),
                    "created_at": t.created_at,
                    "updated_at": t.updated_at,
                }
                for t in data.tags
            ],
        )

    written = {r["id"]: (r["sentences"], r["tags"]) for r in records(pseudonymize=False)}

    assert written == expected
    # The fixture's claims have what each field must carry: spans inside sentences,
    # cited sources and notes, several reviewers.
    tags = [t for _, article_tags in written.values() for t in article_tags]
    assert len({t["reviewer"] for t in tags}) >= 3
    assert any(t["cited_source"] for t in tags) and any(t["note"] for t in tags)
    assert any(
        t["text"] != sentences[t["sentence_number"] - 1]["text"]
        for sentences, article_tags in written.values()
        for t in article_tags
    )
