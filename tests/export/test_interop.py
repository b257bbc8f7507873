"""Round trips through the real tools: files written by Label Studio 1.23.2 and doccano
1.8.4, the W3C Web Annotation test suite's MUST schemas, re-imports that change nothing,
reviewers that survive, reproducible aggregated exports. The real files are in
tests/data/interop (see its README for how they were made)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotator.export.doccano import layers
from annotator.export.selection import Selection
from annotator.export.streaming import export_stream
from annotator.ingest.corpus import import_corpus
from annotator.models import Article, ClaimTag, TagRevision
from annotator.services.tagging import tag_claim
from sources.models import Outlet
from tests.export.test_import import counts, empty_the_database, remove_tags, snapshot

INTEROP = Path(__file__).resolve().parent.parent / "data" / "interop"
LS_OWN = INTEROP / "labelstudio" / "exported-by-label-studio-1.23.2.json"
LS_AGGREGATED = INTEROP / "labelstudio" / "exported-by-label-studio-1.23.2-aggregated-import.json"
WPT = INTEROP / "w3c" / "wpt-annotation-model"


def export(fmt: str, **selection: object) -> bytes:
    return b"".join(export_stream(Selection(**selection), fmt))


def load(data: bytes, fmt: str, **kwargs: object):
    return import_corpus(stream=io.BytesIO(data), fmt=fmt, **kwargs)


def doccano_lines(name: str) -> bytes:
    with zipfile.ZipFile(INTEROP / "doccano" / f"exported-by-doccano-1.8.4-{name}.zip") as z:
        return z.read("all.jsonl")


def tag_rows(*, body_only: bool = False) -> list[tuple]:
    tags = ClaimTag.objects.filter(sentence__section="body") if body_only else ClaimTag.objects
    return sorted(
        tags.values_list(
            "sentence__article__content_hash", "reviewer__username", "start", "end", "label"
        )
    )


def without_article_ids(fmt: str, data: bytes) -> object:
    """The export with the article ids (the database's own numbers) left out."""
    if fmt == "labelstudio":
        tasks = json.loads(data)
        for task in tasks:
            task["data"].pop("id")
            for group in task["annotations"] + task["predictions"]:
                for region in group["result"]:
                    region["id"] = re.sub(r"^a\d+-", "a-", region["id"])
        return tasks
    records = [json.loads(line) for line in data.decode().splitlines()]
    for record in records:
        record.pop("id")
    return records


def through_label_studio(data: bytes) -> bytes:
    """What Label Studio 1.23.2 does to our tasks on import and gives back on export
    (label_studio/tasks/serializers.py, BaseTaskSerializerBulk.create/add_annotations):
    `data` and `meta` kept verbatim; of an annotation, `result`, `was_cancelled`,
    `ground_truth`, `lead_time` kept and `id` stored as `import_id`; every annotation
    becomes the importing user's (completed_by 1), with Label Studio's own ids and times.
    tests/data/interop/labelstudio shows the same on a file made by Label Studio itself."""
    tasks = []
    ids = iter(range(1, 10_000))
    for n, task in enumerate(json.loads(data), start=1):
        tasks.append(
            {
                "id": n,
                "data": task["data"],
                "meta": task.get("meta", {}),
                "predictions": [],
                "annotations": [
                    {
                        "id": next(ids),
                        "completed_by": 1,
                        "result": a["result"],
                        "was_cancelled": False,
                        "ground_truth": True,
                        "created_at": "2026-12-02T11:55:31.814271Z",
                        "updated_at": "2026-12-02T11:55:31.814301Z",
                        "import_id": a.get("id"),
                    }
                    for a in task["annotations"]
                ],
            }
        )
    return json.dumps(tasks, ensure_ascii=False).encode()


# --- 1. a re-import never changes what the file does not carry ---------------------------


@pytest.mark.parametrize(
    ("export_format", "import_format"),
    [
        ("jsonl", "jsonl"),
        ("w3c", "w3c"),
        ("labelstudio", "labelstudio"),
        ("doccano", "doccano"),
        ("doccano-flat", "doccano"),
    ],
)
def test_reimporting_an_export_changes_no_tag_and_adds_no_revision(
    corpus, export_format, import_format
):
    data = export(export_format)
    before, before_counts = snapshot(), counts()

    first = load(data, import_format)
    second = load(data, import_format)

    for summary in (first, second):
        assert summary.errors == []
        assert (summary.tags_created, summary.tags_updated) == (0, 0)
        assert summary.tags_unchanged > 0
    assert snapshot() == before
    assert counts() == before_counts  # no revision added, no user or outlet created


def _relabel(fmt: str, data: bytes, start: int, end: int, label: str) -> bytes:
    """The export with the claim start..end relabelled, as a user of the other tool would."""
    if fmt == "doccano":
        lines = [json.loads(line) for line in data.decode().splitlines()]
        for line in lines:
            line["label"] = [
                [s, e, label if (s, e) == (start, end) else x] for s, e, x in line["label"]
            ]
        return "".join(json.dumps(line) + "\n" for line in lines).encode()
    tasks = json.loads(data)
    for task in tasks:
        for annotation in task["annotations"]:
            for region in annotation["result"]:
                if (region["value"]["start"], region["value"]["end"]) == (start, end):
                    region["value"]["labels"] = [label]
                    annotation["updated_at"] = "2030-01-01T00:00:00Z"
    return json.dumps(tasks).encode()


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_a_label_changed_in_another_tool_keeps_outlet_cited_source_and_note(corpus, fmt):
    wire = Outlet.objects.get(name="21st Century Wire")
    framing = ClaimTag.objects.get(sentence=corpus.framing)  # opinion, 21st Century Wire, a note
    note = framing.note
    cited = ClaimTag.objects.get(
        reviewer=corpus.reviewers[0], sentence=corpus.majority, start=corpus.majority.start
    )
    revisions = TagRevision.objects.count()

    summary = load(_relabel(fmt, export(fmt), framing.start, framing.end, "speculation"), fmt)

    assert summary.errors == [] and summary.tags_updated == 1
    framing.refresh_from_db()
    assert (framing.label, framing.outlet, framing.note) == ("speculation", wire, note)
    cited.refresh_from_db()
    assert cited.cited_source == "Syrian Defense Ministry"
    assert TagRevision.objects.count() == revisions + 1


# --- 2. Label Studio keeps who annotated -----------------------------------------------


def test_reviewers_survive_a_trip_through_label_studio(corpus):
    before = tag_rows(body_only=True)
    data = through_label_studio(export("labelstudio"))
    remove_tags()

    summary = load(data, "labelstudio")

    assert summary.errors == [] and summary.warnings == []
    assert tag_rows() == before
    assert summary.users_created == 0


def ls_own_spans() -> list[tuple[int, str, int, int, str, str]]:
    """(task, annotation, start, end, label, text) of every region in Label Studio's file."""
    return [
        (
            t["data"]["content_hash"],
            a["id"],
            r["value"]["start"],
            r["value"]["end"],
            r["value"]["labels"][0],
            r["value"]["text"],
        )
        for t in json.loads(LS_OWN.read_bytes())
        for a in t["annotations"]
        for r in a["result"]
    ]


@pytest.mark.interop
def test_label_studios_own_export_imports_with_its_spans_and_a_reviewer_per_annotation(seeds):
    summary = load(LS_OWN.read_bytes(), "labelstudio")

    assert summary.errors == []
    # Label Studio made every annotation its user 1's: each of a task's annotations
    # becomes a reviewer of its own, and the import says so.
    assert [n for n, _ in summary.warnings] == [1, 3]
    assert "--labelstudio-user" in summary.warnings[0][1]
    imported = sorted(
        (
            t.sentence.article.content_hash,
            t.reviewer.username,
            t.start,
            t.end,
            t.label,
            t.sentence.article.text[t.start : t.end],
        )
        for t in ClaimTag.objects.select_related("sentence__article", "reviewer")
    )
    expected = sorted(
        (
            h,
            f"labelstudio-user-1-annotation-{a}" if h != SEED_002 else "labelstudio-user-1",
            s,
            e,
            label,
            text,
        )
        for h, a, s, e, label, text in ls_own_spans()
    )
    assert imported == expected and len(imported) == 32
    again = load(LS_OWN.read_bytes(), "labelstudio")
    assert (again.tags_created, again.tags_updated, again.users_created) == (0, 0, 0)


SEED_002 = "f093dee93c07570a129defdb4cac2d3cbb21c718819b1e865d6f02c2082c0871"


@pytest.mark.interop
def test_label_studio_users_map_to_reviewers(seeds):
    summary = load(LS_OWN.read_bytes(), "labelstudio", labelstudio_users={"1": "student9"})

    assert summary.errors == []
    names = set(ClaimTag.objects.values_list("reviewer__username", flat=True))
    assert "student9" in names  # the task with one annotation
    assert "student9-annotation-1" in names and "labelstudio-user-1" not in names


@pytest.mark.interop
def test_doccanos_own_exports_import_with_their_spans_and_reviewers(seeds):
    overlapping = load(doccano_lines("overlapping"), "doccano")
    assert overlapping.errors == [] and overlapping.tags_created == 32
    by_reviewer = {}
    for line in map(json.loads, doccano_lines("overlapping").decode().splitlines()):
        for s, e, label in line["label"]:
            by_reviewer[line["content_hash"], line["reviewer"], s, e] = (label, line["text"][s:e])
    imported = {
        (t.sentence.article.content_hash, t.reviewer.username, t.start, t.end): (
            t.label,
            t.sentence.article.text[t.start : t.end],
        )
        for t in ClaimTag.objects.select_related("sentence__article", "reviewer")
    }
    assert imported == by_reviewer
    # Label Studio's annotations are the same, in the same order, as doccano's lines.
    ls = [(h, s, e, label) for h, _, s, e, label, _ in ls_own_spans()]
    assert sorted(ls) == sorted(
        (h, s, e, label) for (h, _, s, e), (label, _) in by_reviewer.items()
    )

    remove_tags()
    default = load(doccano_lines("default"), "doccano")
    assert default.errors == [] and default.tags_created == 26  # doccano dropped 6


@pytest.mark.interop
def test_the_aggregated_label_studio_file_says_that_it_imports_nothing(seeds, tmp_path):
    path = tmp_path / "aggregated.json"
    path.write_bytes(LS_AGGREGATED.read_bytes())
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"record\(s\) rejected"):
        call_command(
            "import_corpus", str(path), "--format", "labelstudio", stderr=err, stdout=io.StringIO()
        )

    assert "predictions only" in err.getvalue()
    assert not ClaimTag.objects.exists()


