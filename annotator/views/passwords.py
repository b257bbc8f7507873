"""Password pages: Django's own views with the forms of core/auth/forms.py.

- Change: any logged-in account, from the Account page; the session stays logged in,
  other sessions of the account end (Django's session hash).
- Reset by e-mail: open to anonymous visitors. The answer is the same whether or not an
  account has the address; requests are limited per client address and per e-mail
  address. The link works once, for PASSWORD_RESET_HOURS; setting a new password through
  it also lifts a login lockout (django-axes) of that account."""

from __future__ import annotations

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy

from core.auth.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    take_reset_request,
)
from core.http.clients import client_address

TOO_MANY = (
    "Too many reset requests from here or for this address. Try again in {minutes} "
    "minutes, or ask an administrator."
)


class BadInput400:
    """A form sent back with errors answers 400, as the app's other forms do."""

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordChangeView(BadInput400, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("account")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed.")
        return response


class PasswordResetView(BadInput400, auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def form_valid(self, form) -> HttpResponse:
        if not take_reset_request(
            ip=client_address(self.request), email=form.cleaned_data["email"]
        ):
            minutes = settings.PASSWORD_RESET_WINDOW_MINUTES
            form.add_error(None, TOO_MANY.format(minutes=minutes))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(
            timeout_hours=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs
        )


class PasswordResetConfirmView(BadInput400, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response
