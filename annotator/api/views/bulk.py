"""/api/articles/bulk/: many articles in one request (teachers/editors, admins), and the
background jobs that large batches become."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.decorators import (
    api_view,
    parser_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.ingest.batch import (
    Importer,
    entries_from_file,
    entries_from_json,
    entries_from_jsonl,
    import_entries,
    read_lines,
)
from annotator.ingest.jobs import create_job, outcomes_of, take
from annotator.models import ImportJob
from core.api import throttling
from core.api.filters import reject_unknown_params
from core.api.pagination import PARAMS as PAGE_PARAMS
from core.api.pagination import Pagination
from core.api.parsers import BodyTooLarge, JSONParser, nested_deeper_than, too_deep
from core.api.permissions import EditorOrReadOnly, HasRole
from core.api.schema import errors
from core.api.serializers import ErrorSerializer

OUTLET_PARAMS = ("publisher", "origin")
FILE_FIELDS = ("files", "file")


def _refuse_over(request: Request, limit: int, setting: str) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise BodyTooLarge(
            f"The request body is larger than the limit of {limit:,} bytes "
            f"({limit / 1024 / 1024:.1f} MB, {setting})."
        )


class BulkJSONParser(JSONParser):
    """A JSON array of articles, up to API_MAX_BULK_JSON_BYTES (it is read into memory),
    nested no deeper than API_MAX_JSON_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None) -> object:
        request = (parser_context or {}).get("request")
        if request is not None:
            _refuse_over(request, settings.API_MAX_BULK_JSON_BYTES, "API_MAX_BULK_JSON_BYTES")
        depth = settings.API_MAX_JSON_DEPTH
        try:
            data = parsers.JSONParser.parse(self, stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep(depth)) from None
        if nested_deeper_than(data, depth):
            raise ParseError(too_deep(depth))
        return data


class JSONLinesParser(parsers.BaseParser):
    """JSON Lines, an article a line, read a line at a time as the import goes."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None) -> Iterator[dict]:
        request = (parser_context or {}).get("request")
        if request is not None:
            _refuse_over(request, settings.API_MAX_BULK_BYTES, "API_MAX_BULK_BYTES")
        return entries_from_jsonl(read_lines(stream) if stream is not None else [], source="line")


class JSONLParser(JSONLinesParser):
    media_type = "application/jsonl"


class BulkMultiPartParser(parsers.MultiPartParser):
    """Several files (field `files`), spooled to disk, up to API_MAX_BULK_BYTES in all."""

    def parse(self, stream, media_type=None, parser_context=None) -> object:
        request = (parser_context or {}).get("request")
        if request is not None:
            _refuse_over(request, settings.API_MAX_BULK_BYTES, "API_MAX_BULK_BYTES")
        return super().parse(stream, media_type, parser_context)


class RecordSerializer(serializers.Serializer):
    """One article of a bulk import, as a line of `import_articles`' JSON Lines."""

    text = serializers.CharField(required=False, help_text="Plain text (or `html`/`markdown`).")
    html = serializers.CharField(required=False)
    markdown = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    publisher = serializers.CharField(required=False)
    origin = serializers.CharField(required=False)
    byline = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    published_on = serializers.DateField(required=False, allow_null=True)
    comments_start = serializers.CharField(required=False)


class UploadsSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(),
        help_text="Several files: .txt, .md, .html (an article each) and .jsonl (an "
        "article a line).",
    )


class OutcomeSerializer(serializers.Serializer):
    record = serializers.IntegerField(help_text="Its number in the request, from 1.")
    source = serializers.CharField(help_text='"record 3", "line 7", "a.txt", "b.jsonl line 2"')
    status = serializers.ChoiceField(choices=["created", "duplicate", "rejected"])
    article = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    reason = serializers.CharField(help_text="Why it was rejected.")


class BulkResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True, help_text="The job (background imports).")
    status = serializers.ChoiceField(choices=ImportJob.Status.values)
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    error = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="Where to follow the job.")
    results = OutcomeSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="The next page of results.")


_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=f"The {name} of every article (name, slug, alias or domain); else "
        "each record's own, else detected from the text.",
    )
    for name in OUTLET_PARAMS
]


