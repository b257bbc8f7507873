"""python manage.py import_corpus FILE --format FORMAT [--user NAME] [--reviewer NAME]
[--publisher NAME] [--origin NAME] [--labelstudio-user ID_OR_EMAIL=REVIEWER ...]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.ingest.corpus import IMPORT_FORMATS, import_corpus
from sources.services.outlets import UnknownOutlet, resolve_outlet


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
        parser.add_argument(
            "--publisher",
            default="",
            help="publisher of new articles (Label Studio, doccano); else the record's, "
            "else detected",
        )
        parser.add_argument(
            "--origin",
            default="",
            help="origin of new articles (Label Studio, doccano); else the record's, else detected",
        )
        parser.add_argument(
            "--labelstudio-user",
            action="append",
            default=[],
            metavar="ID_OR_EMAIL=REVIEWER",
            help="the reviewer of a Label Studio user's annotations, for annotations that "
            "name no reviewer of ours (repeat for each user)",
        )

    def handle(self, *args: object, **options: object) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"unknown user {options['user']!r}")
        outlets = {}
        for role in ("publisher", "origin"):
            try:
                outlets[role] = resolve_outlet(options[role]) if options[role] else None
            except UnknownOutlet as exc:
                raise CommandError(f"--{role}: {exc.messages[0]}") from None
        users = {}
        for pair in options["labelstudio_user"]:
            key, sep, reviewer = pair.partition("=")
            if not sep or not key.strip() or not reviewer.strip():
                raise CommandError(
                    f"--labelstudio-user {pair!r}: expected ID_OR_EMAIL=REVIEWER, "
                    "such as 1=alice or bob@example.org=bob"
                )
            users[key.strip()] = reviewer.strip()
        settings = {
            "fmt": options["format"],
            "user": user,
            "default_reviewer": options["reviewer"],
            "labelstudio_users": users,
            **outlets,
        }
        if options["file"] == "-":
            summary = import_corpus(stream=sys.stdin.buffer, **settings)
        else:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            with path.open("rb") as stream:
                summary = import_corpus(stream=stream, **settings)
        for number, message in summary.warnings:
            self.stderr.write(f"note on record {number}: {message}")
        for number, message in summary.errors:
            where = f"record {number}" if number else "file"
            self.stderr.write(f"rejected {where}: {message}")
        self.stdout.write(str(summary))
        if summary.errors:
            raise CommandError(
                f"{len(summary.errors)} record(s) rejected, nothing of them saved; "
                "the others were imported"
            )
