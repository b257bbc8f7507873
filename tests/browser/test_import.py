"""The import page in a real browser: files dropped on the page, the preview, a
correction of origin and date, the import and its results."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from annotator.models import Article

pytestmark = pytest.mark.django_db(transaction=True)

DROPPED = {
    "aid.txt": (
        "Aid convoy reaches the town\n\nBy Jane Roe\n\n"
        "The UN said 40 trucks arrived on Monday. More may follow next week.\n"
    ),
    "talks.md": "# Talks resume in Geneva\n\nDiplomats met again. They said progress was slow.\n",
}


@pytest.mark.slow
def test_a_teacher_drops_files_previews_corrects_and_imports(
    new_context, log_in, save_screenshot, teacher, seeds, settings, tmp_path
):
    settings.ANNOTATOR_IMPORT_SPOOL_DIR = tmp_path
    page = log_in(new_context(), "teacher")
    page.click("nav >> text=Import")
    page.wait_for_selector("h1:text('Import articles')")
    # import.js is deferred: it has set up the drop zone once the document is loaded.
    page.wait_for_load_state("domcontentloaded")

    # Drop two files on the drop zone, as dragging them from a file manager does.
    page.evaluate(
        """(files) => {
            const data = new DataTransfer();
            for (const [name, text] of Object.entries(files)) {
                data.items.add(new File([text], name, {type: "text/plain"}));
            }
            const zone = document.querySelector("[data-drop-zone]");
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
        }""",
        DROPPED,
    )
    expect(page.locator("[data-drop-list] li")).to_have_text(["aid.txt (1 KB)", "talks.md (1 KB)"])
    page.click("button:text('Preview')")

    page.wait_for_selector("h1:text('Preview: 2 articles')")
    first = page.locator("#record-1")
    assert "Aid convoy reaches the town" in first.inner_text()
    assert "By Jane Roe" in first.inner_text()
    assert "Talks resume in Geneva" in page.locator("#record-2").inner_text()
    assert Article.objects.filter(title__startswith="Aid convoy").count() == 0

    first.locator("select[name=origin-1]").select_option(label="South Front")
    first.locator("input[name=published_on-1]").fill("2019-03-01")
    save_screenshot(page, "import-preview.png")
    page.click("button:text('Import 2 articles')")

    page.wait_for_selector("text=Done.")
    assert "2 imported, 0 already here (duplicates), 0 rejected" in page.inner_text("main")
    page.click("a:text('Aid convoy reaches the town')")
    page.wait_for_selector("h1")
    aid = Article.objects.get(title="Aid convoy reaches the town")
    assert (aid.origin.slug, aid.published_on) == ("south-front", dt.date(2019, 3, 1))
    assert Article.objects.get(title="Talks resume in Geneva").published_on is None
