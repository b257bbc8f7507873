"""The workspace's sentence fragment, rendered with Jinja2.

An article page renders one fragment per sentence (300 and more), and each tagging request
answers with one; both go through the same template, `jinja2/annotator/_sentence.jinja`. Jinja2
renders it several times faster than Django's engine, which is what keeps the page within
its budget (bench/workspace.py). Autoescaping is on: every value is escaped, so the
output is safe markup.
"""

from __future__ import annotations

from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from annotator.selectors.workspace import Progress, SentenceView, Workspace


def _render(name: str, context: dict) -> SafeString:
    # Jinja2 escaped every value while rendering (autoescape), so the result is markup.
    return mark_safe(engines["jinja2"].get_template(name).render(context))


def paragraphs_html(workspace: Workspace, *, query: str) -> SafeString:
    """The article's paragraphs with every sentence, as the page shows them."""
    return _render(
        "annotator/_paragraphs.jinja", {"paragraphs": workspace.paragraphs, "query": query}
    )


def sentence_html(sentence: SentenceView, *, query: str) -> SafeString:
    """One sentence, as a tagging request answers with it."""
    return _render("annotator/_sentence.jinja", {"s": sentence, "query": query})


def progress_html(progress: Progress, *, oob: bool = False) -> SafeString:
    """The viewer's progress bar; `oob` for a tagging request's answer, which htmx swaps
    in out of band."""
    return _render("annotator/_progress.jinja", {"progress": progress, "oob": oob})
