"""Phones and tablets in a real browser: the label bar at the bottom of a phone's and a
tablet's screen tags, narrows to a span and clears; the menu folds behind a button; no
page is wider than a phone's screen and every button, field and menu link on it is at
least 44px high (a lone checkbox 24px); and axe-core finds no critical or serious
violation on any page, at desktop and at phone size.

axe-core comes from the pinned dev dependency axe-playwright-python (its bundled
axe.min.js), evaluated into the page by the test: the app never serves it."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from annotator.models import ClaimTag, Label, Sentence
from annotator.services.tagging import tag_claim
from classroom.services import classes as services
from sources.models import Outlet

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1366, "height": 768}
CURRENT = re.compile(r"\bis-current\b")
DEFENSE = "According to the Syrian Defense Ministry"


@pytest.fixture
def contexts(new_context):
    """A browser profile of a viewport's size; below desktop width, a touch screen."""

    def make(viewport: dict) -> BrowserContext:
        touch = viewport["width"] < 1024
        return new_context(
            viewport={"width": viewport["width"], "height": viewport["height"]},
            is_mobile=touch,
            has_touch=touch,
            java_script_enabled=viewport.get("javascript", True),
        )

    return make


def page_fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def select_words(page: Page, sid: str, words: str) -> None:
    """Select `words` in a sentence as a phone's long press and handles leave them: a
    selection made by the browser, which the workspace turns into a span."""
    page.evaluate(
        """([sid, words]) => {
            const node = document.querySelector('#' + sid + ' .text').firstChild;
            const at = node.data.indexOf(words);
            window.getSelection().setBaseAndExtent(node, at, node, at + words.length);
        }""",
        [sid, words],
    )


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.slow
def test_the_label_bar_tags_narrows_and_clears_on_a_phone_and_a_tablet(
    contexts, log_in, save_screenshot, seeds, student, viewport
):
    article = seeds["001"]
    sentences = list(Sentence.objects.filter(article=article).order_by("position"))
    defense = next(s for s in sentences if s.text.startswith(DEFENSE))
    sid = f"s{defense.pk}"
    page = log_in(contexts(viewport), "student1")  # a script error fails the test
    assert page_fits_the_screen(page)

    # The menu: folded behind its button, every link one tap away.
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(log_out).to_be_visible()
    assert log_out.bounding_box()["x"] + log_out.bounding_box()["width"] <= viewport["width"]
    for link in page.locator(".topbar nav a").all():
        assert link.bounding_box()["height"] >= 44
    page.get_by_role("link", name="Articles", exact=True).tap()
    page.get_by_role("link", name=article.title).tap()

    # The bar sits at the bottom of the screen, the whole article above it (once the
    # page's scripts, which run after the page is drawn, have made the panel a bar).
    bar = page.locator("#panel")
    expect(page.locator("[data-workspace]")).to_have_class(re.compile(r"\bhas-labelbar\b"))
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert abs(box["y"] + box["height"] - viewport["height"]) <= 1
    assert box["height"] < viewport["height"] / 3
    assert page_fits_the_screen(page)
    labels = bar.locator("label.choice")
    expect(labels).to_have_count(4)
    for target in [*labels.all(), bar.get_by_role("button", name="Clear")]:
        assert target.bounding_box()["height"] >= 44
    expect(bar.get_by_role("button", name="Next")).to_be_visible()
    expect(page.locator("#id_outlet")).to_be_hidden()

    # Tap a sentence, tap a label: it is tagged, and the bar says so.
    page.locator(f"#{sid} .text").tap()
    expect(page.locator(f"#{sid}")).to_have_class(CURRENT)
    position = page.locator(f"#{sid}").get_attribute("data-position")
    expect(bar.locator("[data-panel=position]")).to_have_text(position)
    bar.locator("label.t-sourced").tap()
    expect(page.locator(f"#{sid} .marker.t-sourced.mine")).to_be_visible()
    expect(bar.locator("[data-panel=status]")).to_have_text("Saved")

    # Outlet, cited source and note are one tap away.
    more = bar.get_by_role("button", name="Outlet, source, note")
    more.tap()
    expect(page.locator("#id_cited_source")).to_be_visible()
    page.fill("#id_cited_source", "Syrian Defense Ministry")
    page.fill("#id_note", "Named ministry")
    bar.get_by_role("button", name="Save").tap()
    expect(page.locator(f"#{sid} .marker.t-sourced.mine")).to_have_attribute(
        "data-cited", "Syrian Defense Ministry"
    )
    bar.get_by_role("button", name="Fewer").tap()
    expect(page.locator("#id_note")).to_be_hidden()

    # Narrow to words: the bar now tags just that span.
    select_words(page, sid, "28 terrorists were killed")
    expect(bar.locator("[data-panel=claim]")).to_have_text("Span: “28 terrorists were killed”")
    assert bar.get_by_role("button", name="Use the whole sentence").bounding_box()["height"] >= 44
    bar.locator("label.t-unsourced").tap()
    expect(page.locator(f"#{sid} mark.t-unsourced")).to_have_text("28 terrorists were killed")
    span = ClaimTag.objects.get(reviewer=student, label=Label.UNSOURCED)
    assert article.text[span.start : span.end] == "28 terrorists were killed"
    whole = ClaimTag.objects.get(reviewer=student, label=Label.SOURCED)
    assert (whole.cited_source, whole.note) == ("Syrian Defense Ministry", "Named ministry")
    # The README's pictures (docs/workspace-phone.png, -tablet.png) are these.
    save_screenshot(page, "workspace-phone.png" if viewport is PHONE else "workspace-tablet.png")

    # Clear the span's tag from the bar; the whole sentence's tag stays.
    bar.get_by_role("button", name="Clear").tap()
    expect(page.locator(f"#{sid} mark.t-unsourced")).to_have_count(0)
    expect(page.locator(f"#{sid} .marker.t-sourced.mine")).to_be_visible()
    assert list(ClaimTag.objects.filter(reviewer=student).values_list("label", flat=True)) == [
        Label.SOURCED
    ]

    # Next: the next sentence not tagged yet, shown above the bar, not behind it.
    bar.get_by_role("button", name="Next").tap()
    current = page.locator(".sentence.is-current")
    expect(current).not_to_have_id(sid)
    expect(current).not_to_have_class(re.compile(r"\bis-tagged\b"))
    sentence_box = current.bounding_box()
    assert sentence_box["y"] + sentence_box["height"] <= bar.bounding_box()["y"] + 1
    assert sentence_box["y"] >= 0


