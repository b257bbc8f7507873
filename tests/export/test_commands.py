"""export_corpus and import_corpus on the command line."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from annotator.models import Article, ClaimTag, TagRevision


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_the_file_and_reports_progress(corpus, tmp_path):
    path = tmp_path / "corpus.jsonl"

    out, err = run("export_corpus", "--format", "jsonl", "--output", str(path))

    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(records) == 5
    assert sum(len(r["tags"]) for r in records) == corpus.tag_count
    assert out == ""
    assert "5/5 articles, 11 tags" in err and "Exported jsonl" in err
    assert not list(tmp_path.glob("*.part"))


def test_export_writes_to_standard_output_without_an_output(corpus):
    ids = sorted([corpus.seeds["001"].pk, corpus.seeds["002"].pk])

    out, _ = run(
        "export_corpus", "--format", "doccano", "--aggregate", "--articles", f"{ids[0]},{ids[1]}"
    )

    assert [json.loads(line)["id"] for line in out.splitlines()] == ids


def test_export_takes_the_filters_and_pseudonyms(corpus, tmp_path):
    path = tmp_path / "opinions.csv"

    run(
        "export_corpus",
        "--format=csv",
        f"--output={path}",
        "--label=opinion",
        "--sections=body,comment",
        "--outlet=south-front",
        "--outlet-role=origin",
        "--reviewer-group=Reviewers",
        "--pseudonymize",
        "--bom",
    )

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = data.decode("utf-8-sig").splitlines()[1:]
    # student2 on 000 and on 002's comment, student3 on 001, student1 on 004
    assert len(rows) == 4
    assert all(",opinion," in row for row in rows)
    assert "student" not in data.decode()


def test_export_writes_the_brat_zip_to_a_file(corpus, tmp_path):
    path = tmp_path / "corpus.zip"

    run("export_corpus", "--format", "brat", "--aggregate", "-o", str(path), "--verbosity", "0")

    names = zipfile.ZipFile(path).namelist()
    assert names[0] == "annotation.conf"
    assert len(names) == 1 + 2 * 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outlet", "Nowhere News"], "unknown outlet 'Nowhere News'"),
        (["--reviewer-group", "Astronauts"], "unknown group 'Astronauts'"),
        (["--articles", "1,x"], "article ids must be whole numbers"),
        (["--date-from", "2017-07-01", "--date-to", "2017-06-01"], "date_from is after date_to"),
        (["--sections", "footnotes"], "footnotes"),
    ],
)
def test_export_refuses_a_bad_filter_by_name(corpus, args, message):
    with pytest.raises(CommandError, match=message):
        run("export_corpus", "--format", "jsonl", *args)


def test_import_reads_an_export_and_reports_a_summary(corpus, tmp_path):
    path = tmp_path / "corpus.jsonl"
    run("export_corpus", "--format", "jsonl", "--output", str(path))
    TagRevision.objects.all().delete()
    ClaimTag.objects.all().delete()

    out, err = run("import_corpus", str(path), "--format", "jsonl", "--user", "teacher")
    again, _ = run("import_corpus", str(path), "--format", "jsonl")

    assert ClaimTag.objects.count() == corpus.tag_count
    assert "5 record(s) read, 5 imported, 0 rejected" in out
    assert f"tags: {corpus.tag_count} new" in out
    assert f"tags: 0 new, 0 updated, {corpus.tag_count} unchanged" in again
    assert err == ""


def test_import_names_each_rejected_record_and_fails(corpus, tmp_path):
    path = tmp_path / "broken.jsonl"
    run("export_corpus", "--format", "jsonl", "--output", str(path))
    lines = path.read_text().splitlines()
    record = json.loads(lines[3])
    record["tags"] = [{**record["tags"][0], "label": "rumour"}] if record["tags"] else []
    record["sentences"][0]["start"] += 1
    lines[3] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    Article.objects.filter(content_hash=record["content_hash"]).delete()

    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 record"):
        call_command("import_corpus", str(path), "--format", "jsonl", stdout=out, stderr=err)

    assert "rejected record 4: sentence 1: offsets" in err.getvalue()
    assert "5 record(s) read, 4 imported, 1 rejected" in out.getvalue()
    assert not Article.objects.filter(content_hash=record["content_hash"]).exists()


def test_import_refuses_an_unknown_importer(corpus, tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text("")

    with pytest.raises(CommandError, match="unknown user 'nobody'"):
        run("import_corpus", str(path), "--format", "jsonl", "--user", "nobody")
