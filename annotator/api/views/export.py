"""`/api/export/`: the export page's files for scripts (annotator/views/export.py is the
page): the same filters (`ExportForm`), the same streamed files, for teachers, editors
and admins only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.export.forms import ExportForm
from annotator.export.streaming import FORMATS, download
from annotator.models import Label
from core.api.permissions import IsEditor


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
        return download(form, form.selection(pseudonymize_by_default=not request.user.is_superuser))


export_api = login_not_required(ExportAPIView.as_view())
