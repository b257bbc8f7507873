"""Importing Label Studio tasks: each task carries the text and its spans only, so an
article new to us is imported (and segmented) as `import_article` does, each span must lie
inside one sentence, and the tags are attributed to the article's origin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from annotator.ingest.corpus.importer import Importer
from annotator.ingest.corpus.records import NotThisFormat, RecordError, as_list
from annotator.ingest.corpus.streams import array_items, read_text


def read(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """The file's records: the tasks of a Label Studio export (a JSON array)."""
    text = read_text(stream)
    stripped = text.lstrip()
    if not stripped.startswith("["):
        yield 1, NotThisFormat("a Label Studio export is a JSON array of tasks")
        return
    yield from array_items(text, len(text) - len(stripped))


def import_record(importer: Importer, task: Any) -> None:
    """Import one task: its article (found by its text, or imported), then the spans of its
    annotations (cancelled ones left out) as tags by their reviewers."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise NotThisFormat("not a Label Studio task (an object with data.text)")
    data = task["data"]
    article, text = importer.article_from_text(data.get("text"), data, "data.text")
    sentences = importer.sentences_of(article.pk)
    outlet = None
    tags = []
    for a, annotation in enumerate(as_list(task.get("annotations"), "annotations"), start=1):
        if not isinstance(annotation, dict):
            raise RecordError(f"annotation {a} is not an object")
        if annotation.get("was_cancelled"):
            continue
        reviewer = importer.reviewer_id(
            annotation.get("reviewer") or _completed_by(annotation.get("completed_by")),
            f"annotation {a} reviewer",
        )
        for r, region in enumerate(as_list(annotation.get("result"), "result"), start=1):
            what = f"annotation {a} result {r}"
            if not isinstance(region, dict) or region.get("type") != "labels":
                kind = region.get("type") if isinstance(region, dict) else None
                raise RecordError(f"{what}: type {kind!r} is not a text span ('labels')")
            value = region.get("value") or {}
            labels = value.get("labels")
            if not isinstance(labels, list) or len(labels) != 1:
                raise RecordError(f"{what}: a claim has exactly one label, not {labels!r}")
            outlet = outlet or importer.default_outlet(article)
            tags.append(
                importer.tag_in(
                    text=text,
                    sentences=sentences,
                    what=what,
                    start=value.get("start"),
                    end=value.get("end"),
                    label=labels[0],
                    reviewer_id=reviewer,
                    outlet_id=outlet,
                    quoted=value.get("text"),
                    created_at=annotation.get("created_at"),
                    updated_at=annotation.get("updated_at"),
                )
            )
    importer.save_tags(article.pk, tags)


def _completed_by(value: Any) -> str:
    """A reviewer name from Label Studio's `completed_by` (a user id, or a user object)."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"labelstudio-user-{value}"
    return value if isinstance(value, str) else ""
