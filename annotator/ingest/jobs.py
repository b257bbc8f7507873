"""Bulk imports too large for one request: the records wait in a spool file and a
background worker imports them (django-tasks, with its database backend: `manage.py
db_worker`), counting the outcome as it goes so that a page can follow it and the API
can fetch the result.

The import page uses the same jobs for its preview: a *draft* job holds what was
uploaded until the preview is confirmed (with its corrections), then runs in the request
when it is small, or in the background when it is not."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from annotator.ingest.batch import Outcome, import_entries
from annotator.models import ImportJob, ImportRecord, StoryChange
from annotator.services import stories

log = logging.getLogger(__name__)


def spool_path(job_id: uuid.UUID) -> Path:
    return Path(settings.ANNOTATOR_IMPORT_SPOOL_DIR) / f"{job_id}.jsonl"


def take(entries: Iterable[Mapping], *, limit: int) -> tuple[list[Mapping], Iterator[Mapping]]:
    """The first `limit` + 1 entries in memory, and the rest still to be read: more than
    `limit` entries make a background job, and only then is the rest read."""
    entries = iter(entries)
    return list(islice(entries, limit + 1)), entries


def create_job(
    entries: Iterable[Mapping],
    *,
    by: AbstractBaseUser,
    publisher: str = "",
    origin: str = "",
    status: str = ImportJob.Status.DRAFT,
) -> ImportJob:
    """Write the entries to a new job's spool file, a line each (reading them one at a
    time, so memory stays flat), and save the job. A queued job is handed to the worker."""
    if status == ImportJob.Status.DRAFT:
        discard_drafts(by=by)
    job = ImportJob(created_by=by, publisher=publisher, origin=origin, status=status)
    path = spool_path(job.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with path.open("w", encoding="utf-8") as spool:
        for item in entries:
            spool.write(json.dumps(item))  # escaping non-ASCII is 2-3 times faster
            spool.write("\n")
            total += 1
    job.spool, job.total = str(path), total
    job.save()
    if status == ImportJob.Status.QUEUED:
        enqueue(job)
    return job


def discard_drafts(*, by: AbstractBaseUser) -> int:
    """Delete the account's previews that were never imported, with their files: a new
    preview replaces them. Returns how many."""
    drafts = list(ImportJob.objects.filter(created_by=by, status=ImportJob.Status.DRAFT))
    for draft in drafts:
        if draft.spool:
            Path(draft.spool).unlink(missing_ok=True)
    ImportJob.objects.filter(pk__in=[d.pk for d in drafts]).delete()
    return len(drafts)


def enqueue(job: ImportJob) -> None:
    """Hand the job to the background worker once the job row is committed."""
    transaction.on_commit(lambda: run_import_job.enqueue(str(job.pk)))


def read_spool(job: ImportJob) -> Iterator[dict]:
    """The job's entries, read one line at a time."""
    with open(job.spool, encoding="utf-8") as spool:
        for line in spool:
            yield json.loads(line)


def entries_of(job: ImportJob, *, limit: int | None = None) -> list[dict]:
    """The first `limit` entries of a job (all of them without a limit)."""
    return list(islice(read_spool(job), limit))


def run_job(job: ImportJob) -> ImportJob:
    """Import a job's records, saving each chunk's outcomes with the chunk's articles,
    so that the counts a page shows are always what is in the database."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    corrections = {int(number): fields for number, fields in job.corrections.items()}

    def save(outcomes: list[Outcome]) -> None:
        ImportRecord.objects.bulk_create(
            ImportRecord(
                job_id=job.pk,
                record=o.record,
                source=o.source[:500],
                status=o.status,
                article_id=o.article,
                title=o.title[:500],
                reason=o.reason,
            )
            for o in outcomes
        )
        counts = {"created": 0, "duplicate": 0, "rejected": 0}
        for o in outcomes:
            counts[o.status] += 1
        ImportJob.objects.filter(pk=job.pk).update(
            created=F("created") + counts["created"],
            duplicates=F("duplicates") + counts["duplicate"],
            rejected=F("rejected") + counts["rejected"],
        )

    try:
        for _ in import_entries(
            read_spool(job),
            by=job.created_by,
            publisher=job.publisher,
            origin=job.origin,
            corrections=corrections,
            on_chunk=save,
        ):
            pass
    except Exception as exc:
        log.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, finished_at=timezone.now()
        )
        Path(job.spool).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


@task()
def run_import_job(job_id: str) -> None:
    """The background task: import the records of a queued job."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return  # deleted, or already run
    run_job(job)


def outcomes_of(records: Iterable[ImportRecord]) -> list[dict]:
    return [
        Outcome(
            r.record, r.source, r.status, article=r.article_id, title=r.title, reason=r.reason
        ).as_dict()
        for r in records
    ]


# Story filing has a queue of its own (and waits behind imports in a worker that serves
# both): on a corpus of many copies it can take minutes, and an import, which someone is
# watching, must not wait for it.
@task(priority=-10, queue_name="stories")
def file_stories() -> int:
    """The background task after an import: file the new articles into their stories."""
    return stories.add_pending_articles(how=StoryChange.How.IMPORT)
