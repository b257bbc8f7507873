"""How the workspace draws a sentence and its tags: the CSS classes and data attributes of
the selectors' views (`annotator.selectors.workspace`: SentenceView, Marker), for the
workspace's fragments (annotator.presenters.fragments) and the tag panel
(`marker_classes`, from `{% load workspace %}`). Every text in them is escaped."""

from __future__ import annotations

from annotator.selectors.workspace import Marker, SentenceView


def escape(text: str) -> str:
    """`text` with &, <, >, " and ' as HTML entities, exactly as markupsafe (and so Jinja2
    and the page before it) escapes them; a plain str, not a Markup: the fragments escape
    thousands of values a page, and building a Markup of each cost them a third of their
    time. Whatever holds escaped text is marked safe once, whole (fragments.py)."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def marker_classes(marker: Marker) -> str:
    """A tag marker's classes: its label, and whether it is the viewer's and a span."""
    return (
        f"marker t-{marker.label}{' mine' if marker.mine else ''}"
        f"{' is-span' if marker.excerpt else ''}"
    )


def marker_attrs(marker: Marker) -> str:
    """The viewer's own tag as data attributes, for the panel to fill itself from: its
    id, label, outlet, cited source and note, and a span's offsets (a whole sentence's
    are the sentence's), and the number of its last change (what the workspace's Undo
    names). Empty for other reviewers' tags. Escaped."""
    if marker.pk is None:
        return ""
    span = f' data-start="{marker.start}" data-end="{marker.end}"' if marker.excerpt else ""
    cited = f' data-cited="{escape(marker.cited_source)}"' if marker.cited_source else ""
    note = f' data-note="{escape(marker.note)}"' if marker.note else ""
    return (
        f' data-tag="{marker.pk}" data-label="{escape(marker.label)}"{span}'
        f' data-outlet="{escape(marker.outlet)}"{cited}{note} data-seq="{marker.seq}"'
    )


def sentence_classes(view: SentenceView) -> str:
    """A sentence's classes: the label of the viewer's whole-sentence tag, whether they
    tagged it, and whether it is outside the assignment."""
    label = f" l-{view.whole.label}" if view.whole else ""
    unit = " not-unit" if view.unit is False else ""
    return f"sentence{label}{' is-tagged' if view.tagged else ''}{unit}"


def sentence_attrs(view: SentenceView) -> str:
    """A sentence's id and data attributes (offsets, section, position, and in an
    assignment whether the viewer has answered it). Escaped."""
    unit = ""
    if view.unit:
        unit = f' data-unit="{"answered" if view.answered else "open"}"'
    return (
        f'id="s{view.pk}" data-start="{view.start}" data-end="{view.end}" '
        f'data-section="{escape(view.section)}" data-position="{view.position}"{unit}'
    )
