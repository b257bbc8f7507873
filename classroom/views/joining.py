"""Joining a class with its code: the one page open to anonymous visitors besides the
login page, since it is how students get an account without an administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from classroom.forms import JoinForm, SignUpForm
from classroom.services import classes as services
from core import ratelimit
from core.auth.forms import focus_first_error


@login_not_required
def join(request: HttpRequest) -> HttpResponse:
    signing_up = not request.user.is_authenticated
    form_class = SignUpForm if signing_up else JoinForm
    if request.method != "POST":
        # A join link (the class page's, or its QR code) fills the code in.
        code = request.GET.get("code", "").strip()[:20]
        form = form_class(initial={"code": code})
        context = {"form": form, "signing_up": signing_up, "code_given": bool(code)}
        if code and signing_up:
            form.fields["username"].widget.attrs["autofocus"] = True
        elif not code:
            form.fields["code"].widget.attrs["autofocus"] = True
        return render(request, "classroom/join.html", context)

    form = form_class(request.POST)
    ip = ratelimit.client_ip(request)
    code = services.normalize_code(request.POST.get("code", ""))
    context = {"form": form, "signing_up": signing_up}
    if ratelimit.is_blocked(ip, code):
        context["blocked_minutes"] = ratelimit.minutes_left()
        return render(request, "classroom/join.html", context, status=429)
    # The code first: without a valid one, the rest of the form (is that username
    # taken?) tells an anonymous visitor nothing.
    try:
        services.active_code(code)
    except ValidationError as exc:
        ratelimit.record_failure(ip, code)
        # Every error at once, except whether the username is taken.
        form.is_valid()
        if form.has_error("username", "unavailable_username"):
            del form.errors["username"]
        form.add_error("code", exc.message_dict["code"])
        focus_first_error(form)
        return render(request, "classroom/join.html", context, status=400)
    if not form.is_valid():
        if form.has_error("username", "unavailable_username"):
            # Asking about names counts against the address like a wrong code.
            ratelimit.record_failure(ip, "")
        return render(request, "classroom/join.html", context, status=400)
    try:
        if signing_up:
            data = form.cleaned_data
            membership = services.sign_up_with_code(
                code=code,
                username=data["username"],
                password=data["password1"],
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            login(request, membership.student, backend="core.auth.backend.RoleBackend")
        else:
            membership = services.join_with_code(code=code, user=request.user)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return render(request, "classroom/join.html", context, status=400)
    messages.success(request, f"You are in the class “{membership.classroom.name}”.")
    return redirect("class-detail", membership.classroom_id)