@extend_schema(
    operation_id="articles_bulk_create",
    summary="Import many articles in one request (teachers/editors, admins)",
    description="A JSON array of articles, JSON Lines (`application/x-ndjson`, an article "
    "a line), or multipart/form-data with several `files` (.txt, .md, .html, .jsonl). Each "
    "article is checked and imported as `POST /api/articles/` would (same limits per "
    "article) and gets a result: created, duplicate (the same text is already here) or "
    "rejected, with the reason. Up to ANNOTATOR_BULK_SYNC_MAX articles are imported in the "
    "request (200, or 201 when any was created); a larger batch becomes a background job "
    "(202): follow it at its `url`.",
    parameters=_PARAMETERS,
    request={
        "application/json": RecordSerializer(many=True),
        "application/x-ndjson": OpenApiTypes.STR,
        "multipart/form-data": UploadsSerializer,
    },
    responses={
        200: BulkResultSerializer,
        201: BulkResultSerializer,
        202: OpenApiResponse(BulkResultSerializer, description="Queued as a background job."),
        413: OpenApiResponse(ErrorSerializer, description="The body is over its limit."),
        **errors(),
    },
)
@api_view(["POST"])
@parser_classes([BulkJSONParser, JSONLinesParser, JSONLParser, BulkMultiPartParser])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
@throttle_classes(throttling.IMPORTS)
def article_bulk(request: Request) -> Response:
    reject_unknown_params(request, OUTLET_PARAMS)
    defaults = {name: request.query_params.get(name, "") for name in OUTLET_PARAMS}
    entries = _entries(request)
    first, rest = take(entries, limit=settings.ANNOTATOR_BULK_SYNC_MAX)
    if not first:
        raise ValidationError({"records": ["the request holds no articles"]})
    if len(first) <= settings.ANNOTATOR_BULK_SYNC_MAX:
        outcomes = [o.as_dict() for o in import_entries(first, by=request.user, **defaults)]
        counts = {s: sum(o["status"] == s for o in outcomes) for s in _STATUSES}
        body = _body(None, "done", len(outcomes), counts, outcomes)
        code = status.HTTP_201_CREATED if counts["created"] else status.HTTP_200_OK
        return Response(body, status=code)
    Importer(by=request.user, **defaults)  # refuses unknown outlets before queueing
    job = create_job(
        _chain(first, rest), by=request.user, status=ImportJob.Status.QUEUED, **defaults
    )
    body = _job_body(request, job, [], None)
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


_STATUSES = ("created", "duplicate", "rejected")


def _chain(first: list, rest: Iterable) -> Iterator:
    yield from first
    yield from rest


def _entries(request: Request) -> Iterable[Mapping]:
    data = request.data
    if request.content_type.startswith("multipart/"):
        unknown = sorted(set(data) - set(FILE_FIELDS))
        if unknown:
            raise ValidationError(
                {name: ["unknown field (this one takes: files, several)"] for name in unknown}
            )
        files = [f for name in FILE_FIELDS for f in request.FILES.getlist(name)]
        if not files:
            raise ValidationError({"files": ["send one or more files"]})
        return (item for f in files for item in entries_from_file(f.name or "upload", f))
    if isinstance(data, Iterator):
        return data
    return entries_from_json(data)


def _body(job_id, state: str, total: int, counts: Mapping, results: list, **extra) -> dict:
    return {
        "id": job_id,
        "status": state,
        "total": total,
        "processed": sum(counts.values()),
        "created": counts["created"],
        "duplicates": counts["duplicate"],
        "rejected": counts["rejected"],
        "error": extra.get("error", ""),
        "url": extra.get("url"),
        "results": results,
        "next": extra.get("next"),
    }


def _job_body(request: Request, job: ImportJob, results: list, next_url: str | None) -> dict:
    counts = {"created": job.created, "duplicate": job.duplicates, "rejected": job.rejected}
    url = request.build_absolute_uri(f"/api/articles/bulk/{job.pk}/")
    return _body(
        str(job.pk), job.status, job.total, counts, results, error=job.error, url=url, next=next_url
    )


@extend_schema(
    operation_id="articles_bulk_job",
    summary="A background bulk import: progress, then each article's result",
    description="`processed` of `total` so far; `results` is a page of the results "
    "(`page`, `page_size`; `next` links the next page). Only the account that sent it (and "
    "admins) can read it.",
    parameters=[
        OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY),
        OpenApiParameter("page_size", OpenApiTypes.INT, OpenApiParameter.QUERY),
    ],
    responses={200: BulkResultSerializer, **errors(404)},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated, HasRole, EditorOrReadOnly])
def article_bulk_job(request: Request, job_id: uuid.UUID) -> Response:
    reject_unknown_params(request, PAGE_PARAMS)
    jobs = ImportJob.objects.exclude(status=ImportJob.Status.DRAFT)
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    job = get_object_or_404(jobs, pk=job_id)
    paginator = Pagination()
    page = paginator.paginate_queryset(job.records.order_by("record"), request)
    return Response(_job_body(request, job, outcomes_of(page), paginator.get_next_link()))
