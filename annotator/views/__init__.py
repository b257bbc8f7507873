"""Pages: the article list, the annotation workspace, and the requests it makes."""

from __future__ import annotations

from annotator.views.articles import article_detail, article_list, guidelines
from annotator.views.provenance import article_create_origin, article_outlets
from annotator.views.tagging import (
    sentence_detail,
    sentence_section,
    sentence_tag,
    sentence_undo,
    tag_delete,
)

__all__ = [
    "article_create_origin",
    "article_detail",
    "article_list",
    "article_outlets",
    "guidelines",
    "sentence_detail",
    "sentence_section",
    "sentence_tag",
    "sentence_undo",
    "tag_delete",
]