# --- 3. W3C: the MUST schemas and the Z rule -------------------------------------------


def must_validators() -> dict[str, jsonschema.Draft4Validator]:
    """The 14 MUST assertions of the W3C Web Annotation test suite, with the definitions
    they refer to."""
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in (
            json.loads(path.read_text()) for path in (WPT / "definitions").glob("*.json")
        )
    )
    return {
        path.name: jsonschema.Draft4Validator(
            json.loads(path.read_text()),
            registry=registry,
            format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
        )
        for path in sorted((WPT / "annotations").glob("*.json"))
    }


UTC_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@pytest.mark.interop
@pytest.mark.parametrize("aggregate", [False, True])
def test_w3c_export_meets_every_must_of_the_test_suite_and_the_z_rule(corpus, aggregate):
    validators = must_validators()
    document = json.loads(export("w3c", aggregate=aggregate))
    items = document["first"]["items"]

    assert len(validators) == 14 and items
    for annotation in items:
        with_context = {"@context": document["@context"], **annotation}
        for name, validator in validators.items():
            errors = [e.message for e in validator.iter_errors(with_context)]
            assert errors == [], (name, annotation["id"])
        for key in ("created", "modified"):
            if key in annotation:
                assert UTC_Z.match(annotation[key]), annotation[key]
                assert dt.datetime.fromisoformat(annotation[key]).utcoffset() == dt.timedelta(0)
    if not aggregate:
        assert all("created" in a and "modified" in a for a in items)


