"""Importing Label Studio tasks: each task carries the text and its spans only, so an
article new to us is imported (and segmented) as `import_article` does, each span must lie
inside one sentence, and the labels change only the labels of the tags stored here (Label
Studio carries no outlet, cited source or note: those stay as they are, and a new tag is
attributed to the article's origin).

Who annotated. Label Studio drops the fields of an annotation that it does not know (our
`reviewer`, the timestamps) and makes every imported annotation the importing user's
(`completed_by`). What it keeps on import (label_studio/tasks/serializers.py,
`BaseTaskSerializerBulk`): the task's `data` and `meta` verbatim, and of each annotation
its `result`, `was_cancelled`, `ground_truth`, `lead_time` and its `id`, stored and
exported back as `import_id`. Our export numbers each task's annotations (`id`) and names
their reviewers in the task's `meta.reviewers` by that number, so the reviewer is found
again in Label Studio's own export. An annotation with no reviewer of ours (made in Label
Studio, or from an older export) is its Label Studio user's: `completed_by` mapped by the
import's `labelstudio_users` (user id or e-mail -> reviewer), else `labelstudio-user-<id>`
(or the e-mail); when one Label Studio user holds several annotations of a task, each is
its own reviewer, `<name>-annotation-<annotation id>`, and the import says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

from annotator.ingest.corpus.importer import Importer
from annotator.ingest.corpus.records import NotThisFormat, RecordError, as_list, as_str
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
    annotations = as_list(task.get("annotations"), "annotations")
    predictions = as_list(task.get("predictions"), "predictions")
    if predictions and not annotations:
        raise RecordError(
            "the task has predictions only (Label Studio's pre-annotations, such as the "
            "consensus of our aggregated export) and no annotations: predictions are not a "
            "reviewer's tags, so nothing of it was imported; import the per-reviewer export"
        )
    if predictions:
        importer.warn(f"{len(predictions)} prediction(s) left out: only annotations are tags")
    article, text = importer.article_from_text(data.get("text"), data, "data.text")
    sentences = importer.sentences_of(article.pk)
    reviewers = _reviewers(importer, task, annotations)
    tags = []
    for a, annotation in enumerate(annotations, start=1):
        if annotation.get("was_cancelled"):
            continue
        reviewer = importer.reviewer_id(reviewers[a - 1], f"annotation {a} reviewer")
        for r, region in enumerate(as_list(annotation.get("result"), "result"), start=1):
            what = f"annotation {a} result {r}"
            if not isinstance(region, dict) or region.get("type") != "labels":
                kind = region.get("type") if isinstance(region, dict) else None
                raise RecordError(f"{what}: type {kind!r} is not a text span ('labels')")
            value = region.get("value") or {}
            labels = value.get("labels")
            if not isinstance(labels, list) or len(labels) != 1:
                raise RecordError(f"{what}: a claim has exactly one label, not {labels!r}")
            tags.append(
                importer.tag_in(
                    text=text,
                    sentences=sentences,
                    what=what,
                    start=value.get("start"),
                    end=value.get("end"),
                    label=labels[0],
                    reviewer_id=reviewer,
                    quoted=value.get("text"),
                    created_at=annotation.get("created_at"),
                    updated_at=annotation.get("updated_at"),
                )
            )
    importer.save_tags(article, tags)


def _reviewers(importer: Importer, task: dict, annotations: list) -> list[str]:
    """The reviewer's name of each annotation (see the module's docstring)."""
    meta = task.get("meta")
    by_number = meta.get("reviewers") if isinstance(meta, dict) else None
    by_number = by_number if isinstance(by_number, dict) else {}
    names: list[str] = []
    from_user: list[bool] = []
    for a, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise RecordError(f"annotation {a} is not an object")
        name = as_str(annotation.get("reviewer"), f"annotation {a} reviewer")
        if not name and annotation.get("import_id") is not None:
            name = as_str(by_number.get(str(annotation["import_id"])), "meta.reviewers")
        names.append(name or _user(importer, annotation.get("completed_by")))
        from_user.append(not name)
    counted = Counter(
        name
        for name, user, annotation in zip(names, from_user, annotations, strict=True)
        if user and name and not annotation.get("was_cancelled")
    )
    renamed = []
    for a, annotation in enumerate(annotations, start=1):
        if from_user[a - 1] and counted[names[a - 1]] > 1:
            names[a - 1] = f"{names[a - 1]}-annotation-{annotation.get('id') or a}"
            renamed.append(names[a - 1])
    if renamed:
        importer.warn(
            f"several annotations of the task by the same Label Studio user "
            f"({', '.join(n for n, c in counted.items() if c > 1)}), and the file does not "
            "name reviewers of ours: each annotation was imported as a reviewer of its own "
            f"({', '.join(renamed)}). Label Studio keeps the reviewers of an export from "
            "this tool (meta.reviewers); for other files map its users with "
            "--labelstudio-user ID_OR_EMAIL=REVIEWER"
        )
    return names


def _user(importer: Importer, value: Any) -> str:
    """A reviewer name for Label Studio's `completed_by` (a user id, or a user object with
    an e-mail): the import's mapping, else labelstudio-user-<id> or the e-mail."""
    keys = [value.get("email"), value.get("id")] if isinstance(value, dict) else [value]
    for key in keys:
        if key is not None and not isinstance(key, bool) and str(key) in importer.labelstudio_users:
            return importer.labelstudio_users[str(key)]
    for key in keys:
        if isinstance(key, str) and key:
            return key
        if isinstance(key, int) and not isinstance(key, bool):
            return f"labelstudio-user-{key}"
    return ""
