"""The import page (teachers/editors): paste an article or drop files, see what the
import will make of each (headline, byline, sections, publisher and origin with their
evidence, duplicates), correct publisher, origin and date, then import. The same bulk
import as `POST /api/articles/bulk/`; a batch over ANNOTATOR_BULK_SYNC_MAX runs in the
background and its page follows it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from annotator.ingest.batch import (
    CORRECTABLE,
    entries_from_file,
    entries_from_jsonl,
    entry,
    preview_entries,
)
from annotator.ingest.jobs import create_job, enqueue, entries_of, run_job
from annotator.ingest.readers import FORMATS
from annotator.models import ImportJob
from core.errors import one_line
from sources.models import Outlet

PREVIEW_MAX = 50  # records shown (and correctable) on the preview
RESULTS_MAX = 500  # results listed on a job's page; the API pages through all of them
PASTE_FORMATS = {"text": "text", "markdown": "markdown", "html": "html", "jsonl": "jsonl"}


def _require_importer(request: HttpRequest) -> None:
    if not request.user.has_perm("annotator.add_article"):
        raise PermissionDenied("Only teachers, editors and admins can import articles.")


def _outlets() -> list[Outlet]:
    return list(Outlet.objects.order_by("name").only("name", "slug"))


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """The form; posted, the upload becomes a draft and the preview opens."""
    _require_importer(request)
    errors: list[str] = []
    if request.method == "POST":
        try:
            job = _draft(request)
        except ValidationError as exc:
            errors.append(one_line(exc))
        else:
            return redirect("import-job", job.pk)
    return render(
        request,
        "annotator/import.html",
        {
            "errors": errors,
            "outlets": _outlets(),
            "formats": FORMATS,
            "data": request.POST,
            "sync_max": settings.ANNOTATOR_BULK_SYNC_MAX,
            "max_mb": settings.ANNOTATOR_MAX_ARTICLE_BYTES / 1024 / 1024,
        },
        status=400 if errors else 200,
    )


def _draft(request: HttpRequest) -> ImportJob:
    known = {o.slug for o in _outlets()}
    defaults = {}
    for name in ("publisher", "origin"):
        value = request.POST.get(name, "")
        if value and value not in known:
            raise ValidationError({name: f"unknown outlet {value[:80]!r}"})
        defaults[name] = value
    text = request.POST.get("text", "")
    fmt = request.POST.get("format", "text")
    if fmt not in PASTE_FORMATS:
        raise ValidationError({"format": f"one of {', '.join(PASTE_FORMATS)}"})
    files = request.FILES.getlist("files")
    if not text.strip() and not files:
        raise ValidationError("Paste an article or choose files to import.")

    def entries() -> Iterator[dict]:
        if text.strip():
            if fmt == "jsonl":
                yield from entries_from_jsonl(text.encode("utf-8").splitlines(), source="pasted")
            else:
                yield entry("pasted text", {PASTE_FORMATS[fmt]: text.replace("\r\n", "\n")})
        for upload in files:
            yield from entries_from_file(upload.name or "upload", upload)

    return create_job(entries(), by=request.user, **defaults)


def _own_job(request: HttpRequest, job_id: uuid.UUID) -> ImportJob:
    _require_importer(request)
    jobs = ImportJob.objects.all()
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=job_id)


@require_http_methods(["GET", "POST"])
def import_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """A draft's preview, with its corrections; once imported, its progress and results."""
    job = _own_job(request, job_id)
    if job.status != ImportJob.Status.DRAFT:
        return _progress(request, job)
    errors: list[str] = []
    if request.method == "POST":
        try:
            job.corrections = _corrections(request, job)
        except ValidationError as exc:
            errors.append(one_line(exc))
        else:
            if request.POST.get("action") != "import":
                job.save(update_fields=["corrections"])
                return redirect("import-job", job.pk)
            return _start(job)
    entries = entries_of(job, limit=PREVIEW_MAX)
    previews = preview_entries(
        entries,
        by=request.user if job.created_by_id == request.user.pk else job.created_by,
        publisher=job.publisher,
        origin=job.origin,
        corrections={int(n): fields for n, fields in job.corrections.items()},
    )
    return render(
        request,
        "annotator/import_preview.html",
        {
            "job": job,
            "previews": previews,
            "corrections": {int(n): fields for n, fields in job.corrections.items()},
            "outlets": _outlets(),
            "more": max(job.total - len(previews), 0),
            "background": job.total > settings.ANNOTATOR_BULK_SYNC_MAX,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _corrections(request: HttpRequest, job: ImportJob) -> dict[str, dict]:
    """The corrections posted with a preview: per record, an outlet chosen instead of the
    one detected, or a date other than the one the preview showed ("" clears it)."""
    known = {o.slug for o in _outlets()}
    corrections: dict[str, dict] = {}
    for number in range(1, min(job.total, PREVIEW_MAX) + 1):
        fields = {}
        for name in ("publisher", "origin"):
            value = request.POST.get(f"{name}-{number}", "")
            if value and value not in known:
                raise ValidationError(f"Article {number}: unknown {name} {value[:80]!r}.")
            if value:
                fields[name] = value
        date = request.POST.get(f"published_on-{number}", "").strip()
        if date != request.POST.get(f"published_on_was-{number}", "").strip():
            if date:
                try:
                    dt.date.fromisoformat(date)
                except ValueError:
                    raise ValidationError(
                        f"Article {number}: the date {date[:40]!r} is not a date (YYYY-MM-DD)."
                    ) from None
            fields["published_on"] = date or None
        if fields:
            assert set(fields) <= set(CORRECTABLE)
            corrections[str(number)] = fields
    return corrections


def _start(job: ImportJob) -> HttpResponse:
    """Import a confirmed draft: now if it is small, else in the background."""
    if job.total > settings.ANNOTATOR_BULK_SYNC_MAX:
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["corrections", "status"])
        enqueue(job)
    else:
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["corrections", "status"])
        run_job(job)
    return redirect("import-job", job.pk)


def _progress(request: HttpRequest, job: ImportJob) -> HttpResponse:
    if request.htmx:
        response = render(request, "annotator/import_job.html#progress", {"job": job})
        if job.finished:
            response["HX-Refresh"] = "true"  # the whole page, with the results
        return response
    records = job.records.order_by("record")[:RESULTS_MAX] if job.finished else []
    return render(
        request,
        "annotator/import_job.html",
        {"job": job, "records": records, "results_max": RESULTS_MAX},
    )