# --- 4. W3C import takes what the data model allows ------------------------------------


def _one_annotation(corpus) -> tuple[dict, ClaimTag]:
    """A W3C annotation of ours (the span tag by student1) and its tag."""
    tag = ClaimTag.objects.get(start=corpus.span[0], end=corpus.span[1])
    items = json.loads(export("w3c"))["first"]["items"]
    [annotation] = [
        a
        for a in items
        if a["target"]["selector"][1]["start"] == tag.start
        and a["target"]["selector"][1]["end"] == tag.end
    ]
    return annotation, tag


def _single_body(a: dict) -> None:
    a["body"] = next(b for b in a["body"] if b["purpose"] == "tagging")


def _purpose_list(a: dict) -> None:
    for b in a["body"]:
        b["purpose"] = [b["purpose"]]


def _untyped_body(a: dict) -> None:
    for b in a["body"]:
        del b["type"]


def _quote_only(a: dict) -> None:
    a["target"]["selector"] = [
        s for s in a["target"]["selector"] if s["type"] == "TextQuoteSelector"
    ]


def _as_list_of_one(a: dict) -> None:
    a["target"] = [a["target"]]
    a["created"] = [a["created"]]


@pytest.mark.parametrize(
    "change", [_single_body, _purpose_list, _untyped_body, _quote_only, _as_list_of_one]
)
def test_w3c_import_takes_what_the_data_model_allows(corpus, change):
    annotation, tag = _one_annotation(corpus)
    change(annotation)
    expected = (tag.reviewer.username, tag.start, tag.end, tag.label, tag.note)
    tag.delete()

    summary = load(json.dumps([annotation]).encode(), "w3c")

    assert summary.errors == [] and summary.tags_created == 1
    new = ClaimTag.objects.get(start=expected[1], end=expected[2], reviewer__username=expected[0])
    assert (new.reviewer.username, new.start, new.end, new.label) == expected[:4]


