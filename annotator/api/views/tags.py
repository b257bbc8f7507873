"""/api/tags/: claim tags.

Who sees what: a reviewer lists and reads only their own tags (blind annotation, as in
class: nobody is swayed by the others' labels); teachers/editors and admins see
everyone's. Another reviewer's tag is a 404 for a reviewer, as if it did not exist.

Who writes what: everyone with a role writes their own tags, and only their own; a
teacher/editor or admin who tries to change or delete someone else's tag gets 403.

Creating is idempotent: the claim is (sentence, start, end) for the requesting user, so
the same request twice leaves one tag. The answer is 201 when the tag was created and
200 when it already existed (changed to the values sent, or already so)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.api.filters import TagFilter
from annotator.api.serializers import (
    MAX_BULK,
    BulkErrorSerializer,
    TagBulkResultSerializer,
    TagBulkSerializer,
    TagCreateSerializer,
    TagSerializer,
    TagValuesSerializer,
)
from annotator.models import ClaimTag, Sentence
from annotator.selectors.workspace import sentences_for_tagging
from annotator.services.tagging import (
    VALUE_FIELDS,
    Tagged,
    TagsRefused,
    delete_tag,
    lock_claims,
    save_tag_on,
    save_tags,
    update_tag,
)
from core.api import throttling
from core.api.errors import validation_detail
from core.api.filters import (
    PAGE_PARAMETERS,
    filter_parameters,
    filter_queryset,
    reject_unknown_params,
)
from core.api.pagination import paginate
from core.api.permissions import HasRole
from core.api.schema import errors, list_errors, paginated
from core.api.serializers import ErrorSerializer, reject_unknown_fields, validated
from core.auth.roles import is_editor
from sources.models import Outlet


def visible_tags(request: Request) -> QuerySet[ClaimTag]:
    """The tags the user may read: their own, or everyone's for teachers/editors."""
    tags = ClaimTag.objects.select_related("sentence", "reviewer", "outlet")
    return tags if is_editor(request.user) else tags.filter(reviewer=request.user)


def _resolve(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """Turn sentence ids and outlet slugs into objects (two queries for any number of
    items). Returns the values for `save_tag` and, aligned with them, the errors."""
    sentences = sentences_for_tagging(item["sentence"] for item in items)
    slugs = {item["outlet"] for item in items if item.get("outlet")}
    outlets = {o.slug: o for o in Outlet.objects.filter(slug__in=slugs)} if slugs else {}
    resolved, problems = [], []
    for item in items:
        problem = {}
        sentence = sentences.get(item["sentence"])
        if sentence is None:
            problem |= _no_sentence(item["sentence"])
        outlet = outlets.get(item.get("outlet") or "")
        if item.get("outlet") and outlet is None:
            problem["outlet"] = [f"there is no outlet {item['outlet']!r}"]
        resolved.append({**item, "sentence": sentence, "outlet": outlet})
        problems.append(problem)
    return resolved, problems


def _no_sentence(pk: int) -> dict[str, list[str]]:
    return {"sentence": [f"there is no sentence {pk}"]}


def _with_outlet(tagged: Tagged, sentence: Sentence, outlet: Outlet | None) -> ClaimTag:
    """The tag, with its outlet filled in from what is already loaded (no query)."""
    tag = tagged.tag
    article = sentence.article
    for candidate in (outlet, article.origin, article.publisher):
        if candidate is not None and candidate.pk == tag.outlet_id:
            tag.outlet = candidate
            break
    return tag


@extend_schema(
    methods=["GET"],
    operation_id="tags_list",
    summary="List claim tags (a reviewer: their own; teachers/editors: everyone's)",
    parameters=[*filter_parameters(TagFilter), *PAGE_PARAMETERS],
    responses={200: paginated(TagSerializer), **list_errors()},
)
@extend_schema(
    methods=["POST"],
    operation_id="tags_create",
    summary="Tag a claim (a sentence, or a span inside it) as yourself",
    description="Idempotent: the claim is (sentence, start, end) for you; sending the same "
    "claim again updates your tag to the values sent. 201 when the tag was created, 200 "
    "when it already existed. `start`/`end` are article offsets; left out, the claim is "
    "the whole sentence.",
    request=TagCreateSerializer,
    responses={
        201: OpenApiResponse(TagSerializer, description="Created."),
        200: OpenApiResponse(TagSerializer, description="Already there: updated or unchanged."),
        **errors(),
    },
)
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated, HasRole])
@throttle_classes(throttling.WRITES)
def tag_list(request: Request) -> Response:
    if request.method == "GET":
        tags = filter_queryset(request, TagFilter, visible_tags(request).order_by("pk"))
        return paginate(request, tags, TagSerializer)
    reject_unknown_params(request, ())
    values = validated(TagCreateSerializer, request.data)
    outlet = None
    if values["outlet"]:
        outlet = Outlet.objects.filter(slug=values["outlet"]).first()
        if outlet is None:
            _, [problem] = _resolve([values])  # the sentence's problem too, if it has one
            raise ValidationError(problem)
    sentence_id = values.pop("sentence")
    try:
        # The sentence is read with the write (services.tagging.save_tag_on).
        tagged = save_tag_on(
            sentence_id=sentence_id, reviewer=request.user, **{**values, "outlet": outlet}
        )
    except Sentence.DoesNotExist:
        raise ValidationError(_no_sentence(sentence_id)) from None
    return Response(
        TagSerializer(_with_outlet(tagged, tagged.tag.sentence, outlet)).data,
        status=status.HTTP_201_CREATED if tagged.created else status.HTTP_200_OK,
    )


