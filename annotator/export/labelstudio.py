"""Label Studio: a JSON array of tasks, ready to import into a Label Studio project.

Each article is a task: `data` holds `text` and the article's metadata (id, title,
content hash, publisher, origin, byline, url, publication date) and `outlets` (the
publisher and origin described, so that an empty database can import the task). Per
reviewer, the task has one entry in `annotations` per reviewer (numbered by `id`, with
`reviewer`, `created_at`, `updated_at`; ordered by reviewer name), whose `result` holds
one `labels` region per tag:
`{"from_name": "label", "to_name": "text", "type": "labels",
"value": {"start", "end", "text", "labels": [label]}}`. Aggregated, the consensus is
in `predictions` (`model_version` "consensus"), a disputed claim labelled "disputed".

Label Studio drops `reviewer` and the timestamps on import and makes every annotation
the importing user's, but keeps the task's `meta` and each annotation's `id` (as
`import_id`): `meta.reviewers` names each annotation's reviewer by its `id`, so that the
reviewers survive a trip through Label Studio (see `annotator.ingest.corpus.labelstudio`).

The matching labeling config (`LABEL_CONFIG`) names the same `label` and `text`.
Label Studio's `labels` results carry no outlet, cited source or note: use JSON Lines,
CSV, W3C or brat for those.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from annotator.export.jsonl import article_fields, json_bytes
from annotator.export.selection import DEFAULT_SECTIONS, ArticleData, Corpus, ExportedTag, Progress
from annotator.models import Label
from annotator.stats.consensus import DISPUTED

EXTENSION = "json"
CONTENT_TYPE = "application/json; charset=utf-8"
FROM_NAME, TO_NAME = "label", "text"
LABEL_CONFIG = (
    "<View>\n"
    f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n'
    + "".join(f'    <Label value="{label}"/>\n' for label in [*Label.values, DISPUTED])
    + "  </Labels>\n"
    f'  <Text name="{TO_NAME}" value="$text"/>\n'
    "</View>\n"
)
__all__ = ["DEFAULT_SECTIONS", "LABEL_CONFIG", "render"]


def _region(region_id: str, text: str, start: int, end: int, label: str) -> dict:
    return {
        "id": region_id,
        "from_name": FROM_NAME,
        "to_name": TO_NAME,
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def outlets_block(corpus: Corpus, data: ArticleData) -> list[dict]:
    """The outlets the article names (publisher, origin), described as JSON Lines does,
    so that a database that does not know them can import the text."""
    a = data.article
    ids = sorted({i for i in (a.publisher_id, a.origin_id) if i is not None})
    return [corpus.outlets[i].as_dict() for i in ids]


def by_reviewer(corpus: Corpus, tags: list[ExportedTag]) -> list[tuple[str, list[ExportedTag]]]:
    """The tags grouped by reviewer, ordered by the reviewer's name in the export (so that
    the order depends on the data only, not on database ids)."""
    groups: dict[int, list[ExportedTag]] = defaultdict(list)
    for t in tags:
        groups[t.reviewer_id].append(t)
    return sorted((corpus.reviewer(r), group) for r, group in groups.items())


def _task(corpus: Corpus, data: ArticleData, claims: list | None) -> dict:
    text = data.article.text
    task = {
        "data": {
            "text": text,
            **article_fields(corpus, data),
            "outlets": outlets_block(corpus, data),
        }
    }
    if claims is None:
        groups = by_reviewer(corpus, data.tags)
        # Label Studio keeps `meta` and an annotation's `id` (as `import_id`), and drops
        # `reviewer`: the reviewers are named in `meta` by annotation number.
        task["meta"] = {"reviewers": {str(n): name for n, (name, _) in enumerate(groups, 1)}}
        task["annotations"] = [
            {
                "id": n,
                "reviewer": name,
                "created_at": min(t.created_at for t in tags),
                "updated_at": max(t.updated_at for t in tags),
                "result": [
                    _region(f"a{data.article.id}-{n}-{k}", text, t.start, t.end, t.label)
                    for k, t in enumerate(tags, start=1)
                ],
            }
            for n, (name, tags) in enumerate(groups, start=1)
        ]
        task["predictions"] = []
    else:
        task["annotations"] = []
        task["predictions"] = [
            {
                "model_version": "consensus",
                "result": [
                    _region(f"a{data.article.id}-{n}", text, c.start, c.end, c.label or DISPUTED)
                    for n, c in enumerate(claims, start=1)
                ],
            }
        ]
    if corpus.selection.suggestions:
        task["predictions"].append(_suggested(data))
    return task


def _suggested(data: ArticleData) -> dict:
    """The label suggester's labels for the article's claims, as a Label Studio
    prediction with its model version and each region's confidence as `score`."""
    from annotator.selectors.suggestions import suggester
    from annotator.selectors.workspace import UNTAGGABLE_SECTIONS

    text = data.article.text
    rows = [
        (s.id, text[s.start : s.end], s.start)
        for s in data.sentences
        if s.section not in UNTAGGABLE_SECTIONS
    ]
    found = suggester().cached_for_article(data.article.id, rows)
    result = []
    for n, suggestion in enumerate(found, start=1):
        region = _region(
            f"p{data.article.id}-{n}", text, suggestion.start, suggestion.end, suggestion.label
        )
        region["origin"] = "prediction"
        region["score"] = round(suggestion.confidence, 3)
        result.append(region)
    return {
        "model_version": found[0].model_version if found else "",
        "score": round(sum(s.confidence for s in found) / len(found), 3) if found else 0.0,
        "result": result,
    }


def render(corpus: Corpus, progress: Progress | None = None) -> Iterator[bytes]:
    """`[`, the tasks separated by commas, `]`."""
    yield b"["
    separator = b"\n"
    if corpus.selection.aggregate:
        items = ((d, c) for d, c in corpus.articles_with_claims(progress))
    else:
        items = ((d, None) for d in corpus.articles(progress))
    for data, claims in items:
        yield separator + json_bytes(_task(corpus, data, claims))
        separator = b",\n"
    yield b"\n]\n"
