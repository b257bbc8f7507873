"""manage.py backup FILE: the whole database into FILE (see core/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.backup import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (every table) into FILE: pg_dump's custom format on "
        "PostgreSQL, a database file on SQLite. Restore it with `restore FILE`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            backup(file)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Backed up the database to {file} ({file.stat().st_size:,} bytes).")