def test_w3c_import_finds_a_quote_that_occurs_more_than_once_by_prefix_and_suffix(corpus):
    article = corpus.seeds["001"]
    text = article.text
    first = text.index("ISIS")
    second = text.index("ISIS", first + 1)
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:example:1",
        "type": "Annotation",
        "motivation": "tagging",
        "body": {"value": "opinion"},
        "creator": "mailto:jane.doe@example.org",
        "target": {
            "source": _iri(article),
            "selector": {
                "type": "TextQuoteSelector",
                "exact": "ISIS",
                "prefix": text[second - 10 : second],
                "suffix": text[second + 4 : second + 9],
            },
        },
    }
    assert text.count("ISIS") > 1

    summary = load(json.dumps(annotation).encode(), "w3c")

    assert summary.errors == []
    tag = ClaimTag.objects.get(reviewer__username="jane.doe@example.org")
    assert (tag.start, tag.end, tag.label) == (second, second + 4, "opinion")


def _iri(article: Article) -> str:
    from annotator.export.w3c import article_iri

    return article_iri(article.content_hash)


@pytest.mark.parametrize(
    ("creator", "username"),
    [
        ("http://example.org/people/jane", "example.org_people_jane"),
        ({"type": "Person", "name": "Jane Q. Doe"}, "Jane_Q._Doe"),
    ],
)
def test_w3c_import_takes_a_creator_iri_or_a_name_with_spaces(corpus, creator, username):
    annotation, tag = _one_annotation(corpus)
    annotation["creator"] = creator

    summary = load(json.dumps(annotation).encode(), "w3c")

    assert summary.errors == [] and summary.tags_created == 1
    assert ClaimTag.objects.filter(reviewer__username=username, start=tag.start).exists()


