"""Accounts: the forms of the password pages (Django's own, with every error in plain words
and the first field at fault focused) and the limit on password-reset requests.

Every form here is checked whole: all its errors come back at once, each named by its
field (templates/registration/_form.html lists them above the form)."""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.cache import cache

REQUIRED = {
    "username": "Enter your username.",
    "password": "Enter your password.",
    "old_password": "Enter your current password.",
    "new_password1": "Enter a new password.",
    "new_password2": "Enter the new password a second time.",
    "email": "Enter the e-mail address of your account.",
    "code": "Enter the join code your teacher gave you.",
    "password1": "Enter a password.",
    "password2": "Enter the password a second time.",
}
INVALID_EMAIL = "That is not an e-mail address: it looks like name@example.org."


class PlainErrors:
    """A form mixin: "required" errors say what to enter, and once the form is checked
    the first field with an error gets the focus instead of the first field."""

    def plain_words(self) -> None:
        for name, field in self.fields.items():
            if name in REQUIRED:
                field.error_messages["required"] = REQUIRED[name]
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = INVALID_EMAIL

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors:
            focus_first_error(self)


def focus_first_error(form: forms.Form) -> None:
    """Move the autofocus to the first field that has an error (if one has)."""
    wrong = [name for name in form.fields if name in form.errors]
    if not wrong:
        return
    for name, field in form.fields.items():
        field.widget.attrs.pop("autofocus", None)
        if name == wrong[0]:
            field.widget.attrs["autofocus"] = True


class LoginForm(PlainErrors, auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match an account. Type them "
        "again (is Caps Lock on?).",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_words()


MISMATCH = "The two new passwords are not the same: type the same one twice."


def _new_password_labels(form: forms.Form) -> None:
    form.fields["new_password1"].label = "New password"
    form.fields["new_password2"].label = "New password again"
    form.fields["new_password2"].help_text = "The same new password, to be sure of it."


class PasswordChangeForm(PlainErrors, auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": MISMATCH,
        "password_incorrect": "That is not your current password. Type it again "
        "(is Caps Lock on?).",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_words()
        self.fields["old_password"].label = "Current password"
        _new_password_labels(self)


class SetPasswordForm(PlainErrors, auth_forms.SetPasswordForm):
    error_messages = {**auth_forms.SetPasswordForm.error_messages, "password_mismatch": MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_words()
        _new_password_labels(self)
        self.fields["new_password1"].widget.attrs["autofocus"] = True


class PasswordResetForm(PlainErrors, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_words()
        self.fields["email"].label = "E-mail address"
        self.fields["email"].widget.attrs["autofocus"] = True


def _reset_keys(ip: str, email: str) -> list[tuple[str, int]]:
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [
        (f"accounts:reset:ip:{ip}", settings.PASSWORD_RESET_MAX_PER_IP),
        (f"accounts:reset:email:{address}", settings.PASSWORD_RESET_MAX_PER_EMAIL),
    ]


def take_reset_request(*, ip: str, email: str) -> bool:
    """Count one password-reset request from `ip` for `email`; False (and nothing counted)
    when the address or the e-mail address has used up its requests in the window
    (PASSWORD_RESET_MAX_PER_IP, ..._PER_EMAIL, PASSWORD_RESET_WINDOW_MINUTES). Counted in
    the default cache, which every server process shares, whether or not an account has
    that e-mail address (so the answer tells nobody whether one has)."""
    keys = _reset_keys(ip, email)
    if any(cache.get(key, 0) >= limit for key, limit in keys):
        return False
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    for key, _ in keys:
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=window)
    return True
