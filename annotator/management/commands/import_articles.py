"""python manage.py import_articles PATH... [--publisher NAME] [--origin NAME]
[--create-outlets]"""

from __future__ import annotations

import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.ingest.readers import FORMATS, Document, Rejected, read_paths
from annotator.services.articles import create_named_origin
from annotator.services.imports import ImportResult, import_document
from core.errors import one_line
from sources.models import Outlet
from sources.selectors.detect import OutletIndex
from sources.services.outlets import UnknownOutlet, resolve_outlet

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = (
        "Import articles from plain text, Markdown, HTML or JSON Lines files, folders, "
        "or standard input (-). Re-importing the same text changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, or - for stdin")
        parser.add_argument("--publisher", default="", help="outlet that published the articles")
        parser.add_argument("--origin", default="", help="outlet that wrote the articles")
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            help="input format; auto goes by file extension (stdin: text)",
        )
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument(
            "--create-outlets",
            action="store_true",
            help="create the outlets that credit lines name as origin but that are not "
            "known yet, and set them as the articles' origin",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            given_publisher = resolve_outlet(options["publisher"]) if options["publisher"] else None
            given_origin = resolve_outlet(options["origin"]) if options["origin"] else None
        except UnknownOutlet as exc:
            raise CommandError(exc.messages[0]) from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"unknown user {options['user']!r}")

        index = OutletIndex.load()
        outlets: dict[str, Outlet] = {}
        imported = duplicates = 0
        rejected: list[Rejected] = []
        unknown: dict[str, int] = {}
        started = time.monotonic()
        stdin = sys.stdin.buffer if "-" in options["paths"] else None
        inputs = read_paths(
            options["paths"],
            fmt=options["format"],
            max_bytes=settings.ANNOTATOR_MAX_ARTICLE_BYTES,
            stdin=stdin,
        )
        for count, item in enumerate(inputs, start=1):
            if isinstance(item, Document):
                item = self._import(item, given_publisher, given_origin, user, index, outlets)
            if isinstance(item, Rejected):
                rejected.append(item)
                self.stderr.write(f"rejected {item}")
            else:
                imported += item.created
                duplicates += not item.created
                article = item.article
                if article.origin_unknown and options["create_outlets"]:
                    outlet = create_named_origin(article=article, by=user)
                    article.refresh_from_db()
                    index = OutletIndex.load()
                    self.stdout.write(f"Created outlet {outlet.name}")
                self.stdout.write("\n".join(self._detected(item)))
                if article.origin_unknown:
                    unknown[article.origin_unknown] = unknown.get(article.origin_unknown, 0) + 1
            if count % PROGRESS_EVERY == 0:
                rate = count / max(time.monotonic() - started, 1e-9)
                self.stderr.write(
                    f"… {count} read: {imported} imported, {duplicates} duplicates, "
                    f"{len(rejected)} rejected ({rate:.0f}/s)"
                )

        self.stdout.write(
            f"Imported {imported} article(s); skipped {duplicates} duplicate(s); "
            f"rejected {len(rejected)}."
        )
        for name, count in unknown.items():
            self.stdout.write(
                f"Origin named but unknown: {name} ({count} article(s)); create it with "
                "--create-outlets, on the article's page, or in the admin."
            )
        for item in rejected:
            self.stdout.write(f"  rejected {item}")
        if rejected:
            raise CommandError(f"{len(rejected)} input(s) rejected; the others were imported")

    def _import(
        self,
        doc: Document,
        given_publisher: Outlet | None,
        given_origin: Outlet | None,
        user: object,
        index: OutletIndex,
        outlets: dict[str, Outlet],
    ) -> ImportResult | Rejected:
        """Import one document, or say why it was rejected."""
        try:
            publisher = given_publisher or self._outlet(doc.publisher, outlets)
            origin = given_origin or self._outlet(doc.origin, outlets)
            result = import_document(
                doc, publisher=publisher, origin=origin, imported_by=user, outlet_index=index
            )
        except ValidationError as exc:
            return Rejected(doc.source, one_line(exc))
        return result

    @staticmethod
    def _detected(result: ImportResult) -> list[str]:
        """What the summary says of one article: its outlets and the evidence of each."""
        article = result.article
        state = "" if result.created else " (already there)"
        lines = [f"{article.source_name or article.title}{state}:"]
        publisher = article.publisher.name if article.publisher else "none"
        lines.append(f"  publisher {publisher}: {article.publisher_signal or 'no evidence'}")
        if article.origin_unknown:
            lines.append(
                f"  origin named but unknown: {article.origin_unknown}: {article.origin_signal}"
            )
        else:
            origin = article.origin.name if article.origin else "none"
            lines.append(f"  origin {origin}: {article.origin_signal or 'no evidence'}")
        return lines

    @staticmethod
    def _outlet(name: str, cache: dict[str, Outlet]) -> Outlet | None:
        if not name:
            return None
        if name not in cache:
            cache[name] = resolve_outlet(name)
        return cache[name]
