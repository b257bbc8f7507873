"""Middleware of our own."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's `LoginRequiredMiddleware`, except towards the page's own scripts, and
    asking the view before the session.

    A request from the workspace's script (it sends `HX-Request`, as htmx does) that
    arrives without a session gets a 401 instead of a redirect: XMLHttpRequest and fetch
    follow redirects silently, and the login page would come back as if it were the
    answer, so a lost session could pass for a saved tag.

    A view open to everyone (the API's, which answer 401 for themselves; the login page)
    passes without the session's user being looked up: a script's request carries a
    token, not a session, and Django's order (the user first) read the session for it."""

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request: HttpRequest, view_func) -> HttpResponse:
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(
                "Your session has ended: log in again.",
                status=401,
                content_type="text/plain; charset=utf-8",
            )
        return super().handle_no_permission(request, view_func)


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's `MessageMiddleware`, with the message storage made when first used: the
    API's requests, most of the traffic, never show or add a message, and making the
    storage (a cookie and a session storage) cost every one of them."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response  # never used: nothing to store
        return super().process_response(request, response)
