"""JSON for the outlet figures: `/api/outlets/<slug>/profile/` and `/api/compare/`.

The same form and selectors as the pages (`framing.forms`, `framing.selectors`), so the
numbers agree. Errors follow
the API's shapes: 400 `{"<parameter>": ["what is wrong"]}`, 401/403/404 `{"detail": ...}`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from classroom.selectors.blindness import TagScope, scope_for
from framing.api.serializers import figures_json, filters_json
from framing.forms import parse_filters, parse_outlets
from framing.presenters.figures import comparison_notes
from framing.selectors import outlets as selectors
from sources.models import Outlet

FILTER_PARAMS = ("from", "to", "q", "group", "include")


class CanReadOutlets(BasePermission):
    """Reviewers, teachers/editors and admins; not an account without a role."""

    message = "Your account has no role in the annotator yet; ask a teacher or an admin."

    def has_permission(self, request: Request, view: object) -> bool:
        return request.user.has_perm("sources.view_outlet")


def _check_params(request: Request, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        hint = f"allowed: {', '.join(sorted(allowed))}"
        raise ValidationError({name: f"unknown query parameter; {hint}" for name in unknown})
    for name, values in request.query_params.lists():
        if any("\x00" in value for value in values):
            raise ValidationError({name: "contains a NUL character"})


def _blind_json(scope: TagScope) -> dict:
    """What the blind rule changed for this viewer: the minimum cell size (figures below
    it are null with `withheld`), and whether tags of open assignments were left out."""
    if scope.sees_everything:
        return {}
    return {
        "blind": {
            "min_cell_size": scope.min_cell,
            "open_assignments_left_out": scope.hides_tags,
        }
    }


_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="Articles published on or after."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Articles published on or before."),
    OpenApiParameter("q", str, description="Only articles whose text contains these words."),
    OpenApiParameter(
        "group",
        str,
        description="Count only the tags of this reviewer group (one of your own groups, "
        "unless you are a teacher, editor or admin).",
    ),
    OpenApiParameter(
        "include",
        str,
        description="Also count these sections: boilerplate, comment (comma-separated).",
    ),
]


@extend_schema(
    operation_id="outlet_profile",
    summary="An outlet's label shares, cited sources and articles",
    parameters=[
        *_PARAMETERS,
        OpenApiParameter("by", str, enum=["group"], description="One row per reviewer group."),
    ],
    responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
)
@login_not_required
@api_view(["GET"])
@permission_classes([IsAuthenticated, CanReadOutlets])
def outlet_profile(request: Request, slug: str) -> Response:
    _check_params(request, (*FILTER_PARAMS, "by"))
    outlet = get_object_or_404(Outlet, slug=slug)
    by = request.query_params.get("by", "")
    if by not in ("", "group"):
        raise ValidationError({"by": "the only value is group"})
    scope = scope_for(request.user)
    filters = parse_filters(request.query_params, scope=scope)
    profile = selectors.outlet_profile(
        outlet=outlet, scope=scope, filters=filters, by_group=by == "group"
    )
    return Response(
        {
            "outlet": {"slug": outlet.slug, "name": outlet.name, "kind": outlet.kind},
            "filters": filters_json(filters),
            **_blind_json(scope),
            "figures": [figures_json(f) for f in profile.figures],
            "articles": {"published": profile.published, "originated": profile.originated},
            "republished_by": [
                {"outlet": r["slug"], "outlet_name": r["name"], "articles": r["articles"]}
                for r in profile.republishers
            ],
        }
    )


@extend_schema(
    operation_id="outlet_compare",
    summary="Two or more outlets' label shares side by side",
    parameters=[
        OpenApiParameter(
            "outlets",
            str,
            required=True,
            description="Outlet slugs, comma-separated (two or more).",
        ),
        *_PARAMETERS,
    ],
    responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
)
@login_not_required
@api_view(["GET"])
@permission_classes([IsAuthenticated, CanReadOutlets])
def compare(request: Request) -> Response:
    _check_params(request, (*FILTER_PARAMS, "outlets"))
    outlets = parse_outlets(request.query_params.getlist("outlets"))
    scope = scope_for(request.user)
    filters = parse_filters(request.query_params, scope=scope)
    comparison = selectors.compare_outlets(outlets=outlets, scope=scope, filters=filters)
    return Response(
        {
            "outlets": [o.slug for o in outlets],
            "filters": filters_json(filters),
            **_blind_json(scope),
            "figures": [figures_json(f) for f in comparison.figures],
            "overlaps": [
                {"label": o.label, "outlets": [o.a_outlet.slug, o.b_outlet.slug]}
                for o in comparison.overlaps
            ],
            "notes": comparison_notes(comparison),
        }
    )
