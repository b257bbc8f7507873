"""/api/sentences/: everyone with a role reads; teachers/editors and admins correct the
section of a sentence (and, with `through_end`, of every later one)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.api.filters import SentenceFilter
from annotator.api.serializers import SentenceSectionSerializer, SentenceSerializer
from annotator.models import Sentence
from annotator.services.sentences import correct_section
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


@extend_schema(
    operation_id="sentences_list",
    summary="List sentences, in reading order (filter by article and section)",
    parameters=[*filter_parameters(SentenceFilter), *PAGE_PARAMETERS],
    responses={200: paginated(SentenceSerializer), **list_errors()},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasRole])
@throttle_classes(throttling.DEFAULT)
def sentence_list(request: Request) -> Response:
    sentences = Sentence.objects.order_by("article_id", "position")
    return paginate(
        request, filter_queryset(request, SentenceFilter, sentences), SentenceSerializer
    )


@extend_schema(
    methods=["GET"],
    operation_id="sentences_retrieve",
    summary="A sentence",
    responses={200: SentenceSerializer, **errors(404)},
)
@extend_schema(
    methods=["PATCH"],
    operation_id="sentences_partial_update",
    summary="Correct a sentence's section (teachers/editors, admins)",
    request=SentenceSectionSerializer,
    responses={200: SentenceSerializer, **errors(404)},
)
@api_view(["GET", "PATCH"])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
@throttle_classes(throttling.WRITES)
def sentence_detail(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    sentence = get_object_or_404(Sentence, pk=pk)
    if request.method == "PATCH":
        values = validated(SentenceSectionSerializer, request.data)
        correct_section(sentence=sentence, by=request.user, **values)
        sentence.refresh_from_db(fields=["section"])
    return Response(SentenceSerializer(sentence).data)
