"""/api/outlets/: everyone with a role reads; teachers/editors and admins create and
change (outlets are not deleted: articles and tags point at them)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import throttling
from core.api.filters import (
    PAGE_PARAMETERS,
    filter_parameters,
    filter_queryset,
    reject_unknown_params,
)
from core.api.pagination import paginate
from core.api.permissions import EditorOrReadOnly, HasRole
from core.api.schema import errors, list_errors, paginated
from core.api.serializers import validated
from sources.api.filters import OutletFilter
from sources.api.serializers import OutletSerializer, OutletWriteSerializer
from sources.models import Outlet
from sources.services.outlets import create_outlet, update_outlet


def _outlets():
    return Outlet.objects.prefetch_related("aliases", "domains")


@extend_schema(
    methods=["GET"],
    operation_id="outlets_list",
    summary="List outlets",
    parameters=[*filter_parameters(OutletFilter), *PAGE_PARAMETERS],
    responses={200: paginated(OutletSerializer), **list_errors()},
)
@extend_schema(
    methods=["POST"],
    operation_id="outlets_create",
    summary="Create an outlet (teachers/editors, admins)",
    request=OutletWriteSerializer,
    responses={201: OutletSerializer, **errors()},
)
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
@throttle_classes(throttling.WRITES)
def outlet_list(request: Request) -> Response:
    if request.method == "GET":
        outlets = filter_queryset(request, OutletFilter, _outlets().order_by("name"))
        return paginate(request, outlets, OutletSerializer)
    reject_unknown_params(request, ())
    outlet = create_outlet(by=request.user, **validated(OutletWriteSerializer, request.data))
    return Response(
        OutletSerializer(_outlets().get(pk=outlet.pk)).data, status=status.HTTP_201_CREATED
    )


@extend_schema(
    methods=["GET"],
    operation_id="outlets_retrieve",
    summary="An outlet, with its aliases and domains",
    responses={200: OutletSerializer, **errors(404)},
)
@extend_schema(
    methods=["PUT"],
    operation_id="outlets_update",
    summary="Replace an outlet's values (teachers/editors, admins)",
    description="Fields left out take their defaults; aliases and domains become exactly "
    "the lists given.",
    request=OutletWriteSerializer,
    responses={200: OutletSerializer, **errors(404)},
)
@extend_schema(
    methods=["PATCH"],
    operation_id="outlets_partial_update",
    summary="Change some of an outlet's values (teachers/editors, admins)",
    request=OutletWriteSerializer,
    responses={200: OutletSerializer, **errors(404)},
)
@api_view(["GET", "PUT", "PATCH"])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
@throttle_classes(throttling.WRITES)
def outlet_detail(request: Request, slug: str) -> Response:
    reject_unknown_params(request, ())
    outlet = get_object_or_404(_outlets(), slug=slug)
    if request.method == "GET":
        return Response(OutletSerializer(outlet).data)
    partial = request.method == "PATCH"
    changes = validated(OutletWriteSerializer, request.data, partial=partial)
    current = {
        "name": outlet.name,
        "kind": outlet.kind,
        "slug": outlet.slug,
        "description": outlet.description,
        "aliases": [alias.name for alias in outlet.aliases.all()],
        "domains": [domain.domain for domain in outlet.domains.all()],
    }
    values = {**current, **changes} if partial else {**changes, "slug": changes["slug"] or slug}
    outlet = update_outlet(outlet=outlet, by=request.user, **values)
    return Response(OutletSerializer(_outlets().get(pk=outlet.pk)).data)
