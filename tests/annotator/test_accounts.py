"""Account pages: password change for every account, password reset by e-mail (Django's
views), errors all at once in plain words, and the way into a class from the login page."""

from __future__ import annotations

import re
import socketserver
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classroom.models import Classroom
from classroom.services.classes import create_join_code

pytestmark = pytest.mark.django_db

NEW = "a-much-Longer-passphrase-42"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 200), ("student", 200), ("teacher", 200)],
)
def test_every_account_may_change_its_password(client, request, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("password_change"))

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["password_reset", "password_reset_done", "password_reset_complete"]
)
def test_the_reset_pages_are_open_to_anonymous_visitors(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_a_password_change_shows_every_error_at_once_and_changes_nothing(client, outsider):
    client.force_login(outsider)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "short", "new_password2": "shorter"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "That is not your current password" in page
    assert "The two new passwords are not the same" in page
    assert 'href="#id_old_password">Current password</a>' in page  # the list names fields
    outsider.refresh_from_db()
    assert outsider.check_password("pw-outsider")


def test_a_too_short_or_missing_password_is_said_in_plain_words(client, student):
    client.force_login(student)

    response = client.post(
        reverse("password_change"),
        {"old_password": "", "new_password1": "abc", "new_password2": "abc"},
    )

    page = response.content.decode()
    assert "Enter your current password." in page
    assert "This password is too short. It must contain at least 8 characters." in page
    assert "This field is required" not in page


def test_a_password_change_keeps_this_session_and_the_new_password_works(client, student):
    client.force_login(student)

    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-student1", "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("account")
    assert "Your password is changed." in response.content.decode()
    student.refresh_from_db()
    assert student.check_password(NEW)


def test_a_reset_mails_a_link_that_sets_a_new_password_once(client, student):
    student.email = "ana@example.org"
    student.save()

    response = client.post(reverse("password_reset"), {"email": "ANA@example.org"})

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "student1" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)[1]
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )
    assert done["Location"] == reverse("password_reset_complete")
    student.refresh_from_db()
    assert student.check_password(NEW)
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(client, student):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_reset_refuses_what_is_not_an_e_mail_address(client):
    response = client.post(reverse("password_reset"), {"email": "ana at school"})

    assert response.status_code == 400
    assert "That is not an e-mail address" in response.content.decode()


def test_reset_requests_are_limited_per_e_mail_address(client, student, settings):
    student.email = "ana@example.org"
    student.save()
    settings.PASSWORD_RESET_MAX_PER_EMAIL = 2

    answers = [
        client.post(
            reverse("password_reset"),
            {"email": "ana@example.org"},
            REMOTE_ADDR=f"10.0.0.{n}",
        ).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_reset_requests_are_limited_per_address(client, settings):
    settings.PASSWORD_RESET_MAX_PER_IP = 2

    answers = [
        client.post(reverse("password_reset"), {"email": f"x{n}@example.org"}).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]


def test_a_reset_lifts_a_login_lockout(client, student, settings):
    student.email = "ana@example.org"
    student.save()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "student1", "password": "bad"}, REMOTE_ADDR=f"10.1.0.{n}"
        )
    client.post(reverse("password_reset"), {"email": "ana@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    login = client.post(reverse("login"), {"username": "student1", "password": NEW})

    assert login.status_code == 302


def test_the_login_page_leads_to_joining_a_class_and_to_a_reset(client):
    page = client.get(reverse("login")).content.decode()

    assert f'Have a class code? <a href="{reverse("class-join")}">Join your class</a>' in page
    assert f'<a href="{reverse("password_reset")}">Forgot your password?</a>' in page


def test_an_empty_login_says_what_to_enter(client):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()

    assert "Enter your username." in page and "Enter your password." in page


def test_the_join_page_focuses_the_code_or_after_a_link_the_next_field(client):
    empty = client.get(reverse("class-join")).content.decode()
    filled = client.get(reverse("class-join"), {"code": "ABCD-EFGH"}).content.decode()

    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', empty)
    assert re.search(r'<input[^>]*name="code"[^>]*value="ABCD-EFGH"', filled)
    assert re.search(r'<input[^>]*name="username"[^>]*autofocus', filled)
    assert not re.search(r'<input[^>]*name="code"[^>]*autofocus', filled)


def test_a_wrong_code_shows_the_other_errors_too_but_not_a_taken_username(client, student):
    response = client.post(
        reverse("class-join"),
        {
            "code": "ZZZZ-ZZZ2",
            "username": "student1",
            "password1": "one-Long-password",
            "password2": "another-Long-password",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "not valid" in page
    assert "The two new passwords are not the same" in page
    assert "not available" not in page


def test_the_class_page_shows_a_join_link_and_its_qr_code(client, teacher):
    classroom = Classroom.objects.create(name="10B", teacher=teacher)
    code = create_join_code(classroom=classroom, by=teacher)
    client.force_login(teacher)

    page = client.get(reverse("class-detail", args=[classroom.pk])).content.decode()

    link = f"http://testserver/classes/join/?code={code.display}"
    assert f'value="{link}"' in page
    assert f'<svg role="img" aria-label="QR code of the join link {link}"' in page


class _SMTPSink(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server (RFC 5321, no extensions) to receive one message."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline().decode():
            command = line.strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 end with a dot")
                body = []
                while (data := self.rfile.readline().decode()) not in {".\r\n", ""}:
                    body.append(data)
                self.server.messages.append("".join(body))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


def test_a_reset_is_sent_through_the_smtp_server_the_settings_name(client, student, settings):
    student.email = "ana@example.org"
    student.save()
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSink) as server:
        server.messages = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        try:
            client.post(reverse("password_reset"), {"email": "ana@example.org"})
        finally:
            server.shutdown()

    (message,) = server.messages
    assert "To: ana@example.org" in message
    assert "Subject: Set a new password for the claim annotator" in message
    assert re.search(r"http://testserver/accounts/password/reset/\S+/\S+/", message)


@pytest.mark.parametrize("name", ["login", "password_reset", "class-join"])
def test_the_anonymous_account_pages_read_nothing_from_the_database(
    client, django_assert_num_queries, name
):
    with django_assert_num_queries(0):
        assert client.get(reverse(name)).status_code == 200


def test_the_password_change_page_reads_only_the_session_and_its_user(
    client, student, django_assert_num_queries
):
    client.force_login(student)

    with django_assert_num_queries(2):  # session; user with their permissions (the nav)
        assert client.get(reverse("password_change")).status_code == 200


def test_join_links_cost_the_class_page_no_query_per_code(client, teacher):
    classroom = Classroom.objects.create(name="10B", teacher=teacher)
    client.force_login(teacher)
    url = reverse("class-detail", args=[classroom.pk])
    create_join_code(classroom=classroom, by=teacher)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        create_join_code(classroom=classroom, by=teacher)

    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()

    assert page.count('class="join-link"') == 4
    assert len(four) == len(one)


def test_a_logged_in_student_following_a_join_link_joins_with_one_press(client, teacher, student):
    classroom = Classroom.objects.create(name="10B", teacher=teacher)
    code = create_join_code(classroom=classroom, by=teacher)
    client.force_login(student)

    page = client.get(reverse("class-join"), {"code": code.display}).content.decode()
    joined = client.post(reverse("class-join"), {"code": code.display})

    assert re.search(r'<input[^>]*name="code"[^>]*value="' + code.display, page)
    assert re.search(r'<button type="submit" autofocus>Join</button>', page)
    assert joined.status_code == 302
    assert classroom.memberships.filter(student=student).exists()
