"""python manage.py check_tag_history"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from annotator.selectors.history import history_report


class Command(BaseCommand):
    help = (
        "Replay every reviewer's claim's tag history in sequence order and compare it with "
        "the stored tag; list each claim where they differ (exit status 1 if any)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: object, **options: object) -> None:
        report = history_report(using=str(options["database"]))
        for mismatch in report.mismatches:
            self.stdout.write(str(mismatch))
        if report.mismatches:
            raise CommandError(
                f"{len(report.mismatches)} claim(s) of {report.claims} whose history does "
                "not explain the tag"
            )
        self.stdout.write(f"Checked {report.claims} claim(s): the history explains every tag.")
