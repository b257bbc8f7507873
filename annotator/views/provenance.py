"""Correcting an article's publisher and origin from its page, and creating the outlet
its text names as origin but that is not known yet (teachers/editors)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from annotator.permissions import readable_article
from annotator.services.articles import correct_outlets, create_named_origin
from core.auth.roles import is_editor
from core.errors import one_line


@require_POST
def article_outlets(request: HttpRequest, pk: int) -> HttpResponse:
    article = readable_article(request, pk)
    if not is_editor(request.user):
        raise PermissionDenied("Only teachers, editors and admins can correct outlets.")
    try:
        correct_outlets(
            article=article,
            by=request.user,
            publisher=request.POST.get("publisher", ""),
            origin=request.POST.get("origin", ""),
        )
    except ValidationError as exc:
        messages.error(request, f"Not saved: {one_line(exc)}")
    else:
        messages.success(request, "Publisher and origin saved.")
    return redirect("article-detail", pk)


@require_POST
def article_create_origin(request: HttpRequest, pk: int) -> HttpResponse:
    article = readable_article(request, pk)
    if not is_editor(request.user):
        raise PermissionDenied("Only teachers, editors and admins can add outlets.")
    try:
        outlet = create_named_origin(article=article, by=request.user)
    except ValidationError as exc:
        messages.error(request, f"Not saved: {one_line(exc)}")
    else:
        messages.success(request, f"Outlet {outlet.name} created and set as the origin.")
    return redirect("article-detail", pk)