@pytest.mark.slow
def test_without_javascript_a_phone_shows_the_whole_menu_and_tags_through_the_panel(
    contexts, log_in, seeds, student
):
    article = seeds["001"]
    defense = Sentence.objects.get(article=article, text__startswith=DEFENSE)
    context = contexts({**PHONE, "javascript": False})
    page = log_in(context, "student1")
    # No Menu button: the menu wraps onto more lines, every link on the screen.
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_visible()
    assert log_out.bounding_box()["x"] + log_out.bounding_box()["width"] <= PHONE["width"]
    assert page_fits_the_screen(page)

    page.get_by_role("link", name=article.title).click()
    page.locator(f"#s{defense.pk} a.pick").click()
    expect(page.locator("[data-panel=position]")).to_have_text(
        page.locator(f"#s{defense.pk}").get_attribute("data-position")
    )
    page.locator("#panel label.t-sourced").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#s{defense.pk} .marker.t-sourced.mine")).to_be_visible()
    assert page_fits_the_screen(page)
    assert ClaimTag.objects.get(reviewer=student).label == Label.SOURCED


def make_class_world(seeds, teacher, student) -> None:
    """A class with a student, an assignment the student has tagged and handed in, and
    tags by both: every class page has something to show."""
    article = seeds["000"]
    classroom = services.create_class(teacher=teacher, name="Media literacy 9B")
    code = services.create_join_code(classroom=classroom, by=teacher)
    services.join_with_code(code=code.code, user=student)
    assignment = services.create_assignment(
        classroom=classroom,
        by=teacher,
        title="Who says so?",
        due_at=timezone.now() + timedelta(days=7),
        articles=[article],
        instructions="Tag the body.",
    )
    body = Sentence.objects.filter(article=article, section="body").order_by("position")[:4]
    for i, sentence in enumerate(body):
        tag_claim(sentence=sentence, reviewer=teacher, label=Label.SOURCED)
        tag_claim(sentence=sentence, reviewer=student, label=[Label.SOURCED, Label.OPINION][i % 2])
    services.submit(assignment=assignment, student=student)


