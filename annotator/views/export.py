"""The download page (`/export/`); its API twin is annotator/api/views/export.py: the same
filters (`ExportForm`), the same streamed files, for teachers, editors and admins only.

Downloads by anyone but an admin carry stable pseudonyms instead of user names unless
`pseudonymize=0` is asked for."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotator.export.forms import ExportForm
from annotator.export.streaming import FORMATS, download
from core.auth.roles import is_editor
from core.text.sections import Section
from sources.models import Outlet


def _classes(user) -> QuerySet:
    """The classes a user may export: those they teach (an admin: every class)."""
    classes = apps.get_model("classroom", "Classroom").objects.order_by("name", "id")
    return classes if user.is_superuser else classes.filter(teacher=user)


@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    """The form; with `format` in the query, the download itself."""
    if not is_editor(request.user):
        raise PermissionDenied("Only teachers, editors and admins can export the corpus.")
    status = 200
    if "format" in request.GET:
        form = ExportForm(request.GET, user=request.user)
        if form.is_valid():
            return download(
                form, form.selection(pseudonymize_by_default=not request.user.is_superuser)
            )
        status = 400
    else:
        form = ExportForm()
    return render(
        request,
        "annotator/export.html",
        {
            "form": form,
            "formats": FORMATS.values(),
            "outlets": Outlet.objects.order_by("name"),
            "groups": Group.objects.order_by("name"),
            "classes": _classes(request.user),
            "sections": Section.choices,
            "selected_sections": form["sections"].value() or [] if form.is_bound else [],
            "pseudonymize_default": not request.user.is_superuser,
        },
        status=status,
    )