def test_w3c_import_refuses_what_the_model_forbids_with_the_record_number(corpus):
    annotation, _ = _one_annotation(corpus)
    no_target = {k: v for k, v in annotation.items() if k != "target"}
    empty_body = {**annotation, "body": [{"purpose": "tagging"}]}
    before = counts()

    summary = load(json.dumps([annotation, no_target, empty_body]).encode(), "w3c")

    assert [n for n, _ in summary.errors] == [2, 3]
    assert "no target" in summary.errors[0][1]
    assert "neither a value nor an id" in summary.errors[1][1]
    assert counts() == before


# --- export -> import -> export --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "labelstudio", "doccano"])
def test_an_export_imported_into_an_empty_database_exports_the_same(corpus, fmt):
    first = export(fmt)
    empty_the_database()

    summary = load(first, fmt)

    assert summary.errors == []
    # doccano has a line per reviewer of an article: an article nobody tagged has none.
    assert Article.objects.count() == (4 if fmt == "doccano" else 5)
    assert without_article_ids(fmt, export(fmt)) == without_article_ids(fmt, first)


def test_a_w3c_export_imported_again_exports_the_same(corpus):
    first = export("w3c")
    remove_tags()

    summary = load(first, "w3c")

    assert summary.errors == []
    assert export("w3c") == first


@pytest.mark.slow
def test_an_empty_database_takes_the_outlets_from_label_studio_and_doccano(corpus):
    names = {
        a.content_hash: (a.publisher.name, a.origin.name, a.publisher.slug, a.origin.kind)
        for a in Article.objects.select_related("publisher", "origin")
    }
    for fmt in ("labelstudio", "doccano"):
        data = export(fmt)
        empty_the_database()

        summary = load(data, fmt)

        assert summary.errors == [] and Article.objects.exists()
        for a in Article.objects.select_related("publisher", "origin"):
            assert (a.publisher.name, a.origin.name, a.publisher.slug, a.origin.kind) == names[
                a.content_hash
            ]


# --- 5. new texts: detected, given or named outlets ------------------------------------


def test_a_new_text_without_an_outlet_is_attributed_by_detection_option_or_record(seeds):
    detected = "Articles by: South Front\nThe city fell on Monday. It may fall again.\n"
    plain = "The town fell on Monday. It may fall again.\n"
    named = "The village fell on Tuesday. It may fall again.\n"
    at = detected.index("The city")
    lines = [
        {"text": detected, "label": [[at, at + 24, "sourced"]], "reviewer": "r1"},
        {"text": plain, "label": [[0, 24, "unsourced"]], "reviewer": "r1"},
        {
            "text": named,
            "label": [[0, 28, "unsourced"]],
            "reviewer": "r1",
            "origin": "Global Research",
        },
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()

    without = load(data, "doccano")
    assert [n for n, _ in without.errors] == [2]
    assert "--origin" in without.errors[0][1]
    given = load(data, "doccano", origin=Outlet.objects.get(name="21st Century Wire"))
    assert given.errors == []

    origin = dict(
        Article.objects.filter(text__in=[detected, plain, named]).values_list(
            "text", "origin__name"
        )
    )
    assert origin == {detected: "South Front", plain: "21st Century Wire", named: "Global Research"}
    # Detected as import_articles detects it: from the credit line.
    assert Article.objects.get(text=detected).origin_signal.startswith("credit line")
    assert set(
        ClaimTag.objects.filter(reviewer__username="r1").values_list("outlet__name", flat=True)
    ) == {
        "South Front",
        "21st Century Wire",
        "Global Research",
    }


@pytest.mark.interop
def test_import_corpus_takes_publisher_origin_and_label_studio_users(seeds, tmp_path):
    path = tmp_path / "ls.json"
    path.write_bytes(LS_OWN.read_bytes())
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_corpus",
        str(path),
        "--format",
        "labelstudio",
        "--labelstudio-user",
        "1=alice",
        stdout=out,
        stderr=err,
    )

    assert "note on record 1" in err.getvalue()
    assert "alice-annotation-1, alice-annotation-2" in err.getvalue()
    assert get_user_model().objects.filter(username="alice").exists()
    with pytest.raises(CommandError, match="--origin"):
        call_command(
            "import_corpus", str(path), "--format", "labelstudio", "--origin", "Nowhere News"
        )
    with pytest.raises(CommandError, match="ID_OR_EMAIL=REVIEWER"):
        call_command(
            "import_corpus", str(path), "--format", "labelstudio", "--labelstudio-user", "1"
        )


