"""The download page (`/export/`) and the API endpoint (`/api/export/`): the same filters
(`ExportForm`), the same streamed files, for teachers, editors and admins only.

Downloads by anyone but an admin carry stable pseudonyms instead of user names unless
`pseudonymize=0` is asked for."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.export.forms import ExportForm
from annotator.export.selection import Selection
from annotator.export.streaming import FORMATS, export_stream, filename
from annotator.models import Label
from core.api.permissions import IsEditor
from core.auth.roles import is_editor
from core.text.sections import Section
from sources.models import Outlet


def _download(form: ExportForm, selection: Selection) -> StreamingHttpResponse:
    fmt = form.cleaned_data["format"]
    response = StreamingHttpResponse(
        export_stream(selection, fmt, bom=form.cleaned_data["bom"]),
        content_type=FORMATS[fmt].content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(fmt, selection)}"'
    return response


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
            return _download(
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


class ExportAPIView(APIView):
    """GET /api/export/?format=jsonl|csv|w3c|brat|labelstudio|doccano[&aggregate=1][&filters]

    Streams the export as a file download; a bad filter is a 400 naming it."""

    permission_classes = [IsAuthenticated, IsEditor]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # `format` names the export format here, not one of REST framework's renderers;
        # errors are JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="export_corpus",
        summary="Export the corpus (streamed file download)",
        description=(
            "Teachers, editors and admins. The same formats and filters as "
            "`manage.py export_corpus` (see the README, Exporting and importing corpora). "
            "Reviewers appear as stable pseudonyms unless `pseudonymize=0` (admins: "
            "unless `pseudonymize=1`)."
        ),
        parameters=[
            OpenApiParameter("format", str, required=True, enum=list(FORMATS)),
            OpenApiParameter("aggregate", bool, description="One label per claim."),
            OpenApiParameter("outlet", str, description="Outlet name, slug, alias or domain."),
            OpenApiParameter("outlet_role", str, enum=["any", "publisher", "origin", "attributed"]),
            OpenApiParameter("articles", str, description="Article ids, comma-separated."),
            OpenApiParameter("reviewer_group", str, description="A group's name."),
            OpenApiParameter(
                "classroom",
                int,
                description="A class you teach: its assignments' articles, its students' "
                "and teacher's tags.",
            ),
            OpenApiParameter("label", str, enum=[*Label.values]),
            OpenApiParameter(
                "sections",
                str,
                description="Comma-separated sections (default: all for jsonl, body else).",
            ),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Published on or after."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Published on or before."),
            OpenApiParameter("pseudonymize", bool),
            OpenApiParameter("bom", bool, description="UTF-8 byte order mark (CSV for Excel)."),
            OpenApiParameter(
                "suggestions",
                bool,
                description="labelstudio: add the label suggester's predictions (model_version).",
            ),
        ],
        responses={
            **{
                (200, media_type): OpenApiResponse(
                    # A JSON format's file is JSON (of the format's own shape), not bytes.
                    OpenApiTypes.ANY if "json" in media_type else OpenApiTypes.BINARY,
                    description="The export, streamed as an attachment.",
                )
                for media_type in sorted({f.content_type.split(";")[0] for f in FORMATS.values()})
            },
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad or unknown parameter."),
            401: OpenApiResponse(OpenApiTypes.OBJECT, description="No or invalid credentials."),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Not a teacher, editor or admin."
            ),
        },
    )
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        unknown = sorted(set(request.query_params) - set(ExportForm.base_fields))
        if unknown:
            return Response({"detail": f"unknown parameter(s): {', '.join(unknown)}"}, status=400)
        form = ExportForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response({"detail": form.error_text(), "errors": form.errors}, status=400)
        return _download(
            form, form.selection(pseudonymize_by_default=not request.user.is_superuser)
        )


export_api = login_not_required(ExportAPIView.as_view())
