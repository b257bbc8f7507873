"""Label Studio exports can carry the suggester's labels as `predictions`."""

from __future__ import annotations

import json

from annotator.export.selection import Selection
from annotator.export.streaming import export_stream
from annotator.services.tagging import tag_claim
from suggestions import model as learned


def labelstudio(**selection) -> list[dict]:
    return json.loads(b"".join(export_stream(Selection(**selection), "labelstudio")))


def test_label_studio_predictions_carry_the_suggestions_and_model_version(seeds, student):
    article = seeds["001"]
    tag_claim(
        sentence=article.sentences.filter(section="body").first(), reviewer=student, label="opinion"
    )

    plain = {t["data"]["id"]: t for t in labelstudio(article_ids=(article.pk,))}
    assert plain[article.pk]["predictions"] == []

    task = {t["data"]["id"]: t for t in labelstudio(article_ids=(article.pk,), suggestions=True)}[
        article.pk
    ]
    [prediction] = task["predictions"]
    assert prediction["model_version"] == learned.current().version
    regions = prediction["result"]
    assert len(regions) == article.sentences.exclude(section="byline").count()
    defense = next(r for r in regions if r["value"]["text"].startswith("According to the Syrian"))
    assert defense["value"]["labels"] == ["sourced"]
    assert 0 < defense["score"] <= 1
    # The reviewers' annotations are there as before.
    assert [a["reviewer"] for a in task["annotations"]] == ["student1"]
