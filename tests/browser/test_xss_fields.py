"""Stored XSS, field by field: the shared payload list written into every field a user
can write (articles, outlets, tags, adjudications, classes, assignments, accounts), and
every page that shows them opened in a real browser as a teacher and as a student. No
payload may open a dialog, raise a script error or even reach the page as markup (the
browser then reports a Content-Security-Policy violation).

The payloads are the workplace's shared list (OWASP's cheat sheet and bleach's tests,
`shared/testdata/xss_payloads.json`, read where it is, not copied). A checkout without it
runs the classic vectors below instead, so the test never passes by reading nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from annotator.models import Sentence
from annotator.services.adjudication import adjudicate
from annotator.services.imports import import_article
from annotator.services.tagging import tag_claim
from sources.models import Outlet
from sources.services.outlets import create_outlet
from tests.factories import make_assignment

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SHARED = [
    ROOT.parent / "shared" / "testdata" / "xss_payloads.json",
    Path("/work/shared/testdata/xss_payloads.json"),
]
CLASSIC = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


def payloads() -> list[str]:
    for path in SHARED:
        if path.exists():
            return json.loads(path.read_text())
    return CLASSIC


def cycle(items: list[str], n: int, offset: int) -> list[str]:
    return [items[(offset + i) % len(items)] for i in range(n)]


def visit(page: Page, paths: list[str]) -> list[str]:
    """Open each page; what fired (dialogs, script errors) on any of them."""
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda error: fired.append(f"script error: {error}"))
    # The CSP stops an inline handler that got into the page; the browser reports it, and
    # that report is as much a failure as the handler running.
    page.on(
        "console",
        lambda m: fired.append(m.text) if "Content Security Policy" in m.text else None,
    )
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        # Pointer and focus events on every element: onmouseover/onfocus payloads need them.
        page.evaluate(
            """() => document.querySelectorAll("body *").forEach((el) => {
                for (const type of ["mouseover", "mouseenter", "focus"]) {
                    el.dispatchEvent(new Event(type, { bubbles: true }));
                }
            })"""
        )
        page.wait_for_timeout(50)
    return fired


@pytest.mark.slow
def test_payloads_in_every_user_written_field_run_nothing(
    new_context, log_in, seeds, teacher, editor, student
):
    vectors = payloads()
    # Articles: title, byline and text, as an editor imports them.
    articles = []
    for i, (title, byline) in enumerate(
        zip(cycle(vectors, 3, 0), cycle(vectors, 3, 3), strict=True)
    ):
        body = " ".join(f"Officials said {v} on day {i}." for v in cycle(vectors, 6, 6 + i))
        articles.append(
            import_article(
                text=f"{body}\n\nAnalysts warned it may spread {i}.",
                title=title[:300],
                byline=byline[:300],
                publisher=seeds["001"].publisher,
                origin=seeds["001"].origin,
                imported_by=editor,
            ).article
        )
    # Outlets: name, description and alias, as an editor adds them.
    outlet = create_outlet(
        by=editor,
        name=vectors[9 % len(vectors)][:100].strip() or "x",
        description="\n".join(cycle(vectors, 5, 10)),
        aliases=[v[:100] for v in cycle(vectors, 2, 15) if v.strip()],
    )
    # Tags and adjudications: cited sources and notes.
    article = articles[0]
    sentences = list(Sentence.objects.filter(article=article, section="body"))
    for s, (cited, note) in enumerate(
        zip(cycle(vectors, len(sentences), 20), cycle(vectors, len(sentences), 40), strict=True)
    ):
        sentence = sentences[s]
        tag_claim(
            sentence=sentence,
            reviewer=student,
            label="sourced",
            outlet=outlet,
            cited_source=cited[:300],
            note=note[:2000],
        )
    adjudicate(
        sentence=sentences[0],
        by=teacher,
        label="sourced",
        cited_source=vectors[60 % len(vectors)][:300],
        note=vectors[61 % len(vectors)][:2000],
    )
    # Classes: class name, assignment title and instructions; accounts: names.
    assignment = make_assignment(
        teacher,
        [student],
        [article],
        class_name=vectors[70 % len(vectors)][:200],
        days=3,
        title=vectors[71 % len(vectors)][:200],
        instructions="\n".join(cycle(vectors, 10, 72)),
    )
    classroom = assignment.classroom
    student.first_name = vectors[90 % len(vectors)][:150]
    student.last_name = vectors[91 % len(vectors)][:150]
    student.save()
    outlet = Outlet.objects.get(pk=outlet.pk)

    shared_pages = [
        "/",
        f"/articles/{article.pk}/",
        f"/articles/{articles[1].pk}/",
        "/outlets/",
        f"/outlets/{outlet.slug}/",
        f"/outlets/compare/?outlets={outlet.slug},{seeds['001'].origin.slug}",
        "/guidelines/",
        "/classes/",
        "/account/",
    ]
    teacher_pages = [
        f"/articles/{article.pk}/?view=all",
        f"/classes/{classroom.pk}/",
        f"/classes/assignments/{assignment.pk}/",
        f"/classes/articles/{article.pk}/disagreements/",
        "/outlets/stories/",
        "/export/",
    ]
    teacher_page = log_in(new_context(), "teacher")
    assert visit(teacher_page, shared_pages + teacher_pages) == []
    student_page = log_in(new_context(), "student1")
    assert visit(student_page, shared_pages) == []
