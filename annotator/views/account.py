"""The account page: who I am, and my personal API token (create, replace, revoke).

A new key is shown on the page that answers the POST, once, and never again: it is not
put in a message or a redirect, which would store it in the session or a cookie."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from annotator.api.views.me import roles_of
from annotator.services.tokens import issue_token, revoke_token, token_status


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    new_key = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            new_key = issue_token(user=request.user).key
        elif action == "revoke":
            if revoke_token(user=request.user):
                messages.success(request, "Your API token is revoked; it no longer works.")
            return redirect("account")
        else:
            return HttpResponse("Unknown action.", status=400, content_type="text/plain")
    return render(
        request,
        "annotator/account.html",
        {
            "roles": roles_of(request.user),
            "token": token_status(request.user),
            "new_key": new_key,
        },
    )
