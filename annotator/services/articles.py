"""Article-level writes after import: new articles from text or an upload, metadata
corrections, and deletion. The API (and any later page) calls these; the import itself
is `annotator.services.imports.import_article`, shared with the command line."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotator.ingest.batch import on_import
from annotator.ingest.readers import BadInput, decode, document_from_text, guess_format
from annotator.models import Article, ClaimTag, OutletCorrection
from annotator.services.imports import ImportResult, import_document
from core.errors import Conflict
from sources.models import Outlet
from sources.services.outlets import UnknownOutlet, normalize_domain, resolve_outlet, save_outlet

# One request imports one article; JSON Lines batches go through `import_articles`.
UPLOAD_FORMATS = ("text", "markdown", "html")


class ArticleHasTags(Conflict):
    """Deleting the article would delete reviewers' tags, and that was not confirmed."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"the article has {count} claim tag(s); deleting it deletes them and their "
            "history too, so confirm that explicitly",
            code="has_tags",
            extra={"tags": count},
        )
        self.count = count


def _outlet(value: str, field: str) -> Outlet | None:
    if not value.strip():
        return None
    try:
        return resolve_outlet(value)
    except UnknownOutlet as exc:
        raise ValidationError({field: exc.messages}) from None


def create_article(
    *,
    by: AbstractBaseUser,
    text: str | None = None,
    upload: BinaryIO | None = None,
    filename: str = "",
    fmt: str = "auto",
    title: str = "",
    publisher: str = "",
    origin: str = "",
    byline: str = "",
    url: str = "",
    published_on: dt.date | None = None,
    comments_start: str = "",
) -> ImportResult:
    """Import one article from `text` or from an uploaded file, exactly as the command
    line would (same decoding, format handling, segmentation and outlet detection).

    `fmt` is "text", "markdown" or "html"; "auto" goes by the file name's extension
    (plain text without one). `publisher` and `origin` are outlet names, slugs, aliases
    or domains; left blank they are detected from the text. The same text imported
    again returns the existing article with `created=False` and writes nothing.
    Raises PermissionDenied for users who may not add articles and ValidationError,
    naming the field, for anything not acceptable."""
    if not by.has_perm("annotator.add_article"):
        raise PermissionDenied("Only teachers, editors and admins can import articles.")
    if (text is None) == (upload is None):
        raise ValidationError({"text": "give either the text or a file, not both"})
    field = "text" if upload is None else "file"
    if fmt == "auto":
        fmt = guess_format(filename) if filename else "text"
    if fmt not in UPLOAD_FORMATS:
        raise ValidationError(
            {
                "format": f"one article per request in {', '.join(UPLOAD_FORMATS)}; import JSON "
                "Lines batches with the import_articles command"
            }
        )
    max_bytes = settings.ANNOTATOR_MAX_ARTICLE_BYTES
    data = text.encode("utf-8") if upload is None else upload.read(max_bytes + 1)
    source = f"api upload: {filename}" if upload is not None else "api"
    try:
        document = document_from_text(
            decode(data, max_bytes=max_bytes),
            source=source[:500],
            fmt=fmt,
            title=title.strip(),
            byline=byline.strip(),
            url=url.strip(),
            published_on=published_on,
            comments_start=comments_start.strip(),
        )
    except BadInput as exc:
        raise ValidationError({field: str(exc)}) from None
    publisher_outlet = _outlet(publisher, "publisher")
    # One look-up when both name the same outlet, as they do for most articles.
    same = origin.strip() == publisher.strip()
    origin_outlet = publisher_outlet if same else _outlet(origin, "origin")
    try:
        with transaction.atomic():
            result = import_document(
                document, publisher=publisher_outlet, origin=origin_outlet, imported_by=by
            )
            if result.created:
                on_import()
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and upload is not None and "text" in exc.error_dict:
            raise ValidationError({"file": exc.error_dict["text"]}) from None
        raise
    return result


