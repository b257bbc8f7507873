"""/api/suggestions/: label suggestions for an article's sentences, or for one sentence,
each with its evidence (suggestions), under the rule of suggestions.permissions."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.models import Article, Sentence
from annotator.selectors.workspace import UNTAGGABLE_SECTIONS
from core.api import throttling
from core.api.filters import reject_unknown_params
from core.api.permissions import HasRole
from core.api.schema import errors
from suggestions import model as learned
from suggestions import permissions
from suggestions.selectors.suggestions import cached_for_article


def _id(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["must be a whole number (an id)"]}) from None
    if value < 1:
        raise ValidationError({name: ["must be a positive id"]})
    return value


def article_suggestions(
    article_id: int, *, suggester: learned.Suggester | None = None
) -> list[dict[str, object]]:
    """The suggestions (by `suggester`, default the model in use) for every claim of an
    article (not its byline), as JSON."""
    rows = (
        Sentence.objects.filter(article_id=article_id)
        .exclude(section__in=UNTAGGABLE_SECTIONS)
        .order_by("position")
        .values_list("id", "text", "start")
    )
    found = cached_for_article(article_id, list(rows), suggester=suggester)
    return [s.as_dict() for s in found]


@extend_schema(
    operation_id="suggestions_list",
    summary="Label suggestions with their evidence, for an article or one sentence",
    description=(
        "Exactly one of `article` or `sentence`. Each suggestion: label, confidence, "
        "the cue spans that decided it (article offsets), the cited source (named or "
        "vague) and the layer that decided (`cues` or `model`). Teachers/editors see them "
        "always; students only in an assignment with hints on, or after handing it in."
    ),
    parameters=[
        OpenApiParameter("article", OpenApiTypes.INT, description="An article's id"),
        OpenApiParameter("sentence", OpenApiTypes.INT, description="A sentence's id"),
    ],
    responses={200: OpenApiTypes.OBJECT, **errors(400, 403, 404)},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasRole])
@throttle_classes(throttling.DEFAULT)
def suggestion_list(request: Request) -> Response:
    reject_unknown_params(request, ("article", "sentence"))
    article_id, sentence_id = _id(request, "article"), _id(request, "sentence")
    if (article_id is None) == (sentence_id is None):
        raise ValidationError({"non_field_errors": ["give exactly one of article or sentence"]})
    if sentence_id is not None:
        sentence = get_object_or_404(Sentence.objects.only("id", "article_id"), pk=sentence_id)
        article_id = sentence.article_id
    else:
        get_object_or_404(Article.objects.only("id"), pk=article_id)
    seen = permissions.visibility(request.user, article_id)
    if seen == permissions.NONE:
        raise PermissionDenied(permissions.HIDDEN)
    suggester = permissions.suggester_for(seen)
    results = article_suggestions(article_id, suggester=suggester)
    if sentence_id is not None:
        results = [s for s in results if s["sentence"] == sentence_id]
    return Response({"model_version": suggester.version, "results": results})