# --- 6. aggregated exports are reproducible --------------------------------------------


def test_aggregated_exports_are_the_same_after_a_round_trip_whatever_the_user_ids(corpus):
    # student1 and student2 gave different cited sources for the majority claim: a tie.
    aggregated = {fmt: export(fmt, aggregate=True) for fmt in ("jsonl", "csv", "w3c")}
    data = export("jsonl")
    empty_the_database()
    model = get_user_model()
    for name in ("teacher", "student3", "student2", "student1"):  # ids in another order
        model.objects.create(username=name)

    load(data, "jsonl")

    claims = [
        c
        for r in without_article_ids("jsonl", export("jsonl", aggregate=True))
        for c in r["claims"]
    ]
    assert {c["cited_source"] for c in claims} >= {"Syrian Defense Ministry"}
    assert without_article_ids("jsonl", export("jsonl", aggregate=True)) == without_article_ids(
        "jsonl", aggregated["jsonl"]
    )
    assert export("w3c", aggregate=True) == aggregated["w3c"]
    assert _csv_without_ids(export("csv", aggregate=True)) == _csv_without_ids(aggregated["csv"])


def _csv_without_ids(data: bytes) -> list[list[str]]:
    import csv

    rows = list(csv.reader(io.StringIO(data.decode())))
    return [row[1:] for row in rows]


# --- 7. doccano and overlapping spans ---------------------------------------------------


def test_layers_never_put_overlapping_spans_on_one_line():
    spans = [[0, 50, "a"], [10, 20, "b"], [15, 30, "c"], [50, 60, "d"], [55, 58, "e"]]

    dealt = layers(spans)

    assert sorted(s for layer in dealt for s in layer) == sorted(spans)
    for layer in dealt:
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(layer))


def test_doccano_export_says_when_spans_overlap_and_the_flat_variant_has_none(corpus, tmp_path):
    err = io.StringIO()
    call_command(
        "export_corpus", "--format", "doccano", "-o", str(tmp_path / "d.jsonl"), stderr=err
    )
    assert "1 line(s) hold spans that overlap" in err.getvalue()
    assert "Allow overlapping entity" in err.getvalue()

    flat = export("doccano-flat")
    lines = [json.loads(line) for line in flat.decode().splitlines()]
    for line in lines:
        spans = sorted(line["label"])
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert [line.get("layer") for line in lines if line.get("layer")] == [1, 2]
    before = tag_rows(body_only=True)
    remove_tags()
    summary = load(flat, "doccano")
    assert summary.errors == [] and tag_rows() == before


# --- 8. smaller ------------------------------------------------------------------------


def test_csv_tells_a_text_starting_with_a_quote_from_a_neutralised_one(corpus, student):
    import csv

    tag_claim(
        sentence=corpus.tie, reviewer=student, label="unsourced", note="'=1+1 is how it is written"
    )
    tag_claim(sentence=corpus.adjudicated, reviewer=student, label="speculation", note="=1+1")

    rows = list(csv.DictReader(io.StringIO(export("csv").decode())))

    notes = {r["note"] for r in rows}
    assert "''=1+1 is how it is written" in notes and "'=1+1" in notes
    assert {n[1:] if n.startswith("'") else n for n in notes} >= {
        "'=1+1 is how it is written",
        "=1+1",
    }


def test_brat_notes_keep_their_line_breaks_escaped(corpus, student):
    tag_claim(
        sentence=corpus.tie, reviewer=student, label="unsourced", note="first line\nsecond \\ line"
    )

    archive = zipfile.ZipFile(io.BytesIO(export("brat")))
    notes = [
        line
        for name in archive.namelist()
        if name.endswith(".ann")
        for line in archive.read(name).decode().splitlines()
        if "AnnotatorNotes" in line
    ]

    assert any(line.endswith("note: first line\\nsecond \\\\ line") for line in notes), notes
