"""Every export format, per reviewer and aggregated, read back by the tools researchers use.

The W3C check expands the export with pyld against `tests/data/anno.jsonld`, a copy of
the Web Annotation JSON-LD context that W3C publishes at http://www.w3.org/ns/anno.jsonld
(the context of the Web Annotation Data Model Recommendation, 23 February 2017); the
network is not used.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from pyld import jsonld

from annotator.export.selection import Selection
from annotator.export.streaming import FORMATS, export_stream
from annotator.export.w3c import article_iri
from annotator.models import ClaimTag
from tests.export.conftest import INJECTION

DATA = Path(__file__).resolve().parent.parent / "data"
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
DCTERMS = "http://purl.org/dc/terms/"


def export(fmt: str, **selection: object) -> bytes:
    return b"".join(export_stream(Selection(**selection), fmt))


def jsonl_records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines()]


# --- every format, both variants ---------------------------------------------------------


def _spans(fmt: str, data: bytes) -> list[tuple[int, int, str]]:
    """(start, end, label) of every tag or claim in an export, however the format says it."""
    if fmt in ("jsonl",):
        return [
            (t["start"], t["end"], t["label"] or "disputed")
            for r in jsonl_records(data)
            for t in r.get("tags", r.get("claims", []))
        ]
    if fmt == "csv":
        return [
            (int(r["start"]), int(r["end"]), r["label"] or "disputed")
            for r in csv.DictReader(io.StringIO(data.decode()))
        ]
    if fmt == "w3c":
        items = json.loads(data)["first"]["items"]
        return [
            (
                a["target"]["selector"][1]["start"],
                a["target"]["selector"][1]["end"],
                next(b["value"] for b in a["body"] if b["purpose"] == "tagging"),
            )
            for a in items
        ]
    if fmt == "brat":
        archive = zipfile.ZipFile(io.BytesIO(data))
        spans = []
        for name in archive.namelist():
            if name.endswith(".ann"):
                for line in archive.read(name).decode().splitlines():
                    if line.startswith("T"):
                        kind, start, end = line.split("\t")[1].split(" ")
                        spans.append((int(start), int(end), kind))
        return spans
    if fmt == "labelstudio":
        spans = []
        for task in json.loads(data):
            for group in task["annotations"] + task["predictions"]:
                spans.extend(
                    (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                    for r in group["result"]
                )
        return spans
    assert fmt in ("doccano", "doccano-flat")
    return [(s, e, label) for r in jsonl_records(data) for s, e, label in r["label"]]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_per_reviewer_variant_has_every_body_tag_once(fmt, corpus):
    body_tags = ClaimTag.objects.filter(sentence__section="body")
    expected = Counter(body_tags.values_list("start", "end", "label"))

    spans = Counter(_spans(fmt, export(fmt, sections=("body",))))

    assert spans == expected
    assert sum(spans.values()) == corpus.tag_count - 1  # all but the comment's


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_aggregated_variant_has_one_label_per_claim_by_the_consensus_rule(fmt, corpus):
    spans = _spans(fmt, export(fmt, aggregate=True, sections=("body",)))
    labels = {(start, end): label for start, end, label in spans}

    assert len(spans) == len(labels)  # one line (or region) per claim
    m, t, a = corpus.majority, corpus.tie, corpus.adjudicated
    assert labels[m.start, m.end] == "sourced"  # 2 of 3
    assert labels[t.start, t.end] == "disputed"  # 1 against 1
    assert labels[a.start, a.end] == "speculation"  # adjudicated over a tie
    assert labels[corpus.span] == "unsourced"  # the span is a claim of its own
    assert len(labels) == 6


# --- JSON Lines --------------------------------------------------------------------------


def test_json_lines_carries_articles_sentences_and_tags_complete(corpus):
    records = {r["id"]: r for r in jsonl_records(export("jsonl"))}
    record = records[corpus.seeds["001"].pk]
    article = corpus.seeds["001"]

    assert len(records) == 5  # every article, tagged or not
    assert record["text"] == article.text
    assert record["content_hash"] == article.content_hash
    assert (record["publisher"], record["origin"]) == ("Global Research", "South Front")
    assert record["published_on"] == "2017-06-12"
    assert {o["name"] for o in record["outlets"]} == {"Global Research", "South Front"}
    for s in record["sentences"]:
        assert article.text[s["start"] : s["end"]] == s["text"]
    assert len(record["sentences"]) == article.sentences.count()
    sourced = [t for t in record["tags"] if t["cited_source"] == "Syrian Defense Ministry"]
    assert sourced == [
        {
            "sentence_number": corpus.majority.position + 1,
            "start": corpus.majority.start,
            "end": corpus.majority.end,
            "text": corpus.majority.text,
            "label": "sourced",
            "outlet": "South Front",
            "cited_source": "Syrian Defense Ministry",
            "note": "",
            "reviewer": "student1",
            "created_at": sourced[0]["created_at"],
            "updated_at": sourced[0]["updated_at"],
        }
    ]
    adjudicated = records[corpus.seeds["000"].pk]["adjudications"]
    assert [(j["label"], j["adjudicated_by"], j["note"]) for j in adjudicated] == [
        ("speculation", "teacher", "hedged: may")
    ]


def test_json_lines_keeps_comments_by_default_and_other_formats_do_not(corpus):
    jsonl = export("jsonl")
    doccano = export("doccano")

    assert corpus.comment.text in {t["text"] for r in jsonl_records(jsonl) for t in r["tags"]}
    assert corpus.comment.start not in {s for s, _, _ in _spans("doccano", doccano)}
    with_comments = _spans("doccano", export("doccano", sections=("body", "comment")))
    assert corpus.comment.start in {s for s, _, _ in with_comments}


def test_aggregated_json_lines_flags_disputed_claims_and_counts_votes(corpus):
    claims = {
        (c["start"], c["end"]): c
        for r in jsonl_records(export("jsonl", aggregate=True))
        for c in r["claims"]
    }
    m, t, a = corpus.majority, corpus.tie, corpus.adjudicated

    assert claims[m.start, m.end]["status"] == "majority"
    assert claims[m.start, m.end]["labels"] == {
        "sourced": 2,
        "unsourced": 0,
        "opinion": 1,
        "speculation": 0,
    }
    assert claims[m.start, m.end]["cited_source"] in {"Syrian Defense Ministry", "the ministry"}
    assert (claims[t.start, t.end]["label"], claims[t.start, t.end]["status"]) == (
        None,
        "disputed",
    )
    assert claims[a.start, a.end]["status"] == "adjudicated"
    assert claims[a.start, a.end]["adjudicated_by"] == "teacher"


@pytest.mark.interop
def test_pandas_reads_the_json_lines(corpus, tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(export("jsonl"))

    frame = pd.read_json(path, lines=True)

    assert len(frame) == 5
    assert set(frame["content_hash"]) == {a.content_hash for a in corpus.seeds.values()}
    assert frame["tags"].map(len).sum() == corpus.tag_count


@pytest.mark.interop
@pytest.mark.slow
def test_hugging_face_datasets_loads_the_json_lines(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets import load_dataset

    for variant, key in ((False, "tags"), (True, "claims")):
        path = tmp_path / f"corpus-{variant}.jsonl"
        path.write_bytes(export("jsonl", aggregate=variant))
        dataset = load_dataset(
            "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
        )

        assert dataset.num_rows == 5
        assert key in dataset.column_names
        row = dataset.filter(lambda r: r["id"] == corpus.seeds["001"].pk)[0]
        assert row["text"] == corpus.seeds["001"].text
        for item in row[key]:
            assert row["text"][item["start"] : item["end"]] == item["text"]


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.interop
def test_csv_has_one_row_per_tag_read_alike_by_pandas_and_the_csv_module(corpus):
    data = export("csv", sections=("body", "comment"))

    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False)
    rows = list(csv.DictReader(io.StringIO(data.decode())))

    assert len(frame) == len(rows) == corpus.tag_count
    assert list(frame.columns) == list(rows[0].keys())
    for row in rows:
        article = corpus.seeds[
            next(k for k, a in corpus.seeds.items() if a.pk == int(row["article_id"]))
        ]
        assert article.text[int(row["start"]) : int(row["end"])] == row["text"]
    assert frame["sentence_text"].tolist() == [r["sentence_text"] for r in rows]


def test_csv_neutralises_cells_a_spreadsheet_would_run(corpus, student):
    ClaimTag.objects.filter(sentence=corpus.tie, reviewer=student).update(
        note="+1 agree", cited_source=""
    )
    ClaimTag.objects.filter(sentence=corpus.majority, reviewer=student, label="sourced").update(
        cited_source="@ministry\tpress office"
    )
    rows = list(csv.DictReader(io.StringIO(export("csv").decode())))
    notes = {r["note"] for r in rows}
    cited = {r["cited_source"] for r in rows}

    assert "'" + INJECTION in notes
    assert INJECTION not in notes
    assert "'+1 agree" in notes
    assert "'@ministry\tpress office" in cited
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_can_start_with_a_byte_order_mark_for_excel(corpus):
    plain = b"".join(export_stream(Selection(), "csv"))
    excel = b"".join(export_stream(Selection(), "csv", bom=True))

    assert excel == b"\xef\xbb\xbf" + plain
    assert pd.read_csv(io.BytesIO(excel), encoding="utf-8-sig").columns[0] == "article_id"


# --- W3C Web Annotation --------------------------------------------------------------------


def _local_context_loader(url, options=None):
    assert url.rstrip("/") in (
        "http://www.w3.org/ns/anno.jsonld",
        "https://www.w3.org/ns/anno.jsonld",
    )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads((DATA / "anno.jsonld").read_text()),
    }


@pytest.mark.interop
@pytest.mark.parametrize("aggregate", [False, True])
def test_w3c_export_expands_against_the_web_annotation_context(corpus, aggregate):
    document = json.loads(export("w3c", aggregate=aggregate))
    texts = {a.content_hash: a.text for a in corpus.seeds.values()}
    by_iri = {article_iri(h): t for h, t in texts.items()}

    [collection] = jsonld.expand(document, {"documentLoader": _local_context_loader})

    assert collection["@type"] == [AS + "OrderedCollection"]
    [page] = collection[AS + "first"]
    assert page["@type"] == [AS + "OrderedCollectionPage"]
    annotations = page[AS + "items"][0]["@list"]
    assert len(annotations) == len(document["first"]["items"]) > 0
    for annotation in annotations:
        assert annotation["@type"] == [OA + "Annotation"]
        assert annotation["@id"].startswith("urn:uuid:")
        assert annotation[OA + "motivatedBy"] == [{"@id": OA + "tagging"}]
        bodies = annotation[OA + "hasBody"]
        assert all(b["@type"] == [OA + "TextualBody"] for b in bodies)
        purposes = {b[OA + "hasPurpose"][0]["@id"]: b for b in bodies}
        assert OA + "tagging" in purposes and OA + "identifying" in purposes
        [target] = annotation[OA + "hasTarget"]
        assert target["@type"] == [OA + "SpecificResource"]
        [source] = target[OA + "hasSource"]
        text = by_iri[source["@id"]]
        selectors = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
        quote = selectors[OA + "TextQuoteSelector"]
        position = selectors[OA + "TextPositionSelector"]
        start = int(position[OA + "start"][0]["@value"])
        end = int(position[OA + "end"][0]["@value"])
        exact = quote[OA + "exact"][0]["@value"]
        prefix = quote[OA + "prefix"][0]["@value"] if OA + "prefix" in quote else ""
        suffix = quote[OA + "suffix"][0]["@value"] if OA + "suffix" in quote else ""
        assert text[start:end] == exact
        assert text[start - len(prefix) : start] == prefix
        assert text[end : end + len(suffix)] == suffix
        assert text.count(prefix + exact + suffix) >= 1
        assert DCTERMS + "creator" in annotation
        if not aggregate:
            assert (
                annotation[DCTERMS + "created"][0]["@type"]
                == "http://www.w3.org/2001/XMLSchema#dateTime"
            )
            assert DCTERMS + "modified" in annotation


def test_w3c_export_names_outlet_cited_source_and_note_by_purpose(corpus):
    items = json.loads(export("w3c"))["first"]["items"]
    by_creator_and_start = {
        (a["creator"]["nickname"], a["target"]["selector"][1]["start"]): a for a in items
    }
    sourced = by_creator_and_start["student1", corpus.majority.start]
    bodies = {b["purpose"]: b["value"] for b in sourced["body"]}

    assert bodies == {
        "tagging": "sourced",
        "identifying": "South Front",
        "describing": "Syrian Defense Ministry",
    }
    framing = by_creator_and_start["student1", corpus.framing.start]
    assert {b["purpose"]: b["value"] for b in framing["body"]}["identifying"] == (
        "21st Century Wire"
    )
    assert framing["target"]["source"] == article_iri(corpus.seeds["004"].content_hash)


# --- brat --------------------------------------------------------------------------------


def test_brat_zip_has_a_folder_per_reviewer_with_exact_texts_and_offsets(corpus):
    archive = zipfile.ZipFile(io.BytesIO(export("brat")))
    names = set(archive.namelist())
    s001 = corpus.seeds["001"]
    rows = [r.split("\t") for r in archive.read("reviewers.tsv").decode().splitlines()[1:]]
    folder = {reviewer: folder for folder, reviewer in rows}

    assert "annotation.conf" in names
    assert {f"{folder['student1']}/{s001.pk}.txt", f"{folder['student1']}/{s001.pk}.ann"} <= names
    assert {f"{folder['student2']}/{s001.pk}.txt", f"{folder['student3']}/{s001.pk}.ann"} <= names
    # student3 tagged 001 only
    assert f"{folder['student3']}/{corpus.seeds['000'].pk}.txt" not in names
    assert archive.read(f"{folder['student1']}/{s001.pk}.txt").decode() == s001.text
    ann = archive.read(f"{folder['student1']}/{s001.pk}.ann").decode().splitlines()
    t_lines = [line.split("\t") for line in ann if line.startswith("T")]
    for _, kind_offsets, span in t_lines:
        kind, start, end = kind_offsets.split(" ")
        assert kind in ("sourced", "unsourced", "opinion", "speculation")
        assert s001.text[int(start) : int(end)] == span
    assert f"unsourced {corpus.span[0]} {corpus.span[1]}" in {t[1] for t in t_lines}
    notes = [line for line in ann if line.startswith("#")]
    assert any("cited source: Syrian Defense Ministry" in n for n in notes)
    assert all(n.split("\t")[1].startswith("AnnotatorNotes T") for n in notes)


def test_brat_configuration_declares_the_labels_and_outlets(corpus):
    per_reviewer = zipfile.ZipFile(io.BytesIO(export("brat"))).read("annotation.conf").decode()
    aggregated = zipfile.ZipFile(io.BytesIO(export("brat", aggregate=True)))
    conf = aggregated.read("annotation.conf").decode()

    sections = [line for line in per_reviewer.splitlines() if line.startswith("[")]
    assert sections == ["[entities]", "[relations]", "[events]", "[attributes]"]
    entities = per_reviewer.split("[entities]\n")[1].split("[")[0].split()
    assert entities == ["sourced", "unsourced", "opinion", "speculation"]
    assert "Outlet Arg:<ENTITY>, Value:" in per_reviewer and "south-front" in per_reviewer
    assert "disputed" in conf.split("[entities]\n")[1].split("[")[0].split()
    assert "Status Arg:<ENTITY>, Value:adjudicated|majority|disputed" in conf
    s001 = corpus.seeds["001"].pk
    assert {f"{s001}.txt", f"{s001}.ann"} <= set(aggregated.namelist())


# --- Label Studio and doccano ----------------------------------------------------------------


def test_label_studio_tasks_have_one_annotation_per_reviewer(corpus):
    tasks = {t["data"]["id"]: t for t in json.loads(export("labelstudio"))}
    task = tasks[corpus.seeds["001"].pk]

    assert task["data"]["text"] == corpus.seeds["001"].text
    assert sorted(a["reviewer"] for a in task["annotations"]) == [
        "student1",
        "student2",
        "student3",
    ]
    for annotation in task["annotations"]:
        for region in annotation["result"]:
            assert (region["from_name"], region["to_name"], region["type"]) == (
                "label",
                "text",
                "labels",
            )
            value = region["value"]
            assert task["data"]["text"][value["start"] : value["end"]] == value["text"]
    assert task["predictions"] == []


def test_label_studio_aggregated_tasks_carry_the_consensus_as_predictions(corpus):
    tasks = {t["data"]["id"]: t for t in json.loads(export("labelstudio", aggregate=True))}
    task = tasks[corpus.seeds["001"].pk]

    assert task["annotations"] == []
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "consensus"
    labels = {r["value"]["start"]: r["value"]["labels"] for r in prediction["result"]}
    assert labels[corpus.tie.start] == ["disputed"]


def test_doccano_has_a_line_per_article_and_reviewer_or_per_article(corpus):
    per_reviewer = jsonl_records(export("doccano"))
    aggregated = jsonl_records(export("doccano", aggregate=True))
    s001 = corpus.seeds["001"].pk

    assert sorted(r["reviewer"] for r in per_reviewer if r["id"] == s001) == [
        "student1",
        "student2",
        "student3",
    ]
    assert [r["id"] for r in aggregated].count(s001) == 1
    assert "reviewer" not in aggregated[0]
    for line in per_reviewer + aggregated:
        assert set(line) >= {"text", "label"}
        for start, end, label in line["label"]:
            assert 0 <= start < end <= len(line["text"])
            assert label in ("sourced", "unsourced", "opinion", "speculation", "disputed")


ODD_TEXT = [
    'He said "no" \\ twice.',
    "Tabs\there and a bell \x07, an escape \x1b, \x1f and DEL \x7f too.",
    "Non-ASCII “quotes”, é, 中文 and 🙂 stay as they are.",
]


def _odd_corpus() -> None:
    from tests.factories import make_article, make_tag, make_user

    article = make_article(sentences=ODD_TEXT)
    reviewer = make_user('rev"iewer', "reviewer")
    for sentence in article.sentences.order_by("position"):
        make_tag(sentence, reviewer, "sourced", cited_source='the "ministry"\n', note="a\\b")
        make_tag(sentence, reviewer=make_user(role="reviewer"), end=sentence.start + 3)


def test_jsonl_lines_are_the_json_that_json_dumps_writes_whatever_the_text(db):
    # The sentences and tags are written from templates, and the text quoted by orjson
    # (annotator/export/jsonl.py): the line must still be exactly json.dumps' compact
    # JSON, escapes and all.
    odd = ODD_TEXT
    _odd_corpus()

    lines = export("jsonl").decode().splitlines()

    assert lines
    for line in lines:
        assert line == json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))
    record = json.loads(lines[-1])
    assert [s["text"] for s in record["sentences"]] == odd
    assert {t["text"] for t in record["tags"]} == {*odd, *(s[:3] for s in odd)}


def test_doccano_lines_are_the_json_that_json_dumps_writes_whatever_the_text(db):
    _odd_corpus()

    lines = export("doccano").decode().split("\n")

    assert lines[-1] == "" and lines[:-1]
    for line in lines[:-1]:
        assert line == json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("fmt", ["labelstudio", "w3c"])
def test_json_documents_quote_the_text_as_json_dumps_does(db, fmt):
    # Every JSON format writes through annotator.export.jsonl.json_bytes (orjson).
    _odd_corpus()

    written = export(fmt).decode()

    json.loads(written)
    for text in ODD_TEXT:
        assert json.dumps(text, ensure_ascii=False) in written