@transaction.atomic
def update_article(
    *,
    article: Article,
    by: AbstractBaseUser,
    title: str,
    byline: str,
    url: str,
    published_on: dt.date | None,
    publisher: str,
    origin: str,
) -> Article:
    """Correct an article's metadata (never its text, which its sentences point into).

    `publisher` and `origin` are outlet names, slugs, aliases or domains ("" for none);
    a changed outlet records who set it. Raises PermissionDenied for users who may not
    change articles and ValidationError, naming the field, for a bad value."""
    if not by.has_perm("annotator.change_article"):
        raise PermissionDenied("Only teachers, editors and admins can change articles.")
    new_publisher = _outlet(publisher, "publisher")
    new_origin = _outlet(origin, "origin")
    corrections = _correct(article, by, publisher=new_publisher, origin=new_origin)
    article.title = title.strip()
    article.byline = byline.strip()
    article.url = url.strip()
    article.published_on = published_on
    article.full_clean(
        exclude=["text", "content_hash", "html", "publisher", "origin", "imported_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    article.save(update_fields=["title", "byline", "url", "published_on", *_OUTLET_FIELDS])
    OutletCorrection.objects.bulk_create(corrections)
    return article


# What _correct changes on an article.
_OUTLET_FIELDS = ["publisher", "publisher_signal", "origin", "origin_signal", "origin_unknown"]


def _correct(
    article: Article, by: AbstractBaseUser, *, publisher: Outlet | None, origin: Outlet | None
) -> list[OutletCorrection]:
    """Set publisher and origin on `article` (unsaved), each change with its record."""
    signal = f"set by {by.get_username()}"
    corrections = []
    for field, new in (("publisher", publisher), ("origin", origin)):
        if getattr(article, f"{field}_id") != (new.pk if new else None):
            corrections.append(
                OutletCorrection(
                    article=article,
                    field=field,
                    old_id=getattr(article, f"{field}_id"),
                    old_signal=getattr(article, f"{field}_signal"),
                    new=new,
                    changed_by=by,
                )
            )
            setattr(article, field, new)
            setattr(article, f"{field}_signal", signal)
            if field == "origin":
                article.origin_unknown = ""
    return corrections


@transaction.atomic
def correct_outlets(
    *, article: Article, by: AbstractBaseUser, publisher: str, origin: str
) -> Article:
    """Correct an article's publisher and origin (outlet names, slugs, aliases or
    domains; "" for none), recording each change: who, when, the outlet before and
    after, and the evidence it replaced. Raises as `update_article` does."""
    if not by.has_perm("annotator.change_article"):
        raise PermissionDenied("Only teachers, editors and admins can change articles.")
    corrections = _correct(
        article,
        by,
        publisher=_outlet(publisher, "publisher"),
        origin=_outlet(origin, "origin"),
    )
    if corrections:
        article.save(update_fields=_OUTLET_FIELDS)
        OutletCorrection.objects.bulk_create(corrections)
    return article


@transaction.atomic
def create_named_origin(*, article: Article, by: AbstractBaseUser | None) -> Outlet:
    """Create the outlet that `article` names as its origin but that is not in the
    directory (a domain becomes the outlet's domain too), and make it the origin of every
    article that names it so. `by` None is a command run by the site's operator.
    Raises PermissionDenied for users who may not add outlets and ValidationError when
    the article names no unknown origin."""
    if by is not None and (
        not by.has_perm("sources.add_outlet") or not by.has_perm("annotator.change_article")
    ):
        raise PermissionDenied("Only teachers, editors and admins can add outlets.")
    name = article.origin_unknown.strip()
    if not name:
        raise ValidationError({"origin_unknown": "the article names no unknown origin"})
    outlet = create_outlet_named(name)
    for named in Article.objects.select_for_update().filter(
        origin_unknown__iexact=name, origin__isnull=True
    ):
        evidence = named.origin_signal
        OutletCorrection.objects.create(
            article=named,
            field=OutletCorrection.Field.ORIGIN,
            old=None,
            old_signal=evidence,
            new=outlet,
            changed_by=by,
        )
        named.origin = outlet
        who = by.get_username() if by is not None else "import_articles --create-outlets"
        named.origin_signal = f"{evidence} (outlet created by {who})"[:300]
        named.origin_unknown = ""
        named.save(update_fields=["origin", "origin_signal", "origin_unknown"])
    return outlet


def create_outlet_named(name: str) -> Outlet:
    """The outlet called `name` (name, alias or domain), created if there is none: a
    name that looks like a domain ("antiwar.com") also becomes its domain."""
    try:
        return resolve_outlet(name)
    except UnknownOutlet:
        pass
    looks_like_domain = "." in name and " " not in name
    return save_outlet(
        name=name[:200],
        domains=[normalize_domain(name)] if looks_like_domain else [],
    )


@transaction.atomic
def delete_article(*, article: Article, by: AbstractBaseUser, delete_tags: bool = False) -> int:
    """Delete an article with its sentences; returns how many claim tags went with it.

    An article that reviewers have tagged is deleted only with `delete_tags=True`
    (ArticleHasTags otherwise, and nothing is deleted): their tags and the tags'
    history go with it. Raises PermissionDenied for users who may not delete articles."""
    if not by.has_perm("annotator.delete_article"):
        raise PermissionDenied("Only teachers, editors and admins can delete articles.")
    count = ClaimTag.objects.filter(sentence__article=article).count()
    if count and not delete_tags:
        raise ArticleHasTags(count)
    _, deleted = article.delete()
    # A tag added between the count and the delete still needs the confirmation.
    deleted_tags = deleted.get(ClaimTag._meta.label, 0)
    if deleted_tags and not delete_tags:
        raise ArticleHasTags(deleted_tags)
    return deleted_tags