SKIPPED = re.compile(r"^/(admin|api|static)/|\.(csv|json|jsonl|zip|txt)$|/logout/")


def page_key(url: str) -> str | None:
    """One visit per page (URL name): /articles/1/ and /articles/2/ are the same page."""
    path = urlsplit(url).path
    if SKIPPED.search(path):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name + ("?" if urlsplit(url).query else "")


def serious_violations(page: Page) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}) on {page.url}: {v['nodes'][0]['target']} {v['help']}"
        for v in results["violations"]
        if v["impact"] in ("critical", "serious")
    ]


SMALL_TARGETS = """() => {
    const small = [];
    const seen = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };
    const targets = "button, select, input:not([type=hidden]), summary, .topbar a, a.button";
    for (const el of document.querySelectorAll(targets)) {
        if (!seen(el)) continue;
        const tick = el.type === "checkbox" || el.type === "radio";
        const label = tick && el.closest("label");
        const height = (label || el).getBoundingClientRect().height;
        if (height < (tick && !label ? 23.5 : 43.5)) {
            small.push(el.outerHTML.slice(0, 80) + " is " + Math.round(height) + "px high");
        }
    }
    return small;
}"""


def crawl(context: BrowserContext, page: Page, start: list[str], phone: bool) -> dict:
    """Visit every page reachable by a link from `start` (one URL per page), run axe
    on each and, on a phone, check that it fits the screen. Gives problems by page."""
    seen: set[str] = set()
    queue = list(start)
    problems: dict[str, list[str]] = {}
    while queue:
        url = queue.pop(0)
        key = page_key(url)
        if key is None or key in seen:
            continue
        seen.add(key)
        head = context.request.get(url)
        if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
            continue
        page.goto(url)
        found = serious_violations(page)
        if phone and not page_fits_the_screen(page):
            found.append(f"{page.url} is wider than the screen")
        if phone:
            found += [f"{page.url}: {small}" for small in page.evaluate(SMALL_TARGETS)]
        if found:
            problems[key] = found
        origin = urlsplit(page.url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            parts = urlsplit(urljoin(page.url, href))
            if parts.netloc == origin.netloc:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return {"seen": seen, "problems": problems}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.slow
def test_axe_finds_no_serious_violation_on_any_page(
    contexts, log_in, seeds, teacher, student, viewport
):
    make_class_world(seeds, teacher, student)
    phone = viewport is PHONE
    errors: list[str] = []
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()

    # The comparison chart of two outlets, which no link opens with outlets chosen.
    slugs = Outlet.objects.order_by("name").values_list("slug", flat=True)[:2]
    compare = reverse("outlet-compare") + "?" + "&".join(f"outlets={slug}" for slug in slugs)
    anonymous = contexts(viewport)
    page = anonymous.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    for url in ["/accounts/login/", "/classes/join/"]:
        page.goto(url)
        found = serious_violations(page)
        if phone and not page_fits_the_screen(page):
            found.append(f"{url} is wider than the screen")
        if found:
            problems[url] = found

    for username in ("teacher", "student1"):
        context = contexts(viewport)
        page = log_in(context, username)
        result = crawl(context, page, ["/", compare], phone)
        seen |= result["seen"]
        problems.update(result["problems"])

    if not phone:
        # A desktop's top bar shows the whole menu, with no Menu button.
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        expect(page.locator(".topbar nav a").first).to_be_visible()
    if phone:
        # Each chart (the shares, and their intervals) keeps its 13px text at 12px or
        # more: it scrolls sideways in a box that the keyboard reaches, rather than
        # shrinking to a thumbnail.
        page.goto(compare)
        charts = page.locator(".chart-box")
        assert charts.count() == 2
        for chart in charts.all():
            assert chart.locator("svg").bounding_box()["width"] >= 760 * 12 / 13
            expect(chart).to_have_attribute("tabindex", "0")
            expect(chart).to_have_attribute("role", "region")

    # The crawl reached the pages a class works with, not just the first one.
    for name in (
        "article-list",
        "article-detail",
        "guidelines",
        "account",
        "class-list",
        "class-detail",
        "assignment-detail",
        "outlet-list",
        "outlet-profile",
        "outlet-compare?",
    ):
        assert name in seen, f"the crawl never reached {name}"
    assert problems == {}
    assert errors == []
