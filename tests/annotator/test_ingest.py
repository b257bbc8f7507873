"""Importing articles: the command line, every format, and every kind of bad input."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from annotator.models import Article, Sentence
from annotator.services.imports import content_hash, import_article
from annotator.services.seeds import load_seeds, read_manifest
from sources.services.outlets import save_outlet

REPORT = (
    "Army Retakes Hill 412\n"
    "By Jane Doe\n"
    "The army retook the hill on Monday. According to the ministry, 12 soldiers were hurt.\n"
)


@pytest.fixture
def outlets(db):
    for outlet in read_manifest()["outlets"]:
        save_outlet(**outlet)


def run_import(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_every_sentence_of_every_seed_points_at_its_own_text(seeds):
    for article in seeds.values():
        sentences = list(article.sentences.order_by("position"))
        assert sentences
        for sentence in sentences:
            assert article.text[sentence.start : sentence.end] == sentence.text
        starts = [s.start for s in sentences]
        assert starts == sorted(starts)


def test_the_seeds_are_stored_exactly_as_the_files_hold_them(seeds):
    for entry in read_manifest()["articles"]:
        article = Article.objects.get(source_name=f"seeds/{entry['file']}")
        assert content_hash(article.text) == entry["sha256"] == article.content_hash


def test_loading_the_seeds_twice_changes_nothing(seeds):
    snapshot = list(Sentence.objects.values_list("id", "article_id", "start", "end", "section"))

    again = load_seeds()

    assert [r.created for r in again] == [False] * 5
    assert Article.objects.count() == 5
    assert list(Sentence.objects.values_list("id", "article_id", "start", "end", "section")) == (
        snapshot
    )


def test_the_load_seeds_command_says_what_it_did(db):
    out = io.StringIO()
    call_command("load_seeds", stdout=out)
    call_command("load_seeds", stdout=out)

    assert "Seeds: 5 imported, 0 already there." in out.getvalue()
    assert "Seeds: 0 imported, 5 already there." in out.getvalue()


def test_reimporting_the_same_text_returns_the_existing_article(outlets):
    first = import_article(text=REPORT)
    second = import_article(text=REPORT, title="Another title")

    assert first.created and not second.created
    assert second.article.pk == first.article.pk
    assert Article.objects.count() == 1


def test_it_imports_plain_text_markdown_html_and_json_lines(outlets, tmp_path):
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "notes.md").write_text(
        "# Dam Attack Repelled\n\nFighters *attacked* the dam. The attack failed.\n",
        encoding="utf-8",
    )
    (tmp_path / "page.html").write_text(
        "<html><head><title>Border Clash</title><script>alert(1)</script></head>"
        "<body><h1>Border Clash</h1><p>Troops clashed at the <b>border</b>.</p>"
        '<p onclick="steal()">Two were hurt. <a href="javascript:alert(1)">More</a></p>'
        "</body></html>",
        encoding="utf-8",
    )
    (tmp_path / "batch.jsonl").write_text(
        json.dumps(
            {
                "text": "Airstrikes hit the town. Nobody claimed them.",
                "title": "Airstrikes",
                "publisher": "Global Research",
                "origin": "south-front",
                "url": "https://www.globalresearch.ca/airstrikes/1",
                "published_on": "2017-06-12",
            }
        )
        + "\n",
        encoding="utf-8",
    )

    out, _, error = run_import(str(tmp_path))

    assert error is None
    assert "Imported 4 article(s); skipped 0 duplicate(s); rejected 0." in out
    html = Article.objects.get(title="Border Clash")
    assert html.text == "Border Clash\n\nTroops clashed at the border.\n\nTwo were hurt. More"
    assert "script" not in html.html and "onclick" not in html.html
    assert "javascript" not in html.html
    markdown = Article.objects.get(title="Dam Attack Repelled")
    assert [s.text for s in markdown.sentences.all()] == [
        "Dam Attack Repelled",
        "Fighters attacked the dam.",
        "The attack failed.",
    ]
    record = Article.objects.get(title="Airstrikes")
    assert (record.publisher.name, record.origin.name) == ("Global Research", "South Front")
    assert str(record.published_on) == "2017-06-12"


def test_it_imports_from_standard_input(outlets, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(REPORT.encode())))

    _, _, error = run_import("-", "--publisher", "South Front")

    assert error is None
    article = Article.objects.get()
    assert article.source_name == "<stdin>"
    assert article.publisher.name == "South Front"
    assert article.title == "Army Retakes Hill 412"


def test_an_explicit_publisher_and_origin_win(outlets, tmp_path):
    path = tmp_path / "001.txt"
    path.write_text("Articles by: South Front\nThe SAA advanced.\n", encoding="utf-8")

    run_import(str(path), "--publisher", "21st Century Wire", "--origin", "Elijah J. Magnier")

    article = Article.objects.get()
    assert (article.publisher.name, article.origin.name) == (
        "21st Century Wire",
        "Elijah J. Magnier",
    )
    assert article.publisher_signal == article.origin_signal == "given"


BAD_INPUTS = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n \t\n", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file: this is a PNG image"),
    ("nul.txt", b"Some text\x00with a NUL byte", "binary file: it contains NUL bytes"),
    ("latin1.txt", "The café was shelled.".encode("latin-1"), "invalid UTF-8 at byte 7 (line 1)"),
    ("broken.html", b"<p>caf\xe9</p>", "invalid UTF-8 at byte 6"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_it_rejects_bad_files_and_imports_the_rest_of_the_batch(
    outlets, tmp_path, name, data, reason
):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(REPORT, encoding="utf-8")

    out, err, error = run_import(str(tmp_path / name), str(tmp_path / "good.txt"))

    assert f"rejected {tmp_path / name}: {reason}" in err
    assert "Imported 1 article(s); skipped 0 duplicate(s); rejected 1." in out
    assert "1 input(s) rejected" in str(error)
    assert Article.objects.count() == 1


def test_it_rejects_a_50_mb_file_without_reading_it_all(outlets, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as stream:
        chunk = b"The army advanced again. " * 40_000  # 1 MB
        for _ in range(50):
            stream.write(chunk)

    _, err, error = run_import(str(big))

    assert "big.txt: too large: 47.7 MB, the limit for one article is 5.0 MB" in err
    assert error is not None
    assert not Article.objects.exists()


def test_it_reports_malformed_json_lines_by_line_number(outlets, tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": "First good article."}),
                '{"text": "unterminated',
                json.dumps(["not", "an", "object"]),
                json.dumps({"text": "Has a typo.", "publsher": "South Front"}),
                json.dumps({"text": "Unknown outlet.", "publisher": "Daily Planet"}),
                json.dumps({"title": "No text at all"}),
                json.dumps({"text": "Bad date.", "published_on": "last Tuesday"}),
                json.dumps({"text": "Second good article."}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    out, err, error = run_import(str(path))

    assert f"{path}:2: not valid JSON: Unterminated string" in err
    assert f"{path}:3: expected a JSON object, got list" in err
    assert f"{path}:4: unknown field(s) publsher" in err
    assert f"{path}:5: unknown outlet 'Daily Planet'" in err
    assert f'{path}:6: needs exactly one of "text", "html" or "markdown"' in err
    assert f"{path}:7: record: published_on 'last Tuesday' is not a date" in err
    assert "Imported 2 article(s); skipped 0 duplicate(s); rejected 6." in out
    assert sorted(Article.objects.values_list("text", flat=True)) == [
        "First good article.",
        "Second good article.",
    ]
    assert error is not None


def test_an_unknown_outlet_on_the_command_line_stops_before_importing(outlets, tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")

    _, _, error = run_import(str(tmp_path / "a.txt"), "--publisher", "Daily Planet")

    assert "unknown outlet 'Daily Planet'" in str(error)
    assert not Article.objects.exists()


def test_a_missing_path_is_reported_by_name(outlets, tmp_path):
    _, err, error = run_import(str(tmp_path / "nowhere.txt"))

    assert "nowhere.txt: no such file or folder" in err
    assert error is not None


def test_a_failed_article_leaves_nothing_behind(outlets):
    with pytest.raises(Exception, match="does not occur in the text"):
        import_article(text=REPORT, comments_start="Great article!")
    with pytest.raises(Exception, match="url"):
        import_article(text=REPORT, url="not a url")

    assert not Article.objects.exists()
    assert not Sentence.objects.exists()


def test_it_shows_progress_on_long_imports(outlets, tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text(
        "".join(
            json.dumps({"text": f"Report number {i}. It is short."}) + "\n" for i in range(250)
        ),
        encoding="utf-8",
    )

    out, err, error = run_import(str(path))

    assert error is None
    assert "… 100 read: 100 imported" in err
    assert "… 200 read: 200 imported" in err
    assert "Imported 250 article(s)" in out


def test_the_segment_command_prints_sentences_as_json_lines(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    out = io.StringIO()

    call_command("segment", str(path), stdout=out)

    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["section"], r["text"]) for r in records] == [
        ("headline", "Army Retakes Hill 412"),
        ("byline", "By Jane Doe"),
        ("body", "The army retook the hill on Monday."),
        ("body", "According to the ministry, 12 soldiers were hurt."),
    ]
    for record in records:
        assert REPORT[record["start"] : record["end"]] == record["text"]


def test_the_segment_command_names_a_bad_file(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")

    with pytest.raises(CommandError, match=r"image\.png: binary file"):
        call_command("segment", str(path), stdout=io.StringIO())


# Importing in batches (annotator/ingest/batch.py): records are checked one by one and
# saved together, a chunk at a time.


def _report(n: int) -> str:
    return (
        f"Army Retakes Hill {n}\n"
        "By Jane Doe\n"
        f"The army retook the hill on day {n}. According to the ministry, {n} soldiers "
        "were hurt.\nMore fighting may follow.\n"
    )


def _entries(texts: list[str]) -> list[dict]:
    return [{"source": f"record {n}", "record": {"text": t}} for n, t in enumerate(texts, 1)]


def test_a_batch_keeps_each_records_outcome_new_known_repeated_or_bad(outlets, teacher):
    from annotator.ingest.batch import import_entries

    known = import_article(text=_report(1)).article
    texts = [_report(2), _report(1), "   \n", _report(2), _report(3), _report(1)]

    outcomes = list(import_entries(_entries(texts), by=teacher))

    assert [o.status for o in outcomes] == [
        "created",
        "duplicate",
        "rejected",
        "duplicate",
        "created",
        "duplicate",
    ]
    second = Article.objects.get(text=_report(2))
    assert [o.article for o in outcomes] == [
        second.pk,
        known.pk,
        None,
        second.pk,
        Article.objects.get(text=_report(3)).pk,
        known.pk,
    ]
    assert outcomes[1].title == known.title == "Army Retakes Hill 1"
    assert "empty" in outcomes[2].reason
    assert Article.objects.count() == 3
    for article in Article.objects.all():  # every article's sentences, each once
        alone = import_article(text=article.text + "\nOne more.\n").article
        expected = list(alone.sentences.values_list("text", flat=True))[:-1]
        assert list(article.sentences.order_by("position").values_list("text", flat=True)) == (
            expected
        )
        alone.delete()


def test_a_text_another_import_saved_meanwhile_is_a_duplicate_and_the_others_are_kept(
    outlets,
):
    from annotator.services.imports import prepare_article, save_articles

    prepared = [prepare_article(text=_report(n)) for n in (4, 5, 6)]
    meanwhile = import_article(text=_report(5)).article  # after the batch looked

    results = save_articles(prepared)

    assert [r.created for r in results] == [True, False, True]
    assert results[1].article.pk == meanwhile.pk
    assert Article.objects.count() == 3
    assert Sentence.objects.filter(article=meanwhile).count() == len(prepared[1].sentences)
    for result, ready in zip(results, prepared, strict=True):
        assert result.article.sentences.count() == len(ready.sentences) > 0


def test_a_larger_batch_costs_no_more_queries(outlets, teacher):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotator.ingest.batch import import_entries

    list(import_entries(_entries([_report(99)]), by=teacher))  # the account's permissions
    counts = []
    for size, first in ((5, 100), (40, 200)):
        texts = [_report(n) for n in range(first, first + size)]
        with CaptureQueriesContext(connection) as queries:
            outcomes = list(import_entries(_entries(texts), by=teacher))
        assert [o.status for o in outcomes] == ["created"] * size
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_json_lines_read_in_blocks_come_out_line_for_line(block):
    from annotator.ingest.batch import read_lines

    body = (
        b'{"text": "one"}\n\n{"text": "a line longer than a block \xc3\xa9\xc3\xa9"}\r\n'
        + b'{"text": "'
        + b"x" * 200
        + b'"}\n   \n{"text": "last, with no newline"}'
    )

    assert list(read_lines(io.BytesIO(body), block=block)) == body.splitlines(keepends=True)
    assert list(read_lines(io.BytesIO(b""), block=block)) == []


def test_sentences_saved_in_one_statement_match_the_orms_on_awkward_text(outlets):
    """The sentences' insert is hand-written (COPY on PostgreSQL): it stores what the
    ORM's bulk_create stores, backslashes, tabs, quotes and all."""
    from annotator.services.imports import prepare_article, save_articles

    text = (
        'Army Says \\N "Hill" Retaken\tAgain\n'
        "The ministry said: C:\\temp\\new is a path, not a place. Officials were 'sure'.\n"
        "Über 12 € were paid;\tnobody knows why.\\\n"
    )
    prepared = prepare_article(text=text)
    [result] = save_articles([prepared])
    twin = import_article(text=text + "Twin.\n").article
    Sentence.objects.filter(article=twin).delete()
    fields = ["position", "paragraph", "start", "end", "section", "text"]
    Sentence.objects.bulk_create(
        Sentence(article=twin, **dict(zip(fields, row[1:], strict=True)))
        for row in prepared.sentences
    )

    def stored(article):
        return list(article.sentences.order_by("position").values_list(*fields))

    assert stored(result.article) == stored(twin)
    assert len(stored(twin)) >= 3
    for *_, start, end, _, sentence in stored(result.article):
        assert sentence == text[start:end]
