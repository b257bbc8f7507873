"""The workspace's fragments: its paragraphs of sentences, one sentence, the progress bar.

An article page draws every sentence with its tag markers (300 sentences and, for a
teacher showing every reviewer's tags, 1,600 markers), and each tagging request answers
with one sentence and the progress bar: both through `sentence_html`, one builder, two
uses. They are built here with f-strings, not with a template: a template engine looks up
and escapes each value in turn, and drawing the sentences took more of the page's time than
anything else (about a third of the teacher's page with Jinja2, more than half with Django's
engine; bench/workspace.py says where the time goes).

What the user typed or named (the text, the gaps between sentences, the markers' titles,
user names, the query) is escaped (`annotator.presenters.workspace.escape`: the entities
markupsafe writes, as an autoescaping template does); the rest is numbers and the fixed
words of labels and sections. Every line break below is one the page has always had (the
script reads offsets from the text alone).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from annotator.labels import GUIDE
from annotator.presenters.workspace import (
    escape,
    marker_attrs,
    marker_classes,
    sentence_attrs,
    sentence_classes,
)
from annotator.selectors.workspace import Marker, Progress, SentenceView, Workspace


def _marker(m: Marker) -> str:
    title = escape(m.title)  # the tooltip, and what screen readers say
    who = f'<span class="who" aria-hidden="true">{escape(m.who)}</span>' if m.who else ""
    return (
        f'\n          <span class="{marker_classes(m)}" title="{title}"{marker_attrs(m)}>'
        f'<b aria-hidden="true">{m.letter}</b><span class="vh">{title}</span>{who}</span>'
    )


def _sentence(s: SentenceView, query: str) -> str:
    """One sentence (`query` escaped already). Its .text element holds exactly the
    sentence's text, span tags as <mark> runs, and the element starts and ends tight, so
    that the script turns a selection into article offsets from data-start and the
    highlight covers just the sentence."""
    if s.segments:
        text = "".join(
            f'<mark class="{seg.classes}">{escape(seg.text)}</mark>'
            if seg.classes
            else escape(seg.text)
            for seg in s.segments
        )
    else:
        text = escape(s.text)
    markers = ""
    if s.markers:
        markers = f'<span class="markers">{"".join(map(_marker, s.markers))}\n        </span>'
    flags = pick = ""
    if s.taggable:
        flags = ' data-taggable tabindex="-1"'
        pick = (
            f'<a class="pick" href="?{query}s={s.pk}#panel">'
            f'tag<span class="vh"> sentence {s.position}</span></a>'
        )
    if s.all_tags:
        flags += " data-all"
    return (
        f'{escape(s.gap)}<span class="{sentence_classes(s)}" {sentence_attrs(s)}{flags}>'
        f'<span class="text">{text}</span>{markers}{pick}'
        '<span class="sentence-error" role="alert" hidden></span></span>'
    )


def paragraphs_html(workspace: Workspace, *, query: str) -> SafeString:
    """The article's paragraphs with every sentence, as the page shows them; `query` is
    what each sentence's link keeps of the page's query string ("tags=all&")."""
    query = escape(query)
    html = []
    for paragraph in workspace.paragraphs:
        section = escape(paragraph.section)
        heading = paragraph.heading
        if heading:
            heading = f'<span class="section-label">{escape(heading)}</span>'
        sentences = "".join([_sentence(s, query) for s in paragraph.sentences])
        html.append(
            f'\n    <div class="para section-{section}" data-section="{section}">{heading}'
            f"\n      {sentences}\n    </div>"
        )
    return mark_safe("".join(html))


def sentence_html(sentence: SentenceView, *, query: str) -> SafeString:
    """One sentence, as a tagging request answers with it."""
    return mark_safe(_sentence(sentence, escape(query)))


def progress_html(progress: Progress, *, oob: bool = False) -> SafeString:
    """The viewer's progress bar, in the page's header; `oob` for a tagging request's
    answer, which htmx swaps in out of band."""
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(
        f'<div id="progress" class="progress"{swap}><progress max="{progress.total}" '
        f'value="{progress.done}" aria-labelledby="progress-text"></progress> '
        f'<span id="progress-text">You have tagged <strong>{progress.done}</strong> '
        f"of {progress.total} sentences</span></div>"
    )


def fixed_html(template_name: str, **flags: bool) -> SafeString:
    """`template_name` rendered with the labels' guide (`labels`) and `flags`: for a
    fragment that is the same for every request and user (the guidelines, the keyboard
    shortcuts), rendered once per process and flags instead of on every article page
    (~0.15 ms of the page; bench/side_by_side.py --request page). While developing
    (DEBUG), rendered each time, so that a change to the template shows at once."""
    key = tuple(sorted(flags.items()))
    return _render(template_name, key) if settings.DEBUG else _remembered(template_name, key)


def _render(template_name: str, flags: tuple[tuple[str, bool], ...]) -> SafeString:
    return mark_safe(render_to_string(template_name, {"labels": GUIDE, **dict(flags)}))


_remembered = lru_cache(maxsize=16)(_render)
