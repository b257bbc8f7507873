"""Importing annotated corpora: the JSON Lines round trip, idempotence, bad input, and
imports from W3C, Label Studio and doccano."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model

from annotator.export.selection import Selection
from annotator.export.streaming import export_stream
from annotator.ingest.corpus import import_corpus
from annotator.models import Adjudication, Article, ClaimTag, Sentence, TagRevision
from annotator.services.sentences import correct_section
from sources.models import Outlet


def export(fmt: str, **selection: object) -> bytes:
    return b"".join(export_stream(Selection(**selection), fmt))


def load(data: bytes, fmt: str = "jsonl", **kwargs: object):
    return import_corpus(stream=io.BytesIO(data), fmt=fmt, **kwargs)


def snapshot() -> dict:
    """Everything a round trip must give back, keyed by what identifies it across databases."""
    articles = Article.objects.select_related("publisher", "origin")
    return {
        "outlets": sorted(
            (
                o.name,
                o.slug,
                o.kind,
                o.description,
                sorted(o.aliases.values_list("name", flat=True)),
                sorted(o.domains.values_list("domain", flat=True)),
            )
            for o in Outlet.objects.all()
        ),
        "articles": {
            a.content_hash: (
                a.title,
                a.text,
                a.html,
                str(a.publisher),
                str(a.origin),
                a.publisher_signal,
                a.origin_signal,
                a.byline,
                a.url,
                a.published_on,
                a.source_name,
                a.imported_at,
            )
            for a in articles
        },
        "sentences": sorted(
            Sentence.objects.values_list(
                "article__content_hash", "position", "paragraph", "start", "end", "section", "text"
            )
        ),
        "tags": sorted(
            ClaimTag.objects.values_list(
                "sentence__article__content_hash",
                "sentence__position",
                "reviewer__username",
                "start",
                "end",
                "label",
                "outlet__name",
                "cited_source",
                "note",
                "created_at",
                "updated_at",
            )
        ),
        "adjudications": sorted(
            Adjudication.objects.values_list(
                "sentence__article__content_hash",
                "sentence__position",
                "start",
                "end",
                "label",
                "outlet__name",
                "cited_source",
                "note",
                "adjudicated_by__username",
                "adjudicated_at",
            )
        ),
    }


def counts() -> dict[str, int]:
    models = [Outlet, Article, Sentence, ClaimTag, TagRevision, Adjudication, get_user_model()]
    return {m.__name__: m.objects.count() for m in models}


def empty_the_database() -> None:
    TagRevision.objects.all().delete()
    ClaimTag.objects.all().delete()
    Adjudication.objects.all().delete()
    Article.objects.all().delete()
    Outlet.objects.all().delete()
    get_user_model().objects.all().delete()
    assert sum(counts().values()) == 0


def remove_tags() -> None:
    TagRevision.objects.all().delete()
    ClaimTag.objects.all().delete()


@pytest.fixture
def exported(corpus, teacher):
    """The corpus (with a corrected section) exported as JSON Lines, and its snapshot."""
    boilerplate = Sentence.objects.filter(article=corpus.seeds["003"]).order_by("-position")[0]
    correct_section(sentence=boilerplate, section="boilerplate", by=teacher)
    return export("jsonl"), snapshot()


# --- JSON Lines --------------------------------------------------------------------------


def test_json_lines_round_trip_gives_back_every_field(exported):
    data, before = exported
    empty_the_database()

    summary = load(data)

    assert summary.errors == []
    after = snapshot()
    for key in before:
        assert after[key] == before[key], key
    assert summary.articles_created == 5 and summary.tags_created == len(before["tags"])


def test_imported_reviewers_are_inactive_accounts_that_cannot_log_in(exported):
    data, _ = exported
    empty_the_database()

    summary = load(data)

    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["student1", "student2", "student3", "teacher"]
    assert summary.users_created == 4
    for user in users:
        assert not user.is_active
        assert not user.has_usable_password()


def test_every_imported_tag_has_its_revision(exported, admin_user):
    data, _ = exported
    remove_tags()

    load(data, user=admin_user)

    revisions = TagRevision.objects.all()
    assert revisions.count() == ClaimTag.objects.count() > 0
    assert {(r.action, r.changed_by_id) for r in revisions} == {("created", admin_user.pk)}
    assert {r.tag_id for r in revisions} == set(ClaimTag.objects.values_list("pk", flat=True))


def test_importing_the_same_file_twice_changes_nothing(exported):
    data, before = exported
    empty_the_database()
    load(data)
    after_first = counts()

    summary = load(data)

    assert counts() == after_first
    assert snapshot() == before
    assert (summary.articles_created, summary.articles_existing) == (0, 5)
    assert (summary.tags_created, summary.tags_updated) == (0, 0)
    assert summary.tags_unchanged == len(before["tags"])


def test_a_newer_tag_in_the_file_updates_the_one_here_with_a_revision(exported, student):
    data, _ = exported
    records = [json.loads(line) for line in data.decode().splitlines()]
    for record in records:
        for tag in record["tags"]:
            if tag["reviewer"] == "student1" and tag["label"] == "unsourced":
                tag["label"], tag["updated_at"] = "opinion", "2030-01-01T00:00:00+00:00"
    changed = "".join(json.dumps(r) + "\n" for r in records).encode()

    summary = load(changed)

    assert summary.tags_updated == 2
    assert (
        set(ClaimTag.objects.filter(reviewer=student, label="unsourced").values_list("pk")) == set()
    )
    assert TagRevision.objects.filter(action="updated", label="opinion").count() == 2


def test_an_existing_article_keeps_its_sentences_and_gets_the_tags(exported):
    data, before = exported
    remove_tags()
    Adjudication.objects.all().delete()

    summary = load(data)

    assert summary.articles_existing == 5 and summary.sentences_created == 0
    assert snapshot()["tags"] == before["tags"]


# --- bad input ---------------------------------------------------------------------------


def _lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines()]


def _join(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _break_tag_offsets(records: list[dict]) -> None:
    tag = next(t for t in records[1]["tags"])
    tag["start"] += 1


def _break_label(records: list[dict]) -> None:
    records[1]["tags"][0]["label"] = "rumour"


def _break_sentence(records: list[dict]) -> None:
    records[1]["sentences"][2]["end"] += 3


def _break_text(records: list[dict]) -> None:
    records[1]["text"] = records[1]["text"].replace("ISIS", "IS", 1)


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (_break_tag_offsets, "tag 1: offsets"),
        (_break_label, "tag 1: unknown label 'rumour'; use one of sourced, unsourced"),
        (_break_sentence, "sentence 3: offsets"),
        (_break_text, "content_hash is not the SHA-256 of the text"),
    ],
)
def test_a_bad_record_is_reported_by_number_and_saves_nothing(exported, breakage, message):
    data, before = exported
    records = _lines(data)
    breakage(records)
    bad_hash = records[1]["content_hash"]
    empty_the_database()

    summary = load(_join(records))

    assert [number for number, _ in summary.errors] == [2]
    assert message in summary.errors[0][1]
    assert summary.imported == 4 and summary.records == 5
    assert not Article.objects.filter(content_hash=bad_hash).exists()
    assert Article.objects.count() == 4
    expected_tags = [t for t in before["tags"] if t[0] != bad_hash]
    assert snapshot()["tags"] == expected_tags


def test_a_truncated_file_imports_every_whole_record_and_names_the_cut_one(exported):
    data, _ = exported
    cut = data[: len(data) - 200]
    empty_the_database()

    summary = load(cut)

    assert summary.imported == 4
    [(number, message)] = summary.errors
    assert number == 5 and "cut off (truncated file?)" in message
    assert Article.objects.count() == 4


def test_a_file_in_another_format_is_refused_at_its_first_record(corpus):
    before = counts()

    as_csv = load(export("csv"), "jsonl")
    as_w3c = load(export("jsonl"), "w3c")
    as_labelstudio = load(export("jsonl"), "labelstudio")

    for summary in (as_csv, as_w3c, as_labelstudio):
        [(number, message)] = summary.errors
        assert number == 1 and "right --format" in message
    assert counts() == before


def test_an_aggregated_export_is_not_imported_as_tags(corpus):
    summary = load(export("jsonl", aggregate=True))

    assert summary.errors[0][0] == 1
    assert "aggregated export" in summary.errors[0][1]


# --- other formats -------------------------------------------------------------------------


def _tag_values(*fields: str) -> list[tuple]:
    return sorted(
        ClaimTag.objects.filter(sentence__section="body").values_list(
            "sentence__article__content_hash",
            "reviewer__username",
            "start",
            "end",
            "label",
            *fields,
        )
    )


def test_w3c_import_gives_back_labels_outlets_cited_sources_and_notes(corpus):
    fields = ("outlet__name", "cited_source", "note", "created_at", "updated_at")
    before = _tag_values(*fields)
    data = export("w3c")
    remove_tags()

    summary = load(data, "w3c")

    assert summary.errors == []
    assert summary.tags_created == len(before)
    assert _tag_values(*fields) == before


def test_label_studio_import_gives_back_every_reviewers_labels(corpus):
    before = _tag_values("outlet__name")
    data = export("labelstudio")
    remove_tags()

    summary = load(data, "labelstudio")

    assert summary.errors == []
    # Label Studio carries no outlet: each claim goes to the article's origin, as when tagging.
    origin = {a.content_hash: a.origin.name for a in corpus.seeds.values()}
    assert _tag_values("outlet__name") == sorted(
        (h, r, s, e, label, origin[h]) for h, r, s, e, label, _ in before
    )


def test_label_studio_import_reports_an_unknown_label_by_task(corpus):
    tasks = json.loads(export("labelstudio"))
    number = next(
        n for n, t in enumerate(tasks, start=1) if t["data"]["id"] == corpus.seeds["001"].pk
    )
    tasks[number - 1]["annotations"][0]["result"][0]["value"]["labels"] = ["propaganda"]
    bad = tasks[number - 1]["data"]["content_hash"]
    remove_tags()

    summary = load(json.dumps(tasks).encode(), "labelstudio")

    assert [n for n, _ in summary.errors] == [number]
    assert "unknown label 'propaganda'" in summary.errors[0][1]
    assert not ClaimTag.objects.filter(sentence__article__content_hash=bad).exists()
    assert ClaimTag.objects.exists()


def test_a_truncated_label_studio_file_keeps_the_whole_tasks(corpus):
    data = export("labelstudio")
    remove_tags()

    summary = load(data[: len(data) // 2], "labelstudio")

    assert summary.errors and "truncated" in summary.errors[-1][1]
    assert summary.imported == summary.records - 1


def test_doccano_import_gives_back_every_reviewers_labels(corpus):
    before = _tag_values()
    data = export("doccano")
    remove_tags()

    summary = load(data, "doccano")

    assert summary.errors == []
    assert _tag_values() == before


def test_doccano_import_of_a_new_text_segments_it_and_needs_a_reviewer(corpus):
    text = "South Front says the town fell. It may fall again.\n"
    line = {"text": text, "label": [[0, 31, "sourced"], [32, 50, "speculation"]]}
    data = (json.dumps({**line, "origin": "South Front"}) + "\n").encode()

    nameless = load(data, "doccano")
    named = load(data, "doccano", default_reviewer="annotator7")

    assert "no reviewer given" in nameless.errors[0][1]
    assert named.errors == [] and named.articles_created == 1
    article = Article.objects.get(text=text)
    assert sorted(
        ClaimTag.objects.filter(sentence__article=article).values_list(
            "start", "end", "label", "reviewer__username", "outlet__name"
        )
    ) == [
        (0, 31, "sourced", "annotator7", "South Front"),
        (32, 50, "speculation", "annotator7", "South Front"),
    ]


def test_doccano_import_refuses_a_span_across_sentences_and_disputed_labels(corpus):
    text = corpus.seeds["001"].text
    s = corpus.majority
    across = {"text": text, "label": [[s.start, s.end + 5, "opinion"]], "reviewer": "x"}
    disputed = {"text": text, "label": [[s.start, s.end, "disputed"]], "reviewer": "x"}
    fine = {"text": text, "label": [[s.start, s.end, "opinion"]], "reviewer": "x"}
    data = "".join(json.dumps(r) + "\n" for r in (fine, across, disputed)).encode()

    summary = load(data, "doccano")

    assert [n for n, _ in summary.errors] == [2, 3]
    assert "not inside one sentence" in summary.errors[0][1]
    assert "unknown label 'disputed'" in summary.errors[1][1]
    assert ClaimTag.objects.filter(reviewer__username="x").count() == 1


@pytest.mark.parametrize(
    ("line", "kind"), [("By Jane Roe", "byline"), ("Photo: Reuters", "credit or page furniture")]
)
def test_an_import_refuses_a_tag_on_a_byline_or_credit_line_and_saves_nothing_of_it(
    corpus, line, kind
):
    text = f"South Front says the town fell.\n\n{line}\n\nIt may fall again.\n"
    at = text.index(line)
    claim = {"text": text, "label": [[0, 31, "sourced"]], "reviewer": "x", "origin": "South Front"}
    on_line = {**claim, "label": [[0, 31, "sourced"], [at, at + len(line), "opinion"]]}
    data = "".join(json.dumps(r) + "\n" for r in (on_line, claim)).encode()

    summary = load(data, "doccano")

    assert [n for n, _ in summary.errors] == [1]
    assert (
        f"span {at}..{at + len(line)} lies in a sentence that is not a claim ({kind})"
        in (summary.errors[0][1])
    )
    # The second record, the same article with its claim alone, is imported.
    assert list(ClaimTag.objects.filter(reviewer__username="x").values_list("start", "end")) == [
        (0, 31)
    ]
