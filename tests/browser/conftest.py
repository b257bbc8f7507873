"""Real-browser tests: Debian's chromium, driven by Playwright's sync API, against
pytest-django's live server. Never `playwright install`: the browser is the system's
(`apt-get install chromium`, as `.ci/run` does)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

# `expect(...)` waits have a bound of their own (5 s by default), apart from the
# context's: on a loaded 2-core machine a save's answer has taken longer. The same
# generous bound as every other wait (see new_context).
expect.set_options(timeout=30_000)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SAVED: list[Path] = []
SCRIPT_ERRORS: list[str] = []


@pytest.fixture(scope="module")
def browser() -> Browser:
    """A chromium for the tests of one module (a second or two to start), closed after
    the last of them.

    Playwright's sync API runs an event loop in the test thread for as long as it is
    started, and Django refuses ORM calls from a thread with a running loop unless told
    that this is safe. It is here (the loop only drives the browser; each ORM call still
    runs synchronously), so DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that long: the
    deploy check (tests/test_settings.py) rightly refuses it, so it must not leak."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: apt-get install chromium (see .ci/run)")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield browser
            browser.close()
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def new_context(browser, live_server):
    """Make a fresh browser profile (its own cookies) on the live server."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", {"width": 1360, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        # Waits end as soon as their condition holds; the bound only decides how long a
        # real failure takes to report. On a loaded 2-core machine a first page load
        # has taken over 5 s, so the bound is generous: a slow machine is not a failure.
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in():
    """Log in through the real login form (the cast's passwords are pw-<username>);
    gives the page, on the article list."""

    def log_in(context: BrowserContext, username: str) -> Page:
        page = context.new_page()
        page.on("pageerror", lambda error: SCRIPT_ERRORS.append(str(error)))
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", f"pw-{username}")
        page.click("main button[type=submit]")
        page.wait_for_selector("h1:text('Articles')")
        return page

    return log_in


@pytest.fixture(autouse=True)
def no_script_errors():
    """A JavaScript error on any page fails the test that caused it."""
    SCRIPT_ERRORS.clear()
    yield
    assert SCRIPT_ERRORS == []


@pytest.fixture
def save_screenshot():
    """Keep a screenshot under artifacts/ (git-ignored; CI keeps it); its path is
    printed at the end of the run."""

    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        page.screenshot(path=path)
        SAVED.append(path)
        return path

    return save


def pytest_terminal_summary(terminalreporter) -> None:
    for path in SAVED:
        terminalreporter.write_line(f"Browser screenshot: {path}")
