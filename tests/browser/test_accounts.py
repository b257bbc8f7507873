"""The accounts lane in a real browser: the comparison chart read as a person reads it
(the workspace's colours and letters, each share's 95% interval, n in the bars), and the
account pages (password change, password reset through the console e-mail backend, the
join link and QR code that fill a class code in)."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from annotator.services.tagging import tag_claim
from classroom.models import Classroom
from classroom.services.classes import create_join_code
from framing.selectors.statistics import wilson
from sources.models import Outlet

pytestmark = pytest.mark.django_db(transaction=True)


def csp_violations(context) -> list[str]:
    """What the Content-Security-Policy blocks on the context's pages (it should be
    nothing: the copy button's script and the charts and QR codes are the app's own)."""
    seen: list[str] = []
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    context.on(
        "console",
        lambda m: seen.append(m.text) if "CSP violation" in m.text else None,
    )
    return seen


def _rgb(page, colour: str) -> str:
    """A CSS colour as the browser computes it (rgb(...)), to compare two spellings."""
    return page.evaluate(
        """colour => { const probe = document.createElement('i'); probe.style.color = colour;
        document.body.append(probe); const rgb = getComputedStyle(probe).color;
        probe.remove(); return rgb; }""",
        colour,
    )


@pytest.mark.slow
def test_the_comparison_chart_uses_the_workspace_colours_and_letters_and_draws_intervals(
    new_context, log_in, seeds, teacher, student, save_screenshot
):
    wire = Outlet.objects.get(name="21st Century Wire")
    body = list(seeds["001"].sentences.filter(section="body")[:6])
    for sentence, label in zip(body, ["sourced"] * 4 + ["unsourced"] * 2, strict=True):
        tag_claim(sentence=sentence, reviewer=teacher, label=label)
    opening = seeds["004"].sentences.filter(section="body").first()
    tag_claim(sentence=opening, reviewer=teacher, label="opinion", outlet=wire)
    context = new_context()
    blocked = csp_violations(context)
    page = log_in(context, "teacher")

    # The workspace: a sourced tag's marker, its colour and letter.
    page.goto(f"/articles/{seeds['001'].pk}/")
    page.wait_for_load_state("networkidle")  # its requests answered before we leave
    marker = page.locator(f"#s{body[0].pk} .marker").first
    expect(marker).to_have_text(re.compile(r"^\s*S"))
    workspace_green = marker.evaluate("m => getComputedStyle(m).backgroundColor")

    page.goto("/outlets/compare/?outlets=south-front,21st-century-wire")
    bars = page.get_by_role(
        "img", name="Label shares of the claims attributed to South Front, 21st Century Wire"
    )
    sourced = bars.locator("g.segment[data-label=sourced]")
    expect(sourced.locator("text.letter")).to_have_text("S 67%")
    fill = page.locator("#chart-sourced rect").first.get_attribute("fill")
    assert _rgb(page, fill) == workspace_green
    for label, letter in [("sourced", "S"), ("unsourced", "U"), ("opinion", "O")]:
        colour = page.evaluate(f"getComputedStyle(document.body).getPropertyValue('--{label}')")
        key = bars.locator(f"g.key[data-label={label}]")
        expect(key.locator("text.badge")).to_have_text(letter)
        assert _rgb(page, key.locator("rect").get_attribute("stroke")) == _rgb(page, colour)

    # n: in words at the end of each bar, and in the bar's thickness.
    expect(bars.locator("text.n")).to_have_text(["n = 6", "n = 1"])
    south = sourced.locator("rect").first.bounding_box()["height"]
    wire_bar = bars.locator("g.segment[data-label=opinion]").last.locator("rect").first
    assert south > wire_bar.bounding_box()["height"] * 1.3

    # Each share's 95% interval: whiskers from low to high on the 0-100% axis.
    intervals = page.get_by_role("img", name=re.compile("with its 95% interval"))
    expect(intervals).to_be_visible()
    zero = intervals.locator("line.grid").first.bounding_box()["x"]
    hundred = intervals.locator("line.grid").last.bounding_box()["x"]
    row = intervals.locator("g.interval[data-label=sourced][data-row='South Front']")
    expect(row).to_contain_text("67% (30–90%)")
    low, high = wilson(4, 6)
    whisker = row.locator("line.whisker").bounding_box()
    scale = hundred - zero
    assert abs(whisker["x"] - (zero + low * scale)) < 2
    assert abs(whisker["x"] + whisker["width"] - (zero + high * scale)) < 2
    dot = row.locator("circle.dot")
    assert _rgb(page, dot.get_attribute("fill")) == workspace_green
    box = dot.bounding_box()
    assert abs(box["x"] + box["width"] / 2 - (zero + 4 / 6 * scale)) < 2
    expect(intervals.locator("g.interval")).to_have_count(10)  # 2 outlets, 5 labels
    expect(intervals).to_contain_text("South Front (n = 6)")
    table = page.locator("#figures-table tbody tr").first
    expect(table.locator("td[data-label=sourced] .interval")).to_have_text("30–90%")

    # Notes: 50% vs 0% for unsourced is noted; 0% vs 0% (speculation) is not.
    notes = page.get_by_role("note")
    expect(notes).to_contain_text("Unsourced: the difference between South Front (33%)")
    expect(notes).not_to_contain_text("Speculation")
    expect(notes).not_to_contain_text("Disputed")
    save_screenshot(page, "compare-intervals.png")
    assert blocked == []


NEW = "a-much-Longer-passphrase-42"


@pytest.mark.slow
def test_a_student_changes_their_password_seeing_every_error_at_once(
    new_context, log_in, student, save_screenshot
):
    page = log_in(new_context(), "student1")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_label("Current password")).to_be_focused()
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("different")
    page.get_by_role("button", name="Change my password").click()

    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("That is not your current password")
    expect(errors).to_contain_text("The two new passwords are not the same")
    expect(page.get_by_label("Current password")).to_be_focused()  # the first at fault
    save_screenshot(page, "password-change-errors.png")

    page.get_by_label("Current password").fill("pw-student1")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("status").filter(has_text="Your password is changed.")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("student1")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()


@pytest.mark.slow
def test_a_forgotten_password_is_reset_through_the_console_e_mail(
    new_context, student, settings, capfd
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    student.email = "ana@example.org"
    student.save()
    page = new_context().new_page()

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail address").fill("ana@example.org")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    printed = capfd.readouterr().out  # the console backend writes the message here
    assert "To: ana@example.org" in printed
    link = re.search(r"http://\S+/accounts/password/reset/\S+/\S+/", printed)[0]
    page.goto(link)
    expect(page.get_by_text("For the account student1")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("student1")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()


@pytest.mark.slow
def test_the_join_link_and_its_qr_code_fill_the_code_in(
    new_context, log_in, teacher, save_screenshot
):
    classroom = Classroom.objects.create(name="10B", teacher=teacher)
    code = create_join_code(classroom=classroom, by=teacher)
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    blocked = csp_violations(context)
    page = log_in(context, "teacher")

    page.goto(f"/classes/{classroom.pk}/")
    field = page.get_by_label(f"Join link for the code {code.display}")
    link = field.input_value()
    assert link.endswith(f"/classes/join/?code={code.display}")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link

    # The QR code, read from the screen as a phone's camera reads it.
    qr = page.get_by_role("img", name=f"QR code of the join link {link}")
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert found.text == link
    save_screenshot(page, "class-join-link.png")

    # A student without an account opens the link: the code is in, the next field focused.
    visitor = new_context().new_page()
    visitor.goto(found.text)
    expect(visitor.get_by_label("Join code")).to_have_value(code.display)
    expect(visitor.get_by_label("Username")).to_be_focused()

    # From the login page, without a link: the code field is focused, empty.
    visitor.goto("/accounts/login/")
    visitor.get_by_role("link", name="Join your class").click()
    expect(visitor.get_by_role("heading", name="Join a class")).to_be_visible()
    expect(visitor.get_by_label("Join code")).to_be_focused()
    expect(visitor.get_by_label("Join code")).to_have_value("")
    assert blocked == []
