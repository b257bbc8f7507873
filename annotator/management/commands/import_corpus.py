"""python manage.py import_corpus FILE --format FORMAT [--user NAME] [--reviewer NAME]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.ingest.corpus import IMPORT_FORMATS, import_corpus


class Command(BaseCommand):
    help = (
        "Import an annotated corpus: our JSON Lines export, W3C Web Annotation (JSON-LD), "
        "Label Studio tasks (JSON) or doccano (JSON Lines). Each record is imported in its "
        "own transaction; bad records are reported with their numbers, and importing the "
        "same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="file to import, or - for stdin")
        parser.add_argument("--format", required=True, choices=IMPORT_FORMATS)
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument(
            "--reviewer",
            default="",
            help="reviewer of records that name none (a plain doccano file)",
        )

    def handle(self, *args: object, **options: object) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"unknown user {options['user']!r}")
        if options["file"] == "-":
            summary = import_corpus(
                stream=sys.stdin.buffer,
                fmt=options["format"],
                user=user,
                default_reviewer=options["reviewer"],
            )
        else:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            with path.open("rb") as stream:
                summary = import_corpus(
                    stream=stream,
                    fmt=options["format"],
                    user=user,
                    default_reviewer=options["reviewer"],
                )
        for number, message in summary.errors:
            where = f"record {number}" if number else "file"
            self.stderr.write(f"rejected {where}: {message}")
        self.stdout.write(str(summary))
        if summary.errors:
            raise CommandError(
                f"{len(summary.errors)} record(s) rejected, nothing of them saved; "
                "the others were imported"
            )
