"""/api/articles/: everyone with a role reads; teachers/editors and admins import,
correct metadata and delete."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import (
    api_view,
    parser_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.api.serializers import (
    ArticleCreateSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    ArticleUpdateSerializer,
    ArticleUploadSerializer,
    ConflictSerializer,
    SentenceSerializer,
)
from annotator.forms import ArticleFilter
from annotator.models import Article, Sentence
from annotator.services.articles import (
    create_article,
    create_named_origin,
    delete_article,
    update_article,
)
from core.api import throttling
from core.api.filters import (
    PAGE_PARAMETERS,
    filter_parameters,
    filter_queryset,
    reject_unknown_params,
)
from core.api.pagination import paginate
from core.api.parsers import JSONParser
from core.api.permissions import EditorOrReadOnly, HasRole
from core.api.schema import errors, list_errors, paginated
from core.api.serializers import validated

CONFIRM = "confirm_delete_tags"


def _listed() -> QuerySet[Article]:
    return (
        Article.objects.select_related("publisher", "origin")
        .annotate(n_sentences=Count("sentences"))
        .defer("text", "html")
        .order_by("-imported_at", "-pk")
    )


def _detailed() -> QuerySet[Article]:
    return (
        Article.objects.select_related("publisher", "origin", "imported_by")
        .annotate(n_sentences=Count("sentences"))
        .prefetch_related(Prefetch("sentences", Sentence.objects.order_by("position")))
    )


@extend_schema(
    methods=["GET"],
    operation_id="articles_list",
    summary="List articles (without their text)",
    parameters=[*filter_parameters(ArticleFilter), *PAGE_PARAMETERS],
    responses={200: paginated(ArticleSerializer), **list_errors()},
)
@extend_schema(
    methods=["POST"],
    operation_id="articles_create",
    summary="Import an article from text or a file (teachers/editors, admins)",
    description="The same import as the command line: segmentation, sections, outlet "
    "detection. JSON with `text`, or multipart/form-data with `file`. A text that is "
    "already imported is not copied: the answer is the existing article with 200.",
    request={
        "application/json": ArticleCreateSerializer,
        "multipart/form-data": ArticleUploadSerializer,
    },
    responses={
        201: OpenApiResponse(ArticleDetailSerializer, description="Imported."),
        200: OpenApiResponse(
            ArticleDetailSerializer, description="The same text was already imported."
        ),
        **errors(),
    },
)
@api_view(["GET", "POST"])
@parser_classes([JSONParser, MultiPartParser])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
@throttle_classes(throttling.IMPORTS)
def article_list(request: Request) -> Response:
    if request.method == "GET":
        return paginate(
            request, filter_queryset(request, ArticleFilter, _listed()), ArticleSerializer
        )
    reject_unknown_params(request, ())
    if request.content_type.startswith("multipart/"):
        values = validated(ArticleUploadSerializer, request.data)
        upload = values.pop("file")
        values.update(upload=upload, filename=upload.name or "")
    else:
        values = validated(ArticleCreateSerializer, request.data)
    values["fmt"] = values.pop("format")
    result = create_article(by=request.user, **values)
    if not result.created:
        return Response(ArticleDetailSerializer(_detailed().get(pk=result.article.pk)).data)
    return Response(imported_article_data(result.article), status=status.HTTP_201_CREATED)


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_SENTENCE_FIELDS = SentenceSerializer.Meta.fields


def imported_article_data(article: Article) -> dict:
    """What ArticleDetailSerializer says of an article just imported, built from the
    article in memory and one query for its sentences. Answering an import through the
    serializer re-read the article and cost 35-45% of the request (issue 19);
    tests/api/test_articles.py checks that the two agree field by field."""
    sentences = [
        dict(zip(_SENTENCE_FIELDS, row, strict=True))
        for row in Sentence.objects.filter(article_id=article.pk)
        .order_by("position")
        .values_list(*(f if f != "article" else "article_id" for f in _SENTENCE_FIELDS))
    ]
    return {
        "id": article.pk,
        "title": article.title,
        "publisher": article.publisher.slug if article.publisher else None,
        "origin": article.origin.slug if article.origin else None,
        "byline": article.byline,
        "url": article.url,
        "published_on": _DATE.to_representation(article.published_on)
        if article.published_on
        else None,
        "imported_at": _DATETIME.to_representation(article.imported_at),
        "sentence_count": len(sentences),
        "publisher_signal": article.publisher_signal,
        "origin_signal": article.origin_signal,
        "origin_unknown": article.origin_unknown,
        "notes": ArticleDetailSerializer.notes_of(article),
        "is_republished": article.is_republished,
        "source_name": article.source_name,
        "imported_by": article.imported_by.get_username() if article.imported_by else None,
        "content_hash": article.content_hash,
        "text": article.text,
        "html": article.html,
        "sentences": sentences,
    }


@extend_schema(
    methods=["GET"],
    operation_id="articles_retrieve",
    summary="An article with its text and sentences",
    responses={200: ArticleDetailSerializer, **errors(404)},
)
@extend_schema(
    methods=["PUT"],
    operation_id="articles_update",
    summary="Replace an article's metadata (teachers/editors, admins)",
    description="Title, byline, URL, date, publisher and origin; never the text. Fields "
    "left out become blank.",
    request=ArticleUpdateSerializer,
    responses={200: ArticleDetailSerializer, **errors(404)},
)
@extend_schema(
    methods=["PATCH"],
    operation_id="articles_partial_update",
    summary="Change some of an article's metadata (teachers/editors, admins)",
    request=ArticleUpdateSerializer,
    responses={200: ArticleDetailSerializer, **errors(404)},
)
@extend_schema(
    methods=["DELETE"],
    operation_id="articles_destroy",
    summary="Delete an article and its sentences (teachers/editors, admins)",
    description=f"An article with claim tags is deleted only with `?{CONFIRM}=1`; the tags "
    "and their history go with it. Without it the answer is 409 and nothing is deleted.",
    parameters=[
        OpenApiParameter(
            CONFIRM,
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            enum=["1"],
            description="1: delete the article's claim tags with it.",
        )
    ],
    responses={
        204: None,
        **errors(404),
        409: OpenApiResponse(ConflictSerializer, description="The article has claim tags."),
    },
)
@api_view(["GET", "PUT", "PATCH", "DELETE"])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
@throttle_classes(throttling.WRITES)
def article_detail(request: Request, pk: int) -> Response:
    reject_unknown_params(request, [CONFIRM] if request.method == "DELETE" else [])
    if request.method == "DELETE":
        confirm = request.query_params.get(CONFIRM)
        if confirm not in (None, "1"):
            raise ValidationError({CONFIRM: ["must be 1 (or left out)"]})
        article = get_object_or_404(Article.objects.defer("text", "html"), pk=pk)
        delete_article(article=article, by=request.user, delete_tags=confirm == "1")
        return Response(status=status.HTTP_204_NO_CONTENT)
    article = get_object_or_404(_detailed(), pk=pk)
    if request.method == "GET":
        return Response(ArticleDetailSerializer(article).data)
    partial = request.method == "PATCH"
    changes = validated(ArticleUpdateSerializer, request.data, partial=partial)
    current = {
        "title": article.title,
        "byline": article.byline,
        "url": article.url,
        "published_on": article.published_on,
        "publisher": article.publisher.slug if article.publisher else "",
        "origin": article.origin.slug if article.origin else "",
    }
    update_article(
        article=article, by=request.user, **({**current, **changes} if partial else changes)
    )
    return Response(ArticleDetailSerializer(_detailed().get(pk=pk)).data)


@extend_schema(
    operation_id="articles_create_origin",
    summary="Create the outlet an article names as origin but that is unknown (teachers/editors)",
    description="When the text credits an outlet that is not in the directory "
    '(`origin_unknown`, "origin named but unknown: X"), this creates the outlet and makes '
    "it the origin of every article that names it. 400 when the article names none.",
    request=None,
    responses={200: ArticleDetailSerializer, **errors(404)},
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
@throttle_classes(throttling.WRITES)
def article_create_origin(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    article = get_object_or_404(Article.objects.defer("text", "html"), pk=pk)
    create_named_origin(article=article, by=request.user)
    return Response(ArticleDetailSerializer(_detailed().get(pk=pk)).data)
