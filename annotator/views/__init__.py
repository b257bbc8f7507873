"""Pages: the article list, the annotation workspace, and the requests it makes."""

from __future__ import annotations

from annotator.views.articles import article_detail, article_list, guidelines
from annotator.views.tagging import sentence_detail, sentence_section, sentence_tag, tag_delete

__all__ = [
    "article_detail",
    "article_list",
    "guidelines",
    "sentence_detail",
    "sentence_section",
    "sentence_tag",
    "tag_delete",
]