@extend_schema(
    operation_id="tags_bulk",
    summary="Tag many claims in one transaction: all or nothing",
    description="Each item is what POST /api/tags/ takes, with the same idempotency. If "
    "any item is refused, nothing is saved and the answer is 400 with `errors`: one object "
    "per item, in order, empty for the items that were fine.",
    request=TagBulkSerializer,
    responses={
        200: TagBulkResultSerializer,
        400: OpenApiResponse(
            BulkErrorSerializer, description="Nothing saved; errors aligned with the items."
        ),
        **{code: r for code, r in errors().items() if code != 400},
    },
)
@api_view(["POST"])
@permission_classes([IsAuthenticated, HasRole])
@throttle_classes(throttling.WRITES)
def tag_bulk(request: Request) -> Response:
    reject_unknown_params(request, ())
    reject_unknown_fields(request.data, TagBulkSerializer().fields)
    items = request.data.get("tags") if isinstance(request.data, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BULK:
        raise ValidationError({"tags": [f"must be a list of 1 to {MAX_BULK} tags"]})
    # Every item is checked, its shape and then by the service, so that one answer
    # lists all that is wrong.
    shapes, problems = _shapes(items)
    valid = [i for i, problem in enumerate(problems) if not problem]
    resolved, resolve_problems = _resolve([shapes[i] for i in valid])
    for i, problem in zip(valid, resolve_problems, strict=True):
        if problem:
            problems[i] = problem
    # The items found, checked by the service all the same: one answer lists all that
    # is wrong. Written only when every item is fine.
    found = [(i, values) for i, values in zip(valid, resolved, strict=True) if not problems[i]]
    with transaction.atomic():
        # All the claims at once, first: two bulk requests cannot deadlock.
        lock_claims((request.user.pk, values["sentence"].pk) for _, values in found)
        try:
            results = save_tags(reviewer=request.user, items=[v for _, v in found]) if found else []
        except TagsRefused as refused:
            for (i, _), error in zip(found, refused.errors, strict=True):
                if error is not None:
                    problems[i] = validation_detail(error)
        if any(problems):
            transaction.set_rollback(True)
    if any(problems):
        return _refused(problems)
    tags = [
        _with_outlet(tagged, values["sentence"], values["outlet"])
        for tagged, (_, values) in zip(results, found, strict=True)
    ]
    created = sum(tagged.created for tagged in results)
    updated = sum(tagged.changed and not tagged.created for tagged in results)
    return Response(
        {
            "created": created,
            "updated": updated,
            "unchanged": len(results) - created - updated,
            "tags": TagSerializer(tags, many=True).data,
        }
    )


def _shapes(items: list) -> tuple[list[dict | None], list[dict]]:
    """Each item checked by TagCreateSerializer: its values (None when refused) and,
    aligned with them, its errors. One serializer checks every valid item, as DRF's
    ListSerializer checks its items with one child: a serializer made for each item
    made its fields anew each time, a third of a bulk request's time. A refused item is
    checked again the usual way, for the usual errors."""
    checker = TagCreateSerializer()
    shapes: list[dict | None] = []
    problems: list[dict] = []
    for item in items:
        try:
            shapes.append(checker.run_validation(item))
            problems.append({})
        except ValidationError:
            one = TagCreateSerializer(data=item)
            one.is_valid()
            shapes.append(None)
            problems.append(dict(one.errors))
    return shapes, problems


def _refused(problems: list[dict]) -> Response:
    failed = sum(1 for problem in problems if problem)
    return Response(
        {
            "detail": f"Nothing was saved: {failed} of {len(problems)} tag(s) have errors.",
            "errors": problems,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


@extend_schema(
    methods=["GET"],
    operation_id="tags_retrieve",
    summary="A claim tag (yours; teachers/editors: anyone's)",
    responses={200: TagSerializer, **errors(404)},
)
@extend_schema(
    methods=["PUT"],
    operation_id="tags_update",
    summary="Replace the values of your tag",
    description="The claim (sentence, start, end) stays; fields left out take their "
    "defaults (outlet: the article's origin).",
    request=TagValuesSerializer,
    responses={200: TagSerializer, **errors(404)},
)
@extend_schema(
    methods=["PATCH"],
    operation_id="tags_partial_update",
    summary="Change some values of your tag",
    description="The fields left out keep the values the tag has when the change is "
    "written. A tag deleted meanwhile is a 404: a change never brings it back.",
    request=TagValuesSerializer,
    responses={200: TagSerializer, **errors(404)},
)
@extend_schema(
    methods=["DELETE"],
    operation_id="tags_destroy",
    summary="Delete your tag (its history stays)",
    description="Deleting a tag that is not there (deleted already, by this request sent "
    "twice or by another) is a 404 and records nothing: the history has one deletion.",
    responses={
        204: OpenApiResponse(description="Deleted."),
        **errors(404),
        404: OpenApiResponse(
            ErrorSerializer, description="No such tag (or not yours to see): deleted already?"
        ),
    },
)
@api_view(["GET", "PUT", "PATCH", "DELETE"])
@permission_classes([IsAuthenticated, HasRole])
@throttle_classes(throttling.WRITES)
def tag_detail(request: Request, pk: int) -> Response:
    reject_unknown_params(request, ())
    tag = get_object_or_404(visible_tags(request), pk=pk)
    if request.method == "GET":
        return Response(TagSerializer(tag).data)
    if tag.reviewer_id != request.user.pk:
        raise PermissionDenied("You can only change or delete your own tags.")
    try:
        if request.method == "DELETE":
            delete_tag(tag=tag, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        partial = request.method == "PATCH"
        changes = validated(TagValuesSerializer, request.data, partial=partial)
        [values], [problem] = _resolve([{**changes, "sentence": tag.sentence_id}])
        if problem:
            raise ValidationError(problem)
        del values["sentence"]
        # A PATCH leaves the fields it does not send as they are when it is written.
        keep = [name for name in VALUE_FIELDS if name not in changes] if partial else []
        values.setdefault("label", tag.label)
        tagged = update_tag(tag=tag, by=request.user, keep=keep, **values)
    except ClaimTag.DoesNotExist:
        # Deleted by another request since it was read: as if it had never been.
        raise NotFound("No ClaimTag matches the given query.") from None
    return Response(TagSerializer(tagged.tag).data)
