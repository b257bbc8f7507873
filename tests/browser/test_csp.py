"""The pages under the Content-Security-Policy, in a real browser: everything still works
(tagging, htmx swaps, the confirm before removing a student, the admin, the API docs)
and the browser reports no CSP violation. Stored XSS payloads: test_xss_fields.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from annotator.models import Sentence
from classroom.models import Membership
from classroom.services.classes import create_class

pytestmark = pytest.mark.django_db(transaction=True)


def watch(context: BrowserContext, page: Page) -> list[str]:
    """Collect what the page reports: CSP violations (console and the DOM event), dialogs
    that a script opened, and script errors."""
    seen: list[str] = []
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on(
        "console",
        lambda m: (
            seen.append(m.text)
            if "Content Security Policy" in m.text or "CSP violation" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    return seen


@pytest.mark.slow
def test_pages_work_under_the_policy_with_no_violation(
    new_context, log_in, seeds, teacher, student, admin_user
):
    classroom = create_class(teacher=teacher, name="Media literacy")
    Membership.objects.create(classroom=classroom, student=student, via=Membership.Via.CODE)
    article = seeds["000"]
    sentence = Sentence.objects.filter(article=article, section="body").order_by("position")[0]
    context = new_context()
    page = log_in(context, "teacher")
    seen = watch(context, page)
    dialogs: list[str] = []

    # Tagging: the workspace script and htmx's swap.
    response = page.goto(f"/articles/{article.pk}/")
    policy = response.headers["content-security-policy"]
    # django-csp writes the directives in no fixed order: read them one by one.
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    page.locator(f"#s{sentence.pk} .text").click()
    page.keyboard.press("3")
    expect(page.locator(f"#s{sentence.pk} .marker.t-opinion.mine")).to_be_visible()

    # The confirm before a removal comes from a static script, and "Cancel" keeps him.
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"/classes/{classroom.pk}/")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator("h1")).to_have_text("Media literacy")
    assert dialogs and "student1" in dialogs[0]
    assert Membership.objects.filter(classroom=classroom, student=student).exists()

    for path in ("/", "/outlets/", "/classes/", "/account/", "/export/", "/guidelines/"):
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()

    admin = log_in(new_context(), "admin")
    seen += watch(admin.context, admin)
    admin.goto("/admin/")
    expect(admin.locator("#site-name")).to_be_visible()
    admin.goto("/api/docs/")
    expect(admin.locator(".swagger-ui .info .title")).to_contain_text("Claim annotator API")

    assert seen == []
